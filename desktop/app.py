"""Starting the Qt application on an open store."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from core.config import Config
from core.store import Store
from desktop.main_window import MainWindow
from desktop.simulated_floor import SimulatedFloor


def run_app(store: Store, config: Config, scenario: str | None = "normal_day_28",
            speed: float = 1.0) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Floorboard")
    simulation = SimulatedFloor(store.path, scenario, speed) if scenario else None
    window = MainWindow(store, config, simulation)
    window.show()
    if simulation is not None:
        simulation.start()
    try:
        return app.exec()
    finally:
        store.close()
