"""Compiled KPI kernels (numba). Plain arrays in, arrays out; core.kpi wraps them."""

from __future__ import annotations

import numpy as np
from numba import njit

# core.model.EventKind codes (tests/core/kpi checks them against the enum).
ARRIVED, ENQUEUED, ACCEPTED, TRANSFERRED, ENDED, ABANDONED, VOICEMAIL, BLOCKED = (
    1, 2, 4, 7, 9, 10, 11, 16)


# Columns of a contact's record in contact_facts' output: one row of 64 bytes per
# contact, so that an event touches one cache line, not one per fact.
F_OFFERED, F_RESOLVED, F_ENDED, F_AGENT, F_QUEUE, F_CHANNEL, F_HOW, F_OUTCOME = range(8)
N_FACTS = 8
# How a wait ended (F_HOW).
HOW_ANSWERED, HOW_ABANDONED, HOW_VOICEMAIL = 1, 2, 3


@njit(cache=True)
def id_span(iid):
    """The smallest and largest interaction id (-1, -1 when there is none)."""
    lo, hi = -1, -1
    for i in range(iid.shape[0]):
        x = iid[i]
        if x >= 0:
            if lo < 0 or x < lo:
                lo = x
            if x > hi:
                hi = x
    return lo, hi


@njit(cache=True)
def contact_facts_by_id(ts, kind, iid, lo, agent, queue, channel, value, n):
    """contact_facts for ids lo..lo+n-1, the slot being the id's offset (no slot array
    for dense ids; ids that never occur keep rows of -1)."""
    return _facts(ts, kind, iid, lo, agent, queue, channel, value, n)


@njit(cache=True)
def contact_facts(ts, kind, slot, agent, queue, channel, value, n):
    return _facts(ts, kind, slot, 0, agent, queue, channel, value, n)


@njit(cache=True)
def _facts(ts, kind, slot, lo, agent, queue, channel, value, n):
    """One pass over events in seq order: per contact (slot 0..n-1) a record of when
    it was offered (first ENQUEUED), when and how its wait ended (the first ACCEPTED,
    ABANDONED or VOICEMAIL), when its conversation last ended and with what outcome,
    who answered, its queue (that of its first ENQUEUED, else of its first event
    with one) and channel. -1: none. See docs/kpi.md."""
    f = np.full((n, N_FACTS), -1, np.int64)
    for i in range(ts.shape[0]):
        if slot[i] < 0:
            continue
        s = slot[i] - lo
        k = kind[i]
        r = f[s]
        if r[F_CHANNEL] < 0 and channel[i] >= 0:
            r[F_CHANNEL] = channel[i]
        if k == ENQUEUED:
            if r[F_OFFERED] < 0:
                r[F_OFFERED] = ts[i]
                r[F_QUEUE] = queue[i]
        elif k == ACCEPTED or k == ABANDONED or k == VOICEMAIL:
            if r[F_HOW] < 0:
                r[F_RESOLVED] = ts[i]
                if k == ACCEPTED:
                    r[F_HOW] = HOW_ANSWERED
                    r[F_AGENT] = agent[i]
                elif k == ABANDONED:
                    r[F_HOW] = HOW_ABANDONED
                else:
                    r[F_HOW] = HOW_VOICEMAIL
        elif k == ENDED:
            r[F_ENDED] = ts[i]
            r[F_OUTCOME] = value[i]
        if r[F_QUEUE] < 0 and queue[i] >= 0 and k != ENQUEUED and r[F_OFFERED] < 0:
            r[F_QUEUE] = queue[i]
    return f


# Measures of the batch aggregation (columns of its cells).
A_OFFERED, A_ANSWERED, A_IN_TARGET, A_ABANDONED, A_SHORT, A_VOICEMAIL, A_WAIT, A_LONGEST, \
    A_TALKED, A_TALK = range(10)


@njit(cache=True)
def aggregate(facts, contact_cell, talk_cell, target_ms, short_ms, n_cells):
    """One pass over contact records: the measures of each cell (docs/kpi.md). A
    contact counts in contact_cell (where its wait ended; -1: not counted), its talk
    time in talk_cell (where its conversation ended; -1: none)."""
    acc = np.zeros((n_cells, 10), np.int64)
    acc[:, A_LONGEST] = -1
    for s in range(facts.shape[0]):
        c = contact_cell[s]
        r = facts[s]
        if c >= 0:
            wait = r[F_RESOLVED] - r[F_OFFERED]
            a = acc[c]
            a[A_OFFERED] += 1
            how = r[F_HOW]
            if how == HOW_ANSWERED:
                a[A_ANSWERED] += 1
                a[A_WAIT] += wait
                if wait <= target_ms[s]:
                    a[A_IN_TARGET] += 1
            elif how == HOW_ABANDONED:
                a[A_ABANDONED] += 1
                if wait < short_ms:
                    a[A_SHORT] += 1
            else:
                a[A_VOICEMAIL] += 1
            if wait > a[A_LONGEST]:
                a[A_LONGEST] = wait
        t = talk_cell[s]
        if t >= 0:
            acc[t, A_TALKED] += 1
            acc[t, A_TALK] += r[F_ENDED] - r[F_RESOLVED]
    return acc


