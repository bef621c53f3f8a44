"""The escalation loop's decisions (no network here): triage new complaints and write
their first page with the decision; move unacknowledged complaints up the chain;
take acknowledgements (by code from the phone, or from the inbox); let a senior
confirm or a manager overrule. Delivery is the sender's (core.escalation.sender)."""

from __future__ import annotations

from dataclasses import replace

from core.clock import DAY_MS, MINUTE_MS
from core.escalation.message import ack_code, page_text
from core.escalation.policy import EscalationPolicy
from core.escalation.triage import TriageFacts, triage
from core.model import Complaint, ComplaintSource, NumberType
from core.model.escalation import Decision, Page, PageChannel, PageState, Urgency, Verdict
from core.phone_numbers import classify_number, normalize_number
from core.store import Store
from core.store.escalation import EscalationStore, PageDraft

#: Numbers a manager can call back.
CALLABLE = frozenset({NumberType.MOBILE, NumberType.LANDLINE, NumberType.VOIP,
                      NumberType.TOLL_FREE})
#: Recorded with a valid complaint's decision when it makes no page: the inbox shows it.
NOBODY_PAGED = "nobody paged: no [[escalation.contacts]] are configured"
#: The attempt that ends a page still not taken a window after its first try.
GAVE_UP = "gave up"

Way = tuple[PageChannel, str]


