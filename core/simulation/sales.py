"""What each simulated sale sold (KPI-3): a product, or a featured partner's service
(seed 000: partner sales are attributed by partner id), and the amount.

Drawn up front for the contacts that will end in a sale, from a stream of their
own, so that a seed gives the same sales and every other draw stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.model import Outcome
from core.model.scenario import SalesModel

#: The product name of a featured partner's service; the partner is in partner_id.
PARTNER_PRODUCT = "partner service"


@dataclass
class SaleDraws:
    """Per contact that ends in a sale (by index among the contacts, ascending)."""

    contact: np.ndarray  # int64
    product: np.ndarray  # int16: index into the model's products, -1: a partner's
    partner: np.ndarray  # int16: index into the model's partners, -1: none
    amount_cents: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.contact)

    def take(self, contacts: np.ndarray) -> SaleDraws:
        """The draws of these contacts (each one with a draw)."""
        at = np.minimum(np.searchsorted(self.contact, contacts), max(len(self) - 1, 0))
        if len(contacts) and (not len(self) or (self.contact[at] != contacts).any()):
            raise ValueError("a contact without a sale drawn for it")
        return SaleDraws(self.contact[at], self.product[at], self.partner[at],
                         self.amount_cents[at])


def _lognormal(rng: np.random.Generator, mean: np.ndarray, cv: float) -> np.ndarray:
    sigma2 = np.log1p(cv * cv)
    return mean * np.exp(rng.normal(-sigma2 / 2, np.sqrt(sigma2), len(mean)))


def draw_sales(model: SalesModel, outcome: np.ndarray, rng: np.random.Generator) -> SaleDraws:
    """The draws for every contact whose outcome is a sale."""
    contact = np.flatnonzero(outcome == Outcome.SALE).astype(np.int64)
    n = len(contact)
    shares = np.array([p.share for p in model.products], dtype=float)
    product = rng.choice(len(shares), size=n, p=shares / shares.sum()).astype(np.int16)
    partner_sale = (rng.random(n) < model.partner_share) if model.partners else np.zeros(n, bool)
    partner = np.where(partner_sale, rng.integers(0, max(1, len(model.partners)), n),
                       -1).astype(np.int16)
    product = np.where(partner_sale, -1, product).astype(np.int16)
    means = np.array([p.mean for p in model.products], dtype=float)
    mean = np.where(partner_sale, model.partner_mean, means[np.maximum(product, 0)])
    amount = _lognormal(rng, mean, model.amount_cv) if n else np.zeros(0)
    return SaleDraws(contact, product, partner, np.round(amount * 100).astype(np.int64))
