"""The sender loop (ESC-3): triage what was raised, move unacknowledged complaints up
the chain, deliver the pages that are due from the outbox, and record every attempt.
A gateway that is down is tried again with exponential backoff; a page that failed
for good gives way to the contact's next way, and so does an error of any kind in a
way's gateway (one way's bug must not hold every page). Every detail recorded is
scrubbed of every form of the gateways' secrets here, where it is written. Delivery
reports and replies arrive through ``on_report`` and ``on_reply`` (the loopback
listener calls them)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from core.escalation.escalator import Escalator
from core.escalation.gateways import Gateway, SendResult
from core.escalation.listener import Listener
from core.model.escalation import Page, PageChannel, PageState
from core.model.secret import Secret, scrub

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backoff:
    first_ms: int = 5_000
    factor: float = 2.0
    max_ms: int = 300_000

    def after(self, tries: int) -> int:
        """The wait before the next try, after ``tries`` tries."""
        return int(min(self.max_ms, self.first_ms * self.factor ** max(0, tries - 1)))


#: Kannel's delivery-report types (dlr-mask bits) and what they make of a page.
_REPORTS = {1: ("delivered", PageState.DELIVERED), 2: ("not delivered", PageState.FAILED),
            4: ("buffered by the SMS centre", None), 8: ("accepted by the SMS centre", None),
            16: ("rejected by the SMS centre", PageState.FAILED)}


class Sender:
    """``report_url``: where gateways send delivery reports, with ``{page}`` for the
    page's id (Kannel adds the report's type for ``%d``)."""

    def __init__(self, escalator: Escalator, gateways: Mapping[PageChannel, Gateway],
                 report_url: str | None = None, backoff: Backoff = Backoff(),
                 inbox: Listener | None = None) -> None:
        self.escalator = escalator
        self.inbox = inbox
        self.db = escalator.db
        self.gateways = dict(gateways)
        self.report_url = report_url
        self.backoff = backoff
        #: Every gateway's: an answer of one may hold another's (a relay's echo).
        self.secrets: tuple[Secret, ...] = tuple(
            s for g in self.gateways.values() for s in g.secrets())

    def _attempt(self, page_id: int, now_ms: int, outcome: str, detail: str,
                 **change: object) -> None:
        self.db.attempt(page_id, now_ms, outcome, scrub(detail, self.secrets), **change)

    def _send(self, gateway: Gateway, page: Page, report_url: str | None) -> SendResult:
        """What the gateway said, or its error as the way's failure for good: the
        contact's next way is paged, as for a wrong password."""
        try:
            return gateway.send(page, report_url)
        except Exception as exc:
            log.error("the %s gateway failed on page %d:\n%s", page.channel.value, page.id,
                      scrub(traceback.format_exc(), self.secrets))
            return SendResult(False, False, f"{type(exc).__name__}: {exc} (an error in "
                              f"Floorboard's {page.channel.value} gateway; the next way "
                              "is paged)")

    def run_once(self, now_ms: int, stopping: Callable[[], bool] | None = None) -> int:
        """One round; returns how many pages a gateway took. ``stopping`` is asked
        before each page: a stop waits for the page in flight, not for the round (a
        round of 100 pages to a slow gateway would outlast any service manager)."""
        if self.inbox is not None:
            for kind, params in self.inbox.drain():
                self._heard(kind, params, now_ms)
        self.escalator.triage_new(now_ms)
        self.escalator.advance(now_ms)
        taken = 0
        for page in self.db.due(now_ms):
            if stopping is not None and stopping():
                return taken
            gateway = self.gateways.get(page.channel)
            if gateway is None:
                self._attempt(page.id, now_ms, "failed",
                              f"no {page.channel.value} gateway is configured",
                              state=PageState.FAILED)
                continue
            # Written before the gateway is asked: after a crash here the page is sent
            # again, and the attempts show it was (the text and code are the same).
            self._attempt(page.id, now_ms, "sending", f"to {page.address}")
            url = (self.report_url.format(page=page.id)
                   if self.report_url and page.channel is PageChannel.SMS else None)
            result = self._send(gateway, page, url)
            if result.ok:
                taken += 1
                self._attempt(page.id, now_ms, "sent", result.detail, state=PageState.SENT,
                              gateway_ref=result.ref or None)
            elif result.retry:
                self._attempt(page.id, now_ms, "retry", result.detail,
                              retry_at_ms=now_ms + self.backoff.after(page.tries + 1))
            else:
                self._attempt(page.id, now_ms, "failed", result.detail,
                              state=PageState.FAILED)
        # A way that failed for good: the contact's next way, now.
        self.escalator.advance(now_ms)
        return taken

    def _heard(self, kind: str, params: dict[str, str], now_ms: int) -> None:
        try:
            if kind == "dlr":
                self.on_report(int(params["page"]), int(params["type"]), now_ms)
            elif kind == "mo":
                self.on_reply(params.get("from", ""), params.get("text", ""), now_ms)
        except (KeyError, ValueError):
            pass  # not ours, or garbled: the listener answered 400 already

    def on_report(self, page_id: int, kind: int, now_ms: int) -> None:
        """A delivery report of a page (Kannel's type)."""
        words, state = _REPORTS.get(kind, (f"report type {kind}", None))
        current = self.db.page(page_id)
        if current is None:
            return
        if state is PageState.FAILED and current.state is PageState.DELIVERED:
            state = None  # a late failure report does not undo a delivery
        self._attempt(page_id, now_ms, "report", words, state=state)

    def on_reply(self, sender: str, text: str, now_ms: int) -> int | None:
        """A reply from a phone: the complaint it acknowledges, if it holds a code."""
        return self.escalator.acknowledge_code(text, sender, now_ms)
