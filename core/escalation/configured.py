"""The escalation policy as the config file sets it."""

from __future__ import annotations

from core.config import Config
from core.escalation.policy import (
    MINUTE_MS,
    EscalationPolicy,
    parse_contacts,
    parse_quiet_hours,
)
from core.escalation.triage import TriageRules
from core.model import ComplaintCategory
from core.phone_numbers import normalize_number


def policy_from_config(config: Config) -> EscalationPolicy:
    region = config.get("floor.region")
    return EscalationPolicy(
        contacts=parse_contacts(config.get("escalation.contacts")),
        resend_after_ms=int(config.get("escalation.resend_after_min")) * MINUTE_MS,
        pages_per_contact=int(config.get("escalation.pages_per_contact")),
        quiet_hours=parse_quiet_hours(config.get("escalation.quiet_hours")),
        timezone=config.get("floor.timezone"),
        rules=TriageRules(
            escalating=frozenset(ComplaintCategory[c.upper()]
                                 for c in config.get("escalation.categories")),
            prank_numbers=frozenset(normalize_number(n, region)
                                    for n in config.get("escalation.prank_numbers")),
            duplicate_days=float(config.get("escalation.duplicate_days"))))
