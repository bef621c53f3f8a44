"""Missed calls by hour: today against the seven days before, as a heatmap (rows:
days, oldest at the top; columns: local hours), each cell with its count."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont

from core.wallboard.snapshot import MissedHeatmap

DAY_MS = 86_400_000


class MissedHeatmapView(pg.GraphicsLayoutWidget):
    def __init__(self, scale: float = 1.0) -> None:
        super().__init__()
        self.setBackground("w")
        self.scale = scale
        self.plot = self.addPlot()
        self.plot.setTitle("Missed calls by hour: today and the 7 days before",
                           size=f"{11 * scale:.0f}pt", color="k")
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.invertY(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(pg.ColorMap([0.0, 0.5, 1.0], [(255, 255, 255),
                                                              (255, 183, 77), (183, 28, 28)]))
        self.plot.addItem(self.image)
        for axis in ("bottom", "left"):
            tick_font = QFont()
            tick_font.setPointSizeF(8 * scale)
            self.plot.getAxis(axis).setTickFont(tick_font)
        self.plot.getAxis("bottom").setTicks([[(h + 0.5, f"{h:02d}") for h in range(0, 24, 2)]])
        self._labels: list[pg.TextItem] = []
        self._shown: bytes = b""
        self.counts = np.zeros((0, 24), dtype=np.int64)

    def show_missed(self, missed: MissedHeatmap | None) -> None:
        if missed is None:
            return
        key = missed.counts.tobytes() + missed.day_ms.tobytes()
        if key == self._shown:  # redrawn only when a count changes
            return
        self._shown = key
        self.counts = missed.counts
        top = max(int(missed.counts.max()), 1)
        self.image.setImage(missed.counts.astype(float), levels=(0, top))
        days = [dt.datetime.fromtimestamp(d / 1000, dt.UTC) for d in missed.day_ms.tolist()]
        self.plot.getAxis("left").setTicks([[
            (i + 0.5, "today" if i == len(days) - 1 else f"{d:%a %d}")
            for i, d in enumerate(days)]])
        for label in self._labels:
            self.plot.removeItem(label)
        self._labels = []
        font_px = max(7, int(9 * self.scale))
        for (row, hour), n in np.ndenumerate(missed.counts):
            if n:
                label = pg.TextItem(str(n), color="k" if n < top * 0.6 else "w",
                                    anchor=(0.5, 0.5))
                font = label.textItem.font()
                font.setPixelSize(font_px)
                label.setFont(font)
                label.setPos(hour + 0.5, row + 0.5)
                self.plot.addItem(label)
                self._labels.append(label)
        self.plot.setRange(xRange=(0, 24), yRange=(0, len(days)), padding=0)
