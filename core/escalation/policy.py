"""Who is paged, how, when again, and when not (ESC-2/3): contacts each with the ways
to reach them in order; an unacknowledged page is sent again after M minutes, and
after ``pages_per_contact`` pages the next contact is paged (the chain starts over
after the last: a pager never gives up on its own). Valid complaints ignore quiet
hours; informational pages wait for their end. Built from the config file's
[escalation] (core.config.escalation reads it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.clock import MINUTE_MS, from_local, to_local
from core.escalation.detect import PhraseBook
from core.escalation.triage import TriageRules
from core.model.escalation import Contact, Urgency


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
        local = to_local(at_ms, self.timezone)
        minute = local.hour * 60 + local.minute
        start, end = self.quiet_hours
        return start <= minute < end if start < end else minute >= start or minute < end

    def due_ms(self, urgency: Urgency, at_ms: int) -> int:
        """When a page made at ``at_ms`` may go: at once, or an informational one at
        the end of quiet hours."""
        if urgency is Urgency.URGENT or not self.in_quiet_hours(at_ms):
            return at_ms
        local = to_local(at_ms, self.timezone)
        end = self.quiet_hours[1]
        wake = local.replace(hour=end // 60, minute=end % 60, second=0, microsecond=0)
        if wake <= local:
            wake += dt.timedelta(days=1)
        # Wall-clock arithmetic, then back to an instant in the zone (DST-safe enough
        # for a wake-up time: the fold is taken as the first of two).
        return from_local(wake)
