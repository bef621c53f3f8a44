"""TV mode: the wallboard full screen in large type, for a screen across the room.
It cycles between pages (service, agents, trends); Esc or F11 leaves it."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from core.wallboard.snapshot import Wallboard
from core.wallboard.thresholds import Thresholds
from desktop.wallboard import WallboardView

#: Type is this much larger than on the desk's wallboard.
TV_SCALE = 1.8


class TvWindow(QWidget):
    closed = Signal()

    def __init__(self, title: str, thresholds: Thresholds, page_s: int) -> None:
        super().__init__()
        self.setWindowTitle(f"{title} — TV mode")
        self.setStyleSheet("TvWindow { background: white; }")
        # One full wallboard drawn large; each page shows part of it.
        self.board = WallboardView(title, thresholds, TV_SCALE)
        b = self.board
        self.pages = QStackedWidget()
        self._page_parts = [
            ("Service level and queues", [b.cards, b.queue_grid]),
            ("Agents", [b.agents]),
            ("Trends and missed calls", [b.trends, b.heatmap]),
        ]
        for _, parts in self._page_parts:
            page = QWidget()
            layout = QVBoxLayout(page)
            for part in parts:
                layout.addWidget(part, 1)
            self.pages.addWidget(page)
        self.heading = QLabel()
        self.heading.setFont(b.title.font())
        # The wallboard's header on two lines: at TV size one line is wider than a
        # 1920-pixel screen. Title, complaints and clock; then the page and the agents
        # by state.
        top = QHBoxLayout()
        top.addWidget(b.title)
        top.addStretch(1)
        top.addWidget(b.complaints)
        top.addSpacing(24)
        top.addWidget(b.clock)
        second = QHBoxLayout()
        second.addWidget(self.heading)
        second.addStretch(1)
        second.addWidget(b.states)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.pages, 1)
        self.show_page(0)
        self.cycle = QTimer(self)
        self.cycle.timeout.connect(self.next_page)
        self.cycle.start(page_s * 1000)

    def show_page(self, i: int) -> None:
        self.pages.setCurrentIndex(i)
        self.heading.setText(self._page_parts[i][0])

    def next_page(self) -> None:
        self.show_page((self.pages.currentIndex() + 1) % self.pages.count())

    def show_wallboard(self, w: Wallboard) -> None:
        self.board.show_wallboard(w)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt's name
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F11):
            self.close()
        elif event.key() in (Qt.Key.Key_Right, Qt.Key.Key_Space):
            self.next_page()
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event) -> None:  # Qt's name
        self.cycle.stop()
        self.closed.emit()
        super().closeEvent(event)
