"""Call analytics per agent (KPI-5, seed 003): calls, inbound against outbound, calls
to new clients, to mobile, landline and internal numbers, total against unique
numbers, navigation against negotiation calls; and the spread between comparable
agents. Definitions in docs/call-analytics.md.

The calls come from the events (who accepted which call, when it ended and how),
joined by id to the interactions table (direction, number, arrival).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.clock import DAY_MS
from core.kpi.agent_states import agent_timeline
from core.kpi.lookups import find as _find
from core.kpi.lookups import first_rows as _first_rows
from core.kpi.lookups import take as _take
from core.kpi.ratios import ratio as _ratio
from core.model import EVENT_DTYPE, Agent, Channel, Direction, EventKind, NumberType, Outcome
from core.model.floor_policy import VOICE_CHANNELS
from core.phone_numbers import NumberPlan
from core.store import Store

#: Events read before the range: calls accepted in it may have been queued earlier
#: (outbound dials wait hours), and the agents' states then. A shift is under a day.
LOOKBACK_MS = DAY_MS

_VOICE = np.array(sorted(int(c) for c in VOICE_CHANNELS), dtype=np.int64)
_E164 = re.compile(r"^\+\d+$")
#: A conversation with one of these outcomes did business, however short it was.
BUSINESS_OUTCOMES = frozenset({Outcome.SALE, Outcome.MEETING_SET,
                               Outcome.CALLBACK_SCHEDULED})


@dataclass
class Interactions:
    """Columns of the interactions table (``Store.interaction_columns``)."""

    id: np.ndarray  # int64
    channel: np.ndarray
    direction: np.ndarray
    queue_id: np.ndarray
    customer_number: np.ndarray  # objects: str or None
    number_type: np.ndarray  # NumberType as stored
    arrived_ms: np.ndarray

    def __len__(self) -> int:
        return len(self.id)

    @classmethod
    def from_columns(cls, cols: Mapping[str, np.ndarray]) -> Interactions:
        number = np.empty(len(cols["id"]), dtype=object)
        number[:] = list(cols["customer_number"])
        return cls(id=np.asarray(cols["id"], np.int64),
                   channel=np.asarray(cols["channel"], np.int64),
                   direction=np.asarray(cols["direction"], np.int64),
                   queue_id=np.asarray(cols["queue_id"], np.int64),
                   customer_number=number,
                   number_type=np.asarray(cols["customer_number_type"], np.int64),
                   arrived_ms=np.asarray(cols["arrived_ms"], np.int64))


@dataclass
class Calls:
    """One row per call an agent took (first ACCEPTED) in the range, in that order.
    -1: none (not ended, no number)."""

    interaction_id: np.ndarray
    agent_id: np.ndarray
    channel: np.ndarray
    outbound: np.ndarray  # bool: Direction.OUTBOUND or an OUTBOUND_CALL
    accepted_ms: np.ndarray
    ended_ms: np.ndarray  # its last ENDED (at or after accepted_ms, before the range end)
    outcome: np.ndarray  # of that ENDED
    number: np.ndarray  # index into ``numbers``
    number_type: np.ndarray  # NumberType, from the number (else as stored)
    new_number: np.ndarray  # bool: no interaction with this number came before
    numbers: np.ndarray  # the distinct numbers, normalised (str)

    def __len__(self) -> int:
        return len(self.interaction_id)

    @property
    def talk_ms(self) -> np.ndarray:
        """From accepted to ended (-1: not ended)."""
        return np.where(self.ended_ms >= 0, self.ended_ms - self.accepted_ms, -1)


def _normalised(raw: np.ndarray, plan: NumberPlan) -> tuple[np.ndarray, np.ndarray]:
    """Distinct normalised numbers, and per raw number its index among them (-1:
    none). Each distinct spelling is normalised once; E.164 already is."""
    text = np.array(["" if x is None else str(x) for x in raw], dtype=str)
    spellings, inverse = np.unique(text, return_inverse=True)
    normal = np.array([s if _E164.match(s) or not s else plan.normalize(s)
                       for s in spellings.tolist()], dtype=str)
    numbers, code = np.unique(normal, return_inverse=True)
    code = code.ravel()[inverse.ravel()]
    if len(numbers) and numbers[0] == "":
        numbers, code = numbers[1:], code - 1
    return numbers, code





def client_numbers(interactions: Interactions, plan: NumberPlan
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The clients behind the interactions, known by number: the distinct normalised
    numbers, each interaction's among them (-1: none), and whether the interaction is
    a new client's, the first with its number (by arrival, then id). Normalised over
    every interaction, so that "new" compares like with like."""
    distinct, code = _normalised(interactions.customer_number, plan)
    order = np.lexsort((interactions.id, interactions.arrived_ms))
    coded = order[code[order] >= 0]
    _, at_first = np.unique(code[coded], return_index=True)
    first = np.zeros(len(interactions), dtype=bool)
    first[coded[at_first]] = True
    return distinct, code, first


