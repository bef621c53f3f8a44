"""Simulator control from the toolbar: the shipped scenarios to pick from, and
starting another one on the same database, from where the stored events end."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from core.config import defaults
from core.store import Store
from desktop.main_window import MainWindow
from desktop.simulated_floor import SimulatedFloor, shipped_scenarios


def test_the_picker_lists_the_shipped_scenarios_by_name() -> None:
    assert dict(shipped_scenarios()) == {
        "december_peak": "December peak at 3x forecast", "load_10k": "Load, 10000 agents",
        "load_1k": "Load, 1000 agents", "normal_day_28": "Normal day, 28 agents"}


def test_starting_another_scenario_carries_on_the_same_database(floor_of, qtbot, db_path) -> None:
    tz = zoneinfo.ZoneInfo("Europe/Kyiv")
    ten = int(dt.datetime.combine(dt.datetime.now(tz).date(), dt.time(10), tz).timestamp()
              * 1000)
    with Store.open(db_path) as store:
        first = SimulatedFloor(floor_of(db_path), "normal_day_28", speed=600, clock_ms=ten)
        window = MainWindow(floor_of(store.path), defaults(), first)
        qtbot.addWidget(window)
        window.show()
        first.start()
        try:
            assert window.scenario_box.currentData() == "normal_day_28"
            qtbot.waitUntil(lambda: "Normal day" in window.sim_status.text(), timeout=20_000)
            stored = store.stats().events
            window.scenario_box.setCurrentIndex(window.scenario_box.findData("december_peak"))
            window.start_button.click()
            assert not first._thread.isRunning()
            assert window._simulation is not first
            assert window.sim_status.text() == "Starting December peak at 3x forecast…"
            qtbot.waitUntil(lambda: "December peak" in window.sim_status.text()
                            and "floor time" in window.sim_status.text(), timeout=20_000)
            qtbot.waitUntil(lambda: store.stats().events > stored, timeout=10_000)
            # The new run began after the last stored event: no moment written twice.
            events = store.read_columns()
            later = events[events["seq"] > stored]
            assert later["ts_ms"].min() >= events[events["seq"] <= stored]["ts_ms"].max()
            qtbot.waitUntil(lambda: window.wallboard.latest is not None
                            and window.wallboard.latest.at_ms > ten, timeout=10_000)
            assert window.pause_button.isEnabled() and not window.pause_button.isChecked()
        finally:
            window.close()
        assert not window._simulation._thread.isRunning()
