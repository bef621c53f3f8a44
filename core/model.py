"""Domain types of the floor: agents, queues, interactions and the events between them.

Enum values are the integer codes stored in SQLite and in kernel arrays, so they
are part of the file format: never renumber a member, only add new ones (and a
migration that adds its row to the lookup tables).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Sentinel for "no value" in columnar arrays; SQLite stores NULL instead.
NONE = -1


class Channel(enum.IntEnum):
    PHONE = 1
    CHAT = 2
    TICKET = 3
    EMAIL = 4
    CALLBACK = 5
    WEB_REQUEST = 6
    OUTBOUND_CALL = 7


class Direction(enum.IntEnum):
    INBOUND = 1
    OUTBOUND = 2


class AgentState(enum.IntEnum):
    AVAILABLE = 1
    BUSY = 2
    WRAP_UP = 3
    AWAY = 4
    BREAK = 5
    OFFLINE = 6


class BlendProfile(enum.IntEnum):
    """Which kind of work an agent may be given (seed 001: not everyone can sell)."""

    CARE_ONLY = 1
    SALES_ONLY = 2
    BLENDED = 3


class WorkMode(enum.IntEnum):
    """The mode a blended agent is currently working in."""

    CARE = 1
    SALES = 2


class InteractionState(enum.IntEnum):
    WAITING = 1
    OFFERED = 2
    CONNECTED = 3
    WRAP_UP = 4
    ENDED = 5


class Outcome(enum.IntEnum):
    RESOLVED = 1
    SALE = 2
    NO_SALE = 3
    TRANSFERRED = 4
    ABANDONED = 5
    VOICEMAIL = 6
    NOT_REACHED = 7
    MEETING_SET = 8
    CALLBACK_SCHEDULED = 9
    PRANK = 10
    DROPPED = 11  # the floor stopped mid-contact (app closed, system down): no outcome


class NumberType(enum.IntEnum):
    """What kind of line a customer number is (seed 003 counts calls by it)."""

    UNKNOWN = 0
    MOBILE = 1
    LANDLINE = 2
    INTERNAL = 3
    TOLL_FREE = 4
    VOIP = 5
    OTHER = 6


class EventKind(enum.IntEnum):
    """One row of the events table. ``value`` holds the kind-specific code noted here."""

    ARRIVED = 1  # an interaction entered the floor
    ENQUEUED = 2  # queued on queue_id
    OFFERED = 3  # offered to agent_id
    ACCEPTED = 4  # agent_id took it
    NO_ANSWER = 5  # agent_id did not accept in time; re-queued
    OVERFLOW_STEP = 6  # value = index of the overflow step taken
    TRANSFERRED = 7  # moved to queue_id
    WRAP_UP_STARTED = 8
    ENDED = 9  # value = Outcome
    ABANDONED = 10  # customer hung up / left while waiting
    VOICEMAIL = 11  # waited past the queue's limit
    AGENT_STATE = 12  # value = AgentState
    AGENT_MODE = 13  # value = WorkMode (care <-> sales switch)
    AGENT_LOGIN = 14
    AGENT_LOGOUT = 15
    BLOCKED = 16  # no free phone line: a busy signal, the call never reached the IVR
    COMPLAINT_RAISED = 17  # value = ComplaintCategory; the complaint's row holds the rest


class ComplaintCategory(enum.IntEnum):
    """What a complaint is about (ESC-1). The first four are the serious kinds that a
    valid complaint belongs to by default (seed 000: 2-3 a month reach the manager)."""

    HARM = 1
    BILLING_ERROR = 2
    LEGAL_THREAT = 3
    REPEATED_FAILURE = 4
    RUDENESS = 5
    WAIT_TIME = 6
    PRODUCT = 7
    OTHER = 8


SERIOUS_COMPLAINTS = frozenset({ComplaintCategory.HARM, ComplaintCategory.BILLING_ERROR,
                                ComplaintCategory.LEGAL_THREAT,
                                ComplaintCategory.REPEATED_FAILURE})


class ComplaintSource(enum.Enum):
    AGENT = "agent"  # raised by the agent, with a category and a note
    TRANSCRIPT = "transcript"  # found in the customer's own words (chat, e-mail)


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


@dataclass(frozen=True, slots=True)
class Event:
    """One fact on the floor. ``seq`` is assigned by the store (0 until stored)."""

    ts_ms: int
    kind: EventKind
    interaction_id: int | None = None
    agent_id: int | None = None
    queue_id: int | None = None
    channel: Channel | None = None
    value: int | None = None
    detail: Mapping[str, Any] | None = field(default=None, compare=True)
    seq: int = 0


#: Columnar form of events for kernels and fast appends. NONE (-1) marks a NULL.
EVENT_DTYPE = np.dtype(
    [
        ("seq", "<i8"),
        ("ts_ms", "<i8"),
        ("kind", "<i2"),
        ("interaction_id", "<i8"),
        ("agent_id", "<i4"),
        ("queue_id", "<i4"),
        ("channel", "<i2"),
        ("value", "<i8"),
    ]
)


def _code(v: int | None) -> int:
    return NONE if v is None else int(v)


def events_to_array(events: Sequence[Event]) -> np.ndarray:
    """Columnar form of ``events`` (details are not columnar; they travel separately)."""
    out = np.empty(len(events), dtype=EVENT_DTYPE)
    for i, e in enumerate(events):
        out[i] = (
            e.seq,
            e.ts_ms,
            int(e.kind),
            _code(e.interaction_id),
            _code(e.agent_id),
            _code(e.queue_id),
            _code(e.channel),
            _code(e.value),
        )
    return out


def _opt(v: int) -> int | None:
    return None if v == NONE else int(v)


def array_to_events(
    arr: np.ndarray, details: Sequence[Mapping[str, Any] | None] | None = None
) -> list[Event]:
    """Back from columnar form to ``Event`` objects."""
    out: list[Event] = []
    for i, row in enumerate(arr):
        ch = _opt(row["channel"])
        out.append(
            Event(
                ts_ms=int(row["ts_ms"]),
                kind=EventKind(int(row["kind"])),
                interaction_id=_opt(row["interaction_id"]),
                agent_id=_opt(row["agent_id"]),
                queue_id=_opt(row["queue_id"]),
                channel=None if ch is None else Channel(ch),
                value=_opt(row["value"]),
                detail=None if details is None else details[i],
                seq=int(row["seq"]),
            )
        )
    return out


#: Enums that become lookup tables in the store (table name -> enum), for analysts.
LOOKUP_ENUMS: dict[str, type[enum.IntEnum]] = {
    "channels": Channel,
    "directions": Direction,
    "agent_states": AgentState,
    "blend_profiles": BlendProfile,
    "work_modes": WorkMode,
    "outcomes": Outcome,
    "number_types": NumberType,
    "event_kinds": EventKind,
    "complaint_categories": ComplaintCategory,
}


# -- columnar forms of agents and interactions, for the routing kernels ----------

#: Bitmasks and fixed-width rows bound how many languages and skills a floor has.
MAX_LANGUAGES = 64
MAX_SKILLS = 64
N_CHANNEL_SLOTS = max(int(c) for c in Channel) + 1  # indexed by Channel code

AGENT_DTYPE = np.dtype(
    [
        ("id", "<i4"),
        ("state", "<i1"),
        ("blend", "<i1"),
        ("languages", "<u8"),  # bit i set: speaks Vocabulary.languages[i]
        ("primary_language", "<i2"),
        ("capacity", "<i2", (N_CHANNEL_SLOTS,)),  # 0: may not take this channel
        ("proficiency", "<i1", (MAX_SKILLS,)),  # 0: lacks the skill, else 1..5
    ]
)

INTERACTION_DTYPE = np.dtype(
    [
        ("id", "<i8"),
        ("channel", "<i1"),
        ("direction", "<i1"),
        ("language", "<i2"),
        ("queue_id", "<i4"),
        ("priority", "<i2"),
        ("arrived_ms", "<i8"),
        ("number_type", "<i1"),
    ]
)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The floor's languages and skills, each given a fixed index for kernel arrays."""

    languages: tuple[str, ...]
    skills: tuple[str, ...]

    def __post_init__(self) -> None:
        for name, items, limit in (("languages", self.languages, MAX_LANGUAGES),
                                   ("skills", self.skills, MAX_SKILLS)):
            if len(set(items)) != len(items):
                raise ValueError(f"{name} repeat an entry: {list(items)}")
            if len(items) > limit:
                raise ValueError(f"{len(items)} {name}; at most {limit} are supported")

    @classmethod
    def of(cls, agents: Sequence[Agent], queues: Sequence[Queue] = ()) -> Vocabulary:
        langs = dict.fromkeys([lang for a in agents for lang in a.languages]
                              + [q.language for q in queues])
        skills = dict.fromkeys([s.skill for a in agents for s in a.skills]
                               + [q.skill for q in queues])
        return cls(tuple(langs), tuple(skills))

    def language_index(self, language: str) -> int:
        return _index_of("language", language, self.languages)

    def skill_index(self, skill: str) -> int:
        return _index_of("skill", skill, self.skills)


