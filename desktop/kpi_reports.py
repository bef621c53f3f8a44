"""KPI reports (DESK-3): the measures of a chosen range by agent, team, shift,
language, channel, queue or interval; a row's contacts on a click; the spread and
sabotage flags with their evidence; any table saved as CSV. The reports are made on
worker threads with their own database connections: the window never waits."""

from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QDateTime,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.clock import at_wall_clock, local_day, now_ms, to_local, zone
from core.floor.floor import Floor
from core.kpi.intervals import INTERVALS
from core.model import Channel
from core.reports.flagged_report import FlaggedReport, flagged_report
from core.reports.table_text import KPI_LEGEND, KPI_TABLE, cell_text, write_csv
from desktop.table_model import ColumnsModel, Index
from desktop.tasks import Tasks

#: What a report can be grouped by, in the manager's words: (label, dimensions).
GROUPINGS = (("Agent", ("agent",)), ("Team", ("team",)), ("Shift", ("shift",)),
             ("Language", ("language",)), ("Channel", ("channel",)), ("Queue", ("queue",)),
             ("Interval", ("interval",)), ("Agent and interval", ("agent", "interval")),
             ("Channel and interval", ("channel", "interval")))
INTERVAL_NAMES = {"15min": "15 minutes", "hour": "hour", "day": "day", "month": "month"}
#: The contacts table's columns: (key, header).
CONTACT_COLUMNS = (("interaction", "interaction"), ("offered_at", "offered at"),
                   ("channel", "channel"), ("queue", "queue"), ("customer", "customer"),
                   ("wait_s", "wait s"), ("how", "wait ended"), ("agent", "agent"),
                   ("talk_s", "talk s"), ("acw_s", "ACW s"), ("transfers", "transfers"),
                   ("outcome", "outcome"), ("counted_as", "counted in the row as"))
SORT_ROLE = Qt.ItemDataRole.UserRole
FLAGGED = QColor("#ffe0b2")


