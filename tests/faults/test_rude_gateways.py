"""Issue 16: a gateway that is down, silent, slow, rude or echoing its secrets, through
the real sender and escalator on a real store. Every round ends within a bounded
time, however long or endless the answer; the attempt is recorded with a short,
readable detail holding no form of any secret; a page is sent only on a 2xx answer;
and the contact's next way is paged as the policy says (at once after a failure for
good, a window later for a way that keeps failing)."""

from __future__ import annotations

import base64
import json
import threading
import time
import tracemalloc
import urllib.parse
from collections.abc import Callable

import pytest

from core.clock import MINUTE_MS
from core.config.escalation import parse_contacts
from core.escalation.escalator import Escalator
from core.escalation.gateways import Gateway, KannelSms, NtfyPush, SmtpMail
from core.escalation.policy import EscalationPolicy
from core.escalation.sender import Sender
from core.model import Agent, Complaint, ComplaintCategory, ComplaintSource
from core.model.escalation import PageChannel, PageState
from tests.faults import rude_servers as R
from tests.gateways.loopback_http import LoopbackHttp, Reply

T0 = 1_795_000_000_000
WINDOW_MS = 5 * MINUTE_MS
#: The client's timeout here (10 s in use): what "slow" and "silent" are measured by.
TIMEOUT_S = 1.0
#: The longest a round with one rude gateway may take.
BOUND_S = 2 * TIMEOUT_S + 2.0
#: The longest detail a page keeps of an answer.
MAX_DETAIL = 300

SMS, NTFY, EMAIL = "sms:+380501112233", "ntfy:fb-manager", "email:manager@example.com"


def leaked_forms(secret: str, username: str) -> dict[str, str]:
    """Every form a secret can leave in (worked out here, not taken from the product)."""
    forms = {"raw": secret,
             "quote": urllib.parse.quote(secret, safe=""),
             "quote_plus": urllib.parse.quote_plus(secret),
             "json": json.dumps(secret)[1:-1],
             "json-utf8": json.dumps(secret, ensure_ascii=False)[1:-1],
             "base64": base64.b64encode(secret.encode()).decode().rstrip("="),
             "basic": base64.b64encode(f"{username}:{secret}".encode()).decode().rstrip("="),
             "plain": base64.b64encode(f"\0{username}\0{secret}".encode()).decode().rstrip("=")}
    return forms


def _good_ntfy() -> LoopbackHttp:
    return LoopbackHttp(lambda _r: Reply(200, b'{"id":"ok1","event":"message"}'))


def _good_kannel() -> LoopbackHttp:
    return LoopbackHttp(lambda _r: Reply(202, b"0: Accepted for delivery"), "/cgi-bin/sendsms")


def _kannel(url: str) -> KannelSms:
    return KannelSms(url, R.USERNAME, R.PASSWORD, "Floorboard", loopback_only=True,
                     timeout_s=TIMEOUT_S)


def _ntfy(url: str) -> NtfyPush:
    return NtfyPush(url, R.TOKEN, loopback_only=True, timeout_s=TIMEOUT_S)


def _mail(port: int) -> SmtpMail:
    return SmtpMail("127.0.0.1", port, "floorboard@floor.example", R.USERNAME, R.PASSWORD,
                    loopback_only=True, timeout_s=TIMEOUT_S)


