"""One card per channel: today's service level against its target, coloured by the
configured thresholds, with the figures behind it and the queue now."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.model import Channel
from core.wallboard.snapshot import ChannelFigures
from core.wallboard.thresholds import Level, Thresholds
from desktop.palette import CHANNEL_NAME, LEVEL_COLOUR, LEVEL_TEXT, duration, percent, target_text


class ChannelCard(QFrame):
    def __init__(self, channel: Channel, scale: float = 1.0) -> None:
        super().__init__()
        self.channel = channel
        self.level = Level.NONE
        self._styled: Level | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.title = QLabel(CHANNEL_NAME[channel])
        self.target = QLabel("")
        self.value = QLabel("–")
        self.detail = QLabel("")
        self.queue = QLabel("")
        for label, size, bold in ((self.title, 14, True), (self.target, 9, False),
                                  (self.value, 32, True), (self.detail, 9, False),
                                  (self.queue, 12, True)):
            font = QFont(label.font())
            font.setPointSizeF(size * scale)
            font.setBold(bold)
            label.setFont(font)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            # Cards share the row: text is cut at a card's edge rather than widening
            # the window past the screen (TV mode's large type).
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            layout.addWidget(label)

    def show_figures(self, f: ChannelFigures, thresholds: Thresholds) -> None:
        self.level = thresholds.level(f.service_level)
        self.value.setText(percent(f.service_level))
        self.target.setText(f"service level today · target {target_text(f.target_s)}")
        asa = "–" if f.asa_s is None else (
            f"{f.asa_s:.0f} s" if f.asa_s < 60 else duration(int(f.asa_s * 1000)))
        self.detail.setText(f"offered {f.offered:,} · answered {f.answered:,}\n"
                            f"abandoned {f.abandoned - f.short_abandoned:,} "
                            f"({percent(f.abandon_rate)}) · ASA {asa}")
        # Always two lines: the cards' figures stay level across the row.
        self.queue.setText(f"{f.waiting} waiting\nlongest {duration(f.longest_wait_ms)}"
                           if f.waiting else "no one waiting\n ")
        self.queue.setToolTip("contacts waiting now, and the longest wait among them")
        if self.level == self._styled:
            return  # a style sheet is costly to apply: only when the colour changes
        self._styled = self.level
        bg, fg = LEVEL_COLOUR[self.level], LEVEL_TEXT[self.level]
        self.setStyleSheet(f"ChannelCard {{ background: {bg.name()}; border-radius: 6px; }}"
                           f" QLabel {{ color: {fg.name()}; }}")


class ChannelCards(QWidget):
    """A row of cards, one per channel the floor has (outbound dials have none)."""

    def __init__(self, thresholds: Thresholds, scale: float = 1.0) -> None:
        super().__init__()
        self.thresholds = thresholds
        self.scale = scale
        self.cards: dict[Channel, ChannelCard] = {}
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def show_channels(self, channels: list[ChannelFigures]) -> None:
        for f in channels:
            card = self.cards.get(f.channel)
            if card is None:
                card = self.cards[f.channel] = ChannelCard(f.channel, self.scale)
                self._layout.addWidget(card, 1)
            card.show_figures(f, self.thresholds)
