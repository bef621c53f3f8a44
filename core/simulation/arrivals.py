"""Who calls, chats and writes, when: arrivals and what each contact will need.

Arrivals are a non-homogeneous Poisson process whose rate is constant within each
local hour: a Poisson count per hour, then uniform times within it — exact for a
piecewise-constant rate. Everything a contact will need (handling time, patience,
outcome) is drawn up front from one seeded generator, so a run is deterministic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.clock import HOUR_MS, local_midnight_ms
from core.model import Channel, Outcome, WorkMode
from core.model.scenario import Scenario

NEVER = np.iinfo(np.int64).max

#: Country calling codes for the floor's languages (customer numbers are made up).
_COUNTRY = {"en": "44", "es": "34", "it": "39", "fr": "33", "uk": "380", "ru": "7", "pl": "48"}


@dataclass
class Arrivals:
    """One row per contact, sorted by arrival time."""

    arrived_ms: np.ndarray  # int64
    queue_index: np.ndarray  # int32, into scenario.floor.queues
    handle_ms: np.ndarray  # int64
    patience_ms: np.ndarray  # int64, NEVER: does not abandon
    outcome: np.ndarray  # int8, Outcome
    customer: np.ndarray  # int64, index of a customer (repeat contacts share one); pranks
    # come from a few numbers beyond the customer base
    mobile: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.arrived_ms)


def _lognormal(rng: np.random.Generator, mean: float, cv: float, n: int) -> np.ndarray:
    if cv <= 0:
        return np.full(n, mean)
    sigma2 = np.log1p(cv * cv)
    return rng.lognormal(np.log(mean) - sigma2 / 2, np.sqrt(sigma2), n)


def generate(scenario: Scenario, rng: np.random.Generator) -> Arrivals:
    floor = scenario.floor
    shares = np.array([scenario.queue_share[q.queue.id] for q in floor.queues])
    # Expected contacts per (hour, queue) of a day of volume 1: each queue has its
    # own wave (channel and language).
    rate = (scenario.queue_waves() * shares[:, None]).T
    n_queues = len(shares)
    times, queues = [], []
    for d in range(scenario.days):
        day = scenario.start + dt.timedelta(days=d)
        volume = (scenario.interactions_per_day * scenario.weekly[day.weekday()]
                  * scenario.multiplier(day))
        midnight = local_midnight_ms(day, scenario.timezone)
        counts = rng.poisson(volume * rate).ravel()  # hour-major
        n = int(counts.sum())
        cell = np.repeat(np.arange(24 * n_queues), counts)
        hour = cell // n_queues
        times.append(midnight + (hour * HOUR_MS + rng.integers(0, HOUR_MS, n)))
        queues.append(cell % n_queues)
    arrived = np.concatenate(times).astype(np.int64) if times else np.zeros(0, np.int64)
    queue_index = np.concatenate(queues).astype(np.int32) if queues else np.zeros(0, np.int32)
    order = np.argsort(arrived, kind="stable")
    arrived, queue_index = arrived[order], queue_index[order]
    n = len(arrived)

    channel = np.array([int(q.queue.channel) for q in floor.queues])[queue_index]
    sales = np.array([q.work == WorkMode.SALES for q in floor.queues])[queue_index]
    handle = np.zeros(n)
    patience = np.full(n, np.inf)
    for ch, model in scenario.channels.items():
        mask = channel == int(ch)
        k = int(mask.sum())
        if not k:
            continue
        drawn = (rng.exponential(model.handle_mean_s, k)
                 if model.handle_distribution == "exponential"
                 else _lognormal(rng, model.handle_mean_s, model.handle_cv, k))
        handle[mask] = np.clip(drawn, model.handle_min_s, model.handle_max_s)
        if model.patience_mean_s > 0:
            patience[mask] = rng.exponential(model.patience_mean_s, k)
    outbound = channel == int(Channel.OUTBOUND_CALL)
    prank = (rng.random(n) < scenario.prank_share) & ~outbound
    outcome = np.where(sales, np.where(rng.random(n) < scenario.conversion, Outcome.SALE,
                                       Outcome.NO_SALE), Outcome.RESOLVED)
    # Time-wasters and pranksters: over quickly, never a sale (seed 000).
    outcome = np.where(prank, Outcome.PRANK, outcome)
    handle = np.where(prank, np.minimum(handle, 90.0), handle)
    # Outbound: most dialled numbers are not reached; those calls end in seconds.
    reached = rng.random(n) < 0.4
    outcome = np.where(outbound & ~reached, Outcome.NOT_REACHED, outcome)
    handle = np.where(outbound & ~reached, 25.0, handle)
    # Repeat contacts: a customer base about a third of the contacts (Zipf-like).
    customers = max(1, n // 3)
    customer = (rng.pareto(1.2, n) * customers / 10).astype(np.int64) % customers
    mobile = rng.random(customers) < 0.7
    # Pranksters are a few regulars, not customers (the numbers a floor learns to
    # spot). A child stream: the draws above and their seeds' runs stay as they were.
    pranks = rng.spawn(1)[0]
    pranksters = max(3, customers // 500)
    customer = np.where(prank, customers + pranks.integers(0, pranksters, n), customer)
    mobile = np.concatenate([mobile, pranks.random(pranksters) < 0.9])
    patience_ms = np.full(n, NEVER, dtype=np.int64)
    finite = np.isfinite(patience)
    patience_ms[finite] = (patience[finite] * 1000).astype(np.int64)
    return Arrivals(
        arrived_ms=arrived,
        queue_index=queue_index,
        handle_ms=(handle * 1000).astype(np.int64),
        patience_ms=patience_ms,
        outcome=outcome.astype(np.int8),
        customer=customer,
        mobile=mobile[customer] if n else np.zeros(0, bool),
    )


#: Mobile and landline prefixes after the country code, per country code.
_PREFIX = {"44": ("7700", "20"), "380": ("67", "44"), "7": ("916", "495"), "48": ("512", "22"),
           "34": ("612", "91"), "39": ("347", "06"), "33": ("6", "1")}


def customer_numbers(customer: np.ndarray, mobile: np.ndarray,
                     language: Sequence[str]) -> list[str]:
    """Made-up but well-formed numbers, stable per customer: one per row, for the
    row's customer index, mobile flag and language (which picks the country)."""
    heads = {}
    for lang in set(language):
        cc = _COUNTRY.get(lang, "44")
        mob, land = _PREFIX.get(cc, ("7", "2"))
        heads[lang] = (f"+{cc}{land}", f"+{cc}{mob}")
    digits = ((customer.astype(np.int64) * 7919 + 1234567) % 10_000_000).tolist()
    return [f"{heads[lang][m]}{d:07d}"
            for lang, m, d in zip(language, mobile.tolist(), digits, strict=True)]
