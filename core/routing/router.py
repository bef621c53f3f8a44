"""The router: which waiting interaction goes to which agent (ROUTE-1..7).

It consumes floor events (arrivals, agent states, accepts, releases) and emits
assignment events; it never talks to a UI. The decisions are made by the compiled
core in core_ext._router; this wrapper checks inputs against the floor policy and
turns bad events into counted rejections instead of errors.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import NamedTuple

import numpy as np

from core.model import (
    EVENT_DTYPE,
    INTERACTION_DTYPE,
    NONE,
    AgentState,
    BlendProfile,
    Channel,
    Interaction,
    Outcome,
)
from core.model.floor_policy import MAX_OVERFLOW_STEPS, MAX_PRIORITY, MAX_RULE_S, FloorPolicy
from core_ext.router_core import RouterCore

log = logging.getLogger(__name__)

NEVER = np.iinfo(np.int64).max
_SETTABLE = {AgentState.AVAILABLE, AgentState.AWAY, AgentState.BREAK, AgentState.WRAP_UP,
             AgentState.OFFLINE}
_ERRORS = {
    -1: "unknown interaction",
    -2: "unknown agent",
    -3: "interaction already queued",
    -4: "interaction is not in a state for this",
    -5: "interaction is not offered to or handled by this agent",
    -6: "unknown queue",
    -7: "channel differs from the queue's",
    -8: "unknown language",
    -9: "priority out of range",
}


def _same_length(*arrays) -> None:
    if len({len(a) for a in arrays}) != 1:
        raise ValueError(f"batch arrays differ in length: {[len(a) for a in arrays]}")


class Rejection(NamedTuple):
    """Why an event was refused. The router keeps going; rejections are counted."""

    reason: str


def core_arrays(floor: FloorPolicy) -> dict[str, np.ndarray]:
    """The floor policy in the columnar form the compiled core takes."""
    lang = {name: i for i, name in enumerate(floor.languages)}
    skill = {name: i for i, name in enumerate(floor.skills)}
    group = {name: i for i, name in enumerate(floor.groups)}
    agents, queues = floor.agents, floor.queues
    A, Q = len(agents), len(queues)
    levels = 1 + max((len(q.overflow) for q in queues), default=0)
    out = {
        "a_id": np.array([a.id for a in agents], dtype=np.int64),
        "a_langs": np.zeros(A, dtype=np.uint64),
        "a_prof": np.zeros((A, max(len(floor.skills), 1)), dtype=np.int8),
        "a_group": np.array([group.get(a.team, 0) for a in agents], dtype=np.int32),
        "a_blend": np.array([int(a.blend) for a in agents], dtype=np.int8),
        "a_cap": np.zeros((A, 8), dtype=np.int16),
        "q_id": np.array([q.queue.id for q in queues], dtype=np.int64),
        "q_channel": np.array([int(q.queue.channel) for q in queues], dtype=np.int8),
        "q_work": np.array([int(q.work) for q in queues], dtype=np.int8),
        "q_strategy": np.array([int(q.strategy) for q in queues], dtype=np.int8),
        "q_skill": np.array([skill[q.queue.skill] for q in queues], dtype=np.int32),
        "q_lang2": np.array([lang[q.secondary_language] if q.secondary_language else -1
                             for q in queues], dtype=np.int32),
        "q_target": np.array([q.queue.sla_target_s * 1000 for q in queues], dtype=np.int64),
        "q_noanswer": np.array([q.no_answer_s * 1000 for q in queues], dtype=np.int64),
        "q_voicemail": np.array([q.voicemail_after_s * 1000 for q in queues], dtype=np.int64),
        "lv_after": np.full((Q, levels), NEVER, dtype=np.int64),
        "lv_minprof": np.zeros((Q, levels), dtype=np.int8),
        "lv_lang2": np.zeros((Q, levels), dtype=np.int8),
        "lv_anylang": np.zeros((Q, levels), dtype=np.int8),
        "lv_groups": np.zeros((Q, levels), dtype=np.uint64),
    }
    for i, a in enumerate(agents):
        # A set: a language listed twice must not add up to another language's bit.
        out["a_langs"][i] = np.uint64(sum(1 << lang[x] for x in set(a.languages)))
        for s in a.skills:
            out["a_prof"][i, skill[s.skill]] = s.proficiency
        for ch, cap in a.capacity.items():
            out["a_cap"][i, int(ch)] = cap
    for i, qp in enumerate(queues):
        min_prof, use2, anyl = qp.min_proficiency, False, False
        groups = sum(1 << group[g] for g in set(qp.groups))
        out["lv_after"][i, 0] = 0
        for k in range(levels):
            if k > 0:
                if k > len(qp.overflow):
                    break
                step = qp.overflow[k - 1]
                out["lv_after"][i, k] = step.after_s * 1000
                min_prof = step.min_proficiency if step.min_proficiency else min_prof
                use2 |= step.secondary_language
                anyl |= step.any_language
                if groups:  # a queue open to any group stays open to any group
                    groups |= sum(1 << group[g] for g in set(step.groups))
            out["lv_minprof"][i, k] = min_prof
            out["lv_lang2"][i, k] = use2
            out["lv_anylang"][i, k] = anyl
            out["lv_groups"][i, k] = groups
    out["static_elig"] = _static_eligibility(out, floor, levels)
    return out


def _bits(mask: np.ndarray, words: int) -> np.ndarray:
    padded = np.zeros(words * 64, dtype=bool)
    padded[: len(mask)] = mask
    return np.packbits(padded, bitorder="little").view("<u8")


def _static_eligibility(arr: dict[str, np.ndarray], floor: FloorPolicy,
                        levels: int) -> np.ndarray:
    """Who could ever take work of (queue, language, overflow level): languages, skill,
    groups, blend profile and having the channel at all. Rows (q * L + lang) * levels + lv."""
    n_agents, n_langs = len(floor.agents), len(floor.languages)
    words = (n_agents + 63) // 64
    out = np.zeros((len(floor.queues) * n_langs * levels, words), dtype=np.uint64)
    langs = arr["a_langs"]
    speaks = [((langs >> np.uint64(i)) & np.uint64(1)).astype(bool) for i in range(n_langs)]
    for qi, qp in enumerate(floor.queues):
        ch = int(qp.queue.channel)
        base = (arr["a_cap"][:, ch] > 0) & (
            (arr["a_blend"] == int(BlendProfile.BLENDED)) | (arr["a_blend"] == int(qp.work)))
        skill = arr["q_skill"][qi]
        lang2 = arr["q_lang2"][qi]
        for lv in range(levels):
            ok = base & (arr["a_prof"][:, skill] >= arr["lv_minprof"][qi, lv])
            groups = int(arr["lv_groups"][qi, lv])
            if groups:
                ok &= np.array([(groups >> int(g)) & 1 for g in arr["a_group"]], dtype=bool)
            for li in range(n_langs):
                speak = speaks[li].copy()
                if arr["lv_lang2"][qi, lv] and lang2 >= 0:
                    speak |= speaks[lang2]
                if arr["lv_anylang"][qi, lv]:
                    speak[:] = True
                out[(qi * n_langs + li) * levels + lv] = _bits(ok & speak, words)
    return out


def _check_policy(floor: FloorPolicy) -> None:
    """What the floor file parser guarantees, checked again for floors built in code."""
    if len(floor.languages) > 64 or len(floor.groups) > 64:
        raise ValueError("at most 64 languages and 64 groups")
    for a in floor.agents:
        if floor.groups and a.team not in floor.groups:
            raise ValueError(f"agent {a.id}: group {a.team!r} is not one of the floor's")
        if any(not 1 <= cap <= 1000 for cap in a.capacity.values()):
            raise ValueError(f"agent {a.id}: capacity must be from 1 to 1000")
    for q in floor.queues:
        times = [q.queue.sla_target_s, q.no_answer_s, q.voicemail_after_s,
                 *(s.after_s for s in q.overflow)]
        if any(not 0 <= t <= MAX_RULE_S for t in times):
            raise ValueError(f"queue {q.queue.name}: times must be from 0 to {MAX_RULE_S} s")


_OUTCOMES = {int(o) for o in Outcome}


class Router:
    """Routing for one floor. Times are milliseconds since the epoch (UTC)."""

    def __init__(self, floor: FloorPolicy, capacity: int = 1024) -> None:
        _check_policy(floor)
        if max((len(q.overflow) for q in floor.queues), default=0) > MAX_OVERFLOW_STEPS:
            raise ValueError(f"at most {MAX_OVERFLOW_STEPS} overflow steps per queue")
        self.floor = floor
        self._lang = {name: i for i, name in enumerate(floor.languages)}
        self._queue = {q.queue.id: (i, q) for i, q in enumerate(floor.queues)}
        self._agent_index = {a.id: i for i, a in enumerate(floor.agents)}
        self.rejections: Counter[str] = Counter()
        self._core = RouterCore(
            **core_arrays(floor),
            n_languages=len(floor.languages),
            n_priorities=MAX_PRIORITY + 1,
            switch_cost_ms=floor.blend.switch_cost_s * 1000,
            outbound_threshold=floor.blend.outbound_inbound_threshold,
            event_dtype=EVENT_DTYPE,
            capacity=capacity,
        )

    # -- inputs --------------------------------------------------------------------

    def _reject(self, reason: str, what: str) -> Rejection:
        self.rejections[reason] += 1
        log.debug("rejected %s: %s", what, reason)
        return Rejection(reason)

    def _result(self, rc: int, what: str) -> Rejection | None:
        return None if rc >= 0 else self._reject(_ERRORS[rc], what)

    def enqueue(self, interaction: Interaction, now: int | None = None) -> Rejection | None:
        """A new interaction waits in its queue (ENQUEUED event)."""
        it = interaction
        what = f"interaction {it.id}"
        if it.queue_id not in self._queue:
            return self._reject("unknown queue", what)
        q_index, qp = self._queue[it.queue_id]
        if it.channel != qp.queue.channel:
            return self._reject("channel differs from the queue's", what)
        if it.language not in self._lang:
            return self._reject("unknown language", what)
        if not 0 <= it.priority <= MAX_PRIORITY:
            return self._reject("priority out of range", what)
        rc = self._core.enqueue(it.id, q_index, self._lang[it.language], it.priority,
                                it.arrived_ms, it.arrived_ms if now is None else now)
        return self._result(rc, what)

    def set_agent_state(self, agent_id: int, state: AgentState, now: int) -> Rejection | None:
        """Presence from the agent or the supervisor; BUSY follows from the work itself."""
        if state not in _SETTABLE:
            name = AgentState(state).name if state in AgentState._value2member_map_ else state
            return self._reject(f"state {name} is not set from outside", f"agent {agent_id}")
        return self._result(self._core.set_presence(agent_id, int(state), now),
                            f"agent {agent_id}")

    def accept(self, agent_id: int, interaction_id: int, now: int) -> Rejection | None:
        return self._result(self._core.accept(interaction_id, agent_id, now),
                            f"accept {interaction_id}")

    def release(self, agent_id: int, interaction_id: int, now: int,
                outcome: Outcome = Outcome.RESOLVED) -> Rejection | None:
        if int(outcome) not in _OUTCOMES:
            return self._reject("unknown outcome", f"release {interaction_id}")
        return self._result(self._core.release(interaction_id, agent_id, now, int(outcome)),
                            f"release {interaction_id}")

    def abandon(self, interaction_id: int, now: int) -> Rejection | None:
        """The customer left while waiting (or while being offered)."""
        return self._result(self._core.abandon(interaction_id, now),
                            f"abandon {interaction_id}")

    # -- batches -------------------------------------------------------------------

    def _batch_result(self, rc: np.ndarray, ids: np.ndarray, what: str) -> list[Rejection]:
        bad = np.flatnonzero(rc < 0)
        return [self._reject(_ERRORS[int(rc[i])], f"{what} {int(ids[i])}") for i in bad]

    def enqueue_many(self, items: np.ndarray, now: int) -> list[Rejection]:
        """Enqueue an INTERACTION_DTYPE array (language = index into floor.languages)."""
        if items.dtype != INTERACTION_DTYPE:
            raise TypeError(f"expected INTERACTION_DTYPE, got {items.dtype}")
        rc = np.zeros(len(items), dtype=np.int32)
        self._core.enqueue_batch(items["id"], items["channel"], items["language"],
                                 items["queue_id"], items["priority"], items["arrived_ms"], now,
                                 rc)
        return self._batch_result(rc, items["id"], "interaction")

    def accept_many(self, interaction_ids: np.ndarray, agent_ids: np.ndarray,
                    now: int) -> list[Rejection]:
        iids = np.ascontiguousarray(interaction_ids, dtype=np.int64)
        _same_length(iids, agent_ids)
        rc = np.zeros(len(iids), dtype=np.int32)
        self._core.accept_batch(iids, np.ascontiguousarray(agent_ids, dtype=np.int64), now, rc)
        return self._batch_result(rc, iids, "accept")

    def release_many(self, interaction_ids: np.ndarray, agent_ids: np.ndarray, now: int,
                     outcomes: np.ndarray | None = None) -> list[Rejection]:
        iids = np.ascontiguousarray(interaction_ids, dtype=np.int64)
        if outcomes is None:
            outcomes = np.full(len(iids), int(Outcome.RESOLVED), dtype=np.int32)
        elif not np.isin(outcomes, list(_OUTCOMES)).all():
            raise ValueError("release_many: an outcome is not an Outcome code")
        _same_length(iids, agent_ids, outcomes)
        rc = np.zeros(len(iids), dtype=np.int32)
        self._core.release_batch(iids, np.ascontiguousarray(agent_ids, dtype=np.int64), now,
                                 np.ascontiguousarray(outcomes, dtype=np.int32), rc)
        return self._batch_result(rc, iids, "release")

    def reset_daily_counts(self) -> None:
        """At the floor's midnight: 'fewest handled today' starts again."""
        self._core.reset_daily_counts()

    # -- decisions -----------------------------------------------------------------

    def assign_arrays(self, now: int) -> tuple[np.ndarray, np.ndarray]:
        """Offers made now, as (interaction ids, agent ids), most urgent first."""
        return self._core.decisions(self._core.assign(now))

    def assign(self, now: int) -> list[tuple[int, int]]:
        """Offers made now, as (interaction id, agent id) pairs, most urgent first."""
        n = self._core.assign(now)
        if n == 0:
            return []
        iids, aids = self._core.decisions(n)
        return list(zip(iids.tolist(), aids.tolist(), strict=True))

    # -- what happened -------------------------------------------------------------

    def take_events(self) -> np.ndarray:
        """Events since the last call, for the store (seq is given there)."""
        return self._core.take_events()

    @property
    def pending_events(self) -> int:
        """Events waiting for take_events()."""
        return self._core.n_ev

    @property
    def compiled_core(self) -> RouterCore:
        """The compiled router itself, for a compiled driver that calls it without
        Python in between (the simulation loop); everyone else uses the methods here."""
        return self._core

    def overflow_step(self, interaction_id: int) -> int | None:
        """The overflow step an interaction has reached (0: none), or None if unknown."""
        level = self._core.level_of(interaction_id)
        return None if level < 0 else level

    def switch_counts(self) -> dict[int, int]:
        """Care<->sales switches per agent id since start (ROUTE-5)."""
        return self._core.switch_counts()

    @property
    def waiting(self) -> int:
        return self._core.n_waiting

    def agent_load(self, agent_id: int) -> dict[Channel, int]:
        """Interactions the agent holds now (offered or connected), by channel."""
        row = self._core.a_load_arr[self._agent_index[agent_id]]
        return {Channel(ch): int(row[ch]) for ch in range(1, len(row)) if row[ch]}

__all__ = ["NONE", "Rejection", "Router"]
