"""The main window: the wallboard, TV mode, the simulator's controls, and the
embedded database it all reads from."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import QObject, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from core.clock import to_local, zone
from core.config import Config, channel_targets_s
from core.escalation.configured import policy_from_config
from core.floor.escalation_db import FloorEscalationDb
from core.floor.floor import Changes, Floor
from core.model import Channel
from core.paths import default_config_path
from core.store import StoreStats
from core.store.escalation import OpenCounts
from core.wallboard.snapshot import Wallboard
from core.wallboard.thresholds import Thresholds
from desktop.agents_panel import AgentsPanel
from desktop.escalations_inbox import EscalationsInbox
from desktop.export_dialog import ExportDialog
from desktop.kpi_reports import KpiReportsPanel
from desktop.settings_dialog import SettingsDialog
from desktop.simulated_floor import FloorSnapshot, SimulatedFloor, shipped_scenarios
from desktop.tasks import Tasks
from desktop.tv_mode import TvWindow
from desktop.wallboard import WallboardView

SPEEDS = (1.0, 10.0, 60.0, 600.0)

#: The status line and the complaints' counts are read again at most this often, when
#: the floor says something changed.
REFRESH_MS = 1000
#: ... and this often in any case, for what other programs write into the database
#: (`floorboard simulate`, an import): their writes are not this process's to hear of.
OUTSIDE_WRITERS_MS = 5000


class _ChangesRelay(QObject):
    """The floor's writer thread tells what changed; this carries it to the GUI thread."""

    changed = Signal(object)