def _index_of(what: str, name: str, names: tuple[str, ...]) -> int:
    try:
        return names.index(name)
    except ValueError:
        raise ValueError(f"unknown {what} {name!r}; the floor has {', '.join(names)}") from None


def agents_to_array(
    agents: Sequence[Agent], vocab: Vocabulary, states: Mapping[int, AgentState] | None = None
) -> np.ndarray:
    """Columnar agents; ``states`` (agent id -> state) defaults to OFFLINE."""
    out = np.zeros(len(agents), dtype=AGENT_DTYPE)
    for i, a in enumerate(agents):
        row = out[i]
        row["id"] = a.id
        row["state"] = int((states or {}).get(a.id, AgentState.OFFLINE))
        row["blend"] = int(a.blend)
        mask = 0
        for lang in a.languages:
            mask |= 1 << vocab.language_index(lang)
        row["languages"] = mask
        row["primary_language"] = vocab.language_index(a.languages[0]) if a.languages else NONE
        for ch, cap in a.capacity.items():
            row["capacity"][int(ch)] = cap
        for s in a.skills:
            row["proficiency"][vocab.skill_index(s.skill)] = s.proficiency
    return out


def interactions_to_array(interactions: Sequence[Interaction], vocab: Vocabulary) -> np.ndarray:
    out = np.zeros(len(interactions), dtype=INTERACTION_DTYPE)
    for i, it in enumerate(interactions):
        out[i] = (it.id, int(it.channel), int(it.direction), vocab.language_index(it.language),
                  it.queue_id, it.priority, it.arrived_ms, int(it.number_type))
    return out
