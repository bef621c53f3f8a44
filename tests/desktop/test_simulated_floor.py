"""The app on first start: a simulated floor on its own thread, shown live."""

from __future__ import annotations

from core.config import defaults
from core.store import Store
from desktop.main_window import MainWindow
from desktop.simulated_floor import SimulatedFloor


def test_the_window_shows_a_living_floor(floor_of, qtbot, db_path) -> None:
    with Store.open(db_path) as store:
        floor = SimulatedFloor(floor_of(db_path), "normal_day_28", speed=600)
        window = MainWindow(floor_of(store.path), defaults(), floor)
        qtbot.addWidget(window)
        window.show()
        floor.start()
        try:
            qtbot.waitUntil(lambda: window.last_floor is not None, timeout=20_000)
            assert "Normal day, 28 agents" in window.sim_status.text()
            assert window.speed_box.currentData() == 600
            first = store.stats().events
            qtbot.waitUntil(lambda: store.stats().events > first, timeout=10_000)
            # The floor's writes tell the window, which reads the status again.
            qtbot.waitUntil(lambda: window.stats is not None and window.stats.events > 0,
                            timeout=5_000)
            assert window.fields["events"].text() == f"{window.stats.events:,}" != "0"
            # Pausing stops the floor clock; the database stops growing.
            window.pause_button.setChecked(True)
            qtbot.waitUntil(lambda: "paused" in window.sim_status.text(), timeout=5_000)
            qtbot.wait(600)
            paused_at = store.stats().events
            qtbot.wait(800)
            assert store.stats().events == paused_at
        finally:
            window.close()  # stops the simulation thread
        assert not floor._thread.isRunning()


def test_without_simulation_the_controls_are_off(floor_of, qtbot, store) -> None:
    window = MainWindow(floor_of(store.path), defaults(), None)
    qtbot.addWidget(window)
    assert not window.pause_button.isEnabled()
    assert "No floor connected" in window.sim_status.text()
