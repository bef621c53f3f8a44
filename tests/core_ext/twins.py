"""Straightforward twins of the kernels: plain Python loops over the same inputs,
written from the kernels' docstrings and docs/kpi.md, not from their code."""

from __future__ import annotations

import bisect
import itertools

import numpy as np
import pandas as pd

from core.model import AgentState, Channel, EventKind
from tests.core.kpi import reference

SLOT_MS = 900_000
#: A state's column among the agents' times (AVAILABLE, BUSY, WRAP_UP, AWAY, BREAK);
#: other states are no logged-in time.
STATE_TIME = {int(s): i for i, s in enumerate(reference.STATE_MEASURE)}
AGENT_KINDS = (EventKind.AGENT_STATE, EventKind.AGENT_LOGIN, EventKind.AGENT_LOGOUT)
WAIT_EDGES_MS = [s * 1000 for s in reference.WAIT_EDGES_S]


def state_of(kind: int, value: int) -> int:
    if kind == EventKind.AGENT_LOGIN:
        return int(AgentState.AVAILABLE)
    if kind == EventKind.AGENT_LOGOUT:
        return int(AgentState.OFFLINE)
    return value


def first_contact_resolved(outcome: int, transfers: int, channel: int) -> bool:
    return (channel != Channel.OUTBOUND_CALL and transfers == 0
            and outcome in reference.FIRST_CONTACT_OUTCOMES)


def wait_bin(wait: int) -> int:
    return bisect.bisect_left(WAIT_EDGES_MS, wait)


def contact_facts(events: np.ndarray) -> dict[int, dict[str, int]]:
    """Per interaction id: its facts as docs/kpi.md reads them (-1: none)."""
    out: dict[int, dict[str, int]] = {}
    for e in events.tolist():
        _, ts, kind, iid, agent, queue, channel, value = e
        if kind in AGENT_KINDS or iid < 0:
            continue
        c = out.setdefault(iid, dict(offered=-1, resolved=-1, ended=-1, acw=-1, agent=-1,
                                     queue=-1, channel=-1, how=0, outcome=-1, transfers=0))
        if c["channel"] < 0:
            c["channel"] = channel
        if kind == EventKind.ENQUEUED and c["offered"] < 0:
            c["offered"], c["queue"] = ts, queue
        elif c["offered"] < 0 and c["queue"] < 0:
            c["queue"] = queue
        how = {EventKind.ACCEPTED: 1, EventKind.ABANDONED: 2, EventKind.VOICEMAIL: 3}.get(kind)
        if how and not c["how"]:
            c["how"], c["resolved"] = how, ts
            if how == 1:
                c["agent"] = agent
        if kind == EventKind.ENDED:
            c["ended"], c["outcome"] = ts, value
        elif kind == EventKind.TRANSFERRED:
            c["transfers"] += 1
    frame = pd.DataFrame(events[["seq", "ts_ms", "kind", "interaction_id", "agent_id",
                                 "value"]])
    for iid, ms in reference._acw(frame).items():
        out[iid]["acw"] = ms
    return out


def state_log(events: np.ndarray) -> tuple[list[tuple[int, int, int]], bool]:
    """The agents' (time, agent, state) in the events' order, and whether the times
    never go back."""
    log = [(ts, agent, state_of(kind, value))
           for _, ts, kind, _, agent, _, _, value in events.tolist()
           if kind in AGENT_KINDS and agent >= 0]
    return log, all(a[0] <= b[0] for a, b in itertools.pairwise(log))


def in_time_order_per_agent(log: list[tuple[int, int, int]]) -> bool:
    last: dict[int, int] = {}
    for ts, agent, _ in log:
        if ts < last.get(agent, ts):
            return False
        last[agent] = ts
    return True


def spells(log: list[tuple[int, int, int]], end: int) -> list[tuple[int, int, int, int]]:
    """(agent, time column, from, to): each agent's states in the order given, each
    until the agent's next one, the last until ``end``; only logged-in time."""
    by_agent: dict[int, list[tuple[int, int]]] = {}
    for ts, agent, state in log:
        by_agent.setdefault(agent, []).append((ts, state))
    out = []
    for agent, states in by_agent.items():
        ends = [t for t, _ in states[1:]] + [end]
        for (t0, state), t1 in zip(states, ends, strict=True):
            if state in STATE_TIME and t1 > t0:
                out.append((agent, STATE_TIME[state], t0, t1))
    return out


def quarter_hours(t0: int, t1: int):
    """[t0, t1) split at quarter hours: (quarter hour, ms)."""
    while t0 < t1:
        nxt = min(t1, (t0 // SLOT_MS + 1) * SLOT_MS)
        yield t0 // SLOT_MS, nxt - t0
        t0 = nxt


def state_records(log: list[tuple[int, int, int]], end: int) -> list[tuple[int, ...]]:
    """(agent, quarter hour, time per state...) for every quarter hour with time."""
    sums: dict[tuple[int, int], list[int]] = {}
    for agent, col, t0, t1 in spells(log, end):
        for q, ms in quarter_hours(t0, t1):
            sums.setdefault((agent, q), [0] * len(STATE_TIME))[col] += ms
    return sorted((a, q, *times) for (a, q), times in sums.items() if sum(times))


def cell_index(codes: list[int], size: list[int]) -> int:
    """Row-major, the first dimension outermost."""
    return int(np.ravel_multi_index(codes, size))