class Floor:
    """A store with one valid complaint, the manager reached by ``reach`` in order."""

    def __init__(self, store, reach: list[str], gateways: dict[PageChannel, Gateway]) -> None:
        store.add_agents([Agent(1, "Olena", ("uk",), (), {}, "early")])
        [self.cid] = store.add_complaints([Complaint(
            T0, ComplaintCategory.HARM, ComplaintSource.AGENT, None, 1, "+380671234567",
            "Engineer left the box damaged.")])
        policy = EscalationPolicy(parse_contacts([{"name": "Manager", "reach": reach}]),
                                  resend_after_ms=WINDOW_MS)
        self.sender = Sender(Escalator(store, policy, "UA"), gateways)
        self.gateways = gateways

    def round(self, now_ms: int, stop: Callable[[], None]) -> float:
        """One round on its own thread; how long it took. One that outlasts the bound
        fails the test (after ``stop``, which ends the rude server and so the round)."""
        done: list[BaseException | None] = []

        def run() -> None:
            try:
                self.sender.run_once(now_ms)
                done.append(None)
            except BaseException as exc:
                done.append(exc)

        started = time.monotonic()
        t = threading.Thread(target=run, daemon=True)
        t.start()
        t.join(BOUND_S + 5)
        took = time.monotonic() - started
        if t.is_alive():
            stop()
            t.join(30)
            pytest.fail(f"the round was still waiting on the gateway after {took:.1f} s")
        if done[0] is not None:
            raise done[0]
        return took

    def pages(self):
        return self.sender.db.pages(self.cid)

    def recorded(self) -> list[str]:
        out = []
        for p in self.pages():
            out.append(p.last_error or "")
            out.extend(a.detail for a in self.sender.db.attempts(p.id))
        return out

    def assert_no_secret(self) -> None:
        text = "\n".join(self.recorded())
        for secret, user in ((R.PASSWORD, R.USERNAME), (R.TOKEN, "")):
            for label, form in leaked_forms(secret, user).items():
                assert form not in text, f"the {label} form of a secret is in {text!r}"

    def assert_short_and_readable(self) -> None:
        for detail in self.recorded():
            assert len(detail) <= MAX_DETAIL, f"{len(detail)} characters: {detail[:200]!r}"
            assert detail.isprintable(), repr(detail)
            assert detail.count("\ufffd") <= 3, repr(detail)


def _outcomes(floor: Floor, page) -> list[str]:
    return [a.outcome for a in floor.sender.db.attempts(page.id)]


def _check_gives_way(floor: Floor, server_stop: Callable[[], None], good: LoopbackHttp,
                     for_good: bool | None) -> None:
    """Round one meets the rude way; round two, a window later, pages the next way
    (``for_good``: at once after the first round; False: only by giving up; None:
    either, as long as the rude way never counts as sent)."""
    took = floor.round(T0, server_stop)
    assert took <= BOUND_S, f"the round took {took:.1f} s"
    first = floor.pages()[0]
    assert "sent" not in _outcomes(floor, first) and first.state is not PageState.SENT
    if for_good is True:
        assert first.state is PageState.FAILED, first.last_error
        assert len(floor.pages()) == 2, "the next way was not paged at once"
    elif for_good is False:
        assert first.state is PageState.PENDING and _outcomes(floor, first)[-1] == "retry"
    floor.round(T0 + WINDOW_MS, server_stop)
    first, second = floor.pages()[:2]
    assert first.state is PageState.FAILED
    if first.tries and _outcomes(floor, first)[-1] == "gave up":
        assert for_good is not True
    assert second.channel is not first.channel and second.state is PageState.SENT
    assert len(good.requests) == 1
    floor.assert_no_secret()
    floor.assert_short_and_readable()


# -- SMS through Kannel's interface, the push way next -----------------------------------

RAW_FAILURES = {
    "down": (None, "unreachable"),
    "never answers": (R.never_answers, f"no answer from the gateway within {TIMEOUT_S:g} s"),
    "answers too late": (R.answers_after(TIMEOUT_S + 2), "no answer"),
    "drips its headers": (R.drips_headers, "no answer"),
    "drips a 500": (R.drips(500), "500"),
    "endless 500": (R.endless(500), "500"),
    "drops a 500 midway": (R.drops_midway(500), "500"),
    "hangs up": (R.hangs_up, "unreachable"),
}