class Escalator:
    def __init__(self, store: Store | None, policy: EscalationPolicy, region: str = "GB",
                 db: EscalationStore | None = None) -> None:
        """Over ``store``'s connection, or over ``db``: anything with the escalation
        store's methods (the Floor's, which reads and writes through the floor)."""
        self.db = db if db is not None else EscalationStore(store)
        self.policy = policy
        self.region = region

    # -- raising ---------------------------------------------------------------------

    def raise_from_words(self, text: str, language: str | None, now_ms: int,
                         interaction_id: int | None = None, agent_id: int | None = None,
                         customer_number: str | None = None) -> int | None:
        """A complaint from the customer's own words in a chat or e-mail (ESC-1), if
        they hold a phrase of the policy's; its id, or None. Triage decides on it."""
        found = self.policy.phrases.find(text, language)
        if found is None:
            return None
        excerpt = " ".join(text.split())
        if len(excerpt) > 200:
            excerpt = excerpt[:197] + "..."
        [cid] = self.db.add_complaints([Complaint(
            now_ms, found.category, ComplaintSource.TRANSCRIPT, interaction_id, agent_id,
            customer_number, f'"{excerpt}" (found: "{found.phrase}", {found.language})')])
        return cid

    # -- triage ------------------------------------------------------------------------

    def facts(self, complaint_id: int, c: Complaint, confirmed_by: str | None = None
              ) -> TriageFacts:
        raw = (c.customer_number or "").strip()
        if not raw:
            return TriageFacts(confirmed_by=confirmed_by)
        since = c.raised_ms - int(self.policy.rules.duplicate_days * DAY_MS)
        return TriageFacts(
            number=normalize_number(raw, self.region),
            earlier_contacts=self.db.earlier_contacts(raw, c.raised_ms, c.interaction_id),
            callable_number=classify_number(raw, self.region) in CALLABLE,
            duplicate_of=self.db.open_complaint_of(raw, since, complaint_id),
            confirmed_by=confirmed_by)

    def triage_new(self, now_ms: int) -> list[Decision]:
        """Decide every complaint not yet decided, in the order raised (so that the
        first of a flood is the one that pages); each decision with its first page."""
        out = []
        for stored in self.db.undecided():
            cid, c = stored.id, stored.complaint
            d = triage(cid, c, self.facts(cid, c), self.policy.rules, now_ms)
            pages = self._first_pages(cid, c, d, now_ms)
            d = self._noted(d, pages)
            self.db.decide(d, pages)
            out.append(d)
        return out

    @staticmethod
    def _noted(d: Decision, pages: list[PageDraft]) -> Decision:
        """A valid verdict that pages nobody says so in its record (and so the inbox)."""
        if d.verdict is Verdict.VALID and not pages:
            return replace(d, reasons=(*d.reasons, NOBODY_PAGED))
        return d

    def _first_pages(self, cid: int, c: Complaint, d: Decision, now_ms: int
                     ) -> list[PageDraft]:
        if not self.policy.contacts:
            return []
        if d.verdict is Verdict.VALID:
            return [self._draft(cid, c, 0, Urgency.URGENT, now_ms, [])]
        if d.verdict is Verdict.NEEDS_SENIOR:
            # The manager hears of it, but not at night: a senior on the floor decides.
            return [self._draft(cid, c, 0, Urgency.INFO, now_ms, [])]
        return []

    def _draft(self, cid: int, c: Complaint, step: int, urgency: Urgency, now_ms: int,
               earlier: list[Page], gave_up: frozenset[int] = frozenset()) -> PageDraft:
        contact = self.policy.contact_for(step)
        # A way that failed for good (a wrong password, a malformed number) is not
        # tried again for this complaint: the contact's next way is. Of the others,
        # the one that gave up longest ago (or never) goes first: a way that was only
        # down is tried again once the others have had their turn.
        failed = _failed_for_good(earlier, gave_up)
        last_gave_up = {(p.channel, p.address): p.id for p in earlier if p.id in gave_up}
        open_ways = [r for r in contact.reach if r not in failed]
        reach = (min(open_ways, key=lambda r: last_gave_up.get(r, -1)) if open_ways
                 else contact.reach[0])
        # One code per complaint: a reply to any of its pages acknowledges it.
        code = earlier[0].ack_code if earlier else ack_code()
        category = c.category.name.lower().replace("_", " ")
        note = c.note if urgency is Urgency.URGENT else f"needs a senior's word. {c.note}"
        text = page_text(category, c.customer_number, self.db.agent_name(c.agent_id), note,
                         code, cid).text
        return PageDraft(cid, step, contact.name, reach[0], reach[1], text, code, urgency,
                         now_ms, self.policy.due_ms(urgency, now_ms))

    # -- up the chain ------------------------------------------------------------------

    def advance(self, now_ms: int) -> list[int]:
        """For each valid complaint nobody acknowledged: the next page when the last
        one went out ``resend_after`` ago, or failed for good. Returns new page ids."""
        made = []
        if not self.policy.contacts:
            return made
        for cid in self.db.unacknowledged_valid():
            pages = [p for p in self.db.pages(cid) if p.urgency is Urgency.URGENT]
            c = self.db.complaint(cid)
            if not pages:
                draft = self._draft(cid, c, 0, Urgency.URGENT, now_ms, [])
            else:
                last = pages[-1]
                if self._stuck(last, now_ms):
                    last = pages[-1] = self._give_up(last, now_ms)
                gone = last.state in (PageState.SENT, PageState.DELIVERED)
                if not (last.state is PageState.FAILED or (
                        gone and last.sent_ms is not None
                        and now_ms - last.sent_ms >= self.policy.resend_after_ms)):
                    continue
                gave_up = frozenset(self.db.gave_up_pages(cid))
                step = self._next_step(last.step, pages, gave_up)
                if step is None:
                    continue  # every way to every contact failed for good: the inbox says so
                draft = self._draft(cid, c, step, Urgency.URGENT, now_ms, pages, gave_up)
            page_id = self.db.add_page(draft)
            if page_id is not None:
                made.append(page_id)
        return made

    def _stuck(self, page: Page, now_ms: int) -> bool:
        """Still not taken a window (``resend_after``, as for a page nobody answers)
        after its first try: a gateway down for that long holds the complaint from the
        contact's other ways no longer."""
        if page.state is not PageState.PENDING or page.tries == 0:
            return False
        first = self.db.first_try_ms(page.id)
        return first is not None and now_ms - first >= self.policy.resend_after_ms

    def _give_up(self, page: Page, now_ms: int) -> Page:
        window = f"{self.policy.resend_after_ms / MINUTE_MS:g} min"
        self.db.attempt(page.id, now_ms, GAVE_UP,
                        f"gave up after {window} of tries: {page.last_error}",
                        state=PageState.FAILED)
        return replace(page, state=PageState.FAILED)

    def _next_step(self, last: int, pages: list[Page],
                   gave_up: frozenset[int] = frozenset()) -> int | None:
        """The step after ``last`` whose contact still has a way that has not failed
        for good; None when no contact has one."""
        failed = _failed_for_good(pages, gave_up)
        per, n = self.policy.pages_per_contact, len(self.policy.contacts)
        for step in range(last + 1, last + 1 + per * n + 1):
            if any(r not in failed for r in self.policy.contact_for(step).reach):
                return step
        return None

    # -- people's word -----------------------------------------------------------------

    def acknowledge_code(self, code: str, sender: str, now_ms: int) -> int | None:
        """A reply to a page ("K7Q2", perhaps with words around it) from ``sender``'s
        number: the complaint it acknowledges, or None if the code is unknown."""
        for word in code.replace(",", " ").split():
            cid = self.db.complaint_of_code(word)
            if cid is not None:
                who = self._contact_of(sender)
                self.db.acknowledge(cid, now_ms, who, "sms")
                return cid
        return None

    def _contact_of(self, number: str) -> str:
        mine = normalize_number(number, self.region)
        for contact in self.policy.contacts:
            for _, address in contact.reach:
                if normalize_number(address, self.region) == mine:
                    return contact.name
        return number

    def acknowledge(self, complaint_id: int, by: str, now_ms: int) -> bool:
        return self.db.acknowledge(complaint_id, now_ms, by, "inbox")

    def confirm(self, complaint_id: int, senior: str, now_ms: int) -> Decision:
        """A senior agent confirms a complaint: valid, and paged now."""
        c = self.db.complaint(complaint_id)
        d = triage(complaint_id, c, self.facts(complaint_id, c, confirmed_by=senior),
                   self.policy.rules, now_ms)
        pages = []
        if d.verdict is Verdict.VALID and self.policy.contacts:
            earlier = self.db.pages(complaint_id)
            step = max((p.step for p in earlier), default=-1) + 1
            pages = [self._draft(complaint_id, c, step, Urgency.URGENT, now_ms, earlier,
                                 frozenset(self.db.gave_up_pages(complaint_id)))]
        d = self._noted(d, pages)
        self.db.decide(d, pages)
        return d

    def mark_not_valid(self, complaint_id: int, by: str, why: str, now_ms: int) -> Decision:
        d = Decision(complaint_id, Verdict.NOT_VALID, (f"marked not valid by {by}: {why}",),
                     now_ms, by)
        self.db.decide(d)
        return d


def _failed_for_good(pages: list[Page], gave_up: frozenset[int]) -> set[Way]:
    """The ways no retry can help (a page of them failed, and not by giving up)."""
    return {(p.channel, p.address) for p in pages
            if p.state is PageState.FAILED and p.id not in gave_up}
