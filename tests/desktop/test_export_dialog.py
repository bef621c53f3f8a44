"""File → Export database on a real (offscreen) Qt: the export runs off the GUI
thread with its progress shown, writes a file that opens, pseudonymised when asked,
says where it is, and a bad destination gets a clear message."""

from __future__ import annotations

import sqlite3

from core.config import defaults
from core.store import Store
from desktop.main_window import MainWindow


def test_export_from_the_menu_writes_a_file_that_opens(floor_of, qtbot, populated_store: Store,
                                                       tmp_path, monkeypatch) -> None:
    # The pseudonym key is made on first use: keep it in the test's folder.
    monkeypatch.setattr("desktop.export_dialog.default_pseudonym_key_path",
                        lambda: tmp_path / "pseudonym.key")
    window = MainWindow(floor_of(populated_store.path), defaults(), None)
    qtbot.addWidget(window)
    window.show()
    window.export_action.trigger()
    dialog = window.export_dialog
    assert dialog.isVisible() and dialog.pseudonymize.isChecked()
    out = tmp_path / "for-analysts.sqlite"
    dialog.path.setText(str(out))
    seen: list[int] = []
    dialog.bar.valueChanged.connect(seen.append)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=20_000)
    assert str(out) in dialog.status.text() and "Exported" in dialog.status.text()
    assert "pseudonyms" in dialog.status.text()
    assert dialog.bar.value() == 100 and len(seen) >= 4 and seen == sorted(seen)
    with sqlite3.connect(out) as c:
        info = dict(c.execute("SELECT key, value FROM export_info"))
        events = c.execute("SELECT count(*) FROM events").fetchone()[0]
    c.close()
    assert info["pseudonymized"] == "1" and events == populated_store.stats().events > 0
    # Again to the same file: refused with a message that says what to do.
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=20_000)
    assert "already exists" in dialog.status.text()
    assert dialog.status.text().startswith("The export failed:")
    dialog.close()
    window.close()
