"""Delivery of a page through a real gateway (ESC-2). Each says what became of it:
taken (with the gateway's reference), worth trying again (the gateway is down or
busy), or failed for good (a wrong password, a malformed number): only the second
is retried. No form of a secret (a password, as written or encoded:
core.model.secret) ever appears in what is said or logged. Passwords and names that
are not ASCII are sent as UTF-8 (Kannel compares the header's bytes with its
configuration's; SASL PLAIN is UTF-8 by RFC 4616)."""

from __future__ import annotations

import base64
import functools
import ipaddress
import json
import re
import smtplib
import ssl
import urllib.parse
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

import httpx

from core.escalation import bounded_http
from core.escalation.answer_text import answer_text
from core.escalation.smtp_deadline import DeadlineSMTP
from core.model.escalation import Page
from core.model.secret import Secret, scrub

#: How long a send may take, all told (connect, answer, body), before the gateway
#: counts as down: a gateway that drips its answer is as good as one that is down.
TIMEOUT_S = 10.0


@dataclass(frozen=True)
class SendResult:
    ok: bool
    #: Not taken, and trying again may help (the gateway is down, or busy).
    retry: bool
    detail: str
    ref: str = ""


def _is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Gateway:
    """``loopback_only``: refuse any other host (tests and drills never reach out).
    ``timeout_s``: how long a gateway may take to answer, all told."""

    def __init__(self, url: str, loopback_only: bool = False,
                 timeout_s: float = TIMEOUT_S) -> None:
        self.url = url
        self.loopback_only = loopback_only
        self.timeout_s = timeout_s

    def _refusal(self) -> SendResult | None:
        if self.loopback_only and not _is_loopback(self.url):
            host = urllib.parse.urlsplit(self.url).hostname
            return SendResult(False, False, f"gateway {host} is not on this machine "
                              "(127.0.0.1), and only loopback gateways may be used here")
        return None

    def secrets(self) -> tuple[Secret, ...]:
        """What this gateway must never let out (its password or token)."""
        return ()

    def _scrub(self, text: str) -> str:
        return scrub(text, self.secrets())

    def _said(self, answer: bounded_http.Answer) -> str:
        """What the gateway answered, short and with no form of a secret."""
        return answer_text(answer.body, self.secrets(), answer.complete,
                           answer.content_type)

    def send(self, page: Page, report_url: str | None = None) -> SendResult:
        refused = self._refusal()
        if refused is not None:
            return refused
        try:
            return self._send(page, report_url)
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            # No retry can reach an address that is not one: the next way is paged.
            return SendResult(False, False, self._scrub(
                f"the gateway's url {self.url!r} is not an http:// or https:// URL with a "
                f"host ({exc}); check the config file"))
        except httpx.TimeoutException:
            return SendResult(False, True,
                              f"no answer from the gateway within {self.timeout_s:g} s")
        except httpx.TransportError as exc:
            return SendResult(False, True, self._scrub(
                f"gateway unreachable ({type(exc).__name__}: {exc})"))

    def _send(self, page: Page, report_url: str | None) -> SendResult:
        raise NotImplementedError


