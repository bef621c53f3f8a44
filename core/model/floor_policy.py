"""What the router is told: queues with their strategy and overflow steps, the agents,
and the blending rules. Plain frozen values; core.config.floor builds them from TOML."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from core.model import Agent, BlendProfile, Channel, Queue, WorkMode


class Strategy(enum.IntEnum):
    """How a queue chooses among the agents eligible for its next interaction."""

    LONGEST_IDLE = 0  # longest since the agent's last offer, release or return
    LEAST_OCCUPIED = 1  # lowest sum over channels of load / capacity
    HIGHEST_PROFICIENCY = 2  # best in the queue's skill
    FEWEST_HANDLED = 3  # fewest accepted interactions today
    ROUND_ROBIN = 4  # next agent after the one this queue chose last


#: Voice channels take the agent whole (ROUTE-2).
VOICE_CHANNELS = frozenset({Channel.PHONE, Channel.CALLBACK, Channel.OUTBOUND_CALL})
#: Channels where a customer is waiting live; outbound dialling waits for them (ROUTE-5).
LIVE_INBOUND_CHANNELS = frozenset({Channel.PHONE, Channel.CHAT})

#: Default service-level targets per channel (KPI-1), seconds.
DEFAULT_SLA_S: dict[Channel, int] = {
    Channel.PHONE: 20,
    Channel.CHAT: 15,
    Channel.TICKET: 4 * 3600,
    Channel.EMAIL: 4 * 3600,
    Channel.CALLBACK: 3600,
    Channel.WEB_REQUEST: 4 * 3600,
    Channel.OUTBOUND_CALL: 24 * 3600,
}

#: Priorities run 0 (normal) .. MAX_PRIORITY (most urgent).
MAX_PRIORITY = 9
#: Overflow steps a queue may have.
MAX_OVERFLOW_STEPS = 8
#: Longest time any rule may name (overflow, voicemail, no answer, SLA target): a year.
#: Keeps every "arrival + rule" sum far inside the int64 milliseconds of the core.
MAX_RULE_S = 365 * 24 * 3600


@dataclass(frozen=True, slots=True)
class OverflowStep:
    """After ``after_s`` of waiting, widen who may take the interaction (bullseye).

    Steps only ever widen: a lower proficiency floor, the queue's secondary
    language, more groups, or (only when said) any language at all.
    """

    after_s: int
    min_proficiency: int | None = None
    secondary_language: bool = False
    groups: tuple[str, ...] = ()
    any_language: bool = False


@dataclass(frozen=True, slots=True)
class QueuePolicy:
    queue: Queue
    work: WorkMode = WorkMode.CARE
    groups: tuple[str, ...] = ()  # empty: agents of any group
    min_proficiency: int = 1
    secondary_language: str | None = None
    no_answer_s: int = 0  # 0: an offer waits for acceptance indefinitely
    voicemail_after_s: int = 0  # phone only; 0: never
    overflow: tuple[OverflowStep, ...] = ()

    @property
    def strategy(self) -> Strategy:
        return Strategy[self.queue.strategy.upper()]


@dataclass(frozen=True, slots=True)
class BlendPolicy:
    #: Outbound calls are offered only while fewer live inbound contacts wait.
    outbound_inbound_threshold: int = 1
    #: After a care<->sales switch the router avoids switching the agent back for this long.
    switch_cost_s: int = 600


@dataclass(frozen=True)
class FloorPolicy:
    name: str
    languages: tuple[str, ...]
    skills: tuple[str, ...]
    groups: tuple[str, ...]
    queues: tuple[QueuePolicy, ...]
    agents: tuple[Agent, ...]
    blend: BlendPolicy = field(default_factory=BlendPolicy)
    sla_s: dict[Channel, int] = field(default_factory=lambda: dict(DEFAULT_SLA_S))

    def queue(self, queue_id: int) -> QueuePolicy:
        for q in self.queues:
            if q.queue.id == queue_id:
                return q
        raise KeyError(f"no queue with id {queue_id}")


def may_do(blend: BlendProfile, work: WorkMode) -> bool:
    """Care-only agents never get sales work, sales-only never care (seed 001)."""
    if blend == BlendProfile.BLENDED:
        return True
    return (blend == BlendProfile.CARE_ONLY) == (work == WorkMode.CARE)
