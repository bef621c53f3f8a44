"""Reading [escalation]'s own forms: the contacts and how to reach them, and quiet
hours. core.escalation.configured builds the policy from what these return."""

from __future__ import annotations

import re

from core.model.escalation import Contact, PageChannel

_QUIET = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


def parse_quiet_hours(text: str) -> tuple[int, int] | None:
    """'22:00-07:00' as minutes of the day (start, end); '' for none."""
    if not text:
        return None
    m = _QUIET.match(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a span of the day such as '22:00-07:00'")
    h1, m1, h2, m2 = (int(x) for x in m.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == end:
        raise ValueError(f"{text!r} starts and ends at the same time")
    return start, end


def parse_reach(text: str) -> tuple[PageChannel, str]:
    """'sms:+380671234567', 'email:manager@example.com', 'ntfy:topic'."""
    kind, _, address = text.partition(":")
    try:
        channel = PageChannel(kind.strip().lower())
    except ValueError:
        raise ValueError(f"{text!r}: begin with sms:, email: or ntfy:") from None
    address = address.strip()
    if not address:
        raise ValueError(f"{text!r}: no address after '{kind}:'")
    if channel is PageChannel.SMS and not re.fullmatch(r"\+?\d{6,15}", address):
        raise ValueError(f"{text!r}: an SMS goes to a number of 6-15 digits, with an "
                         "optional leading +")
    if channel is PageChannel.EMAIL and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
        raise ValueError(f"{text!r}: not an e-mail address")
    if channel is PageChannel.NTFY and not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", address):
        raise ValueError(f"{text!r}: an ntfy topic is 1-64 letters, digits, - or _")
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
            raise ValueError(f"contact {i}: unknown key {sorted(unknown)[0]!r} (name, reach)")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"contact {i}: give a name")
        reach = item.get("reach")
        if not isinstance(reach, list) or not reach or not all(isinstance(r, str)
                                                               for r in reach):
            raise ValueError(f"contact {i} ({name}): reach is a list such as "
                             "[\"sms:+380671234567\", \"email:manager@example.com\"]")
        try:
            out.append(Contact(name.strip(), tuple(parse_reach(r) for r in reach)))
        except ValueError as exc:
            raise ValueError(f"contact {i} ({name}): reach {exc}") from None
    return tuple(out)