def agent_calls(events: np.ndarray, interactions: Interactions,
                numbers: NumberPlan | None = None, since_ms: int | None = None,
                until_ms: int | None = None) -> Calls:
    """The voice calls agents accepted in [since_ms, until_ms) among ``events``
    (EVENT_DTYPE, in seq order). ``interactions`` must hold the calls and, for new
    clients, every earlier interaction (arrived before the range too). A call
    belongs to the agent who answered it first, as in docs/kpi.md."""
    if events.dtype != EVENT_DTYPE:
        raise TypeError(f"events have dtype {events.dtype}, expected {EVENT_DTYPE}")
    plan = numbers or NumberPlan()
    lo = np.iinfo(np.int64).min if since_ms is None else since_ms
    hi = np.iinfo(np.int64).max if until_ms is None else until_ms
    ev = events[(events["interaction_id"] >= 0) & (events["ts_ms"] < hi)]
    acc = ev[(ev["kind"] == EventKind.ACCEPTED) & (ev["agent_id"] >= 0)]
    acc = acc[_first_rows(acc["interaction_id"])[1]]
    acc = acc[acc["ts_ms"] >= lo]
    acc = acc[np.argsort(acc["seq"], kind="stable")]

    # The interaction row of each call (-1: none stored).
    by_id = np.argsort(interactions.id, kind="stable")
    row = _take(by_id, _find(interactions.id[by_id], acc["interaction_id"]), -1)
    channel = acc["channel"].astype(np.int64)
    channel = np.where(channel < 0, _take(interactions.channel, row, -1), channel)
    voice = np.isin(channel, _VOICE)
    acc, row, channel = acc[voice], row[voice], channel[voice]
    ids = acc["interaction_id"].astype(np.int64)
    direction = _take(interactions.direction, row, -1)
    outbound = (channel == Channel.OUTBOUND_CALL) | (direction == Direction.OUTBOUND)

    ended = ev[ev["kind"] == EventKind.ENDED]
    end_ids, last = _first_rows(ended["interaction_id"], last=True)
    at = _find(end_ids, ids)
    end_ts = _take(ended["ts_ms"][last], at, -1)
    ok = (at >= 0) & (end_ts >= acc["ts_ms"])
    ended_ms = np.where(ok, end_ts, -1)
    outcome = np.where(ok, _take(ended["value"][last], at, -1), -1)

    distinct, code, first = client_numbers(interactions, plan)
    number = _take(code, row, -1)
    new_number = (number >= 0) & (_take(first, row, 0) == 1)
    # Types from the number itself; the stored type where the number tells nothing.
    used = np.unique(number[number >= 0])
    typed = np.full(len(distinct), int(NumberType.UNKNOWN), dtype=np.int64)
    typed[used] = [int(plan.classify(s)) for s in distinct[used].tolist()]
    number_type = _take(typed, number, int(NumberType.UNKNOWN))
    number_type = np.where(number_type == NumberType.UNKNOWN,
                           _take(interactions.number_type, row, int(NumberType.UNKNOWN)),
                           number_type)

    return Calls(interaction_id=ids, agent_id=acc["agent_id"].astype(np.int64),
                 channel=channel, outbound=outbound, accepted_ms=acc["ts_ms"].astype(np.int64),
                 ended_ms=ended_ms, outcome=outcome, number=number, number_type=number_type,
                 new_number=new_number, numbers=distinct)


# -- per agent ---------------------------------------------------------------------

