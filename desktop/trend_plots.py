"""Live trend lines of the last two hours (one sample per floor minute): contacts
waiting, and service level and abandonment over the latest 30 minutes. Curves are
created once and fed with setData."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont

from core.clock import MINUTE_MS
from core.wallboard.snapshot import Trend
from core.wallboard.thresholds import Level, Thresholds
from desktop.palette import LEVEL_COLOUR

_STEPS = [*(m * 10.0**e for e in range(7) for m in (1, 2, 5) if m * 10**e >= 5), float("inf")]


class TrendPlots(pg.GraphicsLayoutWidget):
    def __init__(self, thresholds: Thresholds, scale: float = 1.0) -> None:
        super().__init__()
        self.setBackground("w")
        size = f"{11 * scale:.0f}pt"
        self.waiting_plot = self.addPlot(row=0, col=0)
        self.waiting_plot.setTitle("Contacts waiting", size=size, color="k")
        self.rate_plot = self.addPlot(row=1, col=0)
        self.rate_plot.setTitle("Service level (green) and abandonment (red), latest 30 min, %",
                                size=size, color="k")
        for plot in (self.waiting_plot, self.rate_plot):
            plot.showGrid(x=True, y=True, alpha=0.25)
            plot.setLabel("bottom", "minutes ago")
            plot.setXRange(-120, 0, padding=0.01)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            for axis in ("bottom", "left"):
                tick_font = QFont()
                tick_font.setPointSizeF(8 * scale)
                plot.getAxis(axis).setTickFont(tick_font)
                plot.getAxis(axis).setStyle(tickTextOffset=int(4 * scale))
            # A fixed width: a tick label growing a digit must not lay the whole
            # window out again (tens of ms on the GUI thread).
            plot.getAxis("left").setWidth(int(44 * scale))
        self.rate_plot.setYRange(0, 100, padding=0.02)
        self.waiting = self.waiting_plot.plot(pen=pg.mkPen("#1e88e5", width=2 * scale))
        self.service_level = self.rate_plot.plot(pen=pg.mkPen("#2e7d32", width=2 * scale))
        self.abandon = self.rate_plot.plot(pen=pg.mkPen("#c62828", width=2 * scale))
        self.green_line = pg.InfiniteLine(angle=0, pen=pg.mkPen(
            LEVEL_COLOUR[Level.GREEN], style=pg.QtCore.Qt.PenStyle.DashLine))
        self.amber_line = pg.InfiniteLine(angle=0, pen=pg.mkPen(
            LEVEL_COLOUR[Level.AMBER], style=pg.QtCore.Qt.PenStyle.DashLine))
        self.rate_plot.addItem(self.green_line)
        self.rate_plot.addItem(self.amber_line)
        self._span = 0.0
        self.set_thresholds(thresholds)

    def set_thresholds(self, thresholds: Thresholds) -> None:
        self.green_line.setValue(100 * thresholds.green)
        self.amber_line.setValue(100 * thresholds.amber)

    def show_trend(self, trend: Trend, at_ms: int) -> None:
        x = (trend.at_ms - at_ms) / MINUTE_MS
        self.waiting.setData(x, trend.waiting)
        # NaN (nothing offered in the window) leaves a gap, not a drop to zero.
        self.service_level.setData(x, 100 * trend.service_level, connect="finite")
        self.abandon.setData(x, 100 * trend.abandon_rate, connect="finite")
        top = float(np.nanmax(trend.waiting)) if len(trend.waiting) else 0.0
        # The range moves in steps (5, 10, 20, 50, 100, …), not with every sample.
        span = next(s for s in _STEPS if s >= top * 1.1)
        if span != self._span:
            self._span = span
            self.waiting_plot.setYRange(0, span, padding=0)