class RowsModel(ColumnsModel):
    """Rows of named values (report rows) under the columns given."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, object]] = []
        self.keys: tuple[str, ...] = ()

    def set_rows(self, rows: list[dict[str, object]],
                 columns: Sequence[tuple[str, str]]) -> None:
        self.beginResetModel()
        self.rows = rows
        present = [(k, h) for k, h in columns if not rows or k in rows[0]]
        self.keys = tuple(k for k, _ in present)
        self.COLUMNS = tuple(h for _, h in present)
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return ""
        v = self.rows[index.row()][self.keys[index.column()]]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(v)
        if role == SORT_ROLE:
            # Numbers as numbers, "not defined" below every number, text as text.
            if v is None:
                return float("-inf")
            return v if isinstance(v, int | float) else str(v).lower()
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(v, int | float | None):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and self.rows[index.row()].get("flags"):
            return FLAGGED
        return None


def _table(model: RowsModel) -> tuple[QTableView, QSortFilterProxyModel]:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    view = QTableView()
    view.setModel(proxy)
    view.setSortingEnabled(True)
    # Qt starts a sortable view descending; names and times read top-down.
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view, proxy


class KpiReportsPanel(QWidget):
    """Reports and drill-downs run on worker threads, each on a reader of the floor;
    the floor's clock (its last stored moment) comes from the window."""

    #: Emitted when a report or a row's contacts are shown (tests wait on it).
    shown = Signal()

    def __init__(self, floor: Floor, timezone: str, region: str = "GB",
                 targets: Mapping[Channel, int] | None = None) -> None:
        super().__init__()
        self._targets = dict(targets or {})
        self._floor = floor
        #: The floor's last stored moment, as the window last read it (None: not yet).
        self.last_event_ms: int | None = None
        self._range_default = False
        self._tz, self._region = zone(timezone), region
        self._tasks = Tasks(self)
        #: The latest request of each kind ("report", "contacts"): only its answer is shown.
        self._latest: dict[str, int] = {}
        self.report: FlaggedReport | None = None
        self.contacts: list[dict[str, object]] = []
        self._range_set = False

        self.since = QDateTimeEdit()
        self.until = QDateTimeEdit()
        for edit in (self.since, self.until):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
        quick = []
        for label, days_back, days in (("Today", 0, 1), ("Yesterday", 1, 1),
                                       ("Last 7 days", 6, 7)):
            b = QPushButton(label)
            b.clicked.connect(lambda _=False, back=days_back, n=days: self.set_days(back, n))
            quick.append(b)
        self.grouping = QComboBox()
        for label, dims in GROUPINGS:
            self.grouping.addItem(label, dims)
        self.interval = QComboBox()
        for iv in INTERVALS:
            self.interval.addItem(INTERVAL_NAMES[iv], iv)
        self.interval.setCurrentIndex(list(INTERVALS).index("hour"))
        self.run_button = QPushButton("Run report")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run_report)
        self.export_button = QPushButton("Save report as CSV…")
        self.export_button.clicked.connect(lambda: self._save(self.model.rows, "report"))
        self.export_button.setEnabled(False)
        bar = QHBoxLayout()
        for w in (QLabel("From"), self.since, QLabel("to"), self.until, *quick,
                  QLabel("  By"), self.grouping, QLabel("interval"), self.interval,
                  self.run_button, self.export_button):
            bar.addWidget(w)
        bar.addStretch(1)

        self.status = QLabel("Choose a range and a grouping, then Run report.")
        self.status.setWordWrap(True)
        self.model = RowsModel()
        self.table, self.proxy = _table(self.model)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.contact_model = RowsModel()
        self.contact_table, self.contact_proxy = _table(self.contact_model)
        self.contact_title = QLabel("Click a row to see its contacts.")
        self.contact_export = QPushButton("Save contacts as CSV…")
        self.contact_export.setEnabled(False)
        self.contact_export.clicked.connect(lambda: self._save(self.contacts, "contacts"))
        self.flags = QTextBrowser()
        self.flags.setOpenLinks(False)

        contacts_box = QWidget()
        c_layout = QVBoxLayout(contacts_box)
        c_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.contact_title, 1)
        head.addWidget(self.contact_export)
        c_layout.addLayout(head)
        c_layout.addWidget(self.contact_table)
        flags_box = QWidget()
        f_layout = QVBoxLayout(flags_box)
        f_layout.setContentsMargins(0, 0, 0, 0)
        f_layout.addWidget(QLabel("Flags in this range, with their evidence"))
        f_layout.addWidget(self.flags)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(contacts_box)
        lower.addWidget(flags_box)
        lower.setSizes([1250, 650])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setSizes([520, 380])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)

    # -- the range --------------------------------------------------------------

    def set_targets(self, targets: Mapping[Channel, int]) -> None:
        """The configured service-level targets, for the reports made from now on."""
        self._targets = dict(targets)

    def set_timezone(self, timezone: str) -> None:
        # Called with every floor snapshot (4 a second): only a change costs anything.
        if timezone != self._tz.key:
            self._tz = zone(timezone)

    def _floor_today(self) -> dt.date:
        """The floor's today: the day of the last stored event (a simulated floor's
        clock runs ahead of the wall clock), else the wall clock's."""
        last = self.last_event_ms
        return local_day(last if last is not None else now_ms(), self._tz)

    def set_last_event(self, ms: int | None) -> None:
        """The floor's last stored moment, as the window read it: today moves with it,
        and a range nobody chose yet follows."""
        known = self.last_event_ms is not None
        self.last_event_ms = ms
        if self._range_default and not known and ms is not None:
            self.set_days(0, 1, default=True)

    def set_days(self, back: int, days: int, default: bool = False) -> None:
        """``days`` whole days of the floor's clock ending ``back`` days before today's end."""
        first = self._floor_today() - dt.timedelta(days=back)
        self.set_range(dt.datetime.combine(first, dt.time()),
                       dt.datetime.combine(first + dt.timedelta(days=days), dt.time()),
                       default)

    def set_range(self, since: dt.datetime, until: dt.datetime, default: bool = False) -> None:
        """On the floor's clock (naive: wall-clock time there). ``default``: not the
        user's choice (the range shown first)."""
        self.since.setDateTime(QDateTime(since))
        self.until.setDateTime(QDateTime(until))
        self._range_set = True
        self._range_default = default

    def showEvent(self, event: Any) -> None:  # Qt's name
        if not self._range_set:
            self.set_days(0, 1, default=True)
        super().showEvent(event)

    def _range_ms(self) -> tuple[int, int]:
        def ms(edit: QDateTimeEdit) -> int:
            return at_wall_clock(edit.dateTime().toPython(), self._tz)
        return ms(self.since), ms(self.until)

    # -- running ------------------------------------------------------------------

    def _submit(self, what: str, work: Callable[[], object]) -> None:
        # Only the latest of each kind is shown: an older answer arriving late is
        # dropped rather than drawn over a newer one.
        n = self._latest[what] = self._latest.get(what, 0) + 1
        self._tasks.run(work, lambda result: self._arrived(what, n, result),
                        lambda message: self._failed(what, n, message))

    def run_report(self) -> None:
        if not self._range_set:
            self.set_days(0, 1)
        since, until = self._range_ms()
        if since >= until:
            self.status.setText("The range is empty: 'from' must be before 'to'.")
            return
        by = tuple(self.grouping.currentData())
        interval = self.interval.currentData()
        floor, tz, region = self._floor, self._tz.key, self._region
        targets = dict(self._targets)

        def work() -> FlaggedReport:
            with floor.reader() as store:
                return flagged_report(store, by, interval, since, until, tz, region, targets)

        self.status.setText("Making the report…")
        self._submit("report", work)

    def show_contacts(self, row: int) -> None:
        """Ask for the contacts of the report's row ``row`` (in the report's order)."""
        report = self.report
        if report is None or not 0 <= row < len(report.rows):
            return
        floor = self._floor

        def work() -> tuple[int, list[dict[str, object]]]:
            with floor.reader() as store:
                return row, report.contacts(store, row)

        self.contact_title.setText("Finding the row's contacts…")
        self._submit("contacts", work)

    def _row_chosen(self, current: Index, _: Index) -> None:
        if current.isValid():
            self.show_contacts(self.proxy.mapToSource(current).row())

    def _arrived(self, what: str, n: int, result: object) -> None:
        if self._latest.get(what) != n:
            return
        if what == "report":
            self._show_report(result)  # type: ignore[arg-type]
        elif what == "contacts":
            row, contacts = result  # type: ignore[misc]
            self._show_contacts(row, contacts)
        else:
            return
        self.shown.emit()

    def _failed(self, what: str, n: int, message: str) -> None:
        if self._latest.get(what) == n:
            self.status.setText(f"The report could not be made: {message}")

    def _show_report(self, report: FlaggedReport) -> None:
        self.report = report
        columns = [(d, d) for d in report.by] + list(KPI_TABLE) + [("flags", "flags")]
        self.model.set_rows(report.rows, columns)
        self.table.resizeColumnsToContents()
        self._show_contacts(-1, [])
        self.export_button.setEnabled(bool(report.rows))
        since = to_local(report.since_ms, self._tz)
        until = to_local(report.until_ms, self._tz)
        flagged = sum(1 for r in report.rows if r.get("flags"))
        self.status.setText(
            (f"{len(report.rows)} rows, {since:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M} "
             f"({report.timezone}); {len(report.flags)} flags"
             + (f", {flagged} rows marked" if flagged else "") + ". " + KPI_LEGEND)
            if report.rows else "No contacts were resolved in this range.")
        self._show_flags(report)

    def _show_flags(self, report: FlaggedReport) -> None:
        if not report.flags:
            self.flags.setHtml("<p>No spread between comparable agents above 25% and no "
                               "dials ended too soon against the peers, in this range.</p>")
            return
        items = []
        for f in report.flags:
            kind = ("Spread between comparable agents" if f.kind == "spread"
                    else "Dials ended before the callee could answer")
            items.append(f"<li><b>{html.escape(kind)}</b>: {html.escape(f.evidence)}</li>")
        self.flags.setHtml("<ul>" + "".join(items) + "</ul>")

    def _show_contacts(self, row: int, contacts: list[dict[str, object]]) -> None:
        self.contacts = contacts
        self.contact_model.set_rows(contacts, CONTACT_COLUMNS)
        self.contact_table.resizeColumnsToContents()
        self.contact_export.setEnabled(bool(contacts))
        report = self.report
        if row < 0 or report is None:
            self.contact_title.setText("Click a row to see its contacts.")
            return
        label = ", ".join(cell_text(report.rows[row][d]) for d in report.by) or "all"
        counted = sum("offered" in str(c["counted_as"]) for c in contacts)
        talked = sum("conversation" in str(c["counted_as"]) for c in contacts)
        self.contact_title.setText(
            f"Contacts of {label}: {len(contacts):,} ({counted:,} offered whose wait ended "
            f"in the row, {talked:,} conversations that ended in it)")

    # -- CSV ----------------------------------------------------------------------

    def csv_text(self, rows: Sequence[dict[str, object]]) -> str:
        out = io.StringIO()
        write_csv(rows, out)
        return out.getvalue()

    def save_csv(self, rows: Sequence[dict[str, object]], path: Path) -> None:
        """Every column of ``rows`` to ``path`` (UTF-8, opens in a spreadsheet)."""
        path.write_text(self.csv_text(rows), encoding="utf-8")

    def _save(self, rows: Sequence[dict[str, object]], what: str) -> None:
        stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M")
        name, _ = QFileDialog.getSaveFileName(
            self, f"Save the {what} as CSV", str(Path.home() / f"floorboard-{what}-{stamp}.csv"),
            "CSV (*.csv)")
        if not name:
            return
        try:
            self.save_csv(rows, Path(name))
        except OSError as exc:
            self.status.setText(f"Could not save {name}: {exc}")
            return
        self.status.setText(f"Saved {len(rows):,} rows of the {what} to {name}.")

    def wait_done(self) -> None:
        """Let running reports finish (before the database is closed)."""
        self._tasks.wait_done()
