"""Pages through a real Kannel gateway on 127.0.0.1 (bearerbox, smsbox and the fake
SMS centre from kannel-extras): the SMS reaches the phone with the callback number
and code, the delivery report comes back, a reply with the code acknowledges; a
gateway that is down is retried until it is back, and the page arrives once; a wrong
password fails for good, with a clear error and no password in it."""

from __future__ import annotations

import time

import pytest

from core.config.escalation import parse_contacts
from core.escalation.escalator import Escalator
from core.escalation.gateways import KannelSms
from core.escalation.listener import Listener
from core.escalation.policy import EscalationPolicy
from core.escalation.sender import Backoff, Sender
from core.model import Agent, Complaint, ComplaintCategory, ComplaintSource
from core.model.escalation import Page, PageChannel, PageState, Urgency
from tests.gateways import kannel as K

pytestmark = pytest.mark.skipif(not K.installed(), reason="Kannel is not installed "
                                "(make test installs kannel and kannel-extras)")

PASSWORD = "s3cret-gw-pass"
MANAGER = "+380501112233"
CLIENT = "+380671234567"


@pytest.fixture
def gateway(tmp_path):
    listener = Listener().start()
    k = K.Kannel(tmp_path, PASSWORD, mo_url=f"{listener.base_url}/mo")
    k.start()
    try:
        yield k, listener
    finally:
        k.stop()
        listener.stop()


def _sender(store, k, listener, password=PASSWORD) -> Sender:
    store.add_agents([Agent(1, "Olena", ("uk",), (), {}, "early")])
    policy = EscalationPolicy(parse_contacts([
        {"name": "Manager", "reach": [f"sms:{MANAGER}", "email:manager@example.com"]}]))
    sms = KannelSms(k.sendsms_url, K.USERNAME, password, sender="Floorboard",
                    loopback_only=True)
    return Sender(Escalator(store, policy, "UA"), {PageChannel.SMS: sms},
                  report_url=f"{listener.base_url}/dlr?page={{page}}&type=%d",
                  backoff=Backoff(first_ms=1_000, max_ms=4_000), inbox=listener)


def _complain(store, number: str = CLIENT) -> int:
    [cid] = store.add_complaints([Complaint(
        int(time.time() * 1000), ComplaintCategory.BILLING_ERROR, ComplaintSource.AGENT,
        None, 1, number, "Charged twice this month.")])
    return cid


def _until(what, ok, sender, timeout_s=15.0):
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        sender.run_once(int(time.time() * 1000))
        if ok():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {timeout_s:g} s")


def test_a_valid_complaint_reaches_the_phone_reports_back_and_is_acknowledged(
        store, gateway) -> None:
    k, listener = gateway
    sender = _sender(store, k, listener)
    cid = _complain(store)
    assert sender.run_once(int(time.time() * 1000)) == 1
    [page] = sender.db.pages(cid)
    assert page.state is PageState.SENT
    _until("the SMS on the phone", lambda: len(k.received()) == 1, sender)
    [sms] = k.received()
    assert sms.startswith("<Floorboard 380501112233 text ")
    assert f"Call {CLIENT}" in sms and f"Ack: reply {page.ack_code}" in sms
    _until("the delivery report", lambda: sender.db.page(page.id).state is
           PageState.DELIVERED, sender)
    outcomes = [a.outcome for a in sender.db.attempts(page.id)]
    assert outcomes[:2] == ["sending", "sent"] and "report" in outcomes
    # The manager replies with the code from the phone.
    k.reply("380501112233", "Floorboard", f"ok {page.ack_code}")
    _until("the acknowledgement", lambda: sender.db.acknowledged(cid) is not None, sender)
    ack = sender.db.acknowledged(cid)
    assert (ack.by, ack.via) == ("Manager", "sms")
    assert len(k.received()) == 1  # nothing more was sent


def test_a_gateway_that_is_down_is_retried_and_every_page_arrives_once(store,
                                                                      gateway) -> None:
    k, listener = gateway
    sender = _sender(store, k, listener)
    k.stop()
    cids = [_complain(store, f"+38067123456{i}") for i in range(5)]
    now = int(time.time() * 1000)
    assert sender.run_once(now) == 0
    pages = [sender.db.pages(c)[0] for c in cids]
    assert all(p.state is PageState.PENDING and p.tries == 1 for p in pages)
    assert all("gateway unreachable" in p.last_error and p.due_ms == now + 1_000
               for p in pages)
    assert sender.run_once(now + 1_000) == 0  # still down: the wait doubles
    assert {sender.db.page(p.id).due_ms for p in pages} == {now + 1_000 + 2_000}
    k.start()
    _until("the SMS on the phone", lambda: len(k.received()) == 5, sender)
    time.sleep(1.0)
    for _ in range(5):
        sender.run_once(int(time.time() * 1000))
    texts = sorted(m.split(" text ", 1)[1] for m in k.received())
    assert len(texts) == len(set(texts)) == 5  # each once
    assert all(sender.db.page(p.id).state in (PageState.SENT, PageState.DELIVERED)
               for p in pages)


