"""The escalations inbox and the wallboard's count on a real (offscreen) Qt: the
triage verdicts with their reasons, pages and attempts, acknowledge, confirm as a
senior and mark not valid, each recorded; the count follows."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from core.config import defaults
from core.model import Agent, Complaint, ComplaintCategory, ComplaintSource
from core.model.escalation import Verdict
from desktop.escalations_inbox import COLUMNS, NOBODY_PAGED, SENIOR, WANTED
from desktop.main_window import MainWindow


@pytest.fixture
def window(floor_of, qtbot, store):
    config = defaults()
    config.values["escalation.contacts"] = [{"name": "Manager",
                                             "reach": ["sms:+380501112233"]}]
    config.values["floor.region"] = "UA"
    now = int(time.time() * 1000)
    return _inbox_on(floor_of, qtbot, store, config, now, [
        Complaint(now, ComplaintCategory.HARM, ComplaintSource.AGENT, None, 1,
                  "+380671234567", "Engineer left the box damaged."),
        Complaint(now, ComplaintCategory.LEGAL_THREAT, ComplaintSource.TRANSCRIPT, None, 1,
                  None, "Customer in chat: 'my lawyer will call you'."),
        Complaint(now, ComplaintCategory.WAIT_TIME, ComplaintSource.AGENT, None, 1,
                  "+380931112233", "Waited too long.")])


def _inbox_on(floor_of, qtbot, store, config, now: int, complaints: list[Complaint]):
    """The window on the inbox, its complaints triaged and shown."""
    store.add_agents([Agent(1, "Olena", ("uk",), (), {}, "early")])
    store.add_complaints(complaints)
    w = MainWindow(floor_of(store.path), config, None)
    qtbot.addWidget(w)
    w.show()
    w.inbox.escalator.triage_new(now)
    w.tabs.setCurrentWidget(w.inbox)
    _settled(qtbot, w, w.refresh)
    return w


def _settled(qtbot, w, action=None) -> None:
    """Do ``action``, then wait until every task it set off has been answered (the
    window reads and writes off its thread)."""
    if action is not None:
        action()
    qtbot.waitUntil(lambda: not w.tasks.busy, timeout=10_000)


def _row(w, cid: int) -> int:
    return next(i for i, r in enumerate(w.inbox.model.rows) if r.complaint_id == cid)


def test_the_inbox_shows_verdicts_pages_and_the_count(qtbot, window) -> None:
    w = window
    assert w.wallboard.complaints.text().strip() == (
        "1 valid complaint not acknowledged · 1 for a senior")
    assert w.tabs.tabText(w.tabs.indexOf(w.inbox)) == "Escalations (1)"
    cells = {r.complaint_id: w.inbox.model.cells(r) for r in w.inbox.model.rows}
    assert cells[1][5] == "valid" and cells[1][6].startswith("harm; customer identified")
    assert cells[1][7] == "0 of 1 sent, 0 delivered"
    assert cells[2][5] == "needs a senior" and "not identified" in cells[2][6]
    assert cells[3][5] == "not valid" and "handled on the floor" in cells[3][6]
    bg = Qt.ItemDataRole.BackgroundRole
    assert w.inbox.model.index(_row(w, 1), 0).data(bg) == WANTED
    assert w.inbox.model.index(_row(w, 2), 0).data(bg) == SENIOR
    _settled(qtbot, w, lambda: w.inbox.select(1))
    text = w.inbox.detail.toPlainText()
    assert "Page 1 to Manager by sms (+380501112233), urgent: pending" in text
    assert w.inbox.ack_button.isEnabled() and not w.inbox.confirm_button.isEnabled()


def test_acknowledge_confirm_and_mark_not_valid_are_recorded(qtbot, window,
                                                            monkeypatch) -> None:
    w = window
    _settled(qtbot, w, lambda: w.inbox.select(1))
    _settled(qtbot, w, w.inbox.ack_button.click)
    ack = w.inbox.db.acknowledged(1)
    assert (ack.by, ack.via) == (w.inbox.me, "inbox")
    assert w.inbox.model.cells(w.inbox.model.rows[_row(w, 1)])[8].startswith(
        f"{w.inbox.me} (inbox)")
    _settled(qtbot, w, w.refresh)
    assert w.wallboard.complaints.text().strip() == "1 for a senior"
    assert w.tabs.tabText(w.tabs.indexOf(w.inbox)) == "Escalations"
    # A senior confirms the unidentified one: valid, paged at once.
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Agnieszka", True))
    _settled(qtbot, w, lambda: w.inbox.select(2))
    _settled(qtbot, w, w.inbox.confirm_button.click)
    d = w.inbox.db.verdict(2)
    assert d.verdict is Verdict.VALID and d.by == "Agnieszka"
    assert [p.urgency.value for p in w.inbox.db.pages(2)] == ["info", "urgent"]
    _settled(qtbot, w, w.refresh)
    assert w.wallboard.complaints.text().strip() == "1 valid complaint not acknowledged"
    # The manager decides it is not valid after all: its pages stop.
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("customer withdrew", True))
    _settled(qtbot, w, lambda: w.inbox.select(2))
    _settled(qtbot, w, w.inbox.not_valid_button.click)
    d = w.inbox.db.verdict(2)
    assert d.verdict is Verdict.NOT_VALID and "customer withdrew" in d.reason
    assert {p.state.value for p in w.inbox.db.pages(2)} == {"cancelled"}
    _settled(qtbot, w, w.refresh)
    assert not w.wallboard.complaints.isVisible()


def test_a_valid_complaint_nobody_was_paged_for_says_so(floor_of, qtbot, store) -> None:
    config = defaults()  # no [[escalation.contacts]]
    config.values["floor.region"] = "UA"
    now = int(time.time() * 1000)
    w = _inbox_on(floor_of, qtbot, store, config, now, [
        Complaint(now, ComplaintCategory.HARM, ComplaintSource.AGENT, None, 1,
                  "+380671234567", "Engineer left the box damaged.")])
    [r] = w.inbox.model.rows
    cells = w.inbox.model.cells(r)
    assert cells[5] == "valid"
    assert cells[7] == "nobody paged: no contacts are configured"
    pages = w.inbox.model.index(0, COLUMNS.index("Pages"))
    assert pages.data(Qt.ItemDataRole.ForegroundRole) == NOBODY_PAGED
    _settled(qtbot, w, lambda: w.inbox.select(1))
    assert "Nobody was paged for this complaint" in w.inbox.detail.toPlainText()
