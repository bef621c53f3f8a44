"""Escalation's domain types: a triage decision, a contact and the ways to reach
them, a page in the outbox, an attempt to deliver it and an acknowledgement."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import NamedTuple


class Verdict(enum.Enum):
    VALID = "valid"
    NOT_VALID = "not_valid"
    NEEDS_SENIOR = "needs_senior"


@dataclass(frozen=True, slots=True)
class Decision:
    """What triage (or a person) decided about a complaint, and why."""

    complaint_id: int
    verdict: Verdict
    reasons: tuple[str, ...]
    decided_ms: int
    by: str = "rules"  # or the name of the senior or manager who decided

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


class PageChannel(enum.Enum):
    SMS = "sms"
    EMAIL = "email"
    NTFY = "ntfy"


class Urgency(enum.Enum):
    #: A valid complaint: sent at any hour, quiet hours or not (ESC-2).
    URGENT = "urgent"
    #: Anything else (a complaint waiting for a senior, a summary): waits out quiet hours.
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Contact:
    """Someone to page, with the ways to reach them in the order to try them."""

    name: str
    reach: tuple[tuple[PageChannel, str], ...]  # (channel, address: number, e-mail, topic)


class PageState(enum.Enum):
    PENDING = "pending"  # in the outbox, not yet accepted by a gateway
    SENT = "sent"  # a gateway took it
    DELIVERED = "delivered"  # the gateway reports it on the phone
    FAILED = "failed"  # no retry can help (a malformed number, a wrong password)
    CANCELLED = "cancelled"  # acknowledged, or marked not valid, before it went out


@dataclass(frozen=True, slots=True)
class Page:
    id: int
    complaint_id: int
    contact: str
    channel: PageChannel
    address: str
    #: The n-th page of this complaint: resends and the next contacts count on.
    step: int
    dedup_key: str
    text: str
    ack_code: str
    urgency: Urgency
    due_ms: int
    state: PageState
    tries: int = 0
    last_error: str = ""
    sent_ms: int | None = None


class PageAttempt(NamedTuple):
    """One try to deliver a page, or what a gateway said of it later."""

    at_ms: int
    outcome: str  # as core.escalation writes it: sending, sent, retry, failed, report, gave up
    detail: str


class Acknowledgement(NamedTuple):
    """Who said they have a complaint in hand, when, and how (the first one stands)."""

    at_ms: int
    by: str
    via: str  # how: 'sms' (a reply with the code), 'inbox' (the desktop's button)
