"""Delivery of a page through a real gateway (ESC-2). Each says what became of it:
taken (with the gateway's reference), worth trying again (the gateway is down or
busy), or failed for good (a wrong password, a malformed number): only the first two
are retried. No secret (a password) ever appears in what is said or logged."""

from __future__ import annotations

import ipaddress
import urllib.parse
from dataclasses import dataclass

import httpx

from core.escalation.model import Page

#: How long a gateway may take to answer before it counts as down.
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
    """``loopback_only``: refuse any other host (tests and drills never reach out)."""

    def __init__(self, url: str, loopback_only: bool = False) -> None:
        self.url = url
        self.loopback_only = loopback_only

    def _refusal(self) -> SendResult | None:
        if self.loopback_only and not _is_loopback(self.url):
            host = urllib.parse.urlsplit(self.url).hostname
            return SendResult(False, False, f"gateway {host} is not on this machine "
                              "(127.0.0.1), and only loopback gateways may be used here")
        return None

    def _scrub(self, text: str) -> str:
        return text

    def send(self, page: Page, report_url: str | None = None) -> SendResult:
        refused = self._refusal()
        if refused is not None:
            return refused
        try:
            return self._send(page, report_url)
        except httpx.TimeoutException:
            return SendResult(False, True, f"no answer from the gateway within {TIMEOUT_S:g} s")
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
                 loopback_only: bool = False) -> None:
        super().__init__(url, loopback_only)
        self.username, self.password, self.sender = username, password, sender

    def _scrub(self, text: str) -> str:
        return text.replace(self.password, "***") if self.password else text

    def _send(self, page: Page, report_url: str | None) -> SendResult:
        number = page.address.lstrip("+")
        headers = {"Content-Type": "text/plain; charset=utf-8",
                   "X-Kannel-Username": self.username, "X-Kannel-Password": self.password,
                   "X-Kannel-To": number}
        if self.sender:
            headers["X-Kannel-From"] = self.sender
        if report_url:
            headers["X-Kannel-DLR-Mask"] = "31"
            headers["X-Kannel-DLR-URL"] = report_url
        r = httpx.post(self.url, content=page.text.encode("utf-8"), headers=headers,
                       timeout=TIMEOUT_S)
        body = self._scrub(r.text.strip())
        if r.status_code in (200, 202):
            # "0: Accepted for delivery", or "3: Queued for later delivery" while the
            # SMS centre is away (Kannel keeps it in its store and sends it later).
            return SendResult(True, False, f"{r.status_code} {body}")
        if r.status_code == 403:
            return SendResult(False, False, "403 Forbidden: the gateway refused the username "
                              "or password (check [escalation.sms])")
        if r.status_code == 400:
            return SendResult(False, False, f"400 Bad Request: {body} (number "
                              f"{page.address!r})")
        return SendResult(False, r.status_code >= 500 or r.status_code == 429,
                          f"{r.status_code} {body}")
