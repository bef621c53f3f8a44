"""Compiled KPI kernels (numba). Plain arrays in, arrays out; core.kpi wraps them."""

from __future__ import annotations

import numpy as np
from numba import njit

# core.model codes (tests/core/kpi checks them against the enums).
ARRIVED, ENQUEUED, ACCEPTED, TRANSFERRED, ENDED, ABANDONED, VOICEMAIL, BLOCKED = (
    1, 2, 4, 7, 9, 10, 11, 16)
AGENT_STATE, AGENT_LOGIN, AGENT_LOGOUT = 12, 14, 15
#: core.model.Channel.OUTBOUND_CALL: an agent's dial, not a contact that waited for one.
OUTBOUND_CALL = 7
ST_AVAILABLE, ST_BUSY, ST_WRAP_UP, ST_AWAY, ST_BREAK, ST_OFFLINE = 1, 2, 3, 4, 5, 6
OUT_RESOLVED, OUT_SALE, OUT_NO_SALE, OUT_MEETING_SET, OUT_PRANK = 1, 2, 3, 8, 10

# How a wait ended (ContactFacts.how); 0: it has not.
HOW_ANSWERED, HOW_ABANDONED, HOW_VOICEMAIL = 1, 2, 3
#: By event kind: how the wait ends with it (0: it does not end the wait).
HOW_OF = np.zeros(32, np.int8)
HOW_OF[ACCEPTED], HOW_OF[ABANDONED], HOW_OF[VOICEMAIL] = (HOW_ANSWERED, HOW_ABANDONED,
                                                           HOW_VOICEMAIL)

#: Interval tables are per UTC quarter hour: every zone's offset is a whole number of
#: quarter hours, so a quarter hour lies in exactly one local 15 min, hour, day, month.
SLOT_MS = 900_000

#: Upper edges (ms) of the fixed wait-histogram bins; the last bin is open. The
#: channel targets (15 s, 20 s, 4 h) are edges, so "within target" is exact.
WAIT_EDGES_MS = np.array([s * 1000 for s in (
    1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 18, 20, 25, 30, 40, 50, 60, 75, 90, 120, 150, 180,
    240, 300, 420, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200, 10800, 14400, 21600,
    28800, 43200, 86400)], dtype=np.int64)
N_WAIT_BINS = len(WAIT_EDGES_MS) + 1


@njit(cache=True)
def id_span(iid, agent, ts):
    """Smallest and largest interaction id (-1, -1: none), the largest agent id (-1:
    none) and the earliest and latest time."""
    lo, hi, amax = -1, -1, -1
    tmin, tmax = np.int64(0), np.int64(0)
    for i in range(iid.shape[0]):
        x = iid[i]
        if x >= 0:
            if lo < 0 or x < lo:
                lo = x
            if x > hi:
                hi = x
        if agent[i] > amax:
            amax = agent[i]
        t = ts[i]
        if i == 0 or t < tmin:
            tmin = t
        if i == 0 or t > tmax:
            tmax = t
    return lo, hi, amax, tmin, tmax


@njit(cache=True)
def count_up(out, start):
    """``out`` filled with start, start + 1, ... (np.arange into a given array)."""
    for i in range(out.shape[0]):
        out[i] = start + i
    return out


# Measures of a cell (columns of the accumulators, in both engines).
(A_OFFERED, A_ANSWERED, A_IN_TARGET, A_ABANDONED, A_SHORT, A_VOICEMAIL, A_WAIT, A_LONGEST,
 A_TALKED, A_TALK, A_ACW, A_TRANSFERRED, A_TRANSFERS, A_FIRST_CONTACT, A_INBOUND_TALKED,
 A_AVAILABLE, A_BUSY, A_WRAP_UP, A_AWAY, A_BREAK) = range(20)
N_MEASURES = 20
#: Agent state -> its time column (0: not counted; OFFLINE is not logged-in time).
STATE_COLUMN = np.array([0, A_AVAILABLE, A_BUSY, A_WRAP_UP, A_AWAY, A_BREAK, 0, 0],
                        dtype=np.int64)

#: Columns of a state-time record (contact_facts): an agent's time per state in one
#: UTC quarter hour, the states' columns in STATE_COLUMN's order from A_AVAILABLE.
R_AGENT, R_SLOT, R_TIME = 0, 1, 2
N_STATE_TIMES = 5
R_WIDTH = R_TIME + N_STATE_TIMES


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
            st = _state_of(k, value[i])
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
            log_state[n_log] = _state_of(k, value[i])
            n_log += 1
    return n_log, in_order


