"""Triage and the outbox on a real store: a valid complaint's decision and first page
are one transaction; pranks and floods never page more than once; unacknowledged
pages go up the chain; an acknowledgement stops them; quiet hours hold only what is
not urgent."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from core.clock import MINUTE_MS
from core.config.escalation import parse_contacts
from core.escalation.escalator import Escalator
from core.escalation.policy import EscalationPolicy
from core.escalation.triage import TriageRules
from core.model import (
    Agent,
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintSource,
    Direction,
    Interaction,
)
from core.model.escalation import (
    Acknowledgement,
    PageAttempt,
    PageChannel,
    PageState,
    Urgency,
    Verdict,
)
from core.store.escalation import EscalationStore

TZ = "Europe/Kyiv"
CLIENT = "+380671234567"
MANAGER = "+380501112233"
DEPUTY = "+380502223344"


def _at(hour: int, minute: int = 0) -> int:
    return int(dt.datetime(2026, 11, 24, hour, minute, tzinfo=zoneinfo.ZoneInfo(TZ)
                           ).timestamp() * 1000)


def _policy(**kw) -> EscalationPolicy:
    contacts = parse_contacts([
        {"name": "Manager", "reach": [f"sms:{MANAGER}", "ntfy:fb-manager"]},
        {"name": "Deputy", "reach": [f"sms:{DEPUTY}"]}])
    return EscalationPolicy(contacts, resend_after_ms=5 * MINUTE_MS, pages_per_contact=2,
                            quiet_hours=(22 * 60, 7 * 60), timezone=TZ,
                            rules=TriageRules(prank_numbers=frozenset({"+380670000000"})),
                            **kw)


@pytest.fixture
def floor(store):
    store.add_agents([Agent(1, "Olena", ("uk", "ru"), (), {}, "early")])
    # An existing client: an earlier call from the number.
    store.add_interactions([Interaction(1, Channel.PHONE, Direction.INBOUND, "uk", None, 0,
                                        CLIENT, _at(9)),
                            Interaction(2, Channel.PHONE, Direction.INBOUND, "uk", None, 0,
                                        CLIENT, _at(10))])
    return store


def _raise(store, category=ComplaintCategory.HARM, number=CLIENT, at=None, note="",
           interaction=2) -> int:
    [cid] = store.add_complaints([Complaint(at or _at(10, 5), category,
                                            ComplaintSource.AGENT, interaction, 1, number,
                                            note or "Engineer left the box damaged.")])
    return cid


def test_a_valid_complaint_is_decided_with_its_page_in_one_transaction(floor) -> None:
    cid = _raise(floor)
    esc = Escalator(floor, _policy(), "UA")
    [d] = esc.triage_new(_at(10, 6))
    assert d.verdict is Verdict.VALID
    assert d.reason == "harm; customer identified: existing client (1 earlier contact)"
    [page] = esc.db.pages(cid)
    assert (page.contact, page.channel, page.address, page.step) == (
        "Manager", PageChannel.SMS, MANAGER, 0)
    assert page.urgency is Urgency.URGENT and page.due_ms == _at(10, 6)
    assert page.text.startswith(f"Complaint {cid}: HARM. Call {CLIENT}. Agent Olena. ")
    assert page.text.endswith(f"Ack: reply {page.ack_code}") and len(page.text) <= 160
    assert esc.triage_new(_at(10, 7)) == []  # decided once


def test_the_inbox_gives_enums_not_the_stored_words(floor) -> None:
    cid = _raise(floor)
    [before] = EscalationStore(floor).inbox()
    assert (before.category, before.source, before.verdict) == (
        ComplaintCategory.HARM, ComplaintSource.AGENT, None)
    Escalator(floor, _policy(), "UA").triage_new(_at(10, 6))
    [row] = EscalationStore(floor).inbox()
    assert row.complaint_id == cid and row.verdict is Verdict.VALID
    assert EscalationStore(floor).open_counts() == (1, 0)


def test_no_decision_without_its_page(floor, monkeypatch) -> None:
    cid = _raise(floor)
    esc = Escalator(floor, _policy(), "UA")

    def broken(self, p):
        raise OSError("disk full")

    monkeypatch.setattr(EscalationStore, "_insert_page", broken)
    with pytest.raises(OSError):
        esc.triage_new(_at(10, 6))
    assert esc.db.verdict(cid) is None and esc.db.pages() == []
    monkeypatch.undo()
    [d] = esc.triage_new(_at(10, 7))  # decided again, whole, once the disk has room
    assert d.verdict is Verdict.VALID and len(esc.db.pages(cid)) == 1


def test_pranks_floods_and_mild_complaints_do_not_page(floor) -> None:
    esc = Escalator(floor, _policy(), "UA")
    for _ in range(1000):  # a flood from a known prank number
        _raise(floor, number="+380670000000", interaction=None)
    first = _raise(floor)
    for _ in range(50):  # the same customer again and again
        _raise(floor)
    mild = _raise(floor, category=ComplaintCategory.WAIT_TIME, number="+380931112233",
                  interaction=None)
    decisions = {d.complaint_id: d for d in esc.triage_new(_at(10, 6))}
    assert len(decisions) == 1052
    pages = esc.db.pages()
    assert [p.complaint_id for p in pages] == [first]
    prank = decisions[1]
    assert prank.verdict is Verdict.NOT_VALID
    assert "on the list of prank and test numbers" in prank.reason
    dup = decisions[first + 1]
    assert dup.reason == (f"duplicate of complaint {first}, still open, of the same "
                          "customer within 7 days")
    assert "wait time is handled on the floor" in decisions[mild].reason


def test_an_unidentified_customer_waits_for_a_senior_and_quiet_hours(floor) -> None:
    esc = Escalator(floor, _policy(), "UA")
    cid = _raise(floor, number=None, interaction=None, at=_at(3))
    [d] = esc.triage_new(_at(3, 1))
    assert d.verdict is Verdict.NEEDS_SENIOR and "not identified" in d.reason
    [info] = esc.db.pages(cid)
    # Informational at 03:01: it waits for the end of quiet hours, 07:00.
    assert info.urgency is Urgency.INFO and info.due_ms == _at(7)
    assert esc.db.due(_at(3, 2)) == []
    # A senior confirms: valid, and urgent pages ignore quiet hours.
    d = esc.confirm(cid, "Agnieszka", _at(3, 10))
    assert d.verdict is Verdict.VALID and d.by == "Agnieszka"
    urgent = [p for p in esc.db.pages(cid) if p.urgency is Urgency.URGENT]
    assert [p.due_ms for p in urgent] == [_at(3, 10)]
    assert [p.id for p in esc.db.due(_at(3, 10))] == [urgent[0].id]


def test_unacknowledged_pages_go_up_the_chain_until_acknowledged(floor) -> None:
    cid = _raise(floor)
    esc = Escalator(floor, _policy(), "UA")
    esc.triage_new(_at(10, 6))
    t = _at(10, 6)
    for step, who in enumerate(["Manager", "Manager", "Deputy", "Deputy", "Manager"]):
        [page] = [p for p in esc.db.pages(cid) if p.step == step]
        assert page.contact == who
        esc.db.attempt(page.id, t, "sent", "202 0: Accepted", state=PageState.SENT)
        assert esc.advance(t + 5 * MINUTE_MS - 1) == []  # not yet
        t += 5 * MINUTE_MS
        assert len(esc.advance(t)) == 1
        assert esc.advance(t) == []  # one page per step, however often asked
    code = esc.db.pages(cid)[0].ack_code
    assert {p.ack_code for p in esc.db.pages(cid)} == {code}
    assert esc.acknowledge_code(f"ok {code.lower()}", "0501112233", t) == cid
    assert esc.db.acknowledged(cid) == Acknowledgement(at_ms=t, by="Manager", via="sms")
    assert esc.db.pages(cid)[-1].state is PageState.CANCELLED
    assert esc.advance(t + 60 * MINUTE_MS) == [] and esc.db.due(t + 60 * MINUTE_MS) == []
    assert esc.acknowledge_code("XXXX", MANAGER, t) is None


def test_a_way_that_failed_for_good_gives_way_to_the_next(floor) -> None:
    cid = _raise(floor)
    esc = Escalator(floor, _policy(), "UA")
    esc.triage_new(_at(10, 6))
    [sms] = esc.db.pages(cid)
    esc.db.attempt(sms.id, _at(10, 6), "failed", "403 Forbidden: wrong password",
                   state=PageState.FAILED)
    [new] = esc.advance(_at(10, 6))
    page = next(p for p in esc.db.pages(cid) if p.id == new)
    assert (page.contact, page.channel, page.address) == ("Manager", PageChannel.NTFY,
                                                         "fb-manager")
    assert esc.db.attempts(sms.id) == [PageAttempt(_at(10, 6), "failed",
                                                   "403 Forbidden: wrong password")]


def test_marked_not_valid_cancels_what_waits(floor) -> None:
    cid = _raise(floor)
    esc = Escalator(floor, _policy(), "UA")
    esc.triage_new(_at(10, 6))
    d = esc.mark_not_valid(cid, "Manager", "customer withdrew it", _at(10, 7))
    assert esc.db.verdict(cid).verdict is Verdict.NOT_VALID and d.by == "Manager"
    assert [p.state for p in esc.db.pages(cid)] == [PageState.CANCELLED]
    assert esc.advance(_at(11)) == []


def test_without_contacts_nothing_is_paged_but_everything_is_decided(floor) -> None:
    cid = _raise(floor)
    esc = Escalator(floor, EscalationPolicy(()), "UA")
    [d] = esc.triage_new(_at(10, 6))
    assert d.verdict is Verdict.VALID and esc.db.pages(cid) == []


def test_a_customer_s_words_raise_a_complaint_that_triage_decides(floor) -> None:
    esc = Escalator(floor, _policy(), "UA")
    assert esc.raise_from_words("Дякую, все працює!", "uk", _at(11), 2, 1, CLIENT) is None
    cid = esc.raise_from_words("Якщо не повернете гроші, я звернуся до юриста.", "uk",
                               _at(11), 2, 1, CLIENT)
    c = esc.db.complaint(cid)
    assert (c.category, c.source) == (ComplaintCategory.LEGAL_THREAT,
                                      ComplaintSource.TRANSCRIPT)
    assert c.note.endswith('(found: "юрист", uk)') and c.customer_number == CLIENT
    [d] = esc.triage_new(_at(11, 1))
    assert d.verdict is Verdict.VALID and d.reason.startswith("legal threat")


def test_a_valid_complaint_with_nobody_to_page_says_so_in_the_record(floor) -> None:
    cid = _raise(floor)
    esc = Escalator(floor, EscalationPolicy(()), "UA")
    [d] = esc.triage_new(_at(10, 6))
    assert d.reasons[-1] == "nobody paged: no [[escalation.contacts]] are configured"
    assert esc.db.verdict(cid).reasons == d.reasons  # stored with the decision
    [row] = esc.db.inbox()
    assert row.nobody_paged and row.pages == 0
    # A senior's word on another complaint records the same.
    other = _raise(floor, number=None, interaction=None)
    esc.triage_new(_at(10, 7))
    d = esc.confirm(other, "Agnieszka", _at(10, 8))
    assert d.verdict is Verdict.VALID and d.reasons[-1].startswith("nobody paged")
    # With contacts, the same complaint is paged, and no longer shown as nobody paged.
    Escalator(floor, _policy(), "UA").advance(_at(10, 9))
    assert not any(r.nobody_paged for r in esc.db.inbox())
