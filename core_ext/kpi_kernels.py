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
