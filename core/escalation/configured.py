"""The escalation policy and gateways as the config file sets them."""

from __future__ import annotations

from core.clock import MINUTE_MS
from core.config import Config
from core.config.escalation import parse_contacts, parse_quiet_hours
from core.escalation.detect import LANGUAGES, PhraseBook
from core.escalation.gateways import Gateway, KannelSms, NtfyPush, SmtpMail
from core.escalation.policy import EscalationPolicy
from core.escalation.triage import TriageRules
from core.model import ComplaintCategory
from core.model.escalation import PageChannel
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
            duplicate_days=float(config.get("escalation.duplicate_days"))),
        phrases=PhraseBook.default({
            lang: {ComplaintCategory[c.upper()]: tuple(words) for c, words in table.items()}
            for lang in LANGUAGES
            if (table := config.get(f"escalation.phrases.{lang}")) is not None}))


def gateways_from_config(config: Config, loopback_only: bool = False
                         ) -> dict[PageChannel, Gateway]:
    """The gateways the config file sets up; a way without one fails with that reason."""
    out: dict[PageChannel, Gateway] = {}
    if config.get("escalation.sms.url"):
        out[PageChannel.SMS] = KannelSms(
            config.get("escalation.sms.url"), config.get("escalation.sms.username") or "",
            config.get("escalation.sms.password") or "",
            config.get("escalation.sms.sender") or "Floorboard", loopback_only)
    if config.get("escalation.smtp.sender"):
        out[PageChannel.EMAIL] = SmtpMail(
            config.get("escalation.smtp.host"), int(config.get("escalation.smtp.port")),
            config.get("escalation.smtp.sender"), config.get("escalation.smtp.username"),
            config.get("escalation.smtp.password"), bool(config.get("escalation.smtp.starttls")),
            loopback_only)
    if config.get("escalation.ntfy.url"):
        out[PageChannel.NTFY] = NtfyPush(config.get("escalation.ntfy.url"),
                                         config.get("escalation.ntfy.token"), loopback_only)
    return out
