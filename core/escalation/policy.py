"""Who is paged, how, when again, and when not (ESC-2/3): contacts each with the ways
to reach them in order; an unacknowledged page is sent again after M minutes, and
after ``pages_per_contact`` pages the next contact is paged (the chain starts over
after the last: a pager never gives up on its own). Valid complaints ignore quiet
hours; informational pages wait for their end. From the config file's [escalation]."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field

from core.escalation.detect import PhraseBook
from core.escalation.model import Contact, PageChannel, Urgency
from core.escalation.triage import TriageRules

MINUTE_MS = 60_000
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


@dataclass(frozen=True)
class EscalationPolicy:
    contacts: tuple[Contact, ...]
    resend_after_ms: int = 5 * MINUTE_MS
    pages_per_contact: int = 2
    quiet_hours: tuple[int, int] | None = None
    timezone: str = "UTC"
    rules: TriageRules = field(default_factory=TriageRules)
    phrases: PhraseBook = field(default_factory=PhraseBook.default)

    def contact_for(self, step: int) -> Contact:
        """Who gets the complaint's ``step``-th page (0: the first)."""
        return self.contacts[(step // self.pages_per_contact) % len(self.contacts)]

    def in_quiet_hours(self, at_ms: int) -> bool:
        if self.quiet_hours is None:
            return False
        local = dt.datetime.fromtimestamp(at_ms / 1000, zoneinfo.ZoneInfo(self.timezone))
        minute = local.hour * 60 + local.minute
        start, end = self.quiet_hours
        return start <= minute < end if start < end else minute >= start or minute < end

    def due_ms(self, urgency: Urgency, at_ms: int) -> int:
        """When a page made at ``at_ms`` may go: at once, or an informational one at
        the end of quiet hours."""
        if urgency is Urgency.URGENT or not self.in_quiet_hours(at_ms):
            return at_ms
        tz = zoneinfo.ZoneInfo(self.timezone)
        local = dt.datetime.fromtimestamp(at_ms / 1000, tz)
        end = self.quiet_hours[1]
        wake = local.replace(hour=end // 60, minute=end % 60, second=0, microsecond=0)
        if wake <= local:
            wake += dt.timedelta(days=1)
        # Wall-clock arithmetic, then back to an instant in the zone (DST-safe enough
        # for a wake-up time: the fold is taken as the first of two).
        return int(wake.replace(tzinfo=tz).timestamp() * 1000)


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
