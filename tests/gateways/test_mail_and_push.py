"""E-mail over SMTP to a real SMTP server on 127.0.0.1 (aiosmtpd), plain and with
STARTTLS and login; ntfy publishing checked against ntfy's documented API by a local
HTTP server (no ntfy server can be installed here: docs/escalation.md)."""

from __future__ import annotations

import json
import ssl
import subprocess
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from core.escalation.gateways import NtfyPush, SmtpMail
from core.model.escalation import Page, PageChannel, PageState, Urgency
from tests.gateways.kannel import free_port
from tests.gateways.loopback_http import LoopbackHttp, Reply, Request

TEXT = ("Complaint 7: HARM. Call +380671234567. Agent Olena. Engineer left the box "
        "damaged. Ack: reply K7Q2")


def _page(channel: PageChannel, address: str, urgency=Urgency.URGENT) -> Page:
    return Page(1, 7, "Manager", channel, address, 0, "complaint:7:step:0", TEXT, "K7Q2",
                urgency, 0, PageState.PENDING)


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's name
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


def _smtp(**kw):
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kw)
    controller.start()
    return controller, inbox, port


def test_an_email_reaches_the_smtp_server(tmp_path) -> None:
    controller, inbox, port = _smtp()
    try:
        mail = SmtpMail("127.0.0.1", port, "floorboard@floor.example", loopback_only=True)
        result = mail.send(_page(PageChannel.EMAIL, "manager@example.com"))
    finally:
        controller.stop()
    assert result.ok, result.detail
    [(sender, rcpts, raw)] = inbox.messages
    assert (sender, rcpts) == ("floorboard@floor.example", ["manager@example.com"])
    msg = message_from_bytes(raw)
    assert msg["Subject"] == "[Floorboard] Complaint 7 - urgent"
    assert "Call +380671234567" in msg.get_payload() and "K7Q2" in msg.get_payload()
    assert result.ref == "".join(msg["Message-ID"].split()) and "complaint-7-step-0" in result.ref


@pytest.fixture
def tls_files(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True,
                   capture_output=True)
    return key, cert


def test_starttls_and_login_and_a_wrong_password(tls_files) -> None:
    key, cert = tls_files
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    client_tls = ssl.create_default_context(cafile=str(cert))

    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login, auth_data.password) == (b"floor", b"mail-s3cret")
        return AuthResult(success=ok, handled=False)

    controller, inbox, port = _smtp(tls_context=server_tls, require_starttls=True,
                                    authenticator=check, auth_require_tls=True)
    try:
        good = SmtpMail("127.0.0.1", port, "floorboard@floor.example", "floor",
                        "mail-s3cret", starttls=True, tls_context=client_tls).send(
            _page(PageChannel.EMAIL, "manager@example.com"))
        bad = SmtpMail("127.0.0.1", port, "floorboard@floor.example", "floor",
                       "wrong-s3cret", starttls=True, tls_context=client_tls).send(
            _page(PageChannel.EMAIL, "manager@example.com"))
    finally:
        controller.stop()
    assert good.ok, good.detail
    assert len(inbox.messages) == 1
    assert not bad.ok and not bad.retry
    assert bad.detail == "535: the mail server refused the login (check [escalation.smtp])"
    assert "s3cret" not in bad.detail


def test_a_mail_server_that_is_down_is_worth_another_try() -> None:
    result = SmtpMail("127.0.0.1", free_port(), "f@floor.example").send(
        _page(PageChannel.EMAIL, "manager@example.com"))
    assert not result.ok and result.retry and "mail server unreachable" in result.detail


class _NtfyServer:
    """Checks each publish against docs.ntfy.sh/publish: POST /<topic> with the message
    as the body; Title; Priority one of 1-5 or min, low, default, high, max, urgent;
    Tags comma-separated; Click a URL; Actions 'action, label, url[, clear=true]'
    separated by ';' (action view, http or broadcast); Bearer auth when a token is
    set. Answers as ntfy does: JSON with id, time, event and topic."""

    PRIORITIES = frozenset({"1", "2", "3", "4", "5", "min", "low", "default", "high", "max",
                            "urgent"})

    def __init__(self, token: str | None = None) -> None:
        self.published: list[dict] = []
        self.problems: list[str] = []
        self.token = token
        self.http = LoopbackHttp(self._answer)
        self.url = self.http.url

    def _answer(self, req: Request) -> Reply:
        topic = req.path.strip("/")
        body = req.body.decode()
        h = req.headers
        if self.token and h.get("authorization") != f"Bearer {self.token}":
            return Reply(403)
        if h.get("priority", "3") not in self.PRIORITIES:
            self.problems.append(f"priority {h['priority']!r}")
        for action in filter(None, h.get("actions", "").split(";")):
            parts = [p.strip() for p in action.split(",")]
            if parts[0] not in ("view", "http", "broadcast") or len(parts) < 3:
                self.problems.append(f"action {action!r}")
            if any("=" in p and p.split("=")[0] not in ("clear", "method", "body")
                   for p in parts[3:]):
                self.problems.append(f"action option in {action!r}")
        self.published.append({"topic": topic, "message": body, **h})
        reply = json.dumps({"id": "hwQ2YpKdmg", "time": 1, "event": "message",
                            "topic": topic, "message": body}).encode()
        return Reply(200, reply, {"Content-Type": "application/json"})

    def stop(self) -> None:
        self.http.stop()


def test_ntfy_publishes_an_urgent_push_with_a_call_back_action() -> None:
    ntfy = _NtfyServer(token="tk_floor")
    try:
        result = NtfyPush(ntfy.url, token="tk_floor", loopback_only=True).send(
            _page(PageChannel.NTFY, "fb-manager"))
        refused = NtfyPush(ntfy.url, token="tk_wrong").send(_page(PageChannel.NTFY, "fb-m"))
    finally:
        ntfy.stop()
    assert result.ok and result.ref == "hwQ2YpKdmg", result.detail
    [sent] = ntfy.published
    assert ntfy.problems == []
    assert (sent["topic"], sent["message"]) == ("fb-manager", TEXT)
    assert sent["priority"] == "urgent" and sent["title"] == "Floorboard: complaint 7"
    assert sent["actions"] == "view, Call back, tel:+380671234567, clear=true"
    assert sent["click"] == "tel:+380671234567"
    assert not refused.ok and not refused.retry and "tk_wrong" not in refused.detail
    assert refused.detail.startswith("403: the ntfy server refused the access token")


def test_informational_pushes_are_not_urgent() -> None:
    ntfy = _NtfyServer()
    try:
        assert NtfyPush(ntfy.url).send(_page(PageChannel.NTFY, "fb", Urgency.INFO)).ok
    finally:
        ntfy.stop()
    assert ntfy.published[0]["priority"] == "default" and ntfy.problems == []


def test_a_non_ascii_mail_password_logs_in_as_utf_8() -> None:
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login, auth_data.password) == ("флор".encode(), "пароль2024".encode())
        return AuthResult(success=ok, handled=False)

    controller, inbox, port = _smtp(authenticator=check, auth_require_tls=False)
    try:
        good = SmtpMail("127.0.0.1", port, "floorboard@floor.example", "флор",
                        "пароль2024").send(_page(PageChannel.EMAIL, "manager@example.com"))
        bad = SmtpMail("127.0.0.1", port, "floorboard@floor.example", "флор",
                       "пароль2025").send(_page(PageChannel.EMAIL, "manager@example.com"))
    finally:
        controller.stop()
    assert good.ok, good.detail
    assert len(inbox.messages) == 1
    assert not bad.ok and not bad.retry and bad.detail.startswith("535: ")
