"""The main window on a real (offscreen) Qt: shows the embedded database, live."""

from __future__ import annotations

from core.config import defaults
from core.floor.floor import Changes
from core.model import Event, EventKind
from core.store import Store
from desktop.main_window import OUTSIDE_WRITERS_MS, MainWindow


def test_window_shows_the_database_and_follows_new_events(floor_of, qtbot,
                                                          populated_store: Store):
    floor = floor_of(populated_store.path)
    window = MainWindow(floor, defaults())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.stats is not None, timeout=5000)
    assert window.windowTitle().startswith("Floorboard")
    assert window.fields["path"].text() == str(populated_store.path)
    before = populated_store.stats().events
    assert window.fields["events"].text() == f"{before:,}"
    assert window.fields["floor"].text() == "2 / 3 / 8"
    # A write of this process's floor: the window hears of it and reads again.
    floor.write(lambda s: s.append([Event(1_800_000_000_000, EventKind.AGENT_LOGIN,
                                          agent_id=1)]), Changes(events=True))
    qtbot.waitUntil(lambda: window.fields["events"].text() == f"{before + 1:,}", timeout=3000)
    # Another program's: read within OUTSIDE_WRITERS_MS.
    populated_store.append([Event(1_800_000_000_001, EventKind.AGENT_LOGOUT, agent_id=1)])
    qtbot.waitUntil(lambda: window.fields["events"].text() == f"{before + 2:,}",
                    timeout=OUTSIDE_WRITERS_MS + 3000)
    assert window.fields["last"].text().startswith("2027-01-15")
    window.close()
    assert not window._timer.isActive()
