"""The KPI reports tab on a real (offscreen) Qt over a simulated day: the rows are the
batch engine's, a click shows the row's contacts, the seeds' spread and sabotage flags
are shown with their evidence and marked on the agents' rows, tables save as CSV."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import zoneinfo

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from core.config import defaults
from core.config.scenario import load_scenario
from core.kpi.calls import call_report
from core.kpi.outbound import outbound_report
from core.reports.kpi_rows import kpi_report
from core.reports.table_text import cell_text
from core.simulation.engine import Simulation
from core.store import Store
from desktop.kpi_reports import FLAGGED, GROUPINGS
from desktop.main_window import MainWindow
from tests.report_floor import TZ


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    """A week of the seeds' floor: enough dials for KPI-4 to judge the saboteur."""
    path = tmp_path_factory.mktemp("week") / "floor.sqlite"
    with Store.open(path) as store:
        simulation = Simulation(dataclasses.replace(load_scenario("normal_day_28"), days=7),
                                store)
        simulation.run()
    return path, simulation


@pytest.fixture
def reports(floor_of, qtbot, week):
    db, simulation = week
    config = defaults()
    config.values["floor.timezone"] = TZ
    with Store.open(db) as store:
        window = MainWindow(floor_of(store.path), config, None)
        qtbot.addWidget(window)
        window.show()
        window.tabs.setCurrentWidget(window.reports)
        qtbot.waitUntil(lambda: window.stats is not None, timeout=10_000)
        yield window.reports, store, simulation
        window.close()


def _run(qtbot, panel, grouping: str, since: dt.datetime, until: dt.datetime,
         interval: str = "hour") -> None:
    panel.grouping.setCurrentIndex([g for g, _ in GROUPINGS].index(grouping))
    panel.interval.setCurrentIndex(panel.interval.findData(interval))
    panel.set_range(since, until)
    with qtbot.waitSignal(panel.shown, timeout=30_000):
        panel.run_button.click()


def _day(simulation) -> tuple[dt.datetime, dt.datetime]:
    """The last day of the simulation, on the floor's clock."""
    tz = zoneinfo.ZoneInfo(TZ)
    end = dt.datetime.fromtimestamp((simulation.end_ms - 1) / 1000, tz).replace(tzinfo=None)
    start = dt.datetime.combine(end.date(), dt.time())
    return start, start + dt.timedelta(days=1)


def _ms(local: dt.datetime) -> int:
    return int(local.replace(tzinfo=zoneinfo.ZoneInfo(TZ)).timestamp() * 1000)


def _shown(view, row: int) -> dict[str, str]:
    model = view.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return {h: model.index(row, c).data() for c, h in enumerate(headers)}


def test_the_table_is_the_batch_engine_s_report_of_the_range(qtbot, reports) -> None:
    panel, store, simulation = reports
    since, until = _day(simulation)
    # The range opens on the floor's today: the day of the last stored event.
    assert panel.since.dateTime().toPython() == since
    _run(qtbot, panel, "Team", since, until)
    _, expected = kpi_report(store, ("team",), "hour", _ms(since), _ms(until), TZ)
    assert len(expected) > 1
    assert [{k: v for k, v in r.items() if k != "flags"} for r in panel.report.rows] == expected
    for i, row in enumerate(expected):
        # The view sorts; the report's own order is the model's.
        shown = _shown(panel.table, panel.proxy.mapFromSource(panel.model.index(i, 0)).row())
        assert shown["team"] == row["team"]
        assert shown["offered"] == cell_text(row["offered"])
        assert shown["service\nlevel %"] == cell_text(row["service_level_pct"])
    # A narrower range is that range's report, not the day's.
    _run(qtbot, panel, "Channel and interval", since + dt.timedelta(hours=9),
         since + dt.timedelta(hours=12), "15min")
    _, expected = kpi_report(store, ("channel", "interval"), "15min",
                             _ms(since + dt.timedelta(hours=9)),
                             _ms(since + dt.timedelta(hours=12)), TZ)
    assert [r["interval"] for r in panel.report.rows] == [r["interval"] for r in expected]
    assert {r["interval"][11:] for r in expected} >= {"09:00", "09:15", "11:45"}


