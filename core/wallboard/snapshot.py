"""The wallboard's data at one moment: plain values, safe to hand between threads."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.model import AgentState, Channel


@dataclass(frozen=True)
class ChannelFigures:
    """Today's figures of one channel (from the floor's local midnight), by the KPI
    definitions of docs/kpi.md, and its queues now."""

    channel: Channel
    target_s: float  # the service-level target of most of its queues
    offered: int
    answered: int
    answered_in_target: int
    abandoned: int
    short_abandoned: int
    service_level: float | None  # None: nothing offered yet
    abandon_rate: float | None
    asa_s: float | None
    waiting: int
    longest_wait_ms: int  # -1: no one waiting


@dataclass(frozen=True)
class QueueLine:
    """Contacts waiting now in one channel and language."""

    channel: Channel
    language: str
    waiting: int
    longest_wait_ms: int  # -1: no one waiting


@dataclass(frozen=True)
class AgentTile:
    id: int
    name: str
    languages: tuple[str, ...]
    state: AgentState  # OFFLINE until the agent's first event
    since_ms: int  # in this state since (-1: unknown)
    channels: tuple[Channel, ...]  # of the contacts the agent is handling now
    chats: int  # chats among them


@dataclass(frozen=True)
class AgentToday:
    """One agent's figures today (from the floor's local midnight; docs/kpi.md): the
    contacts whose wait they ended by answering, the conversations they ended, and
    their time, with what is still going on counted up to now."""

    answered: int
    conversations: int
    aht_s: float | None  # talk + after-call work per conversation
    occupancy: float | None
    utilisation: float | None
    logged_in_ms: int


@dataclass(frozen=True)
class Trend:
    """Samples of the last hours, one per minute of floor time, oldest first: contacts
    waiting, service level and abandonment over the latest 30 minutes (NaN: nothing
    offered then)."""

    at_ms: np.ndarray
    waiting: np.ndarray
    service_level: np.ndarray
    abandon_rate: np.ndarray


@dataclass(frozen=True)
class MissedHeatmap:
    """Missed calls (abandoned, voicemail, busy signal) per local hour: ``days`` rows,
    the last one today (so far), as the KPI-5 report counts them."""

    day_ms: np.ndarray  # each row's local midnight, wall-clock ms since 1970
    counts: np.ndarray  # (days, 24)


@dataclass(frozen=True)
class Wallboard:
    at_ms: int  # the latest event's moment (the floor's now)
    timezone: str
    day_start_ms: int  # today's local midnight (UTC ms)
    channels: list[ChannelFigures]
    queues: list[QueueLine]
    agents: list[AgentTile]
    trend: Trend
    missed: MissedHeatmap | None = None
    agents_by_state: dict[AgentState, int] = field(default_factory=dict)
    #: By agent id; agents with nothing today are absent. Counted less often than the
    #: rest (see FloorView.wallboard), so it may lag the other figures by a second.
    agent_today: dict[int, AgentToday] = field(default_factory=dict)