@njit(cache=True)
def _state_of(kind, value):
    """The state an agent event puts the agent in: a login makes them available."""
    if kind == AGENT_STATE:
        return value
    return ST_OFFLINE if kind == AGENT_LOGOUT else ST_AVAILABLE


# Where a grouping dimension's value comes from.
SRC_CHANNEL, SRC_QUEUE, SRC_AGENT, SRC_INTERVAL = 0, 1, 2, 3


#: Outcomes that need no follow-up, by outcome code & 255 (-1, none: 255, False).
FIRST_CONTACT_OUTCOME = np.zeros(256, np.bool_)
FIRST_CONTACT_OUTCOME[[OUT_RESOLVED, OUT_SALE, OUT_NO_SALE, OUT_MEETING_SET, OUT_PRANK]] = True


@njit(cache=True)
def resolved_first_time(outcome, transfers, channel):
    """Resolved in this contact: an inbound contact with no transfer and an outcome
    that needs no follow-up (a dial is the agent's own: KPI-4's, not FCR's)."""
    # A table and ands without branches: outcomes come in no order a predictor learns.
    return (channel != OUTBOUND_CALL) & (transfers == 0) & FIRST_CONTACT_OUTCOME[outcome & 255]


@njit(cache=True)
def wait_bin(wait):
    """The histogram bin of a wait: the first edge at or above it."""
    return np.searchsorted(WAIT_EDGES_MS, wait)


@njit(cache=True)
def _code(d, v, tab, tab_lo):
    j = v - tab_lo[d]
    if j < 0 or j >= tab.shape[1]:
        return -1
    return tab[d, j]


@njit(cache=True)
def fresh_cells(acc):
    """``acc`` as before any contact: zeros, the longest wait -1 (none)."""
    for c in range(acc.shape[0]):
        for j in range(acc.shape[1]):
            acc[c, j] = 0
        acc[c, A_LONGEST] = -1
    return acc


