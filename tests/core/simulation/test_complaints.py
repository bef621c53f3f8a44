"""SIM-1 complaints: many raised, serious ones from real customers rare (seed 000:
valid complaints "only 2 or 3 a month"), pranksters' from a few known numbers; all
stored with the interaction, the agent and (for calls) the customer's number."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from core.config.scenario import load_scenario
from core.model import SERIOUS_COMPLAINTS, ComplaintCategory, EventKind, Outcome
from core.simulation.engine import Simulation
from core.store import Store


def test_a_month_on_the_normal_floor(tmp_path: Path) -> None:
    sc = dataclasses.replace(load_scenario("normal_day_28"), days=30)
    # What the scenario promises, from its own figures: served genuine contacts times
    # the rate of serious complaints among them.
    genuine = (sc.interactions_per_day * sum(sc.weekly) / 7 * 30 * (1 - sc.prank_share))
    expected = genuine * sc.complaint_rate * sc.serious_complaint_share
    assert 2.0 <= expected <= 3.2
    with Store.open(tmp_path / "floor.sqlite") as store:
        sim = Simulation(sc, store)
        summary = sim.run()
        rows = store.complaints()
        c = store.connection
        events = c.execute("SELECT interaction_id, agent_id, value FROM events WHERE kind = ?",
                           (int(EventKind.COMPLAINT_RAISED),)).fetchall()
        ended_by = dict(c.execute(
            "SELECT interaction_id, agent_id FROM events WHERE kind = ?",
            (int(EventKind.ENDED),)).fetchall())
        channel = dict(c.execute("SELECT id, channel FROM interactions").fetchall())
    assert summary.complaints == len(rows) == len(events)
    assert 40 <= len(rows) <= 200, len(rows)
    arr = sim.arrivals
    prank_numbers, serious_genuine = set(), set()
    for complaint, (iid, aid, category) in zip((r.complaint for r in rows), events,
                                               strict=True):
        assert (complaint.interaction_id, complaint.agent_id, int(complaint.category)) == (
            iid, aid, category)
        assert ended_by[iid] == aid  # raised by the agent who served the contact
        assert complaint.note
        is_call = channel[iid] in (1, 5, 7)
        assert (complaint.customer_number is not None) == is_call
        i = iid - 1
        if arr.outcome[i] == Outcome.PRANK:
            prank_numbers.add(int(arr.customer[i]))
        elif complaint.category in SERIOUS_COMPLAINTS:
            serious_genuine.add(int(arr.customer[i]))
    # A handful of pranksters complain again and again.
    assert 0 < len(prank_numbers) <= max(3, len(arr) // 3 // 500)
    assert len(serious_genuine) <= 6


def test_serious_complaints_from_real_customers_are_two_or_three_a_month() -> None:
    # One month can have none or five (Poisson); six months of different seeds
    # average out. A customer counts once a month: repeats are duplicates.
    sc = load_scenario("normal_day_28")
    per_month = []
    for seed in range(1, 7):
        sim = Simulation(dataclasses.replace(sc, days=30, seed=seed))
        sim.run()
        served = sim.status == 3  # DONE: the conversation ended
        genuine = served & (sim.arrivals.outcome != Outcome.PRANK)
        serious = genuine & np.isin(sim.complaint_category, [int(c) for c in SERIOUS_COMPLAINTS])
        per_month.append(len(set(sim.arrivals.customer[serious].tolist())))
    print(f"\nnormal_day_28: serious complaints from real customers per month, six "
          f"seeds: {per_month} (mean {np.mean(per_month):.1f}; seed 000: 2-3)")
    assert 1.0 <= np.mean(per_month) <= 4.5 and max(per_month) <= 7


def test_no_complaints_unless_the_scenario_has_them(tmp_path: Path) -> None:
    sc = dataclasses.replace(load_scenario("normal_day_28"), complaint_rate=0.0,
                             prank_complaint_rate=0.0)
    summary = Simulation(sc).run()
    assert summary.complaints == 0 and summary.events > 0


def test_analysts_see_complaints_by_name(tmp_path: Path) -> None:
    sc = dataclasses.replace(load_scenario("normal_day_28"), days=7)
    with Store.open(tmp_path / "floor.sqlite") as store:
        Simulation(sc, store).run()
        c = store.connection
        names = {r[0] for r in c.execute("SELECT category FROM v_complaints")}
        kinds = c.execute("SELECT count(*) FROM v_events WHERE kind = 'COMPLAINT_RAISED' "
                          "AND value_name IN (SELECT name FROM complaint_categories)").get
        total = c.execute("SELECT count(*) FROM complaints").get
    assert names and names <= {cat.name for cat in ComplaintCategory}
    assert kinds == total > 0


def test_a_pseudonymised_export_hides_the_complainants_numbers(tmp_path: Path) -> None:
    import sqlite3

    from core.store.export import export_snapshot

    sc = dataclasses.replace(load_scenario("normal_day_28"), days=7)
    with Store.open(tmp_path / "floor.sqlite") as store:
        Simulation(sc, store).run()
        out = export_snapshot(store, tmp_path / "out.sqlite", pseudonymize_key=b"k" * 32).path
    con = sqlite3.connect(out)
    pairs = con.execute("SELECT c.customer_number, i.customer_number FROM complaints c "
                        "JOIN interactions i ON i.id = c.interaction_id "
                        "WHERE c.customer_number IS NOT NULL").fetchall()
    con.close()
    assert pairs and all(a.startswith("anon-") and a == b for a, b in pairs)
