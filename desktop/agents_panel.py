"""The agents panel (DESK-2): every agent of the floor with skills, languages, blend
profile, state now and today's figures, as a table model over core data; sortable by
any column and filtered by text and by state."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.model import Agent, AgentState, BlendProfile
from core.wallboard.snapshot import AgentToday, Wallboard
from desktop.palette import STATE_COLOUR, STATE_NAME, STATE_TEXT, duration
from desktop.table_model import ColumnsModel, Index

COLUMNS = ("Agent", "Team", "Shift", "Blend", "Languages", "Skills", "State", "In state",
           "Answered today", "Conversations", "AHT", "Occupancy", "Utilisation",
           "Logged in today")
#: Columns that move with the floor (the rest come from the floor's definition).
LIVE_FROM = COLUMNS.index("State")
BLEND_NAME = {BlendProfile.CARE_ONLY: "care", BlendProfile.SALES_ONLY: "sales",
              BlendProfile.BLENDED: "care + sales"}
#: Sorting uses these values (numbers sort as numbers; "–" last).
SORT_ROLE = Qt.ItemDataRole.UserRole


class AgentTableModel(ColumnsModel):
    COLUMNS = COLUMNS

    def __init__(self) -> None:
        super().__init__()
        self._agents: list[Agent] = []
        self._state: dict[int, tuple[AgentState, int]] = {}
        self._today: dict[int, AgentToday] = {}
        self._at_ms = 0
        # Each row's cells, made once per snapshot: sorting asks for them many times.
        self._cells: dict[int, tuple[tuple[str, Any], ...]] = {}

    def set_agents(self, agents: list[Agent]) -> None:
        self.beginResetModel()
        self._agents = list(agents)
        self._cells = {}
        self.endResetModel()

    def show_wallboard(self, w: Wallboard) -> None:
        known = {a.id for a in self._agents}
        if any(t.id not in known for t in w.agents):  # the floor has new agents
            self.set_agents(self._agents + [Agent(t.id, t.name, t.languages, (), {}, "")
                                            for t in w.agents if t.id not in known])
        self._state = {t.id: (t.state, t.since_ms) for t in w.agents}
        self._today = w.agent_today
        self._at_ms = w.at_ms
        self._cells = {}
        if self._agents:
            self.dataChanged.emit(self.index(0, LIVE_FROM),
                                  self.index(len(self._agents) - 1, len(COLUMNS) - 1))

    def row_count(self) -> int:
        return len(self._agents)

    def state_of(self, row: int) -> AgentState:
        return self._state.get(self._agents[row].id, (AgentState.OFFLINE, -1))[0]

    def _values(self, a: Agent) -> tuple[tuple[str, Any], ...]:
        """(shown, sort key) per column."""
        state, since = self._state.get(a.id, (AgentState.OFFLINE, -1))
        t = self._today.get(a.id)
        in_state = self._at_ms - since if since >= 0 else -1

        def ratio(x: float | None) -> tuple[str, float]:
            return ("–", -1.0) if x is None else (f"{100 * x:.0f}%", x)

        skills = ", ".join(f"{s.skill} {s.proficiency}" for s in a.skills)
        return (
            (a.name, a.name.lower()), (a.team or "–", a.team), (a.shift or "–", a.shift),
            (BLEND_NAME.get(a.blend, "–") if a.skills else "–", int(a.blend)),
            (" ".join(x.upper() for x in a.languages), " ".join(a.languages)),
            (skills or "–", skills),
            (STATE_NAME[state], int(state)), (duration(in_state), in_state),
            (f"{t.answered:,}" if t else "0", t.answered if t else 0),
            (f"{t.conversations:,}" if t else "0", t.conversations if t else 0),
            ("–", -1.0) if t is None or t.aht_s is None else (
                duration(int(t.aht_s * 1000)), t.aht_s),
            ratio(t.occupancy if t else None), ratio(t.utilisation if t else None),
            (duration(t.logged_in_ms) if t and t.logged_in_ms else "–",
             t.logged_in_ms if t else 0),
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # "" rather than None for an empty cell: see SETUP-NOTES on PySide6 and None.
        if not index.isValid():
            return ""
        a = self._agents[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            cells = self._cells.get(index.row())
            if cells is None:
                cells = self._cells[index.row()] = self._values(a)
            return cells[col][0 if role == Qt.ItemDataRole.DisplayRole else 1]
        if col == COLUMNS.index("State"):
            state = self._state.get(a.id, (AgentState.OFFLINE, -1))[0]
            if role == Qt.ItemDataRole.BackgroundRole:
                return STATE_COLOUR[state]
            if role == Qt.ItemDataRole.ForegroundRole:
                return STATE_TEXT[state]
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= COLUMNS.index("In state"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class AgentFilter(QSortFilterProxyModel):
    """Rows whose text holds the filter (any column, any case) and, if chosen, whose
    state is the one chosen."""

    def __init__(self, source: AgentTableModel) -> None:
        super().__init__()
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self.state: AgentState | None = None

    def set_state(self, state: AgentState | None) -> None:
        self.beginFilterChange()
        self.state = state
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:  # Qt's name
        source: AgentTableModel = self.sourceModel()
        if self.state is not None and source.state_of(row) != self.state:
            return False
        return super().filterAcceptsRow(row, parent)


class AgentsPanel(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.model = AgentTableModel()
        self.proxy = AgentFilter(self.model)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter: a name, team, language (EN), skill…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.state_box = QComboBox()
        self.state_box.addItem("every state", None)
        for s in AgentState:
            self.state_box.addItem(STATE_NAME[s], s)
        self.state_box.currentIndexChanged.connect(
            lambda i: self.proxy.set_state(self.state_box.itemData(i)))
        self.count = QLabel()
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        # Sized once to the floor, not at every update (a thousand rows measured four
        # times a second would take the GUI thread's time).
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(QLabel("State:"))
        bar.addWidget(self.state_box)
        bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved,
                       self.proxy.modelReset, self.proxy.layoutChanged):
            signal.connect(self._count)

    def _count(self, *_: object) -> None:
        self.count.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} agents")

    def set_agents(self, agents: list[Agent]) -> None:
        self.model.set_agents(agents)
        self.table.resizeColumnsToContents()
        self._count()

    def show_wallboard(self, w: Wallboard) -> None:
        first = not self.model._state
        self.model.show_wallboard(w)
        if first:
            self.table.resizeColumnsToContents()
        self._count()
