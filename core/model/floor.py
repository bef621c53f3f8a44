"""The floor's people, queues and what happens to customers: agents, queues,
interactions, complaints and sales."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core.model.codes import (
    BlendProfile,
    Channel,
    ComplaintCategory,
    ComplaintSource,
    Direction,
    NumberType,
)


@dataclass(frozen=True, slots=True)
class AgentSkill:
    skill: str
    proficiency: int  # 1 (learning) .. 5 (expert)


@dataclass(frozen=True, slots=True)
class Agent:
    id: int
    name: str
    languages: tuple[str, ...]  # first is primary
    skills: tuple[AgentSkill, ...]
    capacity: Mapping[Channel, int]
    shift: str
    blend: BlendProfile = BlendProfile.CARE_ONLY
    team: str = ""


@dataclass(frozen=True, slots=True)
class Queue:
    id: int
    name: str
    channel: Channel
    skill: str
    language: str
    sla_target_s: int
    strategy: str = "longest_idle"


@dataclass(frozen=True, slots=True)
class Interaction:
    id: int
    channel: Channel
    direction: Direction
    language: str
    queue_id: int
    priority: int
    customer_number: str
    arrived_ms: int
    number_type: NumberType = NumberType.UNKNOWN


@dataclass(frozen=True, slots=True)
class Complaint:
    """A complaint as raised on an interaction, before any triage."""

    raised_ms: int
    category: ComplaintCategory
    source: ComplaintSource
    interaction_id: int | None = None
    agent_id: int | None = None
    customer_number: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Sale:
    """What a conversation that ended in a sale sold (KPI-3)."""

    interaction_id: int
    agent_id: int
    sold_ms: int
    amount_cents: int  # hundredths of the currency: sums stay exact
    currency: str  # ISO 4217, e.g. "EUR"
    product: str
    partner_id: str | None = None  # a featured partner's service (seed 000)