class KannelSms(Gateway):
    """Kannel's sendsms interface, by POST (the password in a header, never in a URL
    that could be logged). Delivery reports (dlr-mask 31: delivered, failed,
    buffered, accepted by the SMS centre, rejected) go to ``report_url``."""

    def __init__(self, url: str, username: str, password: str, sender: str | None = None,
                 loopback_only: bool = False, timeout_s: float = TIMEOUT_S) -> None:
        super().__init__(url, loopback_only, timeout_s)
        self.username, self.password, self.sender = username, password, sender

    def secrets(self) -> tuple[Secret, ...]:
        return ((Secret(self.password, "escalation.sms.password", self.username),)
                if self.password else ())

    def _send(self, page: Page, report_url: str | None) -> SendResult:
        number = page.address.lstrip("+")
        # As bytes: httpx would encode a str header as ASCII and fail on "пароль".
        headers: dict[str, str | bytes] = {
            "Content-Type": "text/plain; charset=utf-8",
            "X-Kannel-Username": self.username.encode("utf-8"),
            "X-Kannel-Password": self.password.encode("utf-8"), "X-Kannel-To": number}
        if self.sender:
            headers["X-Kannel-From"] = self.sender.encode("utf-8")
        if report_url:
            headers["X-Kannel-DLR-Mask"] = "31"
            headers["X-Kannel-DLR-URL"] = report_url
        r = bounded_http.post(self.url, page.text.encode("utf-8"), headers, self.timeout_s)
        body = self._said(r)
        if r.status in (200, 202):
            # "0: Accepted for delivery", or "3: Queued for later delivery" while the
            # SMS centre is away (Kannel keeps it in its store and sends it later).
            # Kannel has decided when it sends the status: a body cut short after it
            # does not make the message worth sending twice.
            return SendResult(True, False, f"{r.status} {body}")
        if r.status == 403:
            return SendResult(False, False, "403 Forbidden: the gateway refused the username "
                              "or password (check [escalation.sms])")
        if r.status == 400:
            return SendResult(False, False, f"400 Bad Request: {body} (number "
                              f"{page.address!r})")
        return SendResult(False, r.status >= 500 or r.status == 429, f"{r.status} {body}")


#: A valid complaint rings through do-not-disturb (ntfy's "urgent", 5).
_NTFY_PRIORITY = {"urgent": "urgent", "info": "default"}


class NtfyPush(Gateway):
    """An ntfy server's publish API (docs.ntfy.sh/publish): the page as the message,
    priority urgent (5) for a valid complaint, and a "Call back" action that dials
    the customer's number (a ``tel:`` link), also what a tap on the notification does."""

    def __init__(self, url: str, token: str | None = None, loopback_only: bool = False,
                 timeout_s: float = TIMEOUT_S) -> None:
        super().__init__(url.rstrip("/"), loopback_only, timeout_s)
        self.token = token

    def secrets(self) -> tuple[Secret, ...]:
        # ntfy also takes the token as Basic auth's password with an empty username:
        # a server may echo that form too.
        return (Secret(self.token, "escalation.ntfy.token", ""),) if self.token else ()

    def _send(self, page: Page, report_url: str | None) -> SendResult:
        headers = {"Title": f"Floorboard: complaint {page.complaint_id}",
                   "Priority": _NTFY_PRIORITY[page.urgency.value],
                   "Tags": "rotating_light" if page.urgency.value == "urgent" else "bell",
                   "Content-Type": "text/plain; charset=utf-8"}
        callback = callback_number(page.text)
        if callback:
            headers["Actions"] = f"view, Call back, tel:{callback}, clear=true"
            headers["Click"] = f"tel:{callback}"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        r = bounded_http.post(f"{self.url}/{page.address}", page.text.encode("utf-8"),
                              headers, self.timeout_s)
        if r.status == 200:
            return SendResult(True, False, f"200 published to {page.address}",
                              _ntfy_id(r.body))
        if r.status in (401, 403):
            return SendResult(False, False, f"{r.status}: the ntfy server refused the "
                              "access token (check [escalation.ntfy])")
        return SendResult(False, r.status >= 500 or r.status == 429,
                          f"{r.status} {self._said(r)}")


def _ntfy_id(body: bytes) -> str:
    """The message's id in ntfy's answer, or "" for an answer that is not ntfy's (the
    push went out all the same: a 200 is never a failure)."""
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested past Python's stack
        return ""
    ref = answer.get("id") if isinstance(answer, dict) else None
    return str(ref)[:100] if isinstance(ref, str | int) else ""


def _login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    """smtplib's login, which sends only ASCII; a name or password that is not ASCII
    goes by AUTH PLAIN as UTF-8 (RFC 4616), the one mechanism that says how."""
    if username.isascii() and password.isascii():
        smtp.login(username, password)
        return
    smtp.ehlo_or_helo_if_needed()
    offered = smtp.esmtp_features.get("auth", "").upper().split()
    if "PLAIN" not in offered:
        raise smtplib.SMTPNotSupportedError(
            "the mail server does not offer AUTH PLAIN, the only way to log in with a "
            "username or password that is not ASCII")
    token = base64.b64encode(b"\0" + username.encode("utf-8") + b"\0"
                             + password.encode("utf-8")).decode("ascii")
    code, resp = smtp.docmd("AUTH", f"PLAIN {token}")
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, resp)


