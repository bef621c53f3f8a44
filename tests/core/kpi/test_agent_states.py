"""The agents' state timeline against a plain replay, millisecond by millisecond, on
random streams: ties at one moment, repeated states, logins and logouts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.kpi.agent_states import Presence, agent_timeline
from core.model import EVENT_DTYPE, AgentState
from core.model import EventKind as K

AGENTS = (1, 2, 3)
HORIZON = 120
PRESENCE = {AgentState.AVAILABLE: Presence.AVAILABLE, AgentState.BUSY: Presence.BUSY,
            AgentState.WRAP_UP: Presence.BUSY, AgentState.AWAY: Presence.AWAY,
            AgentState.BREAK: Presence.AWAY, AgentState.OFFLINE: Presence.OFFLINE}

change = st.tuples(
    st.one_of(st.sampled_from([10, 11, 40]), st.integers(0, HORIZON)),  # ties, often
    st.sampled_from(AGENTS),
    st.sampled_from([(K.AGENT_STATE, s) for s in AgentState]
                    + [(K.AGENT_LOGIN, None), (K.AGENT_LOGOUT, None)]))


def _events(changes: list) -> np.ndarray:
    rows = sorted(changes, key=lambda c: c[0])  # by time; ties keep the drawn order
    out = np.zeros(len(rows) + 1, dtype=EVENT_DTYPE)
    for i, (ts, agent, (kind, state)) in enumerate(rows):
        out[i] = (i + 1, ts, int(kind), -1, agent, -1, -1, -1 if state is None else int(state))
    # An event of no agent, which the timeline must pass over.
    out[-1] = (len(rows) + 1, 5, int(K.ARRIVED), 7, -1, 1, 1, -1)
    return out


def _replay(events: np.ndarray) -> dict[int, list[tuple[Presence, int]]]:
    """Per agent and millisecond 0..HORIZON+60: its presence and since when."""
    out = {}
    for agent in AGENTS:
        mine = [e for e in events if e["agent_id"] == agent]
        now, since, seq = Presence.OFFLINE, 0, []
        for t in range(HORIZON + 60):
            at_t = [e for e in mine if e["ts_ms"] == t]
            if at_t:  # in seq order: the last one at t wins, the others never held
                kind = K(int(at_t[-1]["kind"]))
                p = (Presence.AVAILABLE if kind == K.AGENT_LOGIN else Presence.OFFLINE
                     if kind == K.AGENT_LOGOUT else PRESENCE[AgentState(int(at_t[-1]["value"]))])
                if p != now:
                    now, since = p, t
            seq.append((now, since))
        out[agent] = seq
    return out


_AV, _BUSY = (K.AGENT_STATE, AgentState.AVAILABLE), (K.AGENT_STATE, AgentState.BUSY)


@settings(max_examples=150, deadline=None)
# Busy and available again in one millisecond: the busy never held, so availability
# runs on from 0 (and has settled by 1).
@example([(0, 1, _AV), (1, 1, _BUSY), (1, 1, _AV)], 1, [1], [(0, 5)])
# Available for exactly `settle` of the window: it counts.
@example([(0, 1, _AV), (10, 1, _BUSY)], 5, [1], [(5, 15)])
@given(st.lists(change, max_size=25), st.integers(0, 30), st.lists(st.sampled_from(AGENTS),
       unique=True), st.lists(st.tuples(st.integers(0, HORIZON + 20), st.integers(0, 60)),
                              min_size=1, max_size=10))
def test_timeline_matches_a_plain_replay(changes: list, settle: int, agents: list,
                                         windows: list) -> None:
    events = _events(changes)
    timeline = agent_timeline(events)
    replay = _replay(events)
    times = np.arange(HORIZON + 60)
    counts = timeline.counts_at(times, agents, settle)
    for t in times.tolist():
        expected = dict.fromkeys(Presence, 0)
        for a in agents:
            p, since = replay[a][t]
            if p == Presence.AVAILABLE and t - since < settle:
                p = Presence.BUSY
            expected[p] += 1
        assert (counts.available[t], counts.busy[t], counts.away[t]) == (
            expected[Presence.AVAILABLE], expected[Presence.BUSY], expected[Presence.AWAY])
    lo = np.array([w[0] for w in windows])
    hi = np.minimum(lo + np.array([w[1] for w in windows]), HORIZON + 59)
    got = timeline.available_for(lo, hi, agents, settle)
    for k, (a0, b0) in enumerate(zip(lo.tolist(), hi.tolist(), strict=True)):
        # Spells of availability: runs of it in the replay; each counts when it holds
        # for at least `settle` of the window.
        n = 0
        for a in agents:
            run = 0
            for t in range(a0, b0):
                if replay[a][t][0] == Presence.AVAILABLE:
                    run += 1
                    if t + 1 == b0 or replay[a][t + 1][0] != Presence.AVAILABLE:  # run ends
                        n += run >= settle
                        run = 0
        assert got[k] == n, (a0, b0)
    on = timeline.logged_in_ms(10, 100)
    for a in AGENTS:
        ms = sum(replay[a][t][0] != Presence.OFFLINE for t in range(10, 100))
        assert on.get(a, 0) == ms


def test_an_unknown_state_is_an_error_that_names_the_event() -> None:
    events = _events([(3, 1, (K.AGENT_STATE, AgentState.BUSY))])
    events[0]["value"] = 42
    with pytest.raises(ValueError, match="event seq 1: agent 1 reported unknown state 42"):
        agent_timeline(events)