@njit(cache=True)
def aggregate(offered, resolved, ended, acw, answered_by, queue_of, channel_of, how, outcome,
              transfers, target_q, target_q_lo, target_ch, short_ms, src, tab, tab_lo, size,
              iv_tab, slot0, since, until, acc, hist):
    """One pass over contacts: the measures of each cell. A contact counts in the cell
    of the interval its wait ended in (if in [since, until)); its conversation in the
    cell of the interval it ended in. Dimension d of a contact is tab[d, v - tab_lo[d]]
    (a dense code below size[d]) of its channel, queue or answering agent (src[d]), or
    for the interval, iv_tab[t // SLOT_MS - slot0]; an interval dimension must be the
    first, and ``since`` not negative. The service-level target is the
    queue's (target_q[queue - target_q_lo], -1: none) else the channel's. Into ``acc``
    (zeros, A_LONGEST -1) and, if it has rows, the wait histogram ``hist``."""
    with_hist = hist.shape[0] > 0
    nd = src.shape[0]
    # The interval, if grouped by, is the outermost dimension: a cell is the
    # interval's code times the cells of the other dimensions, plus their code.
    with_iv = nd > 0 and src[0] == SRC_INTERVAL
    inner = 1
    for d in range(1 if with_iv else 0, nd):
        inner *= size[d]
    for s in range(offered.shape[0]):
        r = resolved[s]
        e = ended[s]
        # A dial's wait is a campaign's lag, no customer's: dials are KPI-4's.
        counted = (offered[s] >= 0 and r >= since and r < until
                   and channel_of[s] != OUTBOUND_CALL)
        talked = how[s] == HOW_ANSWERED and e >= r and e >= since and e < until
        if not counted and not talked:
            continue
        code = 0
        for d in range(1 if with_iv else 0, nd):
            sd = src[d]
            if sd == SRC_CHANNEL:
                v = np.int64(channel_of[s])
            elif sd == SRC_QUEUE:
                v = np.int64(queue_of[s])
            else:
                v = np.int64(answered_by[s])
            code = code * size[d] + tab[d, v - tab_lo[d]]
        cc = code
        ct = code
        if with_iv:
            # since >= 0: the moments counted are not negative, and unsigned division
            # needs no rounding towards minus infinity.
            if counted:
                cc += iv_tab[np.int64(np.uint64(r) // np.uint64(SLOT_MS)) - slot0] * inner
            if talked:
                ct += iv_tab[np.int64(np.uint64(e) // np.uint64(SLOT_MS)) - slot0] * inner
        # Adds of 0 or 1, not branches: how a wait ended, which calls had wrap-up or a
        # transfer, and their outcomes follow no pattern a predictor learns.
        if counted:
            wait = r - offered[s]
            h = how[s]
            ans = h == HOW_ANSWERED
            ab = h == HOW_ABANDONED
            j = queue_of[s] - target_q_lo
            target = target_q[j] if j >= 0 and j < target_q.shape[0] else -1
            if target < 0:
                target = target_ch[max(channel_of[s], 0)]
            acc[cc, A_OFFERED] += 1
            acc[cc, A_ANSWERED] += ans
            acc[cc, A_WAIT] += wait if ans else 0
            acc[cc, A_IN_TARGET] += ans and wait <= target
            acc[cc, A_ABANDONED] += ab
            acc[cc, A_SHORT] += ab and wait < short_ms
            acc[cc, A_VOICEMAIL] += h == HOW_VOICEMAIL
            acc[cc, A_LONGEST] = max(acc[cc, A_LONGEST], wait)
            if with_hist and ans:
                hist[cc, wait_bin(wait)] += 1
        if talked:
            tr = transfers[s]
            acc[ct, A_TALKED] += 1
            acc[ct, A_TALK] += e - r
            acc[ct, A_ACW] += max(acw[s], 0)
            acc[ct, A_TRANSFERRED] += tr > 0
            acc[ct, A_TRANSFERS] += tr
            acc[ct, A_FIRST_CONTACT] += resolved_first_time(outcome[s], tr, channel_of[s])
            acc[ct, A_INBOUND_TALKED] += channel_of[s] != OUTBOUND_CALL


@njit(cache=True)
def used_cells(acc, size, user_axes, out, cells, coords):
    """The cells of ``acc`` (laid out row-major over ``size``) that hold a contact, a
    conversation or agent time, in the order of the user's dimensions: dimension i
    of the user's is layout dimension user_axes[i], the first the outermost. Into the
    first rows of ``out`` their measures, of ``cells`` their rows in ``acc`` and of
    ``coords`` their codes per user dimension (each with as many rows as ``acc``).
    Returns how many there are."""
    nd = size.shape[0]
    stride = np.ones(nd, np.int64)
    for d in range(nd - 2, -1, -1):
        stride[d] = stride[d + 1] * size[d + 1]
    idx = np.zeros(nd, np.int64)
    k = 0
    for _ in range(acc.shape[0]):
        cell = 0
        for i in range(nd):
            cell += idx[i] * stride[user_axes[i]]
        used = acc[cell, A_OFFERED] > 0 or acc[cell, A_TALKED] > 0
        if not used:
            for j in range(A_AVAILABLE, N_MEASURES):
                if acc[cell, j] > 0:
                    used = True
                    break
        if used:
            cells[k] = cell
            for i in range(nd):
                coords[k, i] = idx[i]
            for j in range(acc.shape[1]):
                out[k, j] = acc[cell, j]
            k += 1
        # The next multi-index, the last user dimension fastest.
        i = nd - 1
        while i >= 0:
            idx[i] += 1
            if idx[i] < size[user_axes[i]]:
                break
            idx[i] = 0
            i -= 1
    return k


@njit(cache=True)
def _spread(acc, col, cell_base, iv_stride, t0, t1, iv_tab, slot0, with_iv):
    """Add [t0, t1) to column col of the cells of the intervals it covers."""
    t = t0
    while t < t1:
        slot = t // SLOT_MS
        nxt = min(t1, (slot + 1) * SLOT_MS)
        cell = cell_base
        if with_iv:
            cell += iv_tab[slot - slot0] * iv_stride
        acc[cell, col] += nxt - t
        t = nxt


@njit(cache=True)
def _agent_cells(n_agents, src, tab, tab_lo, size):
    """Each agent's cell without its interval (-1: the agent is in no group), the
    interval's stride in the cells, and whether there is an interval dimension. The
    dimensions are the agent's (src SRC_AGENT) and at most one interval."""
    base = np.zeros(n_agents, np.int64)
    stride = 0
    with_iv = False
    for d in range(src.shape[0]):
        stride *= size[d]
        if src[d] == SRC_INTERVAL:
            stride = 1
            with_iv = True
        for a in range(n_agents):
            if base[a] < 0:
                continue
            c = 0 if src[d] == SRC_INTERVAL else _code(d, a, tab, tab_lo)
            base[a] = -1 if c < 0 else base[a] * size[d] + c
    return base, stride, with_iv


@njit(cache=True)
def agent_state_time(ts, agent, state, src, tab, tab_lo, size, iv_tab, slot0, since, until,
                     acc):
    """Add each agent's time per state (AGENT_STATE log: ts, agent, state; in time
    order per agent) over [since, until) to the cells of ``acc``, split at interval
    borders. A state lasts until the agent's next one, or until ``until``. The
    dimensions are the agent's (src SRC_AGENT) and at most one interval."""
    n_agents = 0
    for i in range(agent.shape[0]):
        if agent[i] + 1 > n_agents:
            n_agents = agent[i] + 1
    base, stride, with_iv = _agent_cells(n_agents, src, tab, tab_lo, size)
    cur = np.zeros(n_agents, np.int64)
    from_t = np.full(n_agents, -1, np.int64)
    for i in range(ts.shape[0] + n_agents):
        if i < ts.shape[0]:
            a = agent[i]
            if a < 0:
                continue
            t = ts[i]
            new = state[i]
        else:  # the end: close every agent's open state
            a = i - ts.shape[0]
            t = until
            new = 0
        col = STATE_COLUMN[cur[a]] if cur[a] < STATE_COLUMN.shape[0] else 0
        if col > 0 and from_t[a] >= 0 and base[a] >= 0:
            t0 = max(from_t[a], since)
            t1 = min(t, until)
            if t1 > t0:
                _spread(acc, col, base[a], stride, t0, t1, iv_tab, slot0, with_iv)
        if t >= from_t[a]:
            cur[a] = new
            from_t[a] = t


@njit(cache=True)
def recorded_state_time(rec, src, tab, tab_lo, size, iv_tab, slot0, since, until, acc):
    """Add the state-time records of contact_facts (``rec``) whose quarter hour
    overlaps [since, until) to the cells of ``acc``, as agent_state_time adds the
    log's. Exact when each of since and until is on a quarter hour or outside the
    records' time: then a quarter hour lies wholly inside or outside the range."""
    n_agents = 0
    for r in range(rec.shape[0]):
        if rec[r, R_AGENT] + 1 > n_agents:
            n_agents = rec[r, R_AGENT] + 1
    base, stride, with_iv = _agent_cells(n_agents, src, tab, tab_lo, size)
    for r in range(rec.shape[0]):
        b = base[rec[r, R_AGENT]]
        q = np.int64(rec[r, R_SLOT])
        if b < 0 or (q + 1) * SLOT_MS <= since or q * SLOT_MS >= until:
            continue
        cell = b + iv_tab[q - slot0] * stride if with_iv else b
        for j in range(N_STATE_TIMES):
            acc[cell, A_AVAILABLE + j] += rec[r, R_TIME + j]


# -- the incremental engine --------------------------------------------------------


@njit(cache=True)
def _advance(ring_id, acc_q, acc_a, hist_q, iv, window):
    """Make interval iv's ring slot current (clearing what it held before)."""
    r = iv % window
    if ring_id[r] != iv:
        ring_id[r] = iv
        acc_q[r, :, :] = 0
        acc_a[r, :, :] = 0
        hist_q[r, :, :] = 0
        acc_q[r, :, A_LONGEST] = -1
        acc_a[r, :, A_LONGEST] = -1
    return r


@njit(cache=True)
def _add(acc_q, acc_a, r, q, a, m, v):
    acc_q[r, q, m] += v
    acc_a[r, a, m] += v


@njit(cache=True)
def _held(ring_id, iv, newest, window):
    return iv >= 0 and ring_id[iv % window] == iv and newest - iv < window


@njit(cache=True)
def _conversation(acc_q, acc_a, r, q, a, sign, talk, acw, transfers, outcome, channel):
    _add(acc_q, acc_a, r, q, a, A_TALKED, sign)
    _add(acc_q, acc_a, r, q, a, A_TALK, sign * talk)
    if acw > 0:
        _add(acc_q, acc_a, r, q, a, A_ACW, sign * acw)
    if transfers > 0:
        _add(acc_q, acc_a, r, q, a, A_TRANSFERRED, sign)
        _add(acc_q, acc_a, r, q, a, A_TRANSFERS, sign * transfers)
    if resolved_first_time(outcome, transfers, channel):
        _add(acc_q, acc_a, r, q, a, A_FIRST_CONTACT, sign)
    if channel != OUTBOUND_CALL:  # FCR's base: a dial is resolved by no one
        _add(acc_q, acc_a, r, q, a, A_INBOUND_TALKED, sign)


@njit(cache=True)
def _state_time(acc_q, acc_a, hist_q, ring_id, newest, a, col, t0, t1, iv_tab, slot0, window, lost):
    """Agent row a's time in column col over [t0, t1), split by interval (an interval
    without events of its own is made current here)."""
    t = t0
    late = False
    while t < t1:
        slot = t // SLOT_MS
        nxt = min(t1, (slot + 1) * SLOT_MS)
        iv = iv_tab[slot - slot0]
        if newest - iv >= window:
            late = True
        else:
            r = _advance(ring_id, acc_q, acc_a, hist_q, iv, window)
            acc_a[r, a, col] += nxt - t
        t = nxt
    if late:
        lost[0] += 1


# Columns of the live engine's per-contact state (one row per contact).
(C_OFFERED, C_ANSWERED, C_DONE, C_ENDED, C_END_IV, C_QUEUE, C_AGENT, C_TRANSFERS,
 C_OUTCOME, C_ACW, C_CHANNEL, C_WAITING, C_END_TRANSFERS) = range(13)
#: What a contact's row holds before any of its events.
CONTACT_FILL = np.array([-1, -1, 0, -1, -1, -1, 0, 0, -1, -1, -1, 0, 0], np.int64)
# Columns of its per-agent state (row = agent id + 1; row 0: none).
G_STATE, G_SINCE, G_WRAP_SINCE, G_LAST_END, G_LAST_END_TS = range(5)
AGENT_FILL = np.array([0, -1, -1, -1, -1], np.int64)


@njit(cache=True)
def apply_events(kind, iid, ts, agent, queue, channel, value, base, target_ms, short_ms,
                 iv_tab, slot0, cs, ag, ring_id, acc_q, acc_a, hist_q, newest, waiting_q):
    """The incremental engine's step, O(1) per event (an agent state spanning k
    intervals: O(k)): update the per-contact state (``cs``, a row per contact from
    id ``base``) and per-agent state (``ag``) and the accumulators of the interval
    each moment falls in (iv_tab by UTC quarter hour, as the batch engine), per
    queue and per agent (row = id + 1; row 0: none). ``newest``: [latest interval,
    moments too late for the ring, latest time]. ``waiting_q``: contacts waiting per
    queue row now. The caller makes room for every id and agent first."""
    offered, answered, done = cs[:, C_OFFERED], cs[:, C_ANSWERED], cs[:, C_DONE]
    ended, end_iv, s_queue = cs[:, C_ENDED], cs[:, C_END_IV], cs[:, C_QUEUE]
    s_agent, transfers, outcome = cs[:, C_AGENT], cs[:, C_TRANSFERS], cs[:, C_OUTCOME]
    acw, s_channel, waiting = cs[:, C_ACW], cs[:, C_CHANNEL], cs[:, C_WAITING]
    # Transfers as of the end that was counted: more may come before a later end.
    end_transfers = cs[:, C_END_TRANSFERS]
    a_state, a_since, wrap_since = ag[:, G_STATE], ag[:, G_SINCE], ag[:, G_WRAP_SINCE]
    last_end, last_end_ts = ag[:, G_LAST_END], ag[:, G_LAST_END_TS]
    n_q = target_ms.shape[0]
    window = ring_id.shape[0]
    for i in range(kind.shape[0]):
        k = kind[i]
        t = ts[i]
        slot = iid[i] - base if iid[i] >= 0 else -1
        agent_ix = agent[i] + 1 if agent[i] >= 0 else 0
        qi = queue[i] + 1
        queue_ix = qi if qi > 0 and qi < n_q else 0
        iv = iv_tab[t // SLOT_MS - slot0]
        if iv > newest[0]:
            newest[0] = iv
            _advance(ring_id, acc_q, acc_a, hist_q, iv, window)
        if t > newest[2]:
            newest[2] = t
        if k == AGENT_STATE or k == AGENT_LOGOUT or k == AGENT_LOGIN:
            a = agent_ix
            if a <= 0:
                continue
            new = _state_of(k, value[i])
            if t < a_since[a]:
                # Older than the agent's state on record: the time already split
                # cannot be split again here (the batch engine sorts); say so.
                newest[1] += 1
                continue
            col = STATE_COLUMN[a_state[a]] if a_state[a] < STATE_COLUMN.shape[0] else 0
            if col > 0:
                _state_time(acc_q, acc_a, hist_q, ring_id, newest[0], a, col, a_since[a], t,
                            iv_tab, slot0, window, newest[1:2])
            a_state[a] = new
            a_since[a] = t
            if new == ST_WRAP_UP:
                if wrap_since[a] < 0:
                    wrap_since[a] = t
            elif wrap_since[a] >= 0:
                s = last_end[a]
                if last_end_ts[a] == wrap_since[a] and s >= 0 and ended[s] == last_end_ts[a]:
                    # Once per end: a later end resets acw[s] and takes its share back.
                    w = t - wrap_since[a]
                    acw[s] = w
                    e = end_iv[s]
                    if _held(ring_id, e, newest[0], window):
                        _add(acc_q, acc_a, e % window, s_queue[s], s_agent[s], A_ACW, w)
                    elif e >= 0:
                        newest[1] += 1
                wrap_since[a] = -1
            continue
        s = slot
        if s < 0:
            continue
        if s_channel[s] < 0:
            s_channel[s] = channel[i]
        dial = s_channel[s] == OUTBOUND_CALL
        if k == TRANSFERRED:
            transfers[s] += 1
            continue
        if k == ENQUEUED:
            if offered[s] < 0:
                offered[s] = t
                s_queue[s] = queue_ix
                if not done[s] and not dial:  # a dial waits for no one
                    waiting_q[queue_ix] += 1
                    waiting[s] = 1
            continue
        if k != ACCEPTED and k != ABANDONED and k != VOICEMAIL and k != ENDED:
            continue
        if k == ENDED:
            a = agent_ix
            if a > 0:
                last_end[a] = s
                last_end_ts[a] = t
            if answered[s] < 0 or s_queue[s] < 0 or t < answered[s]:
                continue
            q, sa = s_queue[s], s_agent[s]
            if ended[s] >= 0 and end_iv[s] >= 0:
                # Only the last end counts (a conversation resumed after a transfer):
                # take the earlier one back, if its interval is still held.
                if _held(ring_id, end_iv[s], newest[0], window):
                    _conversation(acc_q, acc_a, end_iv[s] % window, q, sa, -1,
                                  ended[s] - answered[s], acw[s], end_transfers[s], outcome[s],
                                  s_channel[s])
                else:
                    newest[1] += 1
            ended[s] = t
            outcome[s] = value[i]
            acw[s] = -1
            end_iv[s] = -1
            if newest[0] - iv >= window:
                newest[1] += 1
                continue
            r = _advance(ring_id, acc_q, acc_a, hist_q, iv, window)
            _conversation(acc_q, acc_a, r, q, sa, 1, t - answered[s], -1, transfers[s],
                          outcome[s], s_channel[s])
            end_transfers[s] = transfers[s]
            end_iv[s] = iv
            continue
        if done[s]:
            continue
        done[s] = True
        if offered[s] < 0:
            continue  # hung up before it was offered (in the IVR): not a contact yet
        q = s_queue[s]
        if waiting[s]:
            waiting_q[q] -= 1
            waiting[s] = 0
        if k == ACCEPTED:
            answered[s] = t
            s_agent[s] = agent_ix
        if dial:
            continue  # its conversation counts; its wait does not
        if newest[0] - iv >= window:
            newest[1] += 1
            continue
        r = _advance(ring_id, acc_q, acc_a, hist_q, iv, window)
        wait = t - offered[s]
        a = s_agent[s]
        _add(acc_q, acc_a, r, q, a, A_OFFERED, 1)
        if k == ACCEPTED:
            _add(acc_q, acc_a, r, q, a, A_ANSWERED, 1)
            _add(acc_q, acc_a, r, q, a, A_WAIT, wait)
            hist_q[r, q, wait_bin(wait)] += 1
            if wait <= target_ms[q]:
                _add(acc_q, acc_a, r, q, a, A_IN_TARGET, 1)
        elif k == ABANDONED:
            _add(acc_q, acc_a, r, q, a, A_ABANDONED, 1)
            if wait < short_ms:
                _add(acc_q, acc_a, r, q, a, A_SHORT, 1)
        else:
            _add(acc_q, acc_a, r, q, a, A_VOICEMAIL, 1)
        if wait > acc_q[r, q, A_LONGEST]:
            acc_q[r, q, A_LONGEST] = wait
        if wait > acc_a[r, a, A_LONGEST]:
            acc_a[r, a, A_LONGEST] = wait