class MainWindow(QMainWindow):
    #: Emitted when a status read has been shown (tests wait on it).
    refreshed = Signal()

    def __init__(self, floor: Floor, config: Config,
                 simulation: SimulatedFloor | None = None,
                 settings_path: Path | None = None) -> None:
        """``settings_path``: the config file File → Settings saves into (default: the
        one ``config`` was read from, else the user's). The window runs no statement
        itself: its tasks read and write through ``floor`` off the GUI thread."""
        super().__init__()
        self.settings_path = settings_path or config.path or default_config_path()
        self.settings_dialog: SettingsDialog | None = None
        self._floor = floor
        self.tasks = Tasks(self)
        #: The latest status read (None until the first arrives).
        self.stats: StoreStats | None = None
        self._agents_asked = False
        self._agents_stale = False
        self._simulation = simulation
        self._tz = zone(config.get("floor.timezone"))
        self._name = config.get("floor.name")
        self._config = config
        self.thresholds = Thresholds(green=float(config.get("wallboard.sl_green")),
                                     amber=float(config.get("wallboard.sl_amber")))
        self._tv_page_s = int(config.get("wallboard.tv_page_s"))
        self.tv: TvWindow | None = None
        self.problems: list[QMessageBox] = []  # the warnings open now
        self.last_floor: FloorSnapshot | None = None
        self.setWindowTitle(f"Floorboard — {self._name}")
        self.resize(1500, 950)

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
        layout.addStretch(1)
        self._make_controls()
        self.wallboard = WallboardView(self._name, self.thresholds)
        self.agents = AgentsPanel()
        self._read_agents()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.wallboard, "Wallboard")
        self.tabs.addTab(self.agents, "Agents")
        self.reports = KpiReportsPanel(floor, config.get("floor.timezone"),
                                       config.get("floor.region"), channel_targets_s(config))
        self.tabs.addTab(self.reports, "KPI reports")
        self.inbox = EscalationsInbox(floor, policy_from_config(config),
                                      config.get("floor.region"), config.get("floor.timezone"),
                                      self.tasks)
        self.tabs.addTab(self.inbox, "Escalations")
        self.tabs.addTab(body, "Floor and database")
        self.tabs.currentChanged.connect(self._tab_shown)
        self.setCentralWidget(self.tabs)
        self.addToolBar(self._controls())
        file_menu = self.menuBar().addMenu("&File")
        self.export_action = QAction("&Export database…", self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.open_export)
        file_menu.addAction(self.export_action)
        self.settings_action = QAction("&Settings…", self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.open_settings)
        file_menu.addAction(self.settings_action)
        self.export_dialog: ExportDialog | None = None
        view = self.menuBar().addMenu("&View")
        self.tv_action = QAction("&TV mode", self)
        self.tv_action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.tv_action.setCheckable(True)
        self.tv_action.toggled.connect(self.set_tv_mode)
        view.addAction(self.tv_action)
        self.addAction(self.tv_action)  # F11 works with the menu closed

        # Redraw what the floor says changed, no more than once a REFRESH_MS.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self.refresh(self._pending))
        self._outside = QTimer(self)
        self._outside.timeout.connect(lambda: self.refresh(Changes(complaints=True)))
        self._outside.start(OUTSIDE_WRITERS_MS)
        self._pending = Changes()
        self._relay = _ChangesRelay(self)
        self._relay.changed.connect(self._floor_changed)
        floor.on_change(self._relay.changed.emit)
        self.refresh()

    def _controls(self) -> QToolBar:
        """The simulator's controls, above every tab."""
        bar = QToolBar("Simulator")
        bar.setMovable(False)
        bar.addWidget(QLabel(" Scenario: "))
        bar.addWidget(self.scenario_box)
        bar.addWidget(self.start_button)
        bar.addSeparator()
        bar.addWidget(self.sim_status)
        bar.addSeparator()
        bar.addWidget(QLabel(" Speed: "))
        bar.addWidget(self.speed_box)
        bar.addWidget(self.pause_button)
        return bar

    def _make_controls(self) -> None:
        """The simulator's controls (shown in the toolbar)."""
        simulating = self._simulation is not None and self._simulation.scenario is not None
        self.sim_status = QLabel(
            "Starting…" if simulating else
            "No simulated floor (--no-simulation): the wallboard follows the database."
            if self._simulation is not None else
            "No floor connected: start one with 'floorboard simulate' or run the app "
            "without --no-simulation.")
        self.pause_button = QPushButton("Pause")
        self.pause_button.setCheckable(True)
        self.speed_box = QComboBox()
        for speed in SPEEDS:
            self.speed_box.addItem("real time" if speed == 1 else f"{speed:g}× faster", speed)
        self.pause_button.toggled.connect(self._set_paused)
        self.pause_button.toggled.connect(
            lambda on: self.pause_button.setText("Resume" if on else "Pause"))
        self.speed_box.currentIndexChanged.connect(
            lambda i: self._simulation and self._simulation.set_speed(self.speed_box.itemData(i)))
        self.scenario_box = QComboBox()
        for stem, name in shipped_scenarios():
            self.scenario_box.addItem(name, stem)
        self.start_button = QPushButton("Start")
        self.start_button.setToolTip("Run the chosen scenario on this database from the "
                                     "last stored moment (or today's midnight)")
        self.start_button.clicked.connect(
            lambda: self.start_scenario(self.scenario_box.currentData()))
        if self._simulation is not None:
            self._attach(self._simulation)
        self._enable_controls()

    def show_floor(self, snap: FloorSnapshot) -> None:
        self.last_floor = snap
        # One clock on screen: the floor's time zone.
        self._tz = zone(snap.timezone)
        self.reports.set_timezone(snap.timezone)
        if self.speed_box.findData(snap.speed) < 0:
            self.speed_box.addItem(f"{snap.speed:g}× faster", snap.speed)
        with QSignalBlocker(self.speed_box):
            self.speed_box.setCurrentIndex(self.speed_box.findData(snap.speed))
        when = to_local(snap.sim_time_ms, self._tz)
        state = "paused" if snap.paused else (
            "real time" if snap.speed == 1 else f"{snap.speed:g}× faster")
        self.sim_status.setText(
            f"{snap.scenario} — floor time {when:%a %d %b %H:%M:%S} ({state}); "
            f"{snap.waiting} waiting now")

    def open_export(self) -> None:
        if self.export_dialog is None:
            self.export_dialog = ExportDialog(self._floor, self._config, self)
        self.export_dialog.show()
        self.export_dialog.activateWindow()

    def open_settings(self) -> None:
        """File → Settings, once the floor's own targets are read (on a task)."""
        self.tasks.run(lambda: self._floor.read(lambda s: s.queue_rows()),
                       self._open_settings_with)

    def _open_settings_with(self, queue_rows: list) -> None:
        # The floor's own target per channel: the most common of its queues'.
        floor: dict[Channel, int] = {}
        counts = Counter((q.channel, q.sla_target_s) for q in queue_rows)
        for (ch, sla), _ in counts.most_common():
            floor.setdefault(ch, sla)
        self.settings_dialog = SettingsDialog(self._config, self.settings_path, floor, self)
        self.settings_dialog.saved.connect(self.apply_config)
        self.settings_dialog.open()

    def apply_config(self, config: Config) -> None:
        """Settings saved: thresholds and the TV page time at once; new targets measure
        today again (the wallboard) and the next report."""
        before = channel_targets_s(self._config)
        self._config = config
        self.set_thresholds(Thresholds(green=float(config.get("wallboard.sl_green")),
                                       amber=float(config.get("wallboard.sl_amber"))))
        self._tv_page_s = int(config.get("wallboard.tv_page_s"))
        if self.tv is not None:
            self.tv.cycle.setInterval(self._tv_page_s * 1000)
        targets = channel_targets_s(config)
        if targets != before:
            self.reports.set_targets(targets)
            if self._simulation is not None:
                self._simulation.set_targets(targets)

    def _attach(self, floor: SimulatedFloor) -> None:
        floor.wallboard.connect(self.show_wallboard)
        floor.failed.connect(self._floor_failed)
        floor.snapshot.connect(self.show_floor)
        i = self.scenario_box.findData(floor.scenario)
        if i >= 0:
            self.scenario_box.setCurrentIndex(i)

    def _enable_controls(self) -> None:
        simulating = self._simulation is not None and self._simulation.scenario is not None
        self.pause_button.setEnabled(simulating)
        self.speed_box.setEnabled(simulating)
        # A floor to start needs the thread that runs floors (not a bare window).
        self.start_button.setEnabled(self._simulation is not None)
        self.scenario_box.setEnabled(self._simulation is not None)

    def _set_paused(self, paused: bool) -> None:
        if self._simulation is not None:
            self._simulation.set_paused(paused)

    def start_scenario(self, scenario: str) -> None:
        """Stop the floor running now and run ``scenario`` on the same database, from
        where the stored events end (nothing is written twice)."""
        old = self._simulation
        if old is None:
            return
        speed = self.speed_box.currentData() or 1.0
        old.stop()
        for signal in (old.wallboard, old.failed, old.snapshot):
            signal.disconnect()
        self._simulation = SimulatedFloor(self._floor, scenario, speed,
                                          timezone=old.timezone, parent=self,
                                          targets=old.targets)
        self._attach(self._simulation)
        with QSignalBlocker(self.pause_button):
            self.pause_button.setChecked(False)
            self.pause_button.setText("Pause")
        self._enable_controls()
        self.sim_status.setText(f"Starting {self.scenario_box.currentText()}…")
        self._simulation.start()

    def _floor_failed(self, message: str) -> None:
        self.sim_status.setText(f"The simulated floor stopped: {message}")
        self.pause_button.setEnabled(False)
        self.speed_box.setEnabled(False)
        # The message says what to do (the floor's thread adds it for a scenario).
        self.show_problem(f"The simulated floor could not run:\n\n{message}\n\nThe "
                          "wallboard keeps showing what the database holds, and what "
                          "other programs write into it.")

    def show_problem(self, text: str) -> None:
        """A warning that does not stop the app (window-modal, answered with OK)."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Floorboard", text,
                          QMessageBox.StandardButton.Ok, self)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems.append(box)
        box.finished.connect(lambda _: self.problems.remove(box))
        box.open()

    def show_wallboard(self, w: Wallboard) -> None:
        self.wallboard.show_wallboard(w)
        if self.tabs.currentWidget() is self.agents:  # a hidden table needs no updates
            self._show_agents(w)
        if self.tv is not None:
            self.tv.show_wallboard(w)

    def _show_agents(self, w: Wallboard) -> None:
        if len(w.agents) != self.agents.model.rowCount():
            # The floor was saved (or changed) after the window opened: read it again.
            self._read_agents()
            return
        self.agents.show_wallboard(w)

    def _read_agents(self) -> None:
        if self._agents_asked:
            return
        self._agents_asked = True

        def shown(agents: list) -> None:
            self._agents_asked = False
            self._agents_stale = False
            self.agents.set_agents(agents)
            if self.wallboard.latest is not None:
                self.agents.show_wallboard(self.wallboard.latest)

        self.tasks.run(lambda: self._floor.read(lambda s: s.agents()), shown)

    def _tab_shown(self, _: int) -> None:
        if self.tabs.currentWidget() is self.agents:
            if self._agents_stale:
                self._read_agents()
            elif self.wallboard.latest is not None:
                self._show_agents(self.wallboard.latest)

    def set_thresholds(self, thresholds: Thresholds) -> None:
        self.thresholds = thresholds
        self.wallboard.set_thresholds(thresholds)
        if self.tv is not None:
            self.tv.board.set_thresholds(thresholds)

    def set_tv_mode(self, on: bool) -> None:
        if on and self.tv is None:
            self.tv = TvWindow(self._name, self.thresholds, self._tv_page_s)
            self.tv.closed.connect(lambda: self.tv_action.setChecked(False))
            if self.wallboard.latest is not None:
                self.tv.show_wallboard(self.wallboard.latest)
            # The whole screen the window is on, also without a window manager.
            screen = (self.screen() or QApplication.primaryScreen()).geometry()
            self.tv.setGeometry(screen)
            self.tv.showFullScreen()
        elif not on and self.tv is not None:
            tv, self.tv = self.tv, None
            tv.close()
            tv.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt's name
        # Nothing may touch the store after the window is gone (its owner closes it).
        self._floor.off_change(self._relay.changed.emit)
        self._timer.stop()
        self._outside.stop()
        self.set_tv_mode(False)
        if self._simulation is not None:
            self._simulation.stop()
        self.reports.wait_done()
        self.tasks.wait_done()
        super().closeEvent(event)

    def _floor_changed(self, changes: Changes) -> None:
        self._pending = self._pending | changes
        if not self._timer.isActive():
            self._timer.start(REFRESH_MS)

    def refresh(self, changes: Changes | None = None) -> None:
        """Read the status line and the complaints' counts again, on a task, and what
        ``changes`` names (None: everything shown)."""
        self._pending = Changes()
        if changes is None:
            changes = Changes(complaints=True)
        if changes.complaints or changes.pages:
            if self.tabs.currentWidget() is self.inbox:
                self.inbox.refresh()
        if changes.agents:
            # Read when shown: a hidden table of 1,000 agents need not be rebuilt.
            self._agents_stale = True
            if self.tabs.currentWidget() is self.agents:
                self._read_agents()
        db = FloorEscalationDb(self._floor)
        self.tasks.run(lambda: (self._floor.read(lambda s: s.stats()), db.open_counts()),
                       self._show_status)

    def _show_status(self, result: tuple[StoreStats, OpenCounts]) -> None:
        stats, counts = result
        self.stats = stats
        self.show_stats(stats)
        self.reports.set_last_event(stats.last_ts_ms)
        self.wallboard.show_complaints(counts.valid, counts.needs_senior)
        if self.tv is not None:
            self.tv.board.show_complaints(counts.valid, counts.needs_senior)
        self.tabs.setTabText(self.tabs.indexOf(self.inbox),
                             f"Escalations ({counts.valid})" if counts.valid else "Escalations")
        self.refreshed.emit()

    def show_stats(self, s: StoreStats) -> None:
        self.fields["path"].setText(str(s.path))
        self.fields["schema"].setText(str(s.schema_version))
        self.fields["events"].setText(f"{s.events:,}")
        if s.last_ts_ms is None:
            self.fields["last"].setText("none yet")
        else:
            when = to_local(s.last_ts_ms, self._tz)
            self.fields["last"].setText(when.strftime("%Y-%m-%d %H:%M:%S %Z"))
        self.fields["floor"].setText(f"{s.agents} / {s.queues} / {s.interactions}")
