"""File → Export database: the foundation's SQLite export for analysts, from a menu,
on a worker thread with its progress shown, optionally pseudonymised, ending with a
message that says where the file is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from core.config import Config
from core.floor.floor import Changes, Floor
from core.paths import default_pseudonym_key_path
from core.store.export import export_snapshot, load_or_create_key


def default_export_path(db: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M")
    return Path.home() / f"{db.stem}-export-{stamp}.sqlite"


class _Exporter(QObject):
    progress = Signal(str, float)
    done = Signal(str)
    failed = Signal(str)

    def __init__(self, floor: Floor, out: Path, pseudonymize: bool, config: Config) -> None:
        super().__init__()
        self._floor, self._out, self._pseudonymize = floor, out, pseudonymize
        self._config = config

    @Slot()
    def run(self) -> None:
        try:
            key = None
            if self._pseudonymize:
                configured = self._config.get("export.pseudonym_key_file")
                key = load_or_create_key(Path(configured) if configured
                                         else default_pseudonym_key_path())
            floor = self._floor

            def audit(*entry: object) -> None:
                floor.write(lambda s: s.audit(*entry), Changes(audit=True))

            # A reader, on this thread: the copy never holds up the floor's writes.
            with floor.reader() as store:
                report = export_snapshot(store, self._out, pseudonymize_key=key,
                                         secrets=self._config.secret_values(),
                                         region=self._config.get("floor.region"),
                                         progress=self.progress.emit, audit=audit)
        except Exception as exc:  # shown in the dialog; the app goes on
            self.failed.emit(str(exc))
            return
        numbers = (f", {report.numbers_replaced:,} customer numbers replaced by pseudonyms"
                   if report.pseudonymized else ", customer numbers as they are")
        self.done.emit(f"Exported {report.events:,} events and {report.interactions:,} "
                       f"interactions to\n{report.path}\n({report.size_bytes / 1e6:.1f} MB"
                       f"{numbers}). Open it with any SQLite tool, pandas or DuckDB; "
                       "docs/export.md describes the tables.")


class ExportDialog(QDialog):
    def __init__(self, floor: Floor, config: Config, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export the database")
        self._floor, self._config = floor, config
        db = floor.path
        self._thread: QThread | None = None
        self.path = QLineEdit(str(default_export_path(db)))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose)
        self.pseudonymize = QCheckBox("Replace customer numbers with pseudonyms (equal "
                                      "numbers stay equal; the key stays on this machine)")
        self.pseudonymize.setChecked(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.status = QLabel("A consistent copy of the database, also while the floor runs.")
        self.status.setWordWrap(True)
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(QLabel("File:"))
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.pseudonymize)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(720, 220)

    def _choose(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(),
                                              "SQLite database (*.sqlite)")
        if name:
            self.path.setText(name)

    def start(self) -> None:
        out = Path(self.path.text()).expanduser()
        self.export_button.setEnabled(False)
        self.bar.setValue(0)
        self._thread = QThread(self)
        self._worker = _Exporter(self._floor, out, self.pseudonymize.isChecked(), self._config)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self._progress)
        self._worker.done.connect(self._finished)
        self._worker.failed.connect(self._failed)
        for signal in (self._worker.done, self._worker.failed):
            signal.connect(self._thread.quit)
        self._thread.start()

    def _progress(self, step: str, fraction: float) -> None:
        self.bar.setValue(round(100 * fraction))
        self.status.setText(f"{step[:1].upper()}{step[1:]}…")

    def _finished(self, message: str) -> None:
        self.bar.setValue(100)
        self.status.setText(message)
        self.export_button.setEnabled(True)

    def _failed(self, message: str) -> None:
        self.status.setText(f"The export failed: {message}")
        self.export_button.setEnabled(True)

    def done(self, result: int) -> None:  # Qt's name: closing waits for the export
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
        super().done(result)
