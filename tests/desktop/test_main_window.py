"""The main window on a real (offscreen) Qt: shows the embedded database, live."""

from __future__ import annotations

from core.config import defaults
from core.model import Event, EventKind
from core.store import Store
from desktop.main_window import MainWindow


def test_window_shows_the_database_and_follows_new_events(qtbot, populated_store: Store):
    window = MainWindow(populated_store, defaults())
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle().startswith("Floorboard")
    assert window.fields["path"].text() == str(populated_store.path)
    before = populated_store.stats().events
    assert window.fields["events"].text() == f"{before:,}"
    assert window.fields["floor"].text() == "2 / 3 / 8"
    populated_store.append([Event(1_800_000_000_000, EventKind.AGENT_LOGIN, agent_id=1)])
    qtbot.waitUntil(lambda: window.fields["events"].text() == f"{before + 1:,}", timeout=3000)
    assert window.fields["last"].text().startswith("2027-01-15")
    window.close()
    assert not window._timer.isActive()