@dataclass(frozen=True)
class CallSettings:
    numbers: NumberPlan = field(default_factory=NumberPlan)
    #: A conversation shorter than this without a business outcome is navigation
    #: (wrong number, directions, something we do not sell); a prank always is.
    navigation_max_s: float = 60.0
    #: Comparable agents whose (max - min) / max of a measure exceeds this are flagged.
    spread_threshold: float = 0.25
    spread_measures: tuple[str, ...] = ("calls", "outbound_new")

    def __post_init__(self) -> None:
        if self.navigation_max_s < 0:
            raise ValueError(f"navigation_max_s must be at least 0, not {self.navigation_max_s}")
        if not 0 <= self.spread_threshold < 1:
            raise ValueError(f"spread_threshold is a share from 0 to 1, not "
                             f"{self.spread_threshold}")
        unknown = [m for m in self.spread_measures if m not in SPREAD_MEASURES]
        if unknown:
            raise ValueError(f"cannot compare agents by {unknown[0]!r}: one of "
                             f"{', '.join(SPREAD_MEASURES)}")


@dataclass
class AgentCallTable:
    """One row per agent who took a call or was logged in during the range."""

    agent_id: np.ndarray
    logged_in_ms: np.ndarray
    calls: np.ndarray
    inbound: np.ndarray
    outbound: np.ndarray
    outbound_new: np.ndarray  # outbound calls to a number never seen before
    # Outbound calls by the type of number called.
    to_mobile: np.ndarray
    to_landline: np.ndarray
    to_internal: np.ndarray
    to_other: np.ndarray  # toll-free, VoIP, other and unknown
    numbered: np.ndarray  # calls with a number
    unique_numbers: np.ndarray
    conversations: np.ndarray  # ended, and not NOT_REACHED
    navigation: np.ndarray
    negotiation: np.ndarray

    def __len__(self) -> int:
        return len(self.agent_id)

    @property
    def inbound_outbound_ratio(self) -> np.ndarray:
        return _ratio(self.inbound, self.outbound)

    @property
    def calls_per_number(self) -> np.ndarray:
        """Calls with a number per distinct number: high means the same numbers again."""
        return _ratio(self.numbered, self.unique_numbers)

    def column(self, name: str) -> np.ndarray:
        return getattr(self, name)


#: What comparable agents can be compared by.
SPREAD_MEASURES = ("calls", "inbound", "outbound", "outbound_new", "conversations",
                   "negotiation", "unique_numbers", "inbound_outbound_ratio")


@dataclass(frozen=True)
class SpreadFlag:
    """Comparable agents (same team, shift and skills) far apart on one measure."""

    team: str
    shift: str
    skills: tuple[str, ...]
    measure: str
    agent_ids: tuple[int, ...]
    values: tuple[float, ...]
    lowest_agent: int
    highest_agent: int
    spread: float  # (max - min) / max
    threshold: float


@dataclass
class CallReport:
    table: AgentCallTable
    spread: list[SpreadFlag]
    calls: Calls



def agent_call_table(calls: Calls, settings: CallSettings | None = None,
                     logged_in_ms: Mapping[int, int] | None = None) -> AgentCallTable:
    """The calls' measures per agent; ``logged_in_ms`` adds agents without calls."""
    settings = settings or CallSettings()
    present = logged_in_ms or {}
    agents = np.union1d(calls.agent_id, np.fromiter(present, np.int64, len(present)))
    slot = np.searchsorted(agents, calls.agent_id)

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(slot[mask], minlength=len(agents)).astype(np.int64)

    out, kind = calls.outbound, calls.number_type
    talk = calls.talk_ms
    conversation = (talk >= 0) & (calls.outcome != Outcome.NOT_REACHED)
    business = np.isin(calls.outcome, [int(o) for o in BUSINESS_OUTCOMES])
    navigation = conversation & ((calls.outcome == Outcome.PRANK) | (
        (talk < settings.navigation_max_s * 1000) & ~business))
    numbered = calls.number >= 0
    pairs = np.unique(slot[numbered] * (len(calls.numbers) + 1) + calls.number[numbered])
    return AgentCallTable(
        agent_id=agents,
        logged_in_ms=np.array([present.get(a, 0) for a in agents.tolist()], dtype=np.int64),
        calls=count(np.ones(len(calls), bool)), inbound=count(~out), outbound=count(out),
        outbound_new=count(out & calls.new_number),
        to_mobile=count(out & (kind == NumberType.MOBILE)),
        to_landline=count(out & (kind == NumberType.LANDLINE)),
        to_internal=count(out & (kind == NumberType.INTERNAL)),
        to_other=count(out & ~np.isin(kind, [NumberType.MOBILE, NumberType.LANDLINE,
                                             NumberType.INTERNAL])),
        numbered=count(numbered),
        unique_numbers=np.bincount(pairs // (len(calls.numbers) + 1),
                                   minlength=len(agents)).astype(np.int64),
        conversations=count(conversation), navigation=count(navigation),
        negotiation=count(conversation & ~navigation))


