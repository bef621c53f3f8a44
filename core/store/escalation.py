"""Escalation's tables (schema 8): triage decisions, the outbox of pages, delivery
attempts and acknowledgements. A decision and the pages it makes are written in one
transaction; every change of a page is written with its attempt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import apsw

from core.model import Complaint, ComplaintCategory, ComplaintSource
from core.model.escalation import (
    Acknowledgement,
    Decision,
    Page,
    PageAttempt,
    PageChannel,
    PageState,
    Urgency,
    Verdict,
)
from core.store.store import Store, StoredComplaint

#: A complaint's verdict: its latest decision (c: the complaints row).
_VERDICT = ("(SELECT verdict FROM complaint_decisions d WHERE d.complaint_id = c.id"
            " ORDER BY d.id DESC LIMIT 1)")
_NOT_ACKED = "NOT EXISTS (SELECT 1 FROM acknowledgements a WHERE a.complaint_id = c.id)"

_PAGE_COLUMNS = ("id, complaint_id, contact, channel, address, step, dedup_key, text,"
                 " ack_code, urgency, due_ms, state, tries, last_error, sent_ms")


@dataclass(frozen=True)
class PageDraft:
    complaint_id: int
    step: int
    contact: str
    channel: PageChannel
    address: str
    text: str
    ack_code: str
    urgency: Urgency
    created_ms: int
    due_ms: int

    @property
    def dedup_key(self) -> str:
        # One page per complaint and step, whoever writes it and however often.
        return f"complaint:{self.complaint_id}:step:{self.step}"


class OpenCounts(NamedTuple):
    """What waits for someone: valid complaints nobody acknowledged, and complaints
    waiting for a senior."""

    valid: int
    needs_senior: int


@dataclass(frozen=True)
class InboxRow:
    complaint_id: int
    raised_ms: int
    category: ComplaintCategory
    source: ComplaintSource
    customer: str | None
    agent: str | None
    note: str
    verdict: Verdict | None  # None: not triaged yet
    reason: str | None
    decided_by: str | None
    pages: int
    pages_sent: int
    pages_delivered: int
    last_error: str | None
    acked_ms: int | None
    acked_by: str | None
    acked_via: str | None

    @property
    def nobody_paged(self) -> bool:
        """Valid, and no page was ever made: nobody was told (the decision says why)."""
        return self.verdict is Verdict.VALID and self.pages == 0


def _page(row: tuple) -> Page:
    (pid, cid, contact, channel, address, step, key, text, code, urgency, due, state,
     tries, error, sent) = row
    return Page(pid, cid, contact, PageChannel(channel), address, step, key, text, code,
                Urgency(urgency), due, PageState(state), tries, error, sent)


class EscalationStore:
    """Over a Store's connection (its thread's)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._c: apsw.Connection = store.connection

    # -- complaints and decisions ----------------------------------------------------

    def add_complaints(self, complaints: Sequence[Complaint]) -> list[int]:
        return self.store.add_complaints(complaints)

    def undecided(self) -> list[StoredComplaint]:
        rows = self._c.execute(
            "SELECT id, raised_ms, category, source, interaction_id, agent_id,"
            " customer_number, note FROM complaints c WHERE NOT EXISTS"
            " (SELECT 1 FROM complaint_decisions d WHERE d.complaint_id = c.id) ORDER BY id")
        return [StoredComplaint(r[0], Complaint(r[1], ComplaintCategory(r[2]),
                                                ComplaintSource(r[3]), r[4], r[5], r[6], r[7]))
                for r in rows]

    def complaint(self, complaint_id: int) -> Complaint:
        r = self._c.execute(
            "SELECT raised_ms, category, source, interaction_id, agent_id, customer_number,"
            " note FROM complaints WHERE id = ?", (complaint_id,)).fetchone()
        if r is None:
            raise KeyError(f"no complaint {complaint_id}")
        return Complaint(r[0], ComplaintCategory(r[1]), ComplaintSource(r[2]), r[3], r[4],
                         r[5], r[6])

    def earlier_contacts(self, number: str, before_ms: int, besides: int | None) -> int:
        """Interactions from ``number`` that arrived before ``before_ms``, other than
        ``besides``: how triage knows an existing client."""
        self._catch_up_customer_contacts()
        return self._c.execute(
            "SELECT count(*) FROM customer_contacts WHERE number = ? AND arrived_ms < ?"
            " AND interaction_id IS NOT ?", (number, before_ms, besides)).get

    def _catch_up_customer_contacts(self) -> None:
        """Bring the customer_contacts cache up to the last stored interaction (schema 9
        says why it is filled here, not as interactions are stored)."""
        c = self._c
        nested = c.in_transaction
        # IMMEDIATE: the rows read and the watermark written must be one snapshot.
        c.execute("SAVEPOINT customers" if nested else "BEGIN IMMEDIATE")
        try:
            upto = c.execute("SELECT interaction_id FROM customer_contacts_upto").get
            newest = c.execute("SELECT coalesce(max(id), 0) FROM interactions").get
            if newest > upto:
                c.execute(
                    "INSERT INTO customer_contacts (number, arrived_ms, interaction_id)"
                    " SELECT customer_number, arrived_ms, id FROM interactions"
                    " WHERE id > ? AND customer_number IS NOT NULL"
                    " ORDER BY customer_number, arrived_ms, id", (upto,))
                c.execute("UPDATE customer_contacts_upto SET interaction_id = ?", (newest,))
            c.execute("RELEASE customers" if nested else "COMMIT")
        except BaseException:
            c.execute("ROLLBACK TO customers; RELEASE customers" if nested else "ROLLBACK")
            raise

    def open_complaint_of(self, number: str, since_ms: int, before_id: int) -> int | None:
        """The latest complaint of ``number`` raised since ``since_ms``, before
        ``before_id``, whose verdict is valid or waits for a senior."""
        return self._c.execute(
            "SELECT c.id FROM complaints c WHERE c.customer_number = ? AND c.raised_ms >= ?"
            f" AND c.id < ? AND {_VERDICT} IN ('valid', 'needs_senior')"
            " ORDER BY c.id DESC LIMIT 1", (number, since_ms, before_id)).get

    def verdict(self, complaint_id: int) -> Decision | None:
        r = self._c.execute(
            "SELECT verdict, reason, decided_ms, decided_by FROM complaint_decisions"
            " WHERE complaint_id = ? ORDER BY id DESC LIMIT 1", (complaint_id,)).fetchone()
        if r is None:
            return None
        return Decision(complaint_id, Verdict(r[0]), tuple(r[1].split("; ")), r[2], r[3])

    def decide(self, decision: Decision, pages: Sequence[PageDraft] = ()) -> None:
        """The decision and the pages it makes, in one transaction (ESC-3)."""
        with self._c:
            self._c.execute(
                "INSERT INTO complaint_decisions (complaint_id, decided_ms, verdict, reason,"
                " decided_by) VALUES (?, ?, ?, ?, ?)",
                (decision.complaint_id, decision.decided_ms, decision.verdict.value,
                 decision.reason, decision.by))
            if decision.verdict is Verdict.NOT_VALID:
                # Not valid (any more): nothing of it goes out now.
                self._c.execute(
                    "UPDATE pages SET state = 'cancelled' WHERE complaint_id = ?"
                    " AND state = 'pending'", (decision.complaint_id,))
            elif decision.verdict is Verdict.NEEDS_SENIOR:
                # Back to a senior: the manager is told, not woken.
                self._c.execute(
                    "UPDATE pages SET state = 'cancelled' WHERE complaint_id = ?"
                    " AND state = 'pending' AND urgency = 'urgent'", (decision.complaint_id,))
            for p in pages:
                self._insert_page(p)

    # -- pages -----------------------------------------------------------------------

    def _insert_page(self, p: PageDraft) -> int | None:
        try:
            self._c.execute(
                "INSERT INTO pages (complaint_id, step, contact, channel, address, dedup_key,"
                " text, ack_code, urgency, created_ms, due_ms) VALUES"
                " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (p.complaint_id, p.step, p.contact, p.channel.value, p.address, p.dedup_key,
                 p.text, p.ack_code, p.urgency.value, p.created_ms, p.due_ms))
        except apsw.ConstraintError:
            return None  # written already (the same step, by an earlier run)
        return self._c.last_insert_rowid()

    def add_page(self, p: PageDraft) -> int | None:
        """Write a page unless its step is written already; its id, or None."""
        with self._c:
            return self._insert_page(p)

    def pages(self, complaint_id: int | None = None) -> list[Page]:
        if complaint_id is None:
            rows = self._c.execute(f"SELECT {_PAGE_COLUMNS} FROM pages ORDER BY id")
        else:
            rows = self._c.execute(f"SELECT {_PAGE_COLUMNS} FROM pages WHERE complaint_id = ?"
                                   " ORDER BY step", (complaint_id,))
        return [_page(r) for r in rows]

    def page(self, page_id: int) -> Page | None:
        r = self._c.execute(f"SELECT {_PAGE_COLUMNS} FROM pages WHERE id = ?",
                            (page_id,)).fetchone()
        return None if r is None else _page(r)

    def due(self, now_ms: int, limit: int = 100) -> list[Page]:
        """Pending pages whose time has come, the oldest first, of complaints not yet
        acknowledged."""
        rows = self._c.execute(
            f"SELECT {_PAGE_COLUMNS} FROM pages p WHERE state = 'pending' AND due_ms <= ?"
            " AND NOT EXISTS (SELECT 1 FROM acknowledgements a"
            "   WHERE a.complaint_id = p.complaint_id)"
            " ORDER BY due_ms, id LIMIT ?", (now_ms, limit))
        return [_page(r) for r in rows]

    def attempt(self, page_id: int, at_ms: int, outcome: str, detail: str = "", *,
                state: PageState | None = None, retry_at_ms: int | None = None,
                gateway_ref: str | None = None) -> None:
        """An attempt and what it did to the page, in one transaction (ESC-4)."""
        with self._c:
            self._c.execute("INSERT INTO page_attempts (page_id, at_ms, outcome, detail)"
                            " VALUES (?, ?, ?, ?)", (page_id, at_ms, outcome, detail))
            # A try is one that got an answer (or none, for a gateway that is down).
            sets: list[str] = (["tries = tries + 1"]
                               if outcome in ("sent", "retry", "failed") else [])
            args: list[object] = []
            if state is not None:
                sets.append("state = ?")
                args.append(state.value)
                if state is PageState.SENT:
                    sets.append("sent_ms = ?")
                    args.append(at_ms)
                elif state is PageState.DELIVERED:
                    sets.append("delivered_ms = ?")
                    args.append(at_ms)
            if outcome in ("retry", "failed", "gave up"):
                sets.append("last_error = ?")
                args.append(detail)
            if retry_at_ms is not None:
                sets.append("due_ms = ?")
                args.append(retry_at_ms)
            if gateway_ref is not None:
                sets.append("gateway_ref = ?")
                args.append(gateway_ref)
            if sets:
                self._c.execute(f"UPDATE pages SET {', '.join(sets)} WHERE id = ?",
                                (*args, page_id))

    def first_try_ms(self, page_id: int) -> int | None:
        """When the page was first handed to its gateway."""
        return self._c.execute("SELECT min(at_ms) FROM page_attempts WHERE page_id = ?"
                               " AND outcome = 'sending'", (page_id,)).get

    def gave_up_pages(self, complaint_id: int) -> set[int]:
        """The complaint's pages that failed by giving up (their way was down, not
        broken), as the escalator's 'gave up' attempt records."""
        return {r[0] for r in self._c.execute(
            "SELECT p.id FROM pages p WHERE p.complaint_id = ? AND p.state = 'failed'"
            " AND EXISTS (SELECT 1 FROM page_attempts a WHERE a.page_id = p.id"
            "   AND a.outcome = 'gave up')", (complaint_id,))}

    def attempts(self, page_id: int) -> list[PageAttempt]:
        return [PageAttempt(*r) for r in self._c.execute(
            "SELECT at_ms, outcome, detail FROM page_attempts WHERE page_id = ? ORDER BY id",
            (page_id,))]

    # -- acknowledgement ------------------------------------------------------------

    def acknowledge(self, complaint_id: int, at_ms: int, by: str, via: str) -> bool:
        """Record who acknowledged; pending pages of the complaint are cancelled.
        False if it was acknowledged already (the first one stands)."""
        with self._c:
            try:
                self._c.execute("INSERT INTO acknowledgements (complaint_id, at_ms, by, via)"
                                " VALUES (?, ?, ?, ?)", (complaint_id, at_ms, by, via))
            except apsw.ConstraintError:
                return False
            self._c.execute("UPDATE pages SET state = 'cancelled' WHERE complaint_id = ?"
                            " AND state = 'pending'", (complaint_id,))
        return True

    def acknowledged(self, complaint_id: int) -> Acknowledgement | None:
        r = self._c.execute("SELECT at_ms, by, via FROM acknowledgements"
                            " WHERE complaint_id = ?", (complaint_id,)).fetchone()
        return None if r is None else Acknowledgement(*r)

    def complaint_of_code(self, code: str) -> int | None:
        return self._c.execute("SELECT complaint_id FROM pages WHERE ack_code = ?"
                               " ORDER BY id DESC LIMIT 1", (code.strip().upper(),)).get

    def unacknowledged_valid(self) -> list[int]:
        """Complaints whose latest verdict is valid and that nobody acknowledged."""
        return [r[0] for r in self._c.execute(
            f"SELECT c.id FROM complaints c WHERE {_VERDICT} = 'valid' AND {_NOT_ACKED}"
            " ORDER BY c.id")]

    def inbox(self, limit: int = 500) -> list[InboxRow]:
        """The latest complaints (newest first) with their verdict, pages and
        acknowledgement, for the desktop inbox."""
        rows = self._c.execute(
            "SELECT c.id, c.raised_ms, c.category, c.source, c.customer_number, a.name, c.note,"
            " d.verdict, d.reason, d.decided_by,"
            " (SELECT count(*) FROM pages p WHERE p.complaint_id = c.id),"
            " (SELECT count(*) FROM pages p WHERE p.complaint_id = c.id"
            "   AND p.state IN ('sent', 'delivered')),"
            " (SELECT count(*) FROM pages p WHERE p.complaint_id = c.id"
            "   AND p.state = 'delivered'),"
            " (SELECT last_error FROM pages p WHERE p.complaint_id = c.id"
            "   AND p.last_error != '' ORDER BY p.id DESC LIMIT 1),"
            " ack.at_ms, ack.by, ack.via"
            " FROM complaints c"
            " LEFT JOIN agents a ON a.id = c.agent_id"
            " LEFT JOIN complaint_decisions d ON d.id = (SELECT max(id) FROM"
            "   complaint_decisions x WHERE x.complaint_id = c.id)"
            " LEFT JOIN acknowledgements ack ON ack.complaint_id = c.id"
            " ORDER BY c.id DESC LIMIT ?", (limit,))
        # The columns become the enums here: callers never compare the stored words.
        return [InboxRow(cid, raised, ComplaintCategory(category), ComplaintSource(source),
                         customer, agent, note, None if verdict is None else Verdict(verdict),
                         *rest)
                for cid, raised, category, source, customer, agent, note, verdict, *rest
                in rows]

    def open_counts(self) -> OpenCounts:
        # One pass, counted in SQL: the window asks every second.
        valid, senior = self._c.execute(
            f"SELECT coalesce(sum(v = 'valid' AND {_NOT_ACKED}), 0),"
            f" coalesce(sum(v = 'needs_senior'), 0)"
            f" FROM (SELECT c.id, {_VERDICT} AS v FROM complaints c) AS c").fetchone()
        return OpenCounts(valid, senior)

    def agent_name(self, agent_id: int | None) -> str | None:
        if agent_id is None:
            return None
        return self._c.execute("SELECT name FROM agents WHERE id = ?", (agent_id,)).get
