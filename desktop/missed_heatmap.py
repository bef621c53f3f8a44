"""Missed calls by hour: today against the seven days before, as a heatmap (rows:
days, oldest at the top; columns: local hours), each cell with its count. Painted
in one pass: as plot items, 192 labels re-laid themselves out on every change of
the view (tens of ms on the GUI thread with a busy floor)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QSizePolicy

from core.clock import wall_clock
from core.wallboard.snapshot import MissedHeatmap
from desktop.cached_paint import CachedPaintWidget

TITLE = "Missed calls by hour: today and the 7 days before"
#: White (none) through orange to dark red (the most in any cell shown).
_LOW, _MID, _HIGH = QColor(255, 255, 255), QColor(255, 183, 77), QColor(183, 28, 28)


def _blend(a: QColor, b: QColor, f: float) -> QColor:
    return QColor(int(a.red() + (b.red() - a.red()) * f),
                  int(a.green() + (b.green() - a.green()) * f),
                  int(a.blue() + (b.blue() - a.blue()) * f))


def cell_colour(n: int, top: int) -> QColor:
    f = 0.0 if top <= 0 else min(1.0, n / top)
    return _blend(_LOW, _MID, f * 2) if f <= 0.5 else _blend(_MID, _HIGH, (f - 0.5) * 2)


class MissedHeatmapView(CachedPaintWidget):
    def __init__(self, scale: float = 1.0) -> None:
        super().__init__()
        self.scale = scale
        self.counts = np.zeros((0, 24), dtype=np.int64)
        self.rows: list[str] = []
        self._shown = b""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(int(120 * scale))

    def show_missed(self, missed: MissedHeatmap | None) -> None:
        if missed is None:
            return
        key = missed.counts.tobytes() + missed.day_ms.tobytes()
        if key == self._shown:  # repainted only when a count changes
            return
        self._shown = key
        self.counts = missed.counts
        days = [wall_clock(d) for d in missed.day_ms.tolist()]
        self.rows = ["today" if i == len(days) - 1 else f"{d:%a %d}" for i, d in enumerate(days)]
        self.invalidate()

    def _paint(self, p: QPainter) -> None:
        p.fillRect(self.rect(), QColor("white"))
        title = QFont(self.font())
        title.setPointSizeF(11 * self.scale)
        p.setFont(title)
        p.setPen(QColor("black"))
        line = p.fontMetrics().height()
        p.drawText(QRectF(0, 0, self.width(), line * 1.3), Qt.AlignmentFlag.AlignCenter, TITLE)
        n_rows = len(self.rows)
        if not n_rows:
            return
        small = QFont(self.font())
        small.setPointSizeF(8 * self.scale)
        p.setFont(small)
        label_w = p.fontMetrics().horizontalAdvance("today  Wed 00")
        top_y = line * 1.5
        axis_h = p.fontMetrics().height() * 1.4
        cw = (self.width() - label_w - 4) / 24
        ch = (self.height() - top_y - axis_h) / n_rows
        if cw <= 2 or ch <= 2:
            return
        top = max(int(self.counts.max()), 1)
        grey = QColor("#666666")
        for r, name in enumerate(self.rows):
            y = top_y + r * ch
            p.setPen(grey)
            p.drawText(QRectF(0, y, label_w - 6, ch),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
            for h in range(24):
                n = int(self.counts[r, h])
                cell = QRectF(label_w + h * cw, y, cw - 1, ch - 1)
                p.fillRect(cell, cell_colour(n, top) if n else QColor("#f7f7f7"))
                if n and ch >= 10:
                    p.setPen(QColor("black") if n < top * 0.6 else QColor("white"))
                    p.drawText(cell, Qt.AlignmentFlag.AlignCenter, str(n))
        p.setPen(grey)
        for h in range(0, 24, 2):
            p.drawText(QRectF(label_w + h * cw, top_y + n_rows * ch, cw * 2, axis_h),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{h:02d}")