def test_a_malformed_number_fails_for_good_with_the_gateway_s_words(store, gateway) -> None:
    k, _ = gateway
    sms = KannelSms(k.sendsms_url, K.USERNAME, PASSWORD, sender="Floorboard")
    page = Page(1, 1, "Manager", PageChannel.SMS, "12ab", 0, "complaint:1:step:0", "x",
                "K7Q2", Urgency.URGENT, 0, PageState.PENDING)
    result = sms.send(page)
    assert not result.ok and not result.retry
    assert result.detail.startswith("400 Bad Request: ") and "'12ab'" in result.detail


def test_a_wrong_password_fails_for_good_and_says_so_without_the_password(
        store, gateway) -> None:
    k, listener = gateway
    sender = _sender(store, k, listener, password="wrong-" + PASSWORD)
    cid = _complain(store)
    sender.run_once(int(time.time() * 1000))
    sms = next(p for p in sender.db.pages(cid) if p.channel is PageChannel.SMS)
    assert sms.state is PageState.FAILED
    assert sms.last_error.startswith("403 Forbidden: the gateway refused the username")
    # The manager's next way is tried at once (no e-mail gateway here: it says so).
    mail = next(p for p in sender.db.pages(cid) if p.channel is PageChannel.EMAIL)
    assert mail.address == "manager@example.com"
    sender.run_once(int(time.time() * 1000))
    assert sender.db.page(mail.id).last_error == "no email gateway is configured"
    # Every way failed: no more pages, however long it runs.
    before = len(sender.db.pages(cid))
    sender.run_once(int(time.time() * 1000) + 3_600_000)
    assert len(sender.db.pages(cid)) == before
    text = " ".join(a.detail for p in sender.db.pages(cid) for a in sender.db.attempts(p.id))
    assert PASSWORD not in text and k.received() == []


def test_a_gateway_that_is_not_on_this_machine_is_refused(store) -> None:
    policy = EscalationPolicy(parse_contacts([{"name": "M", "reach": [f"sms:{MANAGER}"]}]))
    sms = KannelSms("http://sms.example.com:13013/cgi-bin/sendsms", "u", PASSWORD,
                    loopback_only=True)
    store.add_agents([Agent(1, "Olena", ("uk",), (), {}, "early")])
    sender = Sender(Escalator(store, policy, "UA"), {PageChannel.SMS: sms})
    cid = _complain(store)
    sender.run_once(int(time.time() * 1000))
    [page] = sender.db.pages(cid)[:1]
    assert page.state is PageState.FAILED
    assert page.last_error == ("gateway sms.example.com is not on this machine "
                               "(127.0.0.1), and only loopback gateways may be used here")


def test_a_non_ascii_password_from_the_config_file_reaches_the_phone(store, tmp_path) -> None:
    from core.config import load_config
    from core.escalation.configured import gateways_from_config

    password = "пароль2024"
    listener = Listener().start()
    k = K.Kannel(tmp_path, password).start()
    try:
        config = tmp_path / "config.toml"
        config.write_text(f'[escalation.sms]\nurl = "{k.sendsms_url}"\n'
                          f'username = "{K.USERNAME}"\npassword = "{password}"\n',
                          encoding="utf-8")
        gateways = gateways_from_config(load_config(config), loopback_only=True)
        store.add_agents([Agent(1, "Olena", ("uk",), (), {}, "early")])
        policy = EscalationPolicy(parse_contacts([{"name": "Manager",
                                                   "reach": [f"sms:{MANAGER}"]}]))
        sender = Sender(Escalator(store, policy, "UA"), gateways, inbox=listener)
        cid = _complain(store)
        assert sender.run_once(int(time.time() * 1000)) == 1
        [page] = sender.db.pages(cid)
        assert page.state is PageState.SENT, page.last_error
        _until("the SMS on the phone", lambda: len(k.received()) == 1, sender)
    finally:
        k.stop()
        listener.stop()
