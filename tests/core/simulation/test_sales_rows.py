"""The simulator says what each sale sold (KPI-3): a row in the sales table for every
conversation that ended in a sale, with an amount, the scenario's currency, a
product, and for some a featured partner's id (seed 000)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from core.config.scenario import load_scenario, parse_scenario
from core.errors import ConfigError
from core.model import EventKind, Outcome
from core.model.scenario import Product, SalesModel
from core.simulation.engine import Simulation
from core.simulation.sales import PARTNER_PRODUCT
from core.store import Store
from tests.core.simulation.scenario_text import BASE


def _run(tmp_path: Path, name: str, **changes) -> tuple[np.ndarray, list[tuple]]:
    sc = dataclasses.replace(load_scenario("normal_day_28"), **changes)
    with Store.open(tmp_path / name) as store:
        Simulation(sc, store).run()
        events = store.read_columns()
        sales = store.connection.execute(
            "SELECT interaction_id, agent_id, sold_ms, amount_cents, currency, partner_id,"
            " product FROM sales ORDER BY id").fetchall()
    return events, sales


def test_every_sale_says_what_it_sold(tmp_path: Path) -> None:
    sc = load_scenario("normal_day_28")
    model = sc.sales
    events, sales = _run(tmp_path, "week.sqlite", days=7)
    sold = events[(events["kind"] == EventKind.ENDED) & (events["value"] == Outcome.SALE)]
    assert [(s[0], s[1], s[2]) for s in sales] == list(zip(
        sold["interaction_id"].tolist(), sold["agent_id"].tolist(), sold["ts_ms"].tolist(),
        strict=True))
    assert len(sales) > 500 and {s[4] for s in sales} == {model.currency}
    partner = [s for s in sales if s[5] is not None]
    assert {s[5] for s in partner} == set(model.partners)
    assert {s[6] for s in partner} == {PARTNER_PRODUCT}
    assert len(partner) / len(sales) == pytest.approx(model.partner_share, abs=0.04)
    # Amounts spread around each product's mean; products in their shares.
    own = [s for s in sales if s[5] is None]
    for product in model.products:
        cents = np.array([s[3] for s in own if s[6] == product.name])
        assert len(cents) / len(own) == pytest.approx(product.share, abs=0.06)
        assert cents.mean() / 100 == pytest.approx(product.mean, rel=0.15)
        assert cents.min() >= 0 and cents.std() > 0
    cents = np.array([s[3] for s in partner])
    assert cents.mean() / 100 == pytest.approx(model.partner_mean, rel=0.2)


def test_sales_are_the_same_for_a_seed_and_leave_the_rest_as_it_was(tmp_path: Path) -> None:
    events, sales = _run(tmp_path, "a.sqlite")
    again = _run(tmp_path, "b.sqlite")
    np.testing.assert_array_equal(events, again[0])
    assert sales == again[1]
    # Another way of selling changes what was sold, and nothing else.
    other = SalesModel(currency="UAH", products=(Product("tariff", 900.0),), amount_cv=0.3)
    events_other, sales_other = _run(tmp_path, "c.sqlite", sales=other)
    np.testing.assert_array_equal(events, events_other)
    assert [s[:3] for s in sales] == [s[:3] for s in sales_other]
    assert {s[4:] for s in sales_other} == {("UAH", None, "tariff")}
    # Another seed, other sales.
    _, sales_seed2 = _run(tmp_path, "d.sqlite", seed=2)
    assert [s[3] for s in sales_seed2][:50] != [s[3] for s in sales][:50]




def test_a_scenario_without_sales_sells_one_product_in_euros(tmp_path: Path) -> None:
    sc = parse_scenario(BASE, "load.toml", tmp_path)
    assert sc.sales == SalesModel()
    sc = parse_scenario(BASE + '[sales]\ncurrency = "PLN"\npartners = ["X1"]\n'
                        "partner_share = 0.5\n  [sales.products.tv]\n  mean = 30\n",
                        "load.toml", tmp_path)
    assert sc.sales.currency == "PLN" and sc.sales.products == (Product("tv", 30.0, 1.0),)
    assert sc.sales.partners == ("X1",) and sc.sales.partner_share == 0.5


@pytest.mark.parametrize("extra, message", [
    ('[sales]\ncurrency = "euro"', r"line 12: sales.currency: an ISO 4217 code such as 'EUR'"),
    ("[sales]\npartner_share = 0.2", r"line 12: sales.partner_share: partner sales need "
     r"partners"),
    ('[sales]\npartners = ["A", "A"]', r"line 12: sales.partners\[1\]: partner 'A' is listed "
     r"twice"),
    ('[sales]\npartners = [""]', r"line 12: sales.partners\[0\]: expected a partner id"),
    ("[sales]\n  [sales.products.tv]\n  mean = 0", r"line 13: sales.products.tv.mean: must be "
     r"at least 0.01"),
    ("[sales]\n  [sales.products.tv]\n  price = 3", r"line 13: sales.products.tv.price: "
     r"unknown key"),
    ("[sales]\nproducts = { tv = 30 }", r"line 12: sales.products.tv: give the product's "
     r"mean amount and share"),
    ("[sales]\namount_cv = -1", r"line 12: sales.amount_cv: must be at least 0"),
])
def test_sales_mistakes_name_line_and_key(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_scenario(BASE + extra + "\n", "load.toml", tmp_path)
