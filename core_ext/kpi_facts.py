"""The contacts' facts pass (numba): one read of the events for each contact's
moments, agent, queue, outcome, transfers and after-call work, and the agents' time
per state in UTC quarter-hour records; the agents' state log. core.kpi.contacts
wraps them."""

from __future__ import annotations

import numpy as np
from numba import njit

from core_ext.kpi_layout import (
    A_AVAILABLE,
    AGENT_LOGIN,
    AGENT_LOGOUT,
    AGENT_STATE,
    ENDED,
    ENQUEUED,
    HOW_ANSWERED,
    HOW_OF,
    N_STATE_TIMES,
    R_AGENT,
    R_SLOT,
    R_TIME,
    SLOT_MS,
    ST_WRAP_UP,
    STATE_COLUMN,
    TRANSFERRED,
)
from core_ext.kpi_rules import state_of


@njit(cache=True)
def count_up(out, start):
    """``out`` filled with start, start + 1, ... (np.arange into a given array)."""
    for i in range(out.shape[0]):
        out[i] = start + i
    return out


@njit(cache=True)
def contact_facts(ts, kind, iid, agent, queue, channel, value, lo, slot, facts, rec, n_agents,
                  open_until):
    """One pass over events in seq order: per contact (slot 0..n-1; with an empty
    ``slot`` array, the slot is the id's offset from lo) when it was offered (first
    ENQUEUED), when and how its wait ended (the first ACCEPTED, ABANDONED or
    VOICEMAIL), who answered, when its conversation last ended and with what
    outcome, its transfers, its queue (that of its first ENQUEUED, else of its first
    event with one), its channel, and its after-call work: the answering agent's
    WRAP_UP that began as the conversation ended, until the agent's next state.
    -1 (how: 0): none. See docs/kpi.md.

    And the agents' time per state (AGENT_STATE; a login AVAILABLE, a logout
    OFFLINE), summed per agent and UTC quarter hour: a state lasts until the agent's
    next one, the last until the latest event or ``open_until``, whichever is later.
    A record (rows of ``rec``, columns R_*) for each quarter hour in which an agent
    spent logged-in time: a month of 1,000 agents is 3M records where its state
    changes are 20M, and any range that begins and ends on a quarter hour is summed
    from them exactly.

    The facts go into ``facts`` (their arrays as new: -1, how and transfers 0). The
    caller allocates: numpy asks the kernel for huge pages where numba's own
    allocations do not, and that halves the cost of first touching the memory.
    Returns the records' count (more than ``rec`` holds: call again with room for
    them), the earliest and latest time, and ``misses``: [events whose id or agent
    fell outside the span given, smallest and largest such id, largest agent id] --
    the caller guessed the span and must call again with the true one -- and 1 if an
    agent's states are out of time order (late reports: the records are not valid;
    sum from the time-sorted log)."""
    (offered, resolved, ended, acw, answered_by, queue_of, channel_of, how, outcome,
     transfers) = facts
    n = offered.shape[0]
    wrap_since = np.full(n_agents, -1, np.int64)
    last_end = np.full(n_agents, -1, np.int64)
    last_end_ts = np.full(n_agents, -1, np.int64)
    # Each agent's state (as its time column, 0: not counted) since when, and the
    # quarter hour being summed (-1: none) and its end.
    state_now = np.zeros(n_agents, np.int64)
    state_since = np.full(n_agents, -1, np.int64)
    open_slot = np.full(n_agents, -1, np.int64)
    open_slot_end = np.full(n_agents, np.iinfo(np.int64).min, np.int64)
    open_time = np.zeros((n_agents, N_STATE_TIMES), np.int64)
    n_rec = 0
    misses = np.array([0, np.iinfo(np.int64).max, -1, -1, 0], np.int64)
    tmin = np.iinfo(np.int64).max
    tmax = np.iinfo(np.int64).min
    dense = slot.shape[0] == 0
    for i in range(ts.shape[0]):
        k = kind[i]
        t = ts[i]
        if t < tmin:
            tmin = t
        if t > tmax:
            tmax = t
        a = agent[i]
        if a >= n_agents:
            misses[0] += 1
            misses[3] = max(misses[3], a)
            x = iid[i]
            if dense and x >= 0 and (x - lo >= n or x < lo):
                # The rerun must know this id's span too, though its agent stopped us.
                misses[1] = min(misses[1], x)
                misses[2] = max(misses[2], x)
            continue
        if k == AGENT_STATE or k == AGENT_LOGOUT or k == AGENT_LOGIN:
            if a < 0:
                continue
            st = state_of(k, value[i])
            t0 = state_since[a]
            if t < t0:
                misses[4] = 1  # this agent's states are not in time order
            elif misses[4] == 0 and state_now[a] > 0:
                if t <= open_slot_end[a] and t0 >= open_slot_end[a] - SLOT_MS:
                    open_time[a, state_now[a] - A_AVAILABLE] += t - t0  # most spells
                else:
                    n_rec = _spend(state_now[a], t0, t, a, open_slot, open_slot_end,
                                   open_time, rec, n_rec)
            state_now[a] = STATE_COLUMN[st] if st >= 0 and st < STATE_COLUMN.shape[0] else 0
            state_since[a] = t
            if st == ST_WRAP_UP:
                if wrap_since[a] < 0:
                    wrap_since[a] = t
            elif wrap_since[a] >= 0:
                # Wrap-up and the end it follows share their moment, in either order.
                # ... and only while that end is still the contact's last (another
                # agent may have ended it again since).
                c = last_end[a]
                if (last_end_ts[a] == wrap_since[a] and c >= 0 and t >= wrap_since[a]
                        and ended[c] == last_end_ts[a]):
                    acw[c] = t - wrap_since[a]
                wrap_since[a] = -1
            continue
        if dense:
            x = iid[i]
            if x < 0:
                continue
            s = x - lo
            if s >= n or s < 0:
                misses[0] += 1
                misses[1] = min(misses[1], x)
                misses[2] = max(misses[2], x)
                continue
        else:
            s = slot[i]
            if s < 0:
                continue
        # Branches: most events of a contact change one or two of its facts, and on
        # today's mix of events the predictor does better than selecting every fact.
        if channel_of[s] < 0:
            channel_of[s] = channel[i]
        if k == ENQUEUED:
            if offered[s] < 0:
                queue_of[s] = queue[i]
                offered[s] = t
        elif queue_of[s] < 0 and offered[s] < 0:
            queue_of[s] = queue[i]
        h = HOW_OF[k] if k < HOW_OF.shape[0] else 0
        if h > 0 and how[s] == 0:
            resolved[s] = t
            how[s] = h
            if h == HOW_ANSWERED:
                answered_by[s] = a
        if k == ENDED:
            ended[s] = t
            outcome[s] = value[i]
            acw[s] = -1  # only the wrap-up after the last end counts
            if a >= 0:
                last_end[a] = s
                last_end_ts[a] = t
        elif k == TRANSFERRED:
            transfers[s] += 1
    if misses[4] == 0:
        # The states still open last until the latest event (or open_until), as the
        # live engine's.
        close = max(tmax, open_until)
        for a in range(n_agents):
            if state_now[a] > 0:
                n_rec = _spend(state_now[a], state_since[a], close, a, open_slot,
                               open_slot_end, open_time, rec, n_rec)
            if open_slot[a] >= 0:
                _record(rec, n_rec, a, open_slot[a], open_time)
                n_rec += 1
    return n_rec, tmin, tmax, misses