def test_sorting_is_by_value(qtbot, reports) -> None:
    panel, _, simulation = reports
    _run(qtbot, panel, "Agent", *_day(simulation))
    column = panel.model.keys.index("answered")
    panel.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    shown = [int(panel.proxy.index(r, column).data().replace(",", ""))
             for r in range(panel.proxy.rowCount())]
    assert shown == sorted(shown, reverse=True) and shown[0] >= 100


def test_a_row_drills_down_to_its_contacts(qtbot, reports) -> None:
    panel, _, simulation = reports
    _run(qtbot, panel, "Agent", *_day(simulation))
    rows = panel.report.rows
    busiest = max(range(len(rows)), key=lambda i: rows[i]["conversations"])
    at = panel.proxy.mapFromSource(panel.model.index(busiest, 0))
    with qtbot.waitSignal(panel.shown, timeout=30_000):
        panel.table.selectionModel().setCurrentIndex(
            at, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
    contacts = panel.contacts
    assert sum("offered" in c["counted_as"] for c in contacts) == rows[busiest]["offered"]
    assert (sum("conversation" in c["counted_as"] for c in contacts)
            == rows[busiest]["conversations"] > 10)
    assert {c["agent"] for c in contacts} == {rows[busiest]["agent"]}
    assert panel.contact_proxy.rowCount() == len(contacts)
    assert str(rows[busiest]["agent"]) in panel.contact_title.text()
    assert f"{len(contacts):,}" in panel.contact_title.text()


def test_the_seeds_flags_are_shown_with_evidence_and_on_the_agents_rows(qtbot,
                                                                        reports) -> None:
    panel, store, simulation = reports
    panel.grouping.setCurrentIndex([g for g, _ in GROUPINGS].index("Agent"))
    panel.set_days(6, 7)  # "Last 7 days": a day's few dials judge nobody
    with qtbot.waitSignal(panel.shown, timeout=30_000):
        panel.run_button.click()
    since, until = panel._range_ms()
    assert until - since == 7 * 86_400_000 and until > simulation.end_ms - 86_400_000
    names = {a.id: a.name for a in store.agent_rows()}
    sabotage = outbound_report(store, since, until).sabotage
    spread = call_report(store, since, until, store.agents()).spread
    assert [names[f.agent_id] for f in sabotage] == ["Olena"] and spread
    text = panel.flags.toPlainText()
    assert "Olena:" in text and "before the callee could answer" in text
    assert text.count("Spread between comparable agents") == len(spread)
    by_agent = {r["agent"]: r["flags"] for r in panel.report.rows}
    assert "sabotage" in by_agent["Olena"]
    for f in spread:
        assert "fewest" in by_agent[names[f.lowest_agent]]
        assert "most" in by_agent[names[f.highest_agent]]
    flagged = {names[f.agent_id] for f in sabotage} | {
        names[a] for f in spread for a in (f.lowest_agent, f.highest_agent)}
    assert {a for a, words in by_agent.items() if words} == flagged
    olena = [r["agent"] for r in panel.report.rows].index("Olena")
    assert panel.model.index(olena, 0).data(Qt.ItemDataRole.BackgroundRole) == FLAGGED
    calm = next(i for i, r in enumerate(panel.report.rows) if not r["flags"])
    assert panel.model.index(calm, 0).data(Qt.ItemDataRole.BackgroundRole) is None


def test_tables_save_as_csv_with_every_column(qtbot, reports, tmp_path) -> None:
    panel, _, simulation = reports
    _run(qtbot, panel, "Language", *_day(simulation))
    path = tmp_path / "report.csv"
    panel.save_csv(panel.report.rows, path)
    with path.open(encoding="utf-8") as f:
        saved = list(csv.DictReader(f))
    assert [r["language"] for r in saved] == [r["language"] for r in panel.report.rows]
    assert list(saved[0]) == list(panel.report.rows[0])
    assert [int(r["offered"]) for r in saved] == [r["offered"] for r in panel.report.rows]
    assert "p90_answer_s" in saved[0] and "fcr_pct" in saved[0]


def test_an_empty_range_says_so(qtbot, reports) -> None:
    panel, _, simulation = reports
    since, _ = _day(simulation)
    _run(qtbot, panel, "Agent", since - dt.timedelta(days=30), since - dt.timedelta(days=29))
    assert panel.report.rows == [] and panel.model.rowCount() == 0
    assert "No contacts were resolved in this range" in panel.status.text()
    panel.set_range(since, since)
    panel.run_button.click()
    assert "range is empty" in panel.status.text()
