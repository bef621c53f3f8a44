"""Starting the Qt application on an open store."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from core.config import Config
from core.store import Store
from desktop.main_window import MainWindow


def run_app(store: Store, config: Config) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Floorboard")
    window = MainWindow(store, config)
    window.show()
    try:
        return app.exec()
    finally:
        store.close()
