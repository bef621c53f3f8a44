"""Fixtures of the desktop tests (``sim``, shared with the command line's, is in
tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def app(qtbot, floor_of, db_path):
    """The window on a temporary floor in one line: ``app()`` (the database alone),
    ``app(scenario="normal_day_28", speed=600)`` (a simulated floor, started), or
    ``app(path, config=...)``. Closed after the test, before its floor."""
    from core.config import defaults
    from desktop.main_window import MainWindow
    from desktop.simulated_floor import SimulatedFloor

    windows = []

    def build(path: Path | None = None, config=None, *, scenario: str | None = None,
              simulated: bool | None = None, settings_path: Path | None = None,
              **simulation) -> MainWindow:
        floor = floor_of(path or db_path)
        sim = None
        if scenario is not None or simulated:
            sim = SimulatedFloor(floor, scenario, **simulation)
        window = MainWindow(floor, config or defaults(), sim, settings_path)
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        if sim is not None:
            sim.start()
        return window

    yield build
    for window in windows:
        window.close()
