"""KPI-3 sales (seeds 000, 001): conversations, sales and conversion, new against
existing clients, revenue and featured partners' sales, time per client."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from core.config.scenario import load_scenario
from core.kpi.sales import (
    EXISTING,
    NEW,
    UNKNOWN,
    SalesSettings,
    sales_kpis,
    sales_queues,
    sales_report,
)
from core.model import Agent, Channel, EventKind, Outcome
from core.simulation.engine import Simulation
from core.simulation.sales import PARTNER_PRODUCT
from core.store import Store
from tests.core.kpi.call_streams import HOUR, MIDNIGHT, Floor

MIN = 60_000
NINE = MIDNIGHT + 9 * HOUR
DAY = (MIDNIGHT, MIDNIGHT + 24 * HOUR)
CARE, SALES_EN, SALES_UK = 1, 2, 3
AGENTS = [Agent(1, "A1", ("en",), (), {}, "early", team="A"),
          Agent(2, "A2", ("uk",), (), {}, "late", team="A"),
          Agent(3, "A3", ("en",), (), {}, "early", team="B")]
LANGUAGE = {CARE: "en", SALES_EN: "en", SALES_UK: "uk"}
ONLY_SALES_QUEUES = SalesSettings(sales_queues=frozenset({SALES_EN, SALES_UK}))


def _chat(f: Floor, agent: int, t: int, minutes: float | None, outcome: Outcome,
          number: str | None, queue: int) -> int:
    return f.taken(agent, t, None if minutes is None else int(minutes * MIN), outcome, number,
                   Channel.CHAT, queued_ms=10_000, queue=queue)


def _lines(rows: list[tuple[int, int, int, str, str | None, str]]) -> dict[str, np.ndarray]:
    """As ``Store.sales_columns`` gives them: (interaction, agent, cents, currency,
    partner, product)."""
    def objects(k: int) -> np.ndarray:
        out = np.empty(len(rows), dtype=object)
        out[:] = [r[k] for r in rows]
        return out

    return {"id": np.arange(1, len(rows) + 1), "interaction_id": np.array([r[0] for r in rows]),
            "agent_id": np.array([r[1] for r in rows]), "sold_ms": np.full(len(rows), NINE),
            "amount_cents": np.array([r[2] for r in rows]), "currency": objects(3),
            "partner_id": objects(4), "product": objects(5)}


@pytest.fixture
def floor() -> tuple[Floor, dict[str, int]]:
    """Conversations whose KPIs are worked out by hand in the tests."""
    f = Floor()
    ids = {}
    f.contact(MIDNIGHT - HOUR, "+447700900111")  # yesterday: a known client
    ids["a"] = _chat(f, 1, NINE, 10, Outcome.SALE, "+447700900111", SALES_EN)  # existing
    ids["b"] = _chat(f, 1, NINE + HOUR, 20, Outcome.NO_SALE, "+447700900222", SALES_EN)  # new
    ids["c"] = _chat(f, 1, NINE + 2 * HOUR, 5, Outcome.SALE, "+447700900222", SALES_EN)
    ids["d"] = _chat(f, 2, NINE, 15, Outcome.SALE, None, SALES_UK)  # no number: unknown
    ids["e"] = _chat(f, 2, NINE + HOUR, 8, Outcome.PRANK, "+380671234567", SALES_UK)
    ids["f"] = f.taken(3, NINE, 4 * MIN, Outcome.RESOLVED, "+447700900777", queue=CARE)
    ids["g"] = _chat(f, 3, NINE, None, Outcome.SALE, "+447700900333", SALES_EN)  # not ended
    ids["h"] = _chat(f, 3, DAY[1] - MIN, 5, Outcome.SALE, "+447700900444", SALES_EN)  # later
    ids["i"] = f.missed(NINE, NINE + MIN, EventKind.ABANDONED, SALES_EN, channel=Channel.CHAT)
    ids["j"] = _chat(f, 2, NINE + 3 * HOUR, 12, Outcome.SALE, "+380501112233", SALES_UK)
    ids["k"] = f.taken(3, NINE + 4 * HOUR, 4 * MIN, Outcome.SALE, "+447700900666", queue=CARE)
    return f, ids


def _report(f: Floor, ids: dict[str, int], by: str = "agent",
            settings: SalesSettings = ONLY_SALES_QUEUES):
    lines = _lines([(ids["a"], 1, 5000, "EUR", None, "basic"),
                    (ids["c"], 1, 3000, "EUR", "P-1", PARTNER_PRODUCT),
                    (ids["d"], 2, 12000, "EUR", None, "bundle"),
                    (ids["d"], 2, 1000, "EUR", "P-1", PARTNER_PRODUCT),  # two lines, one sale
                    (ids["h"], 3, 7000, "EUR", None, "basic"),  # its sale ends after the range
                    (ids["k"], 3, 2000, "UAH", "P-2", PARTNER_PRODUCT)])
    return sales_kpis(f.events(), f.interactions(), lines, by, AGENTS, LANGUAGE, settings,
                      *DAY)


def test_conversations_sales_and_clients_per_agent(floor) -> None:
    f, ids = floor
    r = _report(f, ids)
    conv = r.conversations
    assert conv.interaction_id.tolist() == [ids["a"], ids["d"], ids["b"], ids["c"], ids["j"]]
    assert conv.client.tolist() == [EXISTING, UNKNOWN, NEW, EXISTING, NEW]
    t = r.table
    assert t.key.tolist() == [1, 2]
    assert t.conversations.tolist() == [3, 2] and t.sales.tolist() == [2, 2]
    np.testing.assert_allclose(t.conversion, [2 / 3, 1.0])
    assert t.new_conversations.tolist() == [1, 1] and t.new_sales.tolist() == [0, 1]
    assert t.existing_conversations.tolist() == [2, 0] and t.existing_sales.tolist() == [2, 0]
    np.testing.assert_allclose(t.conversion_new, [0.0, 1.0])
    np.testing.assert_allclose(t.conversion_existing, [1.0, np.nan])
    # Agent 1 spent 35 minutes with two clients; agent 2 27 minutes with two (one
    # without a number is a client of their own).
    assert t.clients.tolist() == [2, 2]
    np.testing.assert_allclose(t.talk_per_client_s, [35 * 60 / 2, 27 * 60 / 2])
    assert r.sales_without_lines == 1  # j: a sale nobody said what of


def test_revenue_and_partner_sales_by_partner_id(floor) -> None:
    f, ids = floor
    r = _report(f, ids)
    rev = r.revenue
    rows = list(zip(rev.key.tolist(), rev.currency.tolist(), rev.partner_id.tolist(),
                    rev.sales.tolist(), rev.revenue_cents.tolist(), strict=True))
    assert rows == [(1, "EUR", None, 1, 5000), (1, "EUR", "P-1", 1, 3000),
                    (2, "EUR", None, 1, 12000), (2, "EUR", "P-1", 1, 1000)]
    assert rev.revenue("EUR") == {1: 8000, 2: 13000}
    assert rev.revenue("UAH") == {}
    assert rev.partner_sales() == {"P-1": 2}
    # Every queue counts when none is named: the care queue's sale, in hryvnia, too.
    r = _report(f, ids, settings=SalesSettings())
    assert r.table.key.tolist() == [1, 2, 3] and r.table.sales.tolist() == [2, 2, 1]
    assert r.table.new_conversations.tolist() == [1, 1, 1]
    assert r.revenue.revenue("UAH") == {3: 2000} and r.revenue.revenue("EUR") == {1: 8000,
                                                                                2: 13000}
    assert r.revenue.partner_sales() == {"P-1": 2, "P-2": 1}


@pytest.mark.parametrize("by, keys, conversations, sales, clients", [
    ("team", ["A"], [5], [4], [4]),
    ("shift", ["early", "late"], [3, 2], [2, 2], [2, 2]),
    ("language", ["en", "uk"], [3, 2], [2, 2], [2, 2]),
    ("queue", [SALES_EN, SALES_UK], [3, 2], [2, 2], [2, 2]),
])
def test_groups_by_team_shift_language_and_queue(floor, by, keys, conversations, sales,
                                                 clients) -> None:
    f, ids = floor
    r = _report(f, ids, by)
    assert r.table.key.tolist() == keys
    assert r.table.conversations.tolist() == conversations
    assert r.table.sales.tolist() == sales and r.table.clients.tolist() == clients
    assert sum(r.revenue.revenue("EUR").values()) == 21000


def test_a_range_that_ends_before_the_sale_has_no_sale(floor) -> None:
    f, ids = floor
    lines = _lines([(ids["a"], 1, 5000, "EUR", None, "basic")])
    r = sales_kpis(f.events(), f.interactions(), lines, "agent", AGENTS, LANGUAGE,
                   ONLY_SALES_QUEUES, NINE, NINE + 10 * MIN)  # a ends at 09:10, not before
    assert len(r.table) == 0 and len(r.revenue) == 0
    r = sales_kpis(f.events(), f.interactions(), lines, "agent", AGENTS, LANGUAGE,
                   ONLY_SALES_QUEUES, NINE, NINE + 10 * MIN + 1)
    assert r.table.sales.tolist() == [1] and r.revenue.revenue("EUR") == {1: 5000}
    # A conversation counts where it ended: from its end on, not a moment later.
    end = NINE + 10 * MIN
    for since, n in ((end, 1), (end + 1, 0)):
        r = sales_kpis(f.events(), f.interactions(), lines, "agent", AGENTS, LANGUAGE,
                       ONLY_SALES_QUEUES, since, end + MIN)
        assert r.table.sales.sum() == n


def test_a_transferred_sale_is_the_closers() -> None:
    f = Floor()
    iid = _chat(f, 1, NINE, 3, Outcome.TRANSFERRED, "+447700900888", SALES_EN)
    f._ev(NINE + 3 * MIN, EventKind.TRANSFERRED, iid, 1, SALES_EN, int(Channel.CHAT))
    f._ev(NINE + 5 * MIN, EventKind.OFFERED, iid, 3, SALES_EN, int(Channel.CHAT))
    f._ev(NINE + 5 * MIN, EventKind.ACCEPTED, iid, 3, SALES_EN, int(Channel.CHAT))
    f._ev(NINE + 20 * MIN, EventKind.ENDED, iid, 3, SALES_EN, int(Channel.CHAT),
          int(Outcome.SALE))
    r = sales_kpis(f.events(), f.interactions(), _lines([(iid, 3, 900, "EUR", None, "basic")]),
                   "agent", AGENTS, LANGUAGE, ONLY_SALES_QUEUES, *DAY)
    # Agent 3 closed it; the client's time runs from the first answer to the end.
    assert r.table.key.tolist() == [3] and r.table.sales.tolist() == [1]
    assert r.table.talk_per_client_s.tolist() == [20 * 60]
    assert r.revenue.revenue("EUR") == {3: 900}


def test_groupings_need_what_they_group_by(floor) -> None:
    f, ids = floor
    with pytest.raises(ValueError, match="cannot group sales by 'mood'"):
        _report(f, ids, "mood")
    with pytest.raises(ValueError, match="needs agent 2 among the agents"):
        sales_kpis(f.events(), f.interactions(), _lines([]), "team", AGENTS[:1], LANGUAGE,
                   ONLY_SALES_QUEUES, *DAY)
    with pytest.raises(ValueError, match="each queue's language"):
        sales_kpis(f.events(), f.interactions(), _lines([]), "language", AGENTS, None,
                   ONLY_SALES_QUEUES, *DAY)


@pytest.fixture(scope="module")
def week(tmp_path_factory) -> tuple[Path, Simulation]:
    sc = dataclasses.replace(load_scenario("normal_day_28"), days=7)
    path = tmp_path_factory.mktemp("sales") / "floor.sqlite"
    with Store.open(path) as store:
        sim = Simulation(sc, store)
        sim.run()
    return path, sim


def test_a_simulated_week_converts_as_the_scenario_says(week) -> None:
    path, sim = week
    sc = sim.scenario
    with Store.open(path) as store:
        r = sales_report(store, sim.start_ms, sim.end_ms, floor=sc.floor)
        by_team = sales_report(store, sim.start_ms, sim.end_ms, "team", floor=sc.floor)
        ev = store.read_columns()
        stored = store.sales_columns(sim.start_ms, sim.end_ms)
    t = r.table
    # Seed 000: 17% on average, of the genuine sales conversations.
    conversion = t.sales.sum() / t.conversations.sum()
    print(f"\nnormal_day_28, a week: {t.conversations.sum():,} sales conversations, "
          f"{t.sales.sum():,} sales, conversion {100 * conversion:.1f}% "
          f"(new clients {100 * t.new_sales.sum() / t.new_conversations.sum():.1f}%, "
          f"existing {100 * t.existing_sales.sum() / t.existing_conversations.sum():.1f}%)")
    assert t.conversations.sum() > 4000
    assert conversion == pytest.approx(sc.conversion, abs=0.015)
    # The simulator's sales do not depend on the client: both near the same rate.
    assert t.new_sales.sum() / t.new_conversations.sum() == pytest.approx(sc.conversion,
                                                                         abs=0.03)
    assert t.existing_sales.sum() / t.existing_conversations.sum() == pytest.approx(
        sc.conversion, abs=0.03)
    assert t.new_conversations.sum() > 1000 and t.existing_conversations.sum() > 1000
    # Every sale the events show has its line, and the lines are the store's.
    sold = ev[(ev["kind"] == EventKind.ENDED) & (ev["value"] == Outcome.SALE)]
    assert t.sales.sum() == len(sold) == len(stored["id"]) == sim.summary.sales
    assert r.sales_without_lines == 0
    assert sum(r.revenue.revenue("EUR").values()) == stored["amount_cents"].sum() == (
        sim.summary.revenue_cents)
    # Who sold: agents who may do sales work; per team the same totals.
    sellers = {a.id for a in sc.floor.agents if any(s.skill == "sales" for s in a.skills)}
    assert set(t.key.tolist()) <= sellers
    assert by_team.table.sales.sum() == t.sales.sum()
    assert by_team.table.conversations.sum() == t.conversations.sum()
    assert (t.sales <= t.conversations).all()
    assert (t.new_conversations + t.existing_conversations <= t.conversations).all()
    assert (t.talk_per_client_s > 0).all()
    # Featured partners: their share of the sales, each one's id as configured.
    partners = r.revenue.partner_sales()
    assert set(partners) == set(sc.sales.partners)
    assert sum(partners.values()) / t.sales.sum() == pytest.approx(sc.sales.partner_share,
                                                                    abs=0.04)
    assert set(sales_queues(sc.floor)) >= set(r.conversations.queue_id.tolist())
