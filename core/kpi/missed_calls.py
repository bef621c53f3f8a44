"""Missed calls by hour, each with its likely cause (KPI-5, seed 003): were the agents
away from their desks, all busy, or free while the system failed to put the call
through? Definitions in docs/call-analytics.md."""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import numpy as np

from core.clock import DAY_MS
from core.kpi.agent_states import agent_timeline
from core.kpi.batch import local_interval
from core.model import EVENT_DTYPE, Channel, EventKind
from core.model.floor_policy import FloorPolicy, may_do
from core.store import Store

#: Events read before the range: the agents' states then, and the waits of calls
#: missed early in the range. A shift is shorter than a day.
LOOKBACK_MS = DAY_MS


class MissedCause(enum.IntEnum):
    ABSENCE = 1  # an agent who could take it was away, or let it ring unanswered
    UNDERSTAFFING = 2  # every agent who could take it was busy, or none was logged in
    SYSTEM_FAULT = 3  # an agent was free for it, yet it was never offered


@dataclass(frozen=True)
class MissedCallSettings:
    #: An agent counts as free for a call once available this long (and, for a call
    #: that waited longer, available this long within its wait): a router reacts in
    #: far less, and a moment's availability is no evidence that it failed.
    settle_s: float = 5.0
    channels: frozenset[Channel] = frozenset({Channel.PHONE})
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        if self.settle_s < 0:
            raise ValueError(f"settle_s must be at least 0, not {self.settle_s}")


@dataclass
class MissedByHour:
    """One row per local hour with a missed call; ``hour_ms`` is the hour's start as
    local wall-clock milliseconds since 1970-01-01 (as KpiTable's intervals)."""

    hour_ms: np.ndarray
    abandoned: np.ndarray
    voicemail: np.ndarray
    blocked: np.ndarray
    absence: np.ndarray
    understaffing: np.ndarray
    system_fault: np.ndarray

    def __len__(self) -> int:
        return len(self.hour_ms)

    @property
    def missed(self) -> np.ndarray:
        return self.abandoned + self.voicemail + self.blocked

    @property
    def likely_cause(self) -> np.ndarray:
        """The cause of most of the hour's missed calls (MissedCause codes); on a tie
        the more actionable one: system fault, then absence, then understaffing."""
        ranked = np.stack([self.system_fault, self.absence, self.understaffing], axis=1)
        codes = np.array([MissedCause.SYSTEM_FAULT, MissedCause.ABSENCE,
                          MissedCause.UNDERSTAFFING], dtype=np.int8)
        return codes[np.argmax(ranked, axis=1)] if len(ranked) else np.zeros(0, np.int8)


@dataclass
class MissedCalls:
    """One row per missed call, in the order they were missed, with the evidence for
    its cause: the agents who could take it (its queue's, see ``queue_agents``) as
    they were at the moment it was missed."""

    interaction_id: np.ndarray
    missed_ms: np.ndarray
    how: np.ndarray  # EventKind: ABANDONED (in queue), VOICEMAIL or BLOCKED
    queue_id: np.ndarray
    hour_ms: np.ndarray
    offered: np.ndarray  # bool: was offered to an agent, who never took it
    free_while_waiting: np.ndarray  # bool: an agent was free for it (settle_s)
    available: np.ndarray  # agents at the moment it was missed, by presence
    busy: np.ndarray
    away: np.ndarray
    cause: np.ndarray  # MissedCause
    settings: MissedCallSettings = field(default_factory=MissedCallSettings)

    def __len__(self) -> int:
        return len(self.interaction_id)

    def by_hour(self) -> MissedByHour:
        hours, slot = np.unique(self.hour_ms, return_inverse=True)
        slot = slot.ravel()

        def count(mask: np.ndarray) -> np.ndarray:
            return np.bincount(slot[mask], minlength=len(hours)).astype(np.int64)

        return MissedByHour(
            hour_ms=hours, abandoned=count(self.how == EventKind.ABANDONED),
            voicemail=count(self.how == EventKind.VOICEMAIL),
            blocked=count(self.how == EventKind.BLOCKED),
            absence=count(self.cause == MissedCause.ABSENCE),
            understaffing=count(self.cause == MissedCause.UNDERSTAFFING),
            system_fault=count(self.cause == MissedCause.SYSTEM_FAULT))


def queue_agents(floor: FloorPolicy) -> dict[int, frozenset[int]]:
    """Per queue id, the agents the router may give its calls before any overflow
    step: the queue's language and skill at its proficiency, its channel, its groups
    and the kind of work. Agents reached only by overflow are left out, so that a call
    missed before its overflow began is never blamed on them."""
    out = {}
    for qp in floor.queues:
        q = qp.queue
        out[q.id] = frozenset(
            a.id for a in floor.agents
            if q.language in a.languages and q.channel in a.capacity
            and any(s.skill == q.skill and s.proficiency >= qp.min_proficiency
                    for s in a.skills)
            and (not qp.groups or a.team in qp.groups) and may_do(a.blend, qp.work))
    return out