def spread_flags(table: AgentCallTable, agents: Sequence[Agent],
                 settings: CallSettings | None = None) -> list[SpreadFlag]:
    """Groups of comparable agents in ``table`` (same team, shift and set of skills;
    two or more) whose spread on a measure exceeds the threshold."""
    settings = settings or CallSettings()
    known = {a.id: a for a in agents}
    groups: dict[tuple[str, str, tuple[str, ...]], list[int]] = {}
    for i, aid in enumerate(table.agent_id.tolist()):
        a = known.get(aid)
        if a is not None:
            key = (a.team, a.shift, tuple(sorted({s.skill for s in a.skills})))
            groups.setdefault(key, []).append(i)
    flags = []
    for (team, shift, skills), rows in sorted(groups.items()):
        for measure in settings.spread_measures:
            values = table.column(measure)[rows].astype(float)
            ok = ~np.isnan(values)
            if ok.sum() < 2:
                continue
            members = table.agent_id[rows][ok]
            values = values[ok]
            top, bottom = values.max(), values.min()
            if top <= 0 or (top - bottom) / top <= settings.spread_threshold:
                continue
            flags.append(SpreadFlag(
                team=team, shift=shift, skills=skills, measure=measure,
                agent_ids=tuple(members.tolist()), values=tuple(values.tolist()),
                lowest_agent=int(members[np.argmin(values)]),
                highest_agent=int(members[np.argmax(values)]),
                spread=float((top - bottom) / top), threshold=settings.spread_threshold))
    return flags


def call_analytics(events: np.ndarray, interactions: Interactions, agents: Sequence[Agent],
                   settings: CallSettings | None = None, since_ms: int | None = None,
                   until_ms: int | None = None, known_until_ms: int | None = None
                   ) -> CallReport:
    """KPI-5's per-agent measures of [since_ms, until_ms) and the spread flags.
    ``events`` should start early enough to hold the agents' states at since_ms.
    ``known_until_ms``: the end of what is known (the latest event stored, + 1): an
    agent's open state counts up to it, never into the future (docs/kpi.md)."""
    settings = settings or CallSettings()
    calls = agent_calls(events, interactions, settings.numbers, since_ms, until_ms)
    ts = events["ts_ms"]
    lo = since_ms if since_ms is not None else int(ts.min()) if len(ts) else 0
    hi = until_ms if until_ms is not None else int(ts.max()) + 1 if len(ts) else 0
    if known_until_ms is not None:
        hi = max(lo, min(hi, known_until_ms))
    present = agent_timeline(events).logged_in_ms(lo, hi)
    table = agent_call_table(calls, settings, present)
    return CallReport(table, spread_flags(table, agents, settings), calls)


def agents_of_store(store: Store) -> list[Agent]:
    """The stored agents with team and shift (the store keeps no skills here: pass
    the floor's agents to compare by skills too)."""
    return [Agent(a.id, a.name, (), (), {}, a.shift, team=a.team) for a in store.agent_rows()]


def call_report(store: Store, since_ms: int, until_ms: int,
                agents: Sequence[Agent] | None = None,
                settings: CallSettings | None = None,
                events: np.ndarray | None = None) -> CallReport:
    """``call_analytics`` of [since_ms, until_ms) in the store. ``agents`` (the floor's,
    with skills) default to the stored ones, compared by team and shift only.
    ``events``: the store's events of a span that holds [since - LOOKBACK_MS, until),
    in seq order, when the caller has read them already."""
    lo = since_ms - LOOKBACK_MS
    if events is None:
        events = store.read_time_range(lo, until_ms)
    else:  # exactly what read_time_range would give
        ts = events["ts_ms"]
        events = events[(ts >= lo) & (ts < until_ms)]
    # Every earlier interaction: a client is new only if no interaction ever had the number.
    interactions = Interactions.from_columns(store.interaction_columns(0, until_ms))
    last = store.last_event_ms()
    return call_analytics(events, interactions, agents or agents_of_store(store), settings,
                          since_ms, until_ms, None if last is None else last + 1)
