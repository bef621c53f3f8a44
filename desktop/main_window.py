"""The main window. For now an overview of the embedded database; the wallboard
(pyqtgraph) and the simulated floor arrive as their own panels."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFormLayout, QLabel, QMainWindow, QVBoxLayout, QWidget

from core.config import Config
from core.store import Store, StoreStats

REFRESH_MS = 1000


class MainWindow(QMainWindow):
    def __init__(self, store: Store, config: Config) -> None:
        super().__init__()
        self._store = store
        self._tz = zoneinfo.ZoneInfo(config.get("floor.timezone"))
        self.setWindowTitle(f"Floorboard — {config.get('floor.name')}")
        self.resize(900, 560)

        title = QLabel(config.get("floor.name"))
        font = QFont(title.font())
        font.setPointSize(font.pointSize() * 2)
        font.setBold(True)
        title.setFont(font)

        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label in [
            ("path", "Database"),
            ("schema", "Schema version"),
            ("events", "Events stored"),
            ("last", "Last event"),
            ("floor", "Agents / queues / interactions"),
        ]:
            value = QLabel("…")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            form.addRow(f"{label}:", value)

        note = QLabel(
            "The live wallboard and the simulated floor are not part of this build yet. "
            "Every event of the floor is kept in the database above; "
            "'floorboard export OUT.sqlite' writes a copy of it for analysts."
        )
        note.setWordWrap(True)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(note)
        self.setCentralWidget(body)

        self.refresh()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(REFRESH_MS)

    def refresh(self) -> None:
        # A handful of indexed look-ups (well under a millisecond): cheap enough
        # for the GUI thread until the wallboard brings its own snapshot worker.
        self.show_stats(self._store.stats())

    def show_stats(self, s: StoreStats) -> None:
        self.fields["path"].setText(str(s.path))
        self.fields["schema"].setText(str(s.schema_version))
        self.fields["events"].setText(f"{s.events:,}")
        if s.last_ts_ms is None:
            self.fields["last"].setText("none yet")
        else:
            when = dt.datetime.fromtimestamp(s.last_ts_ms / 1000, self._tz)
            self.fields["last"].setText(when.strftime("%Y-%m-%d %H:%M:%S %Z"))
        self.fields["floor"].setText(f"{s.agents} / {s.queues} / {s.interactions}")
