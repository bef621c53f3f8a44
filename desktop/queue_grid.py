"""Contacts waiting now and the longest wait, by language (rows) and channel
(columns), as a Qt table model; a cell turns red once its longest wait passes the
channel's target."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from core.model import Channel
from core.wallboard.snapshot import ChannelFigures, QueueLine
from core.wallboard.thresholds import Level
from desktop.palette import CHANNEL_NAME, LEVEL_COLOUR, duration

Index = QModelIndex | QPersistentModelIndex


class QueueGridModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._languages: list[str] = []
        self._channels: list[Channel] = []
        self._cells: dict[tuple[str, Channel], QueueLine] = {}
        self._target_ms: dict[Channel, float] = {}

    def set_queues(self, queues: list[QueueLine], channels: list[ChannelFigures]) -> None:
        languages = sorted({q.language for q in queues})
        chans = sorted({q.channel for q in queues})
        self._target_ms = {f.channel: f.target_s * 1000 for f in channels}
        cells = {(q.language, q.channel): q for q in queues}
        if languages != self._languages or chans != self._channels:
            self.beginResetModel()
            self._languages, self._channels, self._cells = languages, chans, cells
            self.endResetModel()
        else:
            self._cells = cells
            if languages and chans:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(languages) - 1, len(chans) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._languages)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._channels)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return CHANNEL_NAME[self._channels[section]]
        return self._languages[section].upper()

    def cell(self, language: str, channel: Channel) -> QueueLine | None:
        return self._cells.get((language, channel))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # "" rather than None for an empty cell: see SETUP-NOTES on PySide6 and None.
        if not index.isValid():
            return ""
        ch = self._channels[index.column()]
        q = self._cells.get((self._languages[index.row()], ch))
        if role == Qt.ItemDataRole.DisplayRole:
            if q is None:
                return ""
            return f"{q.waiting}  ({duration(q.longest_wait_ms)})" if q.waiting else "0"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole and q is not None and q.waiting:
            late = q.longest_wait_ms > self._target_ms.get(ch, float("inf"))
            return LEVEL_COLOUR[Level.RED] if late else QColor("#fff3c4")
        if role == Qt.ItemDataRole.ForegroundRole and q is not None and q.waiting:
            late = q.longest_wait_ms > self._target_ms.get(ch, float("inf"))
            return QColor("white") if late else QColor("black")
        return None
