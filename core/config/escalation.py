"""Reading [escalation]'s own forms: the contacts and how to reach them, and quiet
hours. core.escalation.configured builds the policy from what these return."""

from __future__ import annotations

import re
import unicodedata
import urllib.parse

from core.config.toml_source import toml_value
from core.model.escalation import Contact, PageChannel
from core.model.secret import MIN_LENGTH

_QUIET = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


def parse_quiet_hours(text: str) -> tuple[int, int] | None:
    """'22:00-07:00' as minutes of the day (start, end); '' for none."""
    if not text:
        return None
    m = _QUIET.match(text.strip())
    if not m:
        raise ValueError(f"{toml_value(text)} is not a span of the day such as '22:00-07:00'")
    h1, m1, h2, m2 = (int(x) for x in m.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == end:
        raise ValueError(f"{toml_value(text)} starts and ends at the same time")
    return start, end


def parse_gateway_url(text: str) -> str:
    """A gateway's address: an http:// or https:// URL with a host (and a port that is
    a port). Anything else can never be reached, and retrying it would hold the page
    from the contact's next way for ever."""
    example = "such as 'http://127.0.0.1:13013/cgi-bin/sendsms'"
    url = urllib.parse.urlsplit(text.strip())
    try:
        url.port  # noqa: B018  (urlsplit checks the port only when asked)
    except ValueError:
        raise ValueError(f"{toml_value(text)} has no valid port: give an http:// or https:// URL "
                         f"{example}") from None
    if url.scheme not in ("http", "https") or not url.hostname or " " in text.strip():
        raise ValueError(f"{toml_value(text)} is not an http:// or https:// URL with a host, "
                         f"{example}")
    if url.username is not None or url.password is not None:
        raise ValueError("the URL holds a user or password: give them as username and "
                         "password = \"...\" in this section (a URL ends up in logs)")
    return text.strip()


def check_secret(text: str, header_token: bool = False) -> str:
    """A password or token that can be sent and kept out of what is recorded. Never
    says the value."""
    if len(text) < MIN_LENGTH:
        raise ValueError(f"a secret of {len(text)} characters is too short to keep out of "
                         f"logs and exports: a short one stands by chance in ordinary text "
                         f"(numbers, names), so no check can tell it from a leak; use at "
                         f"least {MIN_LENGTH} characters")
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise ValueError("the secret holds a control character (a line break or a tab?), "
                         "which no gateway takes")
    if header_token and not (text.isascii() and text.isprintable() and " " not in text):
        raise ValueError("an access token goes in an HTTP header as it is, so it must be "
                         "ASCII letters, digits and signs, without spaces (as the ntfy "
                         "server gave it, tk_...)")
    return text


def parse_reach(text: str) -> tuple[PageChannel, str]:
    """'sms:+380671234567', 'email:manager@example.com', 'ntfy:topic'."""
    kind, _, address = text.partition(":")
    try:
        channel = PageChannel(kind.strip().lower())
    except ValueError:
        raise ValueError(f"{toml_value(text)}: begin with sms:, email: or ntfy:") from None
    address = address.strip()
    if not address:
        raise ValueError(f"{toml_value(text)}: no address after '{kind}:'")
    if channel is PageChannel.SMS and not re.fullmatch(r"\+?\d{6,15}", address):
        raise ValueError(f"{toml_value(text)}: an SMS goes to a number of 6-15 digits, with an "
                         "optional leading +")
    if channel is PageChannel.EMAIL and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
        raise ValueError(f"{toml_value(text)}: not an e-mail address")
    if channel is PageChannel.NTFY and not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", address):
        raise ValueError(f"{toml_value(text)}: an ntfy topic is 1-64 letters, digits, - or _")
    return channel, address


def parse_contacts(value: object) -> tuple[Contact, ...]:
    """The config's [[escalation.contacts]] tables: name and reach (a list)."""
    if not isinstance(value, list):
        raise ValueError("contacts must be [[escalation.contacts]] tables")
    out = []
    for i, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"contact {i} is not a table")
        unknown = set(item) - {"name", "reach"}
        if unknown:
            raise ValueError(f"contact {i}: unknown key {toml_value(sorted(unknown)[0])} "
                             "(name, reach)")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"contact {i}: give a name")
        reach = item.get("reach")
        if not isinstance(reach, list) or not reach or not all(isinstance(r, str)
                                                               for r in reach):
            raise ValueError(f"contact {i} ({toml_value(name)}): reach is a list such as "
                             "[\"sms:+380671234567\", \"email:manager@example.com\"]")
        try:
            out.append(Contact(name.strip(), tuple(parse_reach(r) for r in reach)))
        except ValueError as exc:
            raise ValueError(f"contact {i} ({toml_value(name)}): reach {exc}") from None
    return tuple(out)