@njit(cache=True)
def _spend(col, t0, t1, a, open_slot, open_slot_end, open_time, rec, n_rec):
    """Agent a's time in column ``col`` over [t0, t1) into its quarter hours' sums; a
    sum whose quarter hour is over becomes a record."""
    if t0 < 0:
        return n_rec
    t = t0
    while t < t1:
        q = t // SLOT_MS
        nxt = min(t1, (q + 1) * SLOT_MS)
        if open_slot[a] != q:
            if open_slot[a] >= 0:
                _record(rec, n_rec, a, open_slot[a], open_time)
                n_rec += 1
            open_slot[a] = q
            open_slot_end[a] = (q + 1) * SLOT_MS
            for j in range(N_STATE_TIMES):
                open_time[a, j] = 0
        open_time[a, col - A_AVAILABLE] += nxt - t
        t = nxt
    return n_rec


@njit(cache=True)
def _record(rec, n_rec, a, q, open_time):
    """Write record n_rec (agent a, quarter hour q, its time per state) if there is
    room: the caller counts the records and calls again with room for all."""
    if n_rec < rec.shape[0]:
        rec[n_rec, R_AGENT] = a
        rec[n_rec, R_SLOT] = q
        for j in range(N_STATE_TIMES):
            rec[n_rec, R_TIME + j] = open_time[a, j]


@njit(cache=True)
def state_log(ts, kind, agent, value, log_ts, log_agent, log_state):
    """The agents' state log (AGENT_STATE; a login AVAILABLE, a logout OFFLINE) into
    log_ts/agent/state, room for every event. Returns its length and whether it is
    in time order."""
    n_log = 0
    in_order = True
    for i in range(ts.shape[0]):
        k = kind[i]
        if (k == AGENT_STATE or k == AGENT_LOGOUT or k == AGENT_LOGIN) and agent[i] >= 0:
            t = ts[i]
            if n_log > 0 and t < log_ts[n_log - 1]:
                in_order = False
            log_ts[n_log] = t
            log_agent[n_log] = agent[i]
            log_state[n_log] = state_of(k, value[i])
            n_log += 1
    return n_log, in_order
