"""The escalations inbox (ESC-4): every complaint with its triage verdict and why, the
pages sent and delivered, the last delivery error, and who acknowledged it and how;
acknowledge, confirm as a senior, or mark not valid. Every action is recorded."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.clock import format_local, now_ms, zone
from core.escalation.escalator import Escalator
from core.escalation.policy import EscalationPolicy
from core.floor.escalation_db import FloorEscalationDb
from core.floor.floor import Floor
from core.model.escalation import Verdict
from core.store.escalation import InboxRow, OpenCounts
from desktop.table_model import ColumnsModel, Index
from desktop.tasks import Tasks

COLUMNS = ("#", "Raised", "Category", "Customer", "Agent", "Verdict", "Why", "Pages",
           "Acknowledged")
VERDICT_WORDS = {Verdict.VALID: "valid", Verdict.NOT_VALID: "not valid",
                 Verdict.NEEDS_SENIOR: "needs a senior", None: "not triaged yet"}
#: Rows that want the manager: a valid complaint nobody acknowledged, and one for a senior.
WANTED = QColor("#ffcdd2")
SENIOR = QColor("#fff3c4")
#: The text of a valid complaint nobody was paged for.
NOBODY_PAGED = QColor("#b71c1c")


def _pages(r: InboxRow) -> str:
    if r.nobody_paged:
        return "nobody paged: no contacts are configured"
    if not r.pages:
        return "–"
    text = f"{r.pages_sent} of {r.pages} sent, {r.pages_delivered} delivered"
    return f"{text}; last error: {r.last_error}" if r.last_error else text


class InboxModel(ColumnsModel):
    COLUMNS = COLUMNS

    def __init__(self, timezone: str) -> None:
        super().__init__()
        self.rows: list[InboxRow] = []
        self.tz = zone(timezone)

    def set_rows(self, rows: list[InboxRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.rows)

    def _when(self, ms: int | None) -> str:
        return "–" if ms is None else format_local(ms, self.tz, "%d %b %H:%M")

    def cells(self, r: InboxRow) -> tuple[str, ...]:
        acked = ("–" if r.acked_ms is None else
                 f"{r.acked_by} ({r.acked_via}), {self._when(r.acked_ms)}")
        return (str(r.complaint_id), self._when(r.raised_ms),
                r.category.name.lower().replace("_", " "), r.customer or "–",
                r.agent or "–", VERDICT_WORDS[r.verdict],
                r.reason or "", _pages(r), acked)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return ""
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells(r)[index.column()]
        if role == Qt.ItemDataRole.UserRole:  # sorting: ids and times as numbers
            return (r.complaint_id if index.column() == 0 else
                    r.raised_ms if index.column() == 1 else self.cells(r)[index.column()])
        if (role == Qt.ItemDataRole.ForegroundRole and r.nobody_paged
                and index.column() == COLUMNS.index("Pages")):
            return NOBODY_PAGED
        if role == Qt.ItemDataRole.BackgroundRole:
            if r.verdict is Verdict.VALID and r.acked_ms is None:
                return WANTED
            if r.verdict is Verdict.NEEDS_SENIOR:
                return SENIOR
        return None


class EscalationsInbox(QWidget):
    """Complaints with their verdicts and pages. Everything it reads or writes goes
    through the window's tasks (off the GUI thread) to the floor."""

    #: Emitted when the rows (or a complaint's pages) are shown (tests wait on it).
    refreshed = Signal()

    def __init__(self, floor: Floor, policy: EscalationPolicy, region: str,
                 timezone: str, tasks: Tasks) -> None:
        super().__init__()
        self.db = FloorEscalationDb(floor)
        self.escalator = Escalator(None, policy, region, db=self.db)
        self.tasks = tasks
        self.me = getpass.getuser()
        #: What waits for someone, at the last refresh.
        self.counts = OpenCounts(0, 0)
        self.model = InboxModel(timezone)
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The reason gets the room that is left: it is what the manager reads.
        header.setSectionResizeMode(COLUMNS.index("Why"), QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.summary = QLabel()
        self.ack_button = QPushButton("Acknowledge")
        self.ack_button.clicked.connect(self.acknowledge)
        self.confirm_button = QPushButton("Confirm as senior…")
        self.confirm_button.clicked.connect(self.confirm)
        self.not_valid_button = QPushButton("Mark not valid…")
        self.not_valid_button.clicked.connect(self.mark_not_valid)
        self.detail = QTextBrowser()
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        for b in (self.ack_button, self.confirm_button, self.not_valid_button):
            bar.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.detail, 2)
        self._show_detail()
        self.refresh()

    def refresh(self) -> None:
        """Read the rows and counts again (on a task); shown when they arrive."""
        db = self.db
        self.tasks.run(lambda: (db.inbox(), db.open_counts()), self._show_rows)

    def _show_rows(self, result: tuple[list[InboxRow], OpenCounts]) -> None:
        rows, counts = result
        chosen = self.current()
        sized = len(rows) == len(self.model.rows)
        self.model.set_rows(rows)
        if not sized:  # measured when complaints come, not at every refresh
            self.table.resizeColumnsToContents()
        if chosen is not None:
            self.select(chosen)
        self.counts = counts
        self.summary.setText(f"{counts.valid} valid complaint{'s' if counts.valid != 1 else ''}"
                             f" not acknowledged; {counts.needs_senior} waiting for a senior's"
                             " word")
        self._show_detail()
        self.refreshed.emit()

    def select(self, complaint_id: int) -> None:
        for i, r in enumerate(self.model.rows):
            if r.complaint_id == complaint_id:
                self.table.selectRow(self.proxy.mapFromSource(self.model.index(i, 0)).row())
                return

    def current(self) -> int | None:
        at = self.table.selectionModel().currentIndex()
        if not at.isValid():
            return None
        return self.model.rows[self.proxy.mapToSource(at).row()].complaint_id

    def _show_detail(self) -> None:
        cid = self.current()
        r = next((x for x in self.model.rows if x.complaint_id == cid), None)
        for b in (self.ack_button, self.confirm_button, self.not_valid_button):
            b.setEnabled(r is not None)
        if r is None:
            self.detail.setPlainText("Choose a complaint to see its pages and delivery.")
            return
        self.ack_button.setEnabled(r.acked_ms is None and r.verdict is Verdict.VALID)
        self.confirm_button.setEnabled(r.verdict in (Verdict.NEEDS_SENIOR, Verdict.NOT_VALID))
        self.not_valid_button.setEnabled(r.verdict is not Verdict.NOT_VALID)
        db = self.db
        self.tasks.run(lambda: [(p, db.attempts(p.id)) for p in db.pages(r.complaint_id)],
                       lambda pages: self._show_pages(r, pages))

    def _show_pages(self, r: InboxRow, pages: list) -> None:
        if self.current() != r.complaint_id:
            return  # another complaint was chosen meanwhile
        lines = [f"Complaint {r.complaint_id}: {self.model.cells(r)[2]}, raised by "
                 f"{r.source.value} ({r.agent or 'no agent'}), customer {r.customer or 'unknown'}",
                 f"Note: {r.note or '–'}",
                 f"Verdict: {VERDICT_WORDS[r.verdict]}, by {r.decided_by or '–'}: "
                 f"{r.reason or ''}", ""]
        if r.nobody_paged:
            lines += ["Nobody was paged for this complaint: no [[escalation.contacts]] "
                      "were configured when it was decided. Add contacts to the config "
                      "file; the pager then pages every valid complaint nobody has "
                      "acknowledged.", ""]
        for p, attempts in pages:
            lines.append(f"Page {p.step + 1} to {p.contact} by {p.channel.value} "
                         f"({p.address}), {p.urgency.value}: {p.state.value}")
            for a in attempts:
                lines.append(f"    {self.model._when(a.at_ms)}  {a.outcome}  {a.detail}")
        self.detail.setPlainText("\n".join(lines))
        self.refreshed.emit()

    def _now(self) -> int:
        return now_ms()

    def _then_refresh(self, work: Callable[[], object]) -> None:
        self.tasks.run(work, lambda _: self.refresh())

    def acknowledge(self) -> None:
        cid = self.current()
        if cid is not None:
            me, now = self.me, self._now()
            self._then_refresh(lambda: self.escalator.acknowledge(cid, me, now))

    def confirm(self) -> None:
        cid = self.current()
        if cid is None:
            return
        name, ok = QInputDialog.getText(self, "Confirm the complaint",
                                        "The senior agent who confirms it:", text=self.me)
        if ok and name.strip():
            senior, now = name.strip(), self._now()
            self._then_refresh(lambda: self.escalator.confirm(cid, senior, now))

    def mark_not_valid(self) -> None:
        cid = self.current()
        if cid is None:
            return
        why, ok = QInputDialog.getText(self, "Mark not valid", "Why is it not valid?")
        if ok and why.strip():
            me, reason, now = self.me, why.strip(), self._now()
            self._then_refresh(lambda: self.escalator.mark_not_valid(cid, me, reason, now))
