"""The sender loop on a real store, with the floor's clock given to each round: an
error of any kind in one way is that way's failure and the next way and contact are
paged; a way that keeps failing for longer than the policy's window gives way to the
next; a way whose url is not a URL fails for good at once; nothing recorded keeps a
secret."""

from __future__ import annotations

import pytest

from core.clock import MINUTE_MS
from core.config.escalation import parse_contacts
from core.escalation.escalator import Escalator
from core.escalation.gateways import Gateway, KannelSms, SendResult
from core.escalation.policy import EscalationPolicy
from core.escalation.sender import Sender
from core.model import Agent, Complaint, ComplaintCategory, ComplaintSource
from core.model.escalation import Page, PageChannel, PageState
from core.model.secret import Secret
from tests.gateways.kannel import free_port

T0 = 1_795_000_000_000
CLIENT = "+380671234567"
MANAGER = "+380501112233"
TOKEN = "tk_floor-token-1"


class Raising(Gateway):
    """A way whose code fails in a way no gateway answer would (a bug, an encoding)."""

    def __init__(self, exc: Exception) -> None:
        super().__init__("http://127.0.0.1:9/")
        self.exc = exc

    def secrets(self) -> tuple[Secret, ...]:
        return (Secret(TOKEN, "escalation.ntfy.token"),)

    def _send(self, page: Page, report_url: str | None) -> SendResult:
        raise self.exc


class Taking(Gateway):
    def __init__(self) -> None:
        super().__init__("http://127.0.0.1:9/")
        self.taken: list[Page] = []

    def _send(self, page: Page, report_url: str | None) -> SendResult:
        self.taken.append(page)
        return SendResult(True, False, "250 accepted")


@pytest.fixture
def complaint(store) -> int:
    store.add_agents([Agent(1, "Olena", ("uk",), (), {}, "early")])
    [cid] = store.add_complaints([Complaint(T0, ComplaintCategory.HARM, ComplaintSource.AGENT,
                                            None, 1, CLIENT, "Engineer left the box damaged.")])
    return cid


def _sender(store, contacts, gateways) -> Sender:
    policy = EscalationPolicy(parse_contacts(contacts), resend_after_ms=5 * MINUTE_MS)
    return Sender(Escalator(store, policy, "UA"), gateways)


def test_any_error_of_a_way_gives_way_to_the_next_way_and_contact(store, complaint) -> None:
    mail = Taking()
    sender = _sender(store, [
        {"name": "Manager", "reach": [f"sms:{MANAGER}", "ntfy:fb-manager"]},
        {"name": "Deputy", "reach": ["email:deputy@example.com"]}], {
        PageChannel.SMS: Raising(UnicodeEncodeError("ascii", "пароль", 0, 6, "not ASCII")),
        PageChannel.NTFY: Raising(RuntimeError(f"boom near Bearer {TOKEN}")),
        PageChannel.EMAIL: mail})
    for i in range(3):
        sender.run_once(T0 + i * 1_000)  # no round fails: each way's error is its own
    sms, push, email = sender.db.pages(complaint)
    assert (sms.state, push.state, email.state) == (PageState.FAILED, PageState.FAILED,
                                                    PageState.SENT)
    assert sms.last_error.startswith("UnicodeEncodeError: ")
    assert push.last_error.startswith("RuntimeError: boom near Bearer ***")
    assert [p.contact for p in mail.taken] == ["Deputy"]
    # One try each, not a "sending" a second for ever.
    assert [a.outcome for a in sender.db.attempts(sms.id)] == ["sending", "failed"]
    recorded = " ".join(a.detail for p in (sms, push, email) for a in sender.db.attempts(p.id))
    assert TOKEN not in recorded and TOKEN not in push.last_error


def _until(sender, complaint, until_ms: int) -> int:
    """Rounds at each time the SMS page is due again, before ``until_ms``."""
    now = T0
    while now < until_ms:
        sender.run_once(now)
        now = max(now + 1, sender.db.pages(complaint)[0].due_ms)
    return now


def test_a_way_that_keeps_failing_past_the_window_gives_way_to_the_next(store,
                                                                        complaint) -> None:
    down = KannelSms(f"http://127.0.0.1:{free_port()}/cgi-bin/sendsms", "floorboard",
                     "s3cret-kannel")  # nothing listens there: connection refused
    mail = Taking()
    sender = _sender(store, [{"name": "Manager", "reach": [
        f"sms:{MANAGER}", "email:manager@example.com"]}],
        {PageChannel.SMS: down, PageChannel.EMAIL: mail})
    _until(sender, complaint, T0 + 5 * MINUTE_MS)
    [sms] = sender.db.pages(complaint)
    assert sms.state is PageState.PENDING and sms.tries > 3
    assert "gateway unreachable" in sms.last_error and mail.taken == []
    sender.run_once(T0 + 5 * MINUTE_MS)
    sms, email = sender.db.pages(complaint)
    assert sms.state is PageState.FAILED
    assert sms.last_error.startswith("gave up after 5 min of tries: gateway unreachable")
    assert sender.db.attempts(sms.id)[-1].outcome == "gave up"
    assert (email.channel, email.address) == (PageChannel.EMAIL, "manager@example.com")
    sender.run_once(T0 + 5 * MINUTE_MS + 1)
    assert [p.address for p in mail.taken] == ["manager@example.com"]


def test_a_way_that_gave_up_is_tried_again_when_it_is_the_only_one(store, complaint) -> None:
    down = KannelSms(f"http://127.0.0.1:{free_port()}/cgi-bin/sendsms", "floorboard",
                     "s3cret-kannel")
    sender = _sender(store, [{"name": "Manager", "reach": [f"sms:{MANAGER}"]}],
                     {PageChannel.SMS: down})
    _until(sender, complaint, T0 + 5 * MINUTE_MS)
    sender.run_once(T0 + 5 * MINUTE_MS)
    first, again = sender.db.pages(complaint)
    # Down is not broken: the pager never gives up on its own.
    assert first.state is PageState.FAILED and again.state is PageState.PENDING
    assert (again.step, again.address) == (1, MANAGER)


def test_a_url_that_is_not_a_url_fails_for_good_at_once(store, complaint) -> None:
    mail = Taking()
    sender = _sender(store, [{"name": "Manager", "reach": [
        f"sms:{MANAGER}", "email:manager@example.com"]}],
        {PageChannel.SMS: KannelSms("not a url at all", "floorboard", "s3cret-kannel"),
         PageChannel.EMAIL: mail})
    sender.run_once(T0)
    sms, _email = sender.db.pages(complaint)
    assert sms.state is PageState.FAILED and "not a url at all" in sms.last_error
    assert "http:// or https://" in sms.last_error
    sender.run_once(T0 + 1)
    assert [p.address for p in mail.taken] == ["manager@example.com"]

