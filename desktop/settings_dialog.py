"""File → Settings: the service-level targets per channel and the wallboard's colour
thresholds and TV page time, saved into the configuration file (the keys changed in
place, the rest of the file kept) and applied at once."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.config import Config, channel_targets_s
from core.config.writer import save_settings
from core.errors import ConfigError
from core.model import Channel
from core.model.floor_policy import DEFAULT_SLA_S
from desktop.palette import CHANNEL_NAME, target_text

#: The channels a target can be set for (dials have none), in the wallboard's order.
TARGET_CHANNELS = (Channel.PHONE, Channel.CHAT, Channel.TICKET, Channel.EMAIL,
                   Channel.CALLBACK, Channel.WEB_REQUEST)
MAX_TARGET_S = 7 * 86_400


def target_key(ch: Channel) -> str:
    return f"targets.{ch.name.lower()}_s"


class _Target(QWidget):
    """A channel's target: the floor's own (each queue's), or one set here."""

    def __init__(self, ch: Channel, floor_s: int | None, configured: int | None) -> None:
        super().__init__()
        self.floor_s = floor_s
        self.set_here = QCheckBox("set")
        self.seconds = QSpinBox()
        self.seconds.setRange(1, MAX_TARGET_S)
        self.seconds.setSuffix(" s")
        self.seconds.setValue(configured or floor_s or DEFAULT_SLA_S[ch])
        self.words = QLabel()
        self.words.setMinimumWidth(220)
        self.set_here.setChecked(configured is not None)
        self.set_here.toggled.connect(self._update)
        self.seconds.valueChanged.connect(self._update)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.set_here)
        row.addWidget(self.seconds)
        row.addWidget(self.words, 1)
        self._update()

    def _update(self, *_: object) -> None:
        here = self.set_here.isChecked()
        self.seconds.setEnabled(here)
        if not here and self.floor_s is not None:
            self.seconds.setValue(self.floor_s)
        self.words.setText(
            f"= {target_text(self.seconds.value())}, every queue of the channel" if here
            else f"each queue's own, from the floor ({target_text(self.floor_s)})"
            if self.floor_s is not None else "no queue of this channel on the floor")

    def value(self) -> int | None:
        return self.seconds.value() if self.set_here.isChecked() else None


class SettingsDialog(QDialog):
    """``floor_targets_s``: the floor's own target per channel (the most common of its
    queues'), shown when no target is set here."""

    saved = Signal(object)  # the new Config

    def __init__(self, config: Config, path: Path, floor_targets_s: Mapping[Channel, int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.path = path
        configured = channel_targets_s(config)
        self.targets = {ch: _Target(ch, floor_targets_s.get(ch), configured.get(ch))
                        for ch in TARGET_CHANNELS}
        targets = QGroupBox("Service-level targets: answered within")
        form = QFormLayout(targets)
        for ch, w in self.targets.items():
            form.addRow(f"{CHANNEL_NAME[ch]}:", w)
        self.green = QDoubleSpinBox()
        self.amber = QDoubleSpinBox()
        for box, key in ((self.green, "wallboard.sl_green"), (self.amber, "wallboard.sl_amber")):
            box.setRange(0, 100)
            box.setDecimals(1)
            box.setSuffix(" %")
            box.setValue(100 * float(config.get(key)))
        self.tv_page = QSpinBox()
        self.tv_page.setRange(1, 3600)
        self.tv_page.setSuffix(" s")
        self.tv_page.setValue(int(config.get("wallboard.tv_page_s")))
        board = QGroupBox("Wallboard")
        bform = QFormLayout(board)
        bform.addRow("Service level green from:", self.green)
        bform.addRow("amber from (below: red):", self.amber)
        bform.addRow("TV mode shows each page for:", self.tv_page)
        self.status = QLabel(f"Settings are saved in {path}; the rest of the file is kept "
                             "as it is.")
        self.status.setWordWrap(True)
        save = QPushButton("Save")
        save.setDefault(True)
        save.clicked.connect(self.save)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(save)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(targets)
        layout.addWidget(board)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    def updates(self) -> dict[str, object]:
        out: dict[str, object] = {target_key(ch): w.value() for ch, w in self.targets.items()}
        # Whole percents are kept as they were typed: 0.8, not 0.800000001.
        out["wallboard.sl_green"] = round(self.green.value() / 100, 4)
        out["wallboard.sl_amber"] = round(self.amber.value() / 100, 4)
        out["wallboard.tv_page_s"] = self.tv_page.value()
        return out

    def save(self) -> bool:
        """Write the file and apply; on an error say it here and keep the dialog."""
        try:
            config = save_settings(self.path, self.updates())
        except (ConfigError, OSError) as exc:
            self.status.setText(f"Not saved: {exc}")
            return False
        self.saved.emit(config)
        self.accept()
        return True