# Measures kept per cell by the incremental engine (columns of its accumulators).
M_OFFERED, M_ANSWERED, M_IN_TARGET, M_ABANDONED, M_SHORT, M_VOICEMAIL, M_WAIT, M_LONGEST, \
    M_TALKED, M_TALK = range(10)
N_MEASURES = 10


@njit(cache=True)
def _advance(ring_id, acc_q, acc_a, iv, window):
    """Make interval iv's ring slot current (clearing what it held before)."""
    r = iv % window
    if ring_id[r] != iv:
        ring_id[r] = iv
        acc_q[r, :, :] = 0
        acc_a[r, :, :] = 0
        acc_q[r, :, M_LONGEST] = -1
        acc_a[r, :, M_LONGEST] = -1
    return r


@njit(cache=True)
def _add(acc_q, acc_a, r, q, a, m, v):
    acc_q[r, q, m] += v
    acc_a[r, a, m] += v


@njit(cache=True)
def apply_events(kind, slot, interval, ts, agent_ix, queue_ix, target_ms, short_ms,
                 offered, answered, done, ended, end_iv, s_queue, s_agent,
                 ring_id, acc_q, acc_a, newest):
    """The incremental engine's step, O(1) per event: update the per-contact state
    (offered, answered, done: the wait has ended, ended) and the accumulators of the
    interval the contact's moment falls in, per queue and per answering agent (row 0:
    none). ``newest[0]`` is the latest interval seen; a moment
    more than the ring's length behind it is counted in newest[1] (too late)."""
    window = ring_id.shape[0]
    for i in range(kind.shape[0]):
        s = slot[i]
        if s < 0:
            continue
        k = kind[i]
        t = ts[i]
        iv = interval[i]
        if iv > newest[0]:
            newest[0] = iv
        if k == ENQUEUED:
            if offered[s] < 0:
                offered[s] = t
                s_queue[s] = queue_ix[i]
            continue
        if k != ACCEPTED and k != ABANDONED and k != VOICEMAIL and k != ENDED:
            continue
        if k == ENDED:
            if answered[s] < 0 or s_queue[s] < 0 or t < answered[s]:
                continue
            if ended[s] >= 0 and end_iv[s] >= 0:
                # Only the last end counts (a conversation resumed after a transfer):
                # take the earlier one back, if its interval is still held.
                rb = end_iv[s] % window
                if ring_id[rb] == end_iv[s]:
                    _add(acc_q, acc_a, rb, s_queue[s], s_agent[s], M_TALKED, -1)
                    _add(acc_q, acc_a, rb, s_queue[s], s_agent[s], M_TALK,
                         -(ended[s] - answered[s]))
                else:
                    newest[1] += 1
            ended[s] = t
            end_iv[s] = -1
            if newest[0] - iv >= window:
                newest[1] += 1
                continue
            r = _advance(ring_id, acc_q, acc_a, iv, window)
            _add(acc_q, acc_a, r, s_queue[s], s_agent[s], M_TALKED, 1)
            _add(acc_q, acc_a, r, s_queue[s], s_agent[s], M_TALK, t - answered[s])
            end_iv[s] = iv
            continue
        if done[s]:
            continue
        done[s] = True
        if offered[s] < 0:
            continue  # hung up before it was offered (in the IVR): not a contact yet
        if newest[0] - iv >= window:
            newest[1] += 1
            continue
        r = _advance(ring_id, acc_q, acc_a, iv, window)
        q = s_queue[s]
        wait = t - offered[s]
        a = 0  # no agent
        if k == ACCEPTED:
            answered[s] = t
            a = agent_ix[i]
            s_agent[s] = a
        _add(acc_q, acc_a, r, q, a, M_OFFERED, 1)
        if k == ACCEPTED:
            _add(acc_q, acc_a, r, q, a, M_ANSWERED, 1)
            _add(acc_q, acc_a, r, q, a, M_WAIT, wait)
            if wait <= target_ms[q]:
                _add(acc_q, acc_a, r, q, a, M_IN_TARGET, 1)
        elif k == ABANDONED:
            _add(acc_q, acc_a, r, q, a, M_ABANDONED, 1)
            if wait < short_ms:
                _add(acc_q, acc_a, r, q, a, M_SHORT, 1)
        else:
            _add(acc_q, acc_a, r, q, a, M_VOICEMAIL, 1)
        if wait > acc_q[r, q, M_LONGEST]:
            acc_q[r, q, M_LONGEST] = wait
        if wait > acc_a[r, a, M_LONGEST]:
            acc_a[r, a, M_LONGEST] = wait