@pytest.mark.parametrize("case", list(RAW_FAILURES))
def test_an_sms_gateway_down_silent_slow_or_cut_is_tried_again_then_gives_way(
        store, case) -> None:
    play, said = RAW_FAILURES[case]
    server = R.RawServer(play) if play else None
    url = server.url if server else R.closed_port_url()
    with _good_ntfy() as good:
        floor = Floor(store, [SMS, NTFY], {PageChannel.SMS: _kannel(url),
                                           PageChannel.NTFY: _ntfy(good.url)})
        try:
            _check_gives_way(floor, server.stop if server else lambda: None, good, False)
        finally:
            if server:
                server.stop()
    [first, _] = floor.pages()
    assert said in first.last_error, first.last_error


@pytest.mark.parametrize("body", list(R.BODIES))
@pytest.mark.parametrize("status", [400, 403, 500])
def test_an_sms_gateway_answering_an_error_with_any_body_is_recorded_short(
        store, status, body) -> None:
    with R.answering(status, body) as rude, _good_ntfy() as good:
        floor = Floor(store, [SMS, NTFY], {PageChannel.SMS: _kannel(rude.url),
                                           PageChannel.NTFY: _ntfy(good.url)})
        _check_gives_way(floor, rude.stop, good, status != 500)
    last_error = floor.pages()[0].last_error
    assert last_error.removeprefix("gave up after 5 min of tries: ").startswith(f"{status} ")


@pytest.mark.parametrize("body", ["garbage", "huge", "binary", "not-utf8", "empty"])
def test_a_2xx_with_any_body_is_sent_and_recorded_short(store, body) -> None:
    with R.answering(200, body) as rude:
        floor = Floor(store, [SMS], {PageChannel.SMS: _kannel(rude.url)})
        assert floor.round(T0, rude.stop) <= BOUND_S
    [page] = floor.pages()
    assert page.state is PageState.SENT
    floor.assert_short_and_readable()


@pytest.mark.parametrize("play", [R.endless(200), R.drips(200), R.drops_midway(200)],
                         ids=["endless", "drips", "drops midway"])
def test_a_2xx_whose_body_never_ends_is_sent_within_the_bound(store, play) -> None:
    # Kannel has taken the message when it says 200: sending it again would page twice.
    with R.RawServer(play) as rude:
        floor = Floor(store, [SMS], {PageChannel.SMS: _kannel(rude.url)})
        assert floor.round(T0, rude.stop) <= BOUND_S
    [page] = floor.pages()
    assert page.state is PageState.SENT
    floor.assert_short_and_readable()


@pytest.mark.parametrize("how", list(R.ECHOES))
@pytest.mark.parametrize("status", [200, 400, 500])
def test_an_echoed_password_is_in_no_form_in_what_is_recorded(store, status, how) -> None:
    with R.echoing(status, how) as rude, _good_ntfy() as good:
        floor = Floor(store, [SMS, NTFY], {PageChannel.SMS: _kannel(rude.url),
                                           PageChannel.NTFY: _ntfy(good.url)})
        if status == 200:
            floor.round(T0, rude.stop)
            assert floor.pages()[0].state is PageState.SENT
            floor.assert_no_secret()
            floor.assert_short_and_readable()
        else:
            _check_gives_way(floor, rude.stop, good, status == 400)
    assert rude.requests, "the gateway was never asked"


def test_an_echo_inside_an_html_error_page_is_in_no_form(store) -> None:
    # A proxy's error page quotes the request HTML-escaped: &quot; &amp; as well.
    def answer(req):
        pw = req.header_utf8("X-Kannel-Password")
        escaped = pw.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        return Reply(502, f"<html><body><h1>Bad gateway</h1><pre>password={escaped}"
                          "</pre></body></html>".encode(), {"Content-Type": "text/html"})

    with LoopbackHttp(answer, "/cgi-bin/sendsms") as rude:
        floor = Floor(store, [SMS], {PageChannel.SMS: _kannel(rude.url)})
        floor.round(T0, rude.stop)
    [page] = floor.pages()
    assert page.last_error.startswith("502") and "Bad gateway" in page.last_error
    floor.assert_no_secret()
    text = "\n".join(floor.recorded())
    assert R.PASSWORD.replace("&", "&amp;").replace('"', "&quot;") not in text