def callback_number(text: str) -> str | None:
    """The customer's number in a page's text ("Call +380671234567.")."""
    m = re.search(r"\bCall (\+?\d{6,15})\b", text)
    return m.group(1) if m else None


class SmtpMail(Gateway):
    """E-mail over SMTP, with STARTTLS and login when configured."""

    def __init__(self, host: str, port: int, sender: str, username: str | None = None,
                 password: str | None = None, starttls: bool = False,
                 loopback_only: bool = False, tls_context: ssl.SSLContext | None = None,
                 timeout_s: float = TIMEOUT_S) -> None:
        super().__init__(f"smtp://{host}:{port}", loopback_only, timeout_s)
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.starttls = username, password, starttls
        self.tls_context = tls_context

    def secrets(self) -> tuple[Secret, ...]:
        return ((Secret(self.password, "escalation.smtp.password", self.username),)
                if self.password else ())

    def send(self, page: Page, report_url: str | None = None) -> SendResult:
        refused = self._refusal()
        if refused is not None:
            return refused
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = page.address
        msg["Subject"] = (f"[Floorboard] Complaint {page.complaint_id}"
                          + (" - urgent" if page.urgency.value == "urgent" else ""))
        msg["Message-ID"] = make_msgid(idstring=page.dedup_key.replace(":", "-"))
        msg.set_content(page.text + "\n\nReply in the Floorboard inbox, or by SMS with the "
                        "code.\n")
        smtp = DeadlineSMTP(self.timeout_s)
        try:
            with smtp:
                smtp.open(self.host, self.port)
                if self.starttls:
                    smtp.starttls(context=self.tls_context or _system_tls())
                if self.username:
                    _login(smtp, self.username, self.password or "")
                refused_rcpt = smtp.send_message(msg)
        except smtplib.SMTPAuthenticationError as exc:
            return SendResult(False, False, f"{exc.smtp_code}: the mail server refused the "
                              "login (check [escalation.smtp])")
        except smtplib.SMTPNotSupportedError as exc:
            # No login it offers will take these credentials, however often it is
            # asked: the next way is paged, as for a wrong password.
            said = ("it offers no login (AUTH)" if "AUTH extension" in str(exc)
                    else str(exc).removeprefix("the mail server "))
            return SendResult(False, False, f"the mail server {self.host}:{self.port} "
                              f"cannot take the login: {said} (check [escalation.smtp])")
        except smtplib.SMTPRecipientsRefused as exc:
            codes = ", ".join(f"{c} {answer_text(m, self.secrets())}"
                              for c, m in exc.recipients.values())
            return SendResult(False, False, f"recipient {page.address} refused: {codes}")
        except smtplib.SMTPResponseException as exc:
            retry = 400 <= exc.smtp_code < 500
            said = (exc.smtp_error if isinstance(exc.smtp_error, bytes)
                    else str(exc.smtp_error).encode())
            return SendResult(False, retry,
                              f"{exc.smtp_code} {answer_text(said, self.secrets())}")
        except (OSError, smtplib.SMTPException) as exc:
            if smtp.timed_out or isinstance(exc, TimeoutError):
                return SendResult(False, True, "no answer from the mail server within "
                                  f"{self.timeout_s:g} s")
            return SendResult(False, True, self._scrub(
                f"mail server unreachable ({type(exc).__name__}: {exc})"))
        if refused_rcpt:
            return SendResult(False, False, f"recipient {page.address} refused")
        return SendResult(True, False, f"250 accepted by {self.host}:{self.port}",
                          msg["Message-ID"])


@functools.cache
def _system_tls() -> ssl.SSLContext:
    """The system's trust store, loaded once: loading it took most of a send's time
    (the HTTP gateways' context is cached the same way, in bounded_http)."""
    return ssl.create_default_context()
