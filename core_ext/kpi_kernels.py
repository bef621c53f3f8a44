"""Compiled KPI kernels (numba). Plain arrays in, arrays out; core.kpi wraps them."""

from __future__ import annotations

import numpy as np
from numba import njit

# core.model.EventKind codes (tests/core/kpi checks them against the enum).
ARRIVED, ENQUEUED, ACCEPTED, TRANSFERRED, ENDED, ABANDONED, VOICEMAIL, BLOCKED = (
    1, 2, 4, 7, 9, 10, 11, 16)


@njit(cache=True)
def contact_facts(ts, kind, slot, agent, queue, channel, value, n):
    """One pass over events in seq order: per contact (slot 0..n-1) the times of its
    milestones (-1: none), the answering agent, its queue and channel, the outcome of
    its last end and its transfers. See docs/kpi.md for which event sets what."""
    arrived = np.full(n, -1, np.int64)
    offered = np.full(n, -1, np.int64)
    answered = np.full(n, -1, np.int64)
    abandoned = np.full(n, -1, np.int64)
    voicemail = np.full(n, -1, np.int64)
    ended = np.full(n, -1, np.int64)
    by_agent = np.full(n, -1, np.int64)
    on_queue = np.full(n, -1, np.int64)
    on_channel = np.full(n, -1, np.int64)
    outcome = np.full(n, -1, np.int64)
    transfers = np.zeros(n, np.int32)
    blocked = np.zeros(n, np.bool_)
    for i in range(ts.shape[0]):
        s = slot[i]
        if s < 0:
            continue
        k = kind[i]
        t = ts[i]
        if on_channel[s] < 0 and channel[i] >= 0:
            on_channel[s] = channel[i]
        if k == ENQUEUED:
            if offered[s] < 0:
                offered[s] = t
                on_queue[s] = queue[i]
        elif k == ACCEPTED:
            if answered[s] < 0 and abandoned[s] < 0 and voicemail[s] < 0:
                answered[s] = t
                by_agent[s] = agent[i]
        elif k == ABANDONED:
            if answered[s] < 0 and abandoned[s] < 0 and voicemail[s] < 0:
                abandoned[s] = t
        elif k == VOICEMAIL:
            if answered[s] < 0 and abandoned[s] < 0 and voicemail[s] < 0:
                voicemail[s] = t
        elif k == ENDED:
            ended[s] = t
            outcome[s] = value[i]
        elif k == ARRIVED:
            if arrived[s] < 0:
                arrived[s] = t
        elif k == TRANSFERRED:
            transfers[s] += 1
        elif k == BLOCKED:
            blocked[s] = True
        if on_queue[s] < 0 and queue[i] >= 0 and k != ENQUEUED:
            on_queue[s] = queue[i]
    return (arrived, offered, answered, abandoned, voicemail, ended, by_agent, on_queue,
            on_channel, outcome, transfers, blocked)


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
