"""The batch aggregation (numba): the measures of each cell of a grouping, from the
contacts' facts and the agents' state log or quarter-hour records. core.kpi.batch
wraps them."""

from __future__ import annotations

import numpy as np
from numba import njit

from core_ext.kpi_layout import (
    A_ABANDONED,
    A_ACW,
    A_ANSWERED,
    A_AVAILABLE,
    A_FIRST_CONTACT,
    A_IN_TARGET,
    A_INBOUND_TALKED,
    A_LONGEST,
    A_OFFERED,
    A_SHORT,
    A_TALK,
    A_TALKED,
    A_TRANSFERRED,
    A_TRANSFERS,
    A_VOICEMAIL,
    A_WAIT,
    HOW_ABANDONED,
    HOW_ANSWERED,
    HOW_VOICEMAIL,
    N_MEASURES,
    N_STATE_TIMES,
    OUTBOUND_CALL,
    R_AGENT,
    R_SLOT,
    R_TIME,
    SLOT_MS,
    STATE_COLUMN,
)
from core_ext.kpi_rules import resolved_first_time, wait_bin

# Where a grouping dimension's value comes from.
SRC_CHANNEL, SRC_QUEUE, SRC_AGENT, SRC_INTERVAL = 0, 1, 2, 3


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
