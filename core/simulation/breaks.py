"""When agents leave their desks during a shift: breaks, and the stretches away of
agents who wander off (seed 003's calls missed "because the manager was not there").

Planned up front from a stream of their own, so that a seed gives the same plan and
the other draws of the run stay as they were. The loop starts each pause once the
agent is off the phone (a break never cuts a call short; open chats and e-mails
are finished on it), and holds a break back while it would leave a language with
nobody at work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.clock import MINUTE_MS
from core.model import AgentState
from core.model.scenario import AbsencePlan, BreakPlan

#: No pause in a shift's first or last quarter of an hour: logging in and handing
#: over come first.
_EDGE_MS = 15 * MINUTE_MS
_SHORTEST_AWAY_MS = 2 * MINUTE_MS


@dataclass(frozen=True, slots=True)
class ShiftWindow:
    """One agent's shift on one day, as planned (``present``: not off sick)."""

    agent: int  # index into the floor's agents
    start_ms: int
    end_ms: int
    present: bool


@dataclass
class Pauses:
    """Planned pauses in time order (ties: in plan order)."""

    start_ms: np.ndarray  # int64
    agent: np.ndarray  # int32, index into the floor's agents
    state: np.ndarray  # int8: AgentState.BREAK or AgentState.AWAY
    length_ms: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.start_ms)


def _break_lengths(plan: BreakPlan) -> list[float]:
    """The shift's breaks in order, minutes: the meal breaks in the middle."""
    out = [plan.short_min] * plan.short
    for _ in range(plan.meal):
        out.insert(len(out) // 2, plan.meal_min)
    return out


def plan_pauses(breaks: BreakPlan | None, absence: AbsencePlan | None,
                agent_ids: Sequence[int], shifts: Sequence[ShiftWindow],
                rng: np.random.Generator) -> Pauses:
    """Breaks for every shift and stretches away for the absent agents. Every shift
    takes its draws whether or not the agent is off sick, so a sick day moves no
    other agent's pauses."""
    starts: list[int] = []
    agents: list[int] = []
    states: list[int] = []
    lengths: list[int] = []

    def add(window: ShiftWindow, start: float, minutes: float, state: AgentState) -> None:
        if window.present:
            starts.append(int(start))
            agents.append(window.agent)
            states.append(int(state))
            lengths.append(int(minutes * MINUTE_MS))

    if breaks is not None:
        minutes = _break_lengths(breaks)
        n = len(minutes)
        # Staggered: the agents of one shift take each break one after another over
        # the spread, in an order drawn per shift, so that never half a shift is
        # away at once; jitter adds the agent's own minutes early or late.
        crews: dict[int, list[int]] = {}
        for k, w in enumerate(shifts):
            crews.setdefault(w.start_ms, []).append(k)
        slot = np.zeros(len(shifts))
        for members in crews.values():
            order = rng.permutation(len(members))
            slot[members] = ((order + 0.5) / len(members) - 0.5) * 2
        for k, w in enumerate(shifts):
            jitter = rng.uniform(-breaks.jitter_min, breaks.jitter_min, n)
            offset = (slot[k] * breaks.spread_min + jitter) * MINUTE_MS
            span = w.end_ms - w.start_ms
            if n == 0 or span < 2 * _EDGE_MS + sum(minutes) * MINUTE_MS:
                continue
            for j, m in enumerate(minutes):
                at = w.start_ms + span * (j + 1) / (n + 1) - m * MINUTE_MS / 2 + offset[j]
                at = min(max(at, w.start_ms + _EDGE_MS), w.end_ms - _EDGE_MS - m * MINUTE_MS)
                add(w, at, m, AgentState.BREAK)

    if absence is not None:
        named = {agent_ids.index(a) for a in absence.agent_ids}
        drawn = rng.random(len(agent_ids)) < absence.share
        away = named | set(np.flatnonzero(drawn).tolist())
        for w in shifts:
            if w.agent not in away or w.end_ms - w.start_ms <= 2 * _EDGE_MS:
                continue
            k = int(rng.poisson(absence.per_shift))
            at = rng.uniform(w.start_ms + _EDGE_MS, w.end_ms - _EDGE_MS, k)
            length = np.clip(rng.exponential(absence.mean_min, k),
                             _SHORTEST_AWAY_MS / MINUTE_MS, absence.max_min)
            for a, m in zip(at.tolist(), length.tolist(), strict=True):
                add(w, a, m, AgentState.AWAY)

    order = np.argsort(np.asarray(starts, dtype=np.int64), kind="stable")
    return Pauses(start_ms=np.asarray(starts, dtype=np.int64)[order],
                  agent=np.asarray(agents, dtype=np.int32)[order],
                  state=np.asarray(states, dtype=np.int8)[order],
                  length_ms=np.asarray(lengths, dtype=np.int64)[order])