def _first_per_interaction(iid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct ids (sorted) and the row of each one's first occurrence."""
    return np.unique(iid, return_index=True)


def _lookup(keys: np.ndarray, values: np.ndarray, want: np.ndarray, missing: int
            ) -> np.ndarray:
    """values[keys == w] for each w of ``want`` (keys sorted and distinct), else missing."""
    if not len(keys):
        return np.full(len(want), missing, dtype=np.int64)
    pos = np.minimum(np.searchsorted(keys, want), len(keys) - 1)
    return np.where(keys[pos] == want, values[pos], missing)


def missed_calls(events: np.ndarray, settings: MissedCallSettings | None = None,
                 eligible: Mapping[int, Collection[int]] | None = None,
                 since_ms: int | None = None, until_ms: int | None = None) -> MissedCalls:
    """The calls missed in [since_ms, until_ms) among ``events`` (EVENT_DTYPE, in seq
    order, from far enough before the range to hold the agents' states and the calls'
    waits). ``eligible``: queue id -> the agents who may take its calls (default:
    every agent for every queue; see ``queue_agents``)."""
    if events.dtype != EVENT_DTYPE:
        raise TypeError(f"events have dtype {events.dtype}, expected {EVENT_DTYPE}")
    settings = settings or MissedCallSettings()
    lo = np.iinfo(np.int64).min if since_ms is None else since_ms
    hi = np.iinfo(np.int64).max if until_ms is None else until_ms
    ev = events[events["interaction_id"] >= 0]
    kind, iid = ev["kind"], ev["interaction_id"]

    # The wait ends with the first ACCEPTED, ABANDONED or VOICEMAIL (docs/kpi.md); it
    # is a missed call when that is not an ACCEPTED and the call was ever queued.
    ends = ev[np.isin(kind, [EventKind.ACCEPTED, EventKind.ABANDONED, EventKind.VOICEMAIL])]
    end_ids, first = _first_per_interaction(ends["interaction_id"])
    ends = ends[first]
    enq = ev[kind == EventKind.ENQUEUED]
    enq_ids, first = _first_per_interaction(enq["interaction_id"])
    enq = enq[first]
    with_ch = ev[ev["channel"] >= 0]
    ch_ids, first = _first_per_interaction(with_ch["interaction_id"])
    channel_of = with_ch["channel"][first]
    voice = np.array([int(c) for c in settings.channels], dtype=np.int64)

    queued_ms = _lookup(enq_ids, enq["ts_ms"], end_ids, -1)
    missed = ((ends["kind"] != EventKind.ACCEPTED) & (queued_ms >= 0)
              & np.isin(_lookup(ch_ids, channel_of, end_ids, -1), voice)
              & (ends["ts_ms"] >= lo) & (ends["ts_ms"] < hi))
    m = ends[missed]
    queue = np.where(m["queue_id"] >= 0, m["queue_id"],
                     _lookup(enq_ids, enq["queue_id"], m["interaction_id"], -1))
    offered_ids = np.unique(iid[kind == EventKind.OFFERED])
    # A busy signal: the call never reached a queue; its moment is its wait.
    blocked = ev[(kind == EventKind.BLOCKED) & np.isin(ev["channel"], voice)
                 & (ev["ts_ms"] >= lo) & (ev["ts_ms"] < hi)]
    blocked = blocked[_first_per_interaction(blocked["interaction_id"])[1]]

    ids = np.r_[m["interaction_id"], blocked["interaction_id"]].astype(np.int64)
    at = np.r_[m["ts_ms"], blocked["ts_ms"]].astype(np.int64)
    waited_from = np.r_[queued_ms[missed], blocked["ts_ms"]].astype(np.int64)
    how = np.r_[m["kind"], blocked["kind"]].astype(np.int16)
    queue = np.r_[queue, blocked["queue_id"]].astype(np.int64)
    order = np.lexsort((ids, at))
    ids, at, waited_from, how, queue = (x[order] for x in (ids, at, waited_from, how, queue))
    offered = np.isin(ids, offered_ids) & (how != EventKind.BLOCKED)

    timeline = agent_timeline(events)
    n = len(ids)
    available, busy, away = (np.zeros(n, np.int64) for _ in range(3))
    free = np.zeros(n, bool)
    settle = round(settings.settle_s * 1000)
    for q in np.unique(queue).tolist():
        sel = queue == q
        agents = None if eligible is None else eligible.get(q, ())
        counts = timeline.counts_at(at[sel], agents, settle)
        available[sel], busy[sel], away[sel] = counts.available, counts.busy, counts.away
        wait = at[sel] - waited_from[sel]
        long_wait = (wait >= settle) & (wait > 0)
        during = timeline.available_for(waited_from[sel], at[sel], agents, settle) > 0
        free[sel] = np.where(long_wait, during, counts.available > 0)
    cause = np.where(free & ~offered, MissedCause.SYSTEM_FAULT,
                     np.where(offered | (away > 0), MissedCause.ABSENCE,
                              MissedCause.UNDERSTAFFING)).astype(np.int8)
    return MissedCalls(
        interaction_id=ids, missed_ms=at, how=how, queue_id=queue,
        hour_ms=local_interval(at, "hour", settings.timezone), offered=offered,
        free_while_waiting=free, available=available, busy=busy, away=away, cause=cause,
        settings=settings)


def missed_calls_from_store(store: Store, since_ms: int, until_ms: int,
                            settings: MissedCallSettings | None = None,
                            floor: FloorPolicy | None = None) -> MissedCalls:
    """``missed_calls`` of [since_ms, until_ms) in the store; with ``floor``, each
    call's cause looks only at the agents who could take it (``queue_agents``)."""
    events = store.read_time_range(since_ms - LOOKBACK_MS, until_ms)
    return missed_calls(events, settings, None if floor is None else queue_agents(floor),
                        since_ms, until_ms)
