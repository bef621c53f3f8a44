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

from core.model import EVENT_DTYPE, NONE, AgentState, Interaction, Outcome
from core.routing.policy import MAX_OVERFLOW_STEPS, MAX_PRIORITY, FloorPolicy
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
}


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
        out["a_langs"][i] = sum(1 << lang[x] for x in a.languages)
        for s in a.skills:
            out["a_prof"][i, skill[s.skill]] = s.proficiency
        for ch, cap in a.capacity.items():
            out["a_cap"][i, int(ch)] = cap
    for i, qp in enumerate(queues):
        min_prof, use2, anyl = qp.min_proficiency, False, False
        groups = sum(1 << group[g] for g in qp.groups)
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
                    groups |= sum(1 << group[g] for g in step.groups)
            out["lv_minprof"][i, k] = min_prof
            out["lv_lang2"][i, k] = use2
            out["lv_anylang"][i, k] = anyl
            out["lv_groups"][i, k] = groups
    return out


class Router:
    """Routing for one floor. Times are milliseconds since the epoch (UTC)."""

    def __init__(self, floor: FloorPolicy, capacity: int = 1024) -> None:
        if len(floor.languages) > 64 or len(floor.groups) > 64:
            raise ValueError("at most 64 languages and 64 groups")
        if max((len(q.overflow) for q in floor.queues), default=0) > MAX_OVERFLOW_STEPS:
            raise ValueError(f"at most {MAX_OVERFLOW_STEPS} overflow steps per queue")
        self.floor = floor
        self._lang = {name: i for i, name in enumerate(floor.languages)}
        self._queue = {q.queue.id: (i, q) for i, q in enumerate(floor.queues)}
        self._agents = {a.id for a in floor.agents}
        self.rejections: Counter[str] = Counter()
        self._core = RouterCore(
            **core_arrays(floor),
            n_languages=len(floor.languages),
            n_priorities=MAX_PRIORITY + 1,
            switch_cost_ms=floor.blend.switch_cost_s * 1000,
            outbound_threshold=floor.blend.outbound_inbound_threshold,
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
            return self._reject(f"state {AgentState(state).name} is not set from outside",
                                f"agent {agent_id}")
        return self._result(self._core.set_presence(agent_id, int(state), now),
                            f"agent {agent_id}")

    def accept(self, agent_id: int, interaction_id: int, now: int) -> Rejection | None:
        return self._result(self._core.accept(interaction_id, agent_id, now),
                            f"accept {interaction_id}")

    def release(self, agent_id: int, interaction_id: int, now: int,
                outcome: Outcome = Outcome.RESOLVED) -> Rejection | None:
        return self._result(self._core.release(interaction_id, agent_id, now, int(outcome)),
                            f"release {interaction_id}")

    def abandon(self, interaction_id: int, now: int) -> Rejection | None:
        """The customer left while waiting (or while being offered)."""
        return self._result(self._core.abandon(interaction_id, now),
                            f"abandon {interaction_id}")

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
        raw = self._core.take_events()
        out = np.zeros(len(raw), dtype=EVENT_DTYPE)
        for j, name in enumerate(("ts_ms", "kind", "interaction_id", "agent_id", "queue_id",
                                  "channel", "value")):
            out[name] = raw[:, j]
        out["seq"] = 0
        return out

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

    def agent_load(self, agent_id: int) -> dict[int, int]:
        i = self.floor.agents.index(next(a for a in self.floor.agents if a.id == agent_id))
        row = self._core.a_load_arr[i]
        return {ch: int(row[ch]) for ch in range(1, 8) if row[ch]}


__all__ = ["NONE", "Rejection", "Router"]
