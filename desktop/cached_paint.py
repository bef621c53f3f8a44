"""A widget drawn once per change into a pixmap: the wallboard is repainted far more
often than the floor changes, and a repaint in between only copies the pixmap."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QWidget


class CachedPaintWidget(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self._cache: QPixmap | None = None

    def invalidate(self) -> None:
        """The content changed: draw it again at the next repaint."""
        self._cache = None
        self.update()

    def _paint(self, p: QPainter) -> None:
        raise NotImplementedError

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt's name
        if self._cache is None or self._cache.size() != self.size():
            self._cache = QPixmap(self.size())
            self._cache.fill(QColor("white"))
            painter = QPainter(self._cache)
            try:
                self._paint(painter)
            finally:
                painter.end()  # now, not whenever Python lets go of it
        p = QPainter(self)
        try:
            p.drawPixmap(0, 0, self._cache)
        finally:
            p.end()
