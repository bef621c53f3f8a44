"""Per-channel figures of the simulated floor, as a Qt table model."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from core.model import Channel
from core.simulation.engine import ChannelSummary
from desktop.table_model import ColumnsModel, Index

COLUMNS = ("Channel", "Arrived", "Answered", "Abandoned", "Missed %", "Service level %",
           "ASA s")
_ORDER = list(Channel)
# Thresholds a floor manager reads at a glance; KPI targets come with the KPI engine.
_GOOD, _WARN = 0.80, 0.60



class ChannelTableModel(ColumnsModel):
    COLUMNS = COLUMNS

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[tuple[Channel, ChannelSummary]] = []

    def set_channels(self, channels: dict[Channel, ChannelSummary]) -> None:
        rows = sorted(channels.items(), key=lambda kv: _ORDER.index(kv[0]))
        if [c for c, _ in rows] != [c for c, _ in self._rows]:
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()
        else:
            self._rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 1),
                                      self.index(len(rows) - 1, len(COLUMNS) - 1))

    def row_count(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Return "" rather than None for empty cells: see SETUP-NOTES on PySide6 and None.
        if not index.isValid():
            return ""
        channel, s = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            sl, asa = s.service_level, s.asa_s
            values = (
                channel.name.replace("_", " ").lower(), f"{s.arrived:,}", f"{s.answered:,}",
                f"{s.abandoned:,}",
                f"{100 * s.missed / s.arrived:.1f}" if s.arrived else "–",
                "–" if sl is None else f"{100 * sl:.1f}",
                "–" if asa is None else f"{asa:.1f}",
            )
            return values[col]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter) if col \
                else int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and col == 5 and s.service_level is not None:
            sl = s.service_level
            return QColor("#c8e6c9") if sl >= _GOOD else QColor(
                "#fff3c4") if sl >= _WARN else QColor("#ffcdd2")
        return None
