"""A configured secret (a gateway's password or access token) and the forms in which
it can leave the machine: as written, percent-encoded (a URL, a form), JSON-escaped,
and base64 (HTTP Basic auth, SMTP AUTH). A gateway may echo any of them back, so
whatever is recorded of its answer is scrubbed of every form, and the export's last
check looks for every form. One module, so that the two never disagree."""

from __future__ import annotations

import base64
import json
import re
import urllib.parse
from collections.abc import Iterable

#: Shorter secrets stand by chance in ordinary text (numbers, names, words), so no
#: check can tell a leak from a coincidence: the config refuses them.
MIN_LENGTH = 8
#: What a secret becomes in what is recorded.
MASK = "***"

_PERCENT_HEX = re.compile(r"%[0-9A-F]{2}")
_JSON_HEX = re.compile(r"\\u[0-9a-f]{4}")


def _b64(text: str) -> str:
    # Unpadded: the padded form starts with it, so scrubbing this takes out both.
    return base64.b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


class Secret(str):
    """The secret's value (it is the str), with where it is configured (``key``, for
    messages that must not show the value) and the username it goes with (for the
    base64 forms of HTTP Basic and SMTP AUTH PLAIN)."""

    key: str
    username: str | None

    def __new__(cls, value: str, key: str = "a configured secret",
                username: str | None = None) -> Secret:
        self = super().__new__(cls, value)
        self.key = key
        self.username = username
        return self

    def forms(self) -> list[tuple[str, str]]:
        """(label, form) for each distinct form, the longest first; the label says how
        it is encoded, never what it is."""
        value = str(self)
        out: list[tuple[str, str]] = [("as written", value)]
        for quoted in (urllib.parse.quote(value, safe=""), urllib.parse.quote(value),
                       urllib.parse.quote_plus(value)):
            out.append(("URL-encoded", quoted))
            out.append(("URL-encoded", _PERCENT_HEX.sub(lambda m: m.group(0).lower(), quoted)))
        for escaped in (json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]):
            out.append(("JSON-escaped", escaped))
            out.append(("JSON-escaped",
                        _JSON_HEX.sub(lambda m: "\\u" + m.group(0)[2:].upper(), escaped)))
        out.append(("base64", _b64(value)))
        if self.username is not None:
            out.append(("base64 with the username (HTTP Basic)",
                        _b64(f"{self.username}:{value}")))
            out.append(("base64 with the username (SMTP AUTH PLAIN)",
                        _b64(f"\0{self.username}\0{value}")))
        seen: dict[str, str] = {}
        for label, form in out:
            if form and form not in seen:
                seen[form] = label
        return sorted(((label, form) for form, label in seen.items()),
                      key=lambda lf: len(lf[1]), reverse=True)


def as_secret(value: str) -> Secret:
    """``value`` as a Secret (a plain string is one whose key nobody told)."""
    return value if isinstance(value, Secret) else Secret(value)


def all_forms(secrets: Iterable[str]) -> list[tuple[Secret, str, str]]:
    """(secret, label, form) of every form of every secret, the longest form first (a
    form that holds another is taken out whole)."""
    out = [(s, label, form) for s in map(as_secret, filter(None, secrets))
           for label, form in s.forms()]
    return sorted(out, key=lambda t: len(t[2]), reverse=True)


def scrub_counted(text: str, secrets: Iterable[str], mask: str = MASK) -> tuple[str, int]:
    """``text`` with every form of every secret replaced by ``mask``, and how many were."""
    count = 0
    for _secret, _label, form in all_forms(secrets):
        if form in text:
            count += text.count(form)
            text = text.replace(form, mask)
    return text, count


def scrub(text: str, secrets: Iterable[str], mask: str = MASK) -> str:
    return scrub_counted(text, secrets, mask)[0]
