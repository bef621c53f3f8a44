"""Starting the Qt application on an open store."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication

from core.config import Config
from core.store import Store
from desktop.main_window import MainWindow
from desktop.simulated_floor import SimulatedFloor


def run_app(store: Store, config: Config, scenario: str | None = "normal_day_28",
            speed: float = 1.0, problems: Sequence[str] = ()) -> int:
    """``scenario`` None: no simulated floor; the wallboard follows the database.
    ``problems``: what went wrong opening the inputs, shown once the window is up."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Floorboard")
    floor = SimulatedFloor(store.path, scenario, speed,
                           timezone=config.get("floor.timezone"))
    window = MainWindow(store, config, floor)
    window.show()
    floor.start()
    for problem in problems:
        window.show_problem(problem)
    try:
        return app.exec()
    finally:
        store.close()
