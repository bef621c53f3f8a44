"""The main window: the embedded database and the simulated floor on it. The
wallboard (pyqtgraph) arrives as its own panel."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.config import Config
from core.store import Store, StoreStats
from desktop.channel_table import ChannelTableModel
from desktop.simulated_floor import FloorSnapshot, SimulatedFloor

SPEEDS = (1.0, 10.0, 60.0, 600.0)

REFRESH_MS = 1000


class MainWindow(QMainWindow):
    def __init__(self, store: Store, config: Config,
                 simulation: SimulatedFloor | None = None) -> None:
        super().__init__()
        self._store = store
        self._simulation = simulation
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

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self._floor_box())
        self.setCentralWidget(body)

        self.refresh()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(REFRESH_MS)

    def _floor_box(self) -> QGroupBox:
        box = self.floor_box = QGroupBox("Simulated floor")
        layout = QVBoxLayout(box)
        self.sim_status = QLabel(
            "No floor connected: start one with 'floorboard simulate' or run the app "
            "without --no-simulation." if self._simulation is None else "Starting…")
        self.sim_status.setWordWrap(True)
        self.pause_button = QPushButton("Pause")
        self.pause_button.setCheckable(True)
        self.speed_box = QComboBox()
        for speed in SPEEDS:
            self.speed_box.addItem("real time" if speed == 1 else f"{speed:g}× faster", speed)
        controls = QHBoxLayout()
        controls.addWidget(self.sim_status, 1)
        controls.addWidget(QLabel("Speed:"))
        controls.addWidget(self.speed_box)
        controls.addWidget(self.pause_button)
        layout.addLayout(controls)
        self.channels = ChannelTableModel()
        table = QTableView()
        table.setModel(self.channels)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(table)
        enabled = self._simulation is not None
        self.pause_button.setEnabled(enabled)
        self.speed_box.setEnabled(enabled)
        if enabled:
            self._simulation.snapshot.connect(self.show_floor)
            self._simulation.failed.connect(
                lambda msg: self.sim_status.setText(f"The simulation stopped: {msg}"))
            self.pause_button.toggled.connect(self._simulation.set_paused)
            self.pause_button.toggled.connect(
                lambda on: self.pause_button.setText("Resume" if on else "Pause"))
            self.speed_box.currentIndexChanged.connect(
                lambda i: self._simulation.set_speed(self.speed_box.itemData(i)))
        return box

    def show_floor(self, snap: FloorSnapshot) -> None:
        # One clock on screen: the floor's time zone.
        self._tz = zoneinfo.ZoneInfo(snap.timezone)
        if self.speed_box.findData(snap.speed) < 0:
            self.speed_box.addItem(f"{snap.speed:g}× faster", snap.speed)
        with QSignalBlocker(self.speed_box):
            self.speed_box.setCurrentIndex(self.speed_box.findData(snap.speed))
        when = dt.datetime.fromtimestamp(snap.sim_time_ms / 1000, self._tz)
        state = "paused" if snap.paused else (
            "real time" if snap.speed == 1 else f"{snap.speed:g}× faster")
        since = dt.datetime.fromtimestamp(snap.since_ms / 1000, self._tz)
        # The counts are this run's: say from when, so a restart's short table is
        # not read as the whole day (the KPI engine will give the day from the store).
        self.floor_box.setTitle(f"Simulated floor: counts since {since:%a %H:%M:%S}")
        self.sim_status.setText(
            f"{snap.scenario} — floor time {when:%a %d %b %H:%M:%S} ({state}); "
            f"{snap.waiting} waiting now")
        self.channels.set_channels(snap.channels)

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt's name
        # Nothing may touch the store after the window is gone (its owner closes it).
        self._timer.stop()
        if self._simulation is not None:
            self._simulation.stop()
        super().closeEvent(event)

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