def test_an_endless_answer_is_read_only_to_the_cap(store) -> None:
    with R.RawServer(R.endless(500)) as rude:
        floor = Floor(store, [SMS], {PageChannel.SMS: _kannel(rude.url)})
        tracemalloc.start()
        try:
            floor.round(T0, rude.stop)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 4 * 1024 * 1024, f"{peak / 1e6:.1f} MB held while reading the answer"


# -- the push way -----------------------------------------------------------------------

@pytest.mark.parametrize("case", ["down", "never answers", "drips a 500", "endless 500"])
def test_a_push_server_down_or_silent_gives_way_a_window_later(store, case) -> None:
    play, _ = RAW_FAILURES[case]
    server = R.RawServer(play, "") if play else None
    url = server.url if server else R.closed_port_url("")
    with _good_kannel() as good:
        floor = Floor(store, [NTFY, SMS], {PageChannel.NTFY: _ntfy(url),
                                           PageChannel.SMS: _kannel(good.url)})
        try:
            _check_gives_way(floor, server.stop if server else lambda: None, good, False)
        finally:
            if server:
                server.stop()


@pytest.mark.parametrize("how", list(R.ECHOES))
@pytest.mark.parametrize("status", [400, 403, 500])
def test_a_push_server_echoing_the_token_keeps_it_out(store, status, how) -> None:
    with R.echoing(status, how, "") as rude, _good_kannel() as good:
        floor = Floor(store, [NTFY, SMS], {PageChannel.NTFY: _ntfy(rude.url),
                                           PageChannel.SMS: _kannel(good.url)})
        _check_gives_way(floor, rude.stop, good, status != 500)


@pytest.mark.parametrize("body", ["garbage", "huge", "binary", "not-utf8",
                                  "json, not an object", "json nested 100,000 deep"])
def test_a_push_server_answering_200_with_garbage_is_sent_without_a_ref(store, body) -> None:
    with LoopbackHttp(lambda _r: Reply(200, R.BODIES[body]())) as rude:
        floor = Floor(store, [NTFY], {PageChannel.NTFY: _ntfy(rude.url)})
        assert floor.round(T0, rude.stop) <= BOUND_S
    [page] = floor.pages()
    assert page.state is PageState.SENT
    floor.assert_short_and_readable()


# -- e-mail -------------------------------------------------------------------------------

SMTP_CASES = {
    "down": (None, True, "unreachable"),
    "never greets": (R.smtp_never_greeting, True, f"within {TIMEOUT_S:g} s"),
    "drips its greeting": (R.smtp_dripping_greeting, True, f"within {TIMEOUT_S:g} s"),
    "closes after the greeting": (R.smtp_closing_after_greeting, True, "closed"),
    "offers no login": (R.smtp_refusing_auth(offer_auth=False), False, "login"),
    "refuses the login, echoing it": (R.smtp_refusing_auth(offer_auth=True), False, "535"),
    "greets with a 10 MB line": (R.smtp_huge_greeting, None, ""),
}


@pytest.mark.parametrize("case", list(SMTP_CASES))
def test_a_rude_mail_server_is_recorded_short_and_gives_way(store, case) -> None:
    play, retry, said = SMTP_CASES[case]
    server = R.RawServer(play, "") if play else None
    port = server.port if server else R.free_port()
    with _good_kannel() as good:
        floor = Floor(store, [EMAIL, SMS], {PageChannel.EMAIL: _mail(port),
                                            PageChannel.SMS: _kannel(good.url)})
        try:
            _check_gives_way(floor, server.stop if server else lambda: None, good,
                             None if retry is None else not retry)
        finally:
            if server:
                server.stop()
    first = floor.pages()[0]
    assert said in first.last_error, first.last_error
