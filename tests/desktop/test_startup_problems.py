"""Bad input on start (issue 6): a database from a newer Floorboard, a configuration
file with an error or missing, a scenario file with an error. Each gives a dialog
that says what is wrong and what to do, and the app stays up."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from core.config import load_config
from core.store import Store
from core.store.migrations import LATEST_VERSION
from desktop.main_window import MainWindow
from desktop.simulated_floor import SimulatedFloor
from desktop.startup import open_for_app


def _newer_database(path: Path) -> Path:
    Store.open(path).close()
    with sqlite3.connect(path) as c:
        c.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    c.close()
    return path


def test_a_newer_database_opens_a_temporary_one_and_says_so(tmp_path) -> None:
    newer = _newer_database(tmp_path / "floor.sqlite")
    before = newer.read_bytes()
    start = open_for_app(lambda: load_config(None), lambda config: newer)
    try:
        assert start.store.path != newer and start.store.path.exists()
        [problem] = start.problems
        assert "written by a newer Floorboard" in problem and "Upgrade Floorboard" in problem
        assert str(start.store.path) in problem and "not changed" in problem
        assert newer.read_bytes() == before
    finally:
        start.store.close()


def test_a_bad_or_missing_config_starts_on_defaults_and_says_where(tmp_path) -> None:
    bad = tmp_path / "config.toml"
    bad.write_text('[wallboard]\nsl_green = 0.5\nsl_amber = 0.9\n')
    for path, words in ((bad, "line 3: wallboard.sl_amber"),
                        (tmp_path / "nope.toml", "configuration file not found")):
        start = open_for_app(lambda p=path: load_config(p),
                             lambda config: tmp_path / "floor.sqlite")
        try:
            [problem] = start.problems
            assert words in problem and "default settings" in problem
            assert start.config.get("wallboard.sl_green") == 0.8
        finally:
            start.store.close()


def test_problems_are_shown_in_a_dialog_and_the_window_stays(floor_of, qtbot, tmp_path) -> None:
    newer = _newer_database(tmp_path / "floor.sqlite")
    start = open_for_app(lambda: load_config(None), lambda config: newer)
    window = MainWindow(floor_of(start.store.path), start.config, None)
    qtbot.addWidget(window)
    window.show()
    for problem in start.problems:
        window.show_problem(problem)
    [box] = window.problems
    assert box.isVisible() and box.icon() == QMessageBox.Icon.Warning
    assert "newer Floorboard" in box.text()
    box.accept()
    assert window.problems == [] and window.isVisible()
    window.close()
    start.store.close()


def test_a_scenario_with_an_error_says_which_line_and_the_wallboard_goes_on(floor_of,
        qtbot, tmp_path) -> None:
    scenario = tmp_path / "broken.toml"
    scenario.write_text('[scenario]\nname = "Broken"\ngenerate_agents = "many"\n')
    db = tmp_path / "floor.sqlite"
    with Store.open(db) as store:
        floor = SimulatedFloor(floor_of(db), str(scenario), 60, timezone="Europe/Kyiv")
        window = MainWindow(floor_of(store.path), load_config(None), floor)
        qtbot.addWidget(window)
        window.show()
        floor.start()
        try:
            qtbot.waitUntil(lambda: len(window.problems) == 1, timeout=10_000)
            text = window.problems[0].text()
            assert str(scenario) in text and "line 3" in text and "generate_agents" in text
            assert "Correct the scenario" in text
            assert not window.pause_button.isEnabled()
            # The floor's thread still follows the database: a wallboard comes.
            qtbot.waitUntil(lambda: window.wallboard.latest is not None, timeout=10_000)
            assert window.wallboard.latest.timezone == "Europe/Kyiv"
        finally:
            window.close()


def test_without_simulation_the_wallboard_follows_another_writer(floor_of, qtbot, tmp_path) -> None:
    import dataclasses

    from core.config.scenario import load_scenario
    from core.simulation.engine import Simulation

    db = tmp_path / "floor.sqlite"
    with Store.open(db) as store:
        floor = SimulatedFloor(floor_of(db), None, timezone="Europe/Kyiv")
        window = MainWindow(floor_of(store.path), load_config(None), floor)
        qtbot.addWidget(window)
        window.show()
        floor.start()
        try:
            assert not window.pause_button.isEnabled()
            assert "follows the database" in window.sim_status.text()
            qtbot.waitUntil(lambda: window.wallboard.latest is not None, timeout=10_000)
            # Another program (here: a simulation on its own connection) writes.
            with Store.open(db) as writer:
                sc = dataclasses.replace(load_scenario("normal_day_28"), days=1)
                sim = Simulation(sc, writer)
                sim.run_until(sim.start_ms + 10 * 3_600_000)
                sim.flush()
            qtbot.waitUntil(lambda: any(c.offered > 0 for c in window.wallboard.latest.channels),
                            timeout=10_000)
        finally:
            window.close()
