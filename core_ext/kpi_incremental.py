"""The incremental engine (numba): per-contact and per-agent state, and a ring of
per-interval accumulators by queue and by agent, updated O(1) per event.
core.kpi.incremental wraps them."""

from __future__ import annotations

import numpy as np
from numba import njit

from core_ext.kpi_layout import (
    A_ABANDONED,
    A_ACW,
    A_ANSWERED,
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
    ABANDONED,
    ACCEPTED,
    AGENT_LOGIN,
    AGENT_LOGOUT,
    AGENT_STATE,
    ENDED,
    ENQUEUED,
    OUTBOUND_CALL,
    SLOT_MS,
    ST_WRAP_UP,
    STATE_COLUMN,
    TRANSFERRED,
    VOICEMAIL,
)
from core_ext.kpi_rules import resolved_first_time, state_of, wait_bin

# Columns of the live engine's per-contact state (one row per contact).
(C_OFFERED, C_ANSWERED, C_DONE, C_ENDED, C_END_IV, C_QUEUE, C_AGENT, C_TRANSFERS,
 C_OUTCOME, C_ACW, C_CHANNEL, C_WAITING, C_END_TRANSFERS) = range(13)
#: What a contact's row holds before any of its events.
CONTACT_FILL = np.array([-1, -1, 0, -1, -1, -1, 0, 0, -1, -1, -1, 0, 0], np.int64)
# Columns of its per-agent state (row = agent id + 1; row 0: none).
G_STATE, G_SINCE, G_WRAP_SINCE, G_LAST_END, G_LAST_END_TS = range(5)
AGENT_FILL = np.array([0, -1, -1, -1, -1], np.int64)


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
def state_time(acc_q, acc_a, hist_q, ring_id, newest, a, col, t0, t1, iv_tab, slot0, window, lost):
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
            new = state_of(k, value[i])
            if t < a_since[a]:
                # Older than the agent's state on record: the time already split
                # cannot be split again here (the batch engine sorts); say so.
                newest[1] += 1
                continue
            col = STATE_COLUMN[a_state[a]] if a_state[a] < STATE_COLUMN.shape[0] else 0
            if col > 0:
                state_time(acc_q, acc_a, hist_q, ring_id, newest[0], a, col, a_since[a], t,
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
