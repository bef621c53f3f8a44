"""Drill-down: a report row's contacts add up to the row, for every grouping, chosen
independently of the batch kernel (numpy masks over the facts)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from core.config.scenario import load_scenario
from core.kpi.batch import contact_kpis
from core.kpi.drill_down import row_contacts
from core.reports.drill_down_rows import drill_down_rows
from core.reports.kpi_rows import report_facts
from core.simulation.engine import Simulation
from core.store import Store
from core_ext import kpi_layout

TZ = "Europe/Kyiv"


@pytest.fixture(scope="module")
def floor(tmp_path_factory):
    path = tmp_path_factory.mktemp("drill") / "floor.sqlite"
    with Store.open(path) as store:
        Simulation(dataclasses.replace(load_scenario("normal_day_28"), days=2), store).run()
        span = store.time_span()
        # A range that cuts through the day, so that contacts near its edges have their
        # wait inside and their conversation outside, or the other way round.
        since = span.first_ms + 9 * 3_600_000 + 7 * 60_000
        until = span.first_ms + 30 * 3_600_000 + 11 * 60_000
        found = report_facts(store, since, until, TZ)
        yield store, found


@pytest.mark.parametrize("by", [("agent",), ("team",), ("shift",), ("language",),
                                ("channel",), ("queue",), ("interval",),
                                ("agent", "interval"), ("language", "channel")])
def test_every_row_s_contacts_add_up_to_the_row(floor, by) -> None:
    _, found = floor
    f = found.facts
    table = contact_kpis(f, by, "hour", found.settings, found.since_ms, found.until_ms)
    assert len(table) > 1
    seen_counted = seen_talked = 0
    for i in range(len(table)):
        key = {d: int(table.keys[d][i]) for d in by}
        got = row_contacts(f, found.settings, by, "hour", key, found.since_ms,
                           found.until_ms)
        c, t = got.index[got.counted], got.index[got.talked]
        answered = c[f.how[c] == kpi_layout.HOW_ANSWERED]
        wait = f.resolved_ms[answered] - f.offered_ms[answered]
        talk = f.ended_ms[t] - f.resolved_ms[t]
        assert len(c) == table.offered[i], key
        assert len(answered) == table.answered[i], key
        assert (f.how[c] == kpi_layout.HOW_ABANDONED).sum() == table.abandoned[i], key
        assert wait.sum() == table.wait_answered_ms[i], key
        assert len(t) == table.talked[i], key
        assert talk.sum() == table.talk_ms[i], key
        assert (f.transfers[t] > 0).sum() == table.transferred[i], key
        seen_counted += len(c)
        seen_talked += len(t)
    # Every contact of the report is in exactly one row.
    assert seen_counted == table.offered.sum() and seen_talked == table.talked.sum()


def test_the_rows_name_each_contact_and_what_it_counted_as(floor) -> None:
    store, found = floor
    f = found.facts
    table = contact_kpis(f, ("agent",), "hour", found.settings, found.since_ms,
                         found.until_ms)
    busiest = int(np.argmax(table.talked))
    agent = int(table.keys["agent"][busiest])
    got = row_contacts(f, found.settings, ("agent",), "hour", {"agent": agent},
                       found.since_ms, found.until_ms)
    rows = drill_down_rows(store, found, got)
    name = {a.id: a.name for a in store.agent_rows()}[agent]
    assert len(rows) == len(got) > 10
    assert {r["agent"] for r in rows} == {name}
    assert sum("conversation" in r["counted_as"] for r in rows) == table.talked[busiest]
    assert sum("offered" in r["counted_as"] for r in rows) == table.offered[busiest]
    assert {r["how"] for r in rows} <= {"answered", "dialled"}
    # A dial's wait is the campaign's, not a customer's: not shown as one.
    assert all((r["wait_s"] is None) == (r["channel"] == "outbound_call") for r in rows)
    # In the order they were offered, with the customer's number from the store.
    assert [r["offered_at"] for r in rows] == sorted(r["offered_at"] for r in rows)
    numbers = store.customer_numbers([r["interaction"] for r in rows])
    assert [r["customer"] for r in rows] == [numbers[r["interaction"]] or "-" for r in rows]
    assert any(r["customer"] != "-" for r in rows)


def test_the_not_answered_row_holds_the_abandoned_and_voicemail(floor) -> None:
    store, found = floor
    f = found.facts
    got = row_contacts(f, found.settings, ("agent",), "hour", {"agent": -1},
                       found.since_ms, found.until_ms)
    rows = drill_down_rows(store, found, got)
    assert rows and {r["how"] for r in rows} <= {"abandoned", "voicemail"}
    assert all(r["agent"] == "-" and r["talk_s"] is None for r in rows)


def test_a_row_needs_every_dimension(floor) -> None:
    _, found = floor
    with pytest.raises(ValueError, match="no interval"):
        row_contacts(found.facts, found.settings, ("agent", "interval"), "hour",
                     {"agent": 1}, found.since_ms, found.until_ms)
