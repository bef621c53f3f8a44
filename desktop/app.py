"""Starting the Qt application on an open store."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication

from core.config import Config, channel_targets_s
from core.floor.floor import Floor
from core.floor.pager import Pager
from core.store import Store
from desktop.main_window import MainWindow
from desktop.simulated_floor import SimulatedFloor
from desktop.stop_signals import close_on_stop_signals


def run_app(store: Store, config: Config, scenario: str | None = "normal_day_28",
            speed: float = 1.0, problems: Sequence[str] = (),
            settings_path: Path | None = None) -> int:
    """``store``: the database the start-up opened (it is handed to the floor's one
    writer). ``scenario`` None: no simulated floor; the wallboard follows the
    database. ``problems``: what went wrong opening the inputs, shown once the window
    is up. ``settings_path``: the config file the settings are saved into."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Floorboard")
    path = store.path
    store.close()
    floor = Floor(path)
    simulation = SimulatedFloor(floor, scenario, speed,
                                timezone=config.get("floor.timezone"),
                                targets=channel_targets_s(config))
    window = MainWindow(floor, config, simulation, settings_path)
    window.show()
    simulation.start()
    problems = list(problems)
    pager = None
    if config.get("escalation.contacts"):
        try:
            pager = Pager(floor, config).start()
        except OSError as exc:  # the listener's port is taken (another Floorboard?)
            problems.append(
                f"Complaints cannot be paged from this window: the port for delivery "
                f"reports and replies, {config.get('escalation.listener.port')}, is in use "
                f"({exc}). If another Floorboard or 'floorboard pager' runs, it pages; "
                "else set [escalation.listener] port in the config file.")
    for problem in problems:
        window.show_problem(problem)

    def close() -> None:
        window.close()
        app.quit()

    close_on_stop_signals(window, close)
    try:
        return app.exec()
    finally:
        if pager is not None:
            pager.stop()
        floor.close()
