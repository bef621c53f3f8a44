"""The wallboard: the floor at a glance (DESK-1). Every figure comes from the live KPI
engine's view of the stored events (core.wallboard), never from the simulator's
own counters."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.clock import to_local
from core.model import AgentState
from core.wallboard.snapshot import Wallboard
from core.wallboard.thresholds import Thresholds
from desktop.agent_grid import AgentGrid
from desktop.channel_cards import ChannelCards
from desktop.missed_heatmap import MissedHeatmapView
from desktop.palette import STATE_COLOUR, STATE_NAME, STATE_TEXT
from desktop.queue_grid import QueueGridModel
from desktop.trend_plots import TrendPlots


def _font(widget: QWidget, size: float, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


class StateCounts(QWidget):
    """Agents by state, as coloured chips."""

    def __init__(self, scale: float = 1.0) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.labels: dict[AgentState, QLabel] = {}
        for s in AgentState:
            label = QLabel()
            label.setFont(_font(label, 11 * scale, True))
            label.setStyleSheet(f"background: {STATE_COLOUR[s].name()}; color: "
                                f"{STATE_TEXT[s].name()}; border-radius: 4px; padding: 2px 8px;")
            # Wide enough for four digits: a count gaining a digit must not lay the
            # window out again.
            label.setFixedWidth(label.fontMetrics().horizontalAdvance(
                f"8888 {STATE_NAME[s]}") + 20)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
            self.labels[s] = label

    def show_counts(self, counts: dict[AgentState, int]) -> None:
        for s, label in self.labels.items():
            label.setText(f"{counts.get(s, 0)} {STATE_NAME[s]}")


class QueueGrid(QTableView):
    def __init__(self, scale: float = 1.0) -> None:
        super().__init__()
        self.model_ = QueueGridModel()
        self.setModel(self.model_)
        self.setFont(_font(self, 11 * scale))
        self.horizontalHeader().setFont(_font(self, 11 * scale, True))
        self.verticalHeader().setFont(_font(self, 11 * scale, True))
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setSelectionMode(QTableView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)


class WallboardView(QWidget):
    def __init__(self, title: str, thresholds: Thresholds, scale: float = 1.0) -> None:
        super().__init__()
        self.thresholds = thresholds
        self.latest: Wallboard | None = None
        self.title = QLabel(title)
        self.title.setFont(_font(self.title, 16 * scale, True))
        self.clock = QLabel("waiting for the floor…")
        self.clock.setFont(_font(self.clock, 14 * scale, True))
        self.clock.setFixedWidth(self.clock.fontMetrics().horizontalAdvance(
            "Wed 30 Sep 00:00:00 ") + 8)
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.states = StateCounts(scale)
        self.cards = ChannelCards(thresholds, scale)
        self.queue_grid = QueueGrid(scale)
        self.agents = AgentGrid(scale)
        self.trends = TrendPlots(thresholds, scale)
        self.heatmap = MissedHeatmapView(scale)
        queue_box = QVBoxLayout()
        caption = QLabel("Waiting now (longest wait) by language")
        caption.setFont(_font(caption, 11 * scale, True))
        queue_box.addWidget(caption)
        queue_box.addWidget(self.queue_grid)
        self.header = QWidget()
        header = QHBoxLayout(self.header)
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.title)
        header.addStretch(1)
        # Valid complaints nobody acknowledged (ESC-4): seen across the room.
        self.complaints = QLabel("")
        self.complaints.setFont(_font(self.complaints, 11 * scale, True))
        self.complaints.hide()
        header.addWidget(self.complaints)
        header.addSpacing(int(16 * scale))
        header.addWidget(self.states)
        header.addSpacing(int(16 * scale))
        header.addWidget(self.clock)
        grid = QGridLayout(self)
        grid.addWidget(self.header, 0, 0, 1, 2)
        grid.addWidget(self.cards, 1, 0, 1, 2)
        grid.addLayout(queue_box, 2, 0)
        grid.addWidget(self.agents, 2, 1)
        grid.addWidget(self.trends, 3, 0)
        grid.addWidget(self.heatmap, 3, 1)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        grid.setRowStretch(2, 3)
        grid.setRowStretch(3, 2)

    def show_complaints(self, unacknowledged: int, for_a_senior: int) -> None:
        """The open complaints' count; hidden when there are none."""
        if not unacknowledged and not for_a_senior:
            self.complaints.hide()
            return
        parts = []
        if unacknowledged:
            parts.append(f"{unacknowledged} valid complaint"
                         f"{'s' if unacknowledged != 1 else ''} not acknowledged")
        if for_a_senior:
            parts.append(f"{for_a_senior} for a senior")
        self.complaints.setText("  " + " · ".join(parts) + "  ")
        colour = "#c62828" if unacknowledged else "#f9a825"
        text = "white" if unacknowledged else "black"
        self.complaints.setStyleSheet(f"background: {colour}; color: {text}; "
                                      "border-radius: 4px; padding: 2px;")
        self.complaints.show()

    def set_thresholds(self, thresholds: Thresholds) -> None:
        self.thresholds = self.cards.thresholds = thresholds
        self.trends.set_thresholds(thresholds)
        if self.latest is not None:
            self.show_wallboard(self.latest)

    def show_wallboard(self, w: Wallboard) -> None:
        self.latest = w
        if w.at_ms >= 0:
            when = to_local(w.at_ms, w.timezone)
            self.clock.setText(f"{when:%a %d %b %H:%M:%S}")
        self.states.show_counts(w.agents_by_state)
        self.cards.show_channels(w.channels)
        self.queue_grid.model_.set_queues(w.queues, w.channels)
        self.agents.show_agents(w.agents, w.at_ms)
        self.trends.show_trend(w.trend, w.at_ms)
        self.heatmap.show_missed(w.missed)
