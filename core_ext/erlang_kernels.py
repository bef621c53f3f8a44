"""The staffing kernels (numba): Erlang C (M/M/n) and Erlang A (M/M/n+M) figures for
n agents and the least n that meets a service-level target, over many intervals at
once. core.wfm.erlang checks the inputs and wraps them.

Every quantity is in units of the mean handle time h: the load a = λh (Erlangs),
the patience ratio nu = h / mean patience (θ/μ), the answer target tau = t / h. The
figures come back in the same units (ASA / h).

Erlang B comes from its recursion B(k) = a B(k-1) / (k + a B(k-1)), which stays in
[0, 1] at any load (the factorial form overflows near 170 Erlangs), and Erlang C from
C = n B / (n - a (1 - B)). Erlang A sums its queue in log space: at 100,000 Erlangs
with n well below a the terms π_{n+j} / π_n reach e^{10^5}. docs/wfm.md derives the
formulas.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: Tail terms of Erlang A stop at this factor below the largest (log): e^-41.5 < 1e-18,
#: well under the 1e-16 that a double holds of their sum.
_LOG_NEGLIGIBLE = 41.5
#: A queue longer than this many places is not summed: that many customers waiting
#: means customers who wait half a lifetime; the wrapper refuses such inputs first.
MAX_QUEUE = 200_000_000


#: Erlang B's recursion forgets where it started: each step shrinks an error by k / a
#: or less, so from an approximate start this many sqrt(a) below a the error is
#: e^{-c^2/2} = e^{-50} of B by the time k reaches a, far below a double's 1e-16.
_SETTLE_SQRT = 10.0


@njit(cache=True)
def _settled_start(a, n):
    """Where to start B's recursion for B(n, a), and 1 / B there."""
    k0 = np.int64(math.floor(a - _SETTLE_SQRT * math.sqrt(a)))
    if k0 > 0 and k0 < n:
        # Far below the load nearly every server is busy: B(k) ~ 1 - k / a.
        return k0, a / (a - k0)
    return np.int64(0), 1.0


@njit(cache=True)
def inverse_erlang_b(a, n):
    """1 / B(n, a), Erlang B being the share of calls blocked with n servers and no
    queue. From the recursion 1/B(k) = 1 + (k / a) / B(k-1), started where it has
    settled: O(sqrt(a)) steps for n near a, not O(a). Overflows to inf only where B
    is below 1e-308."""
    k0, inv = _settled_start(a, n)
    # inv * k / a, not inv * (k * (1 / a)): 1 / a rounded once would bias every step
    # alike, and the bias adds up over the thousands of steps at 100,000 Erlangs.
    for k in range(k0 + 1, n + 1):
        inv = 1.0 + inv * k / a
    return inv


@njit(cache=True)
def _inverse_erlang_b_fast(a, n):
    """inverse_erlang_b four steps at a time: with r_j = (k+j) / a,
    1/B(k+3) = (1 + r_3 + r_3 r_2 + r_3 r_2 r_1) + r_3 r_2 r_1 r_0 / B(k-1). The
    divisions and products do not wait on 1/B, so the chain the CPU must run in
    order is one multiply-add per four steps. Every term is positive: no
    cancellation, the same accuracy."""
    k0, inv = _settled_start(a, n)
    k = k0 + 1
    while k + 3 <= n:
        r4 = (k + 3) / a
        r43 = r4 * ((k + 2) / a)
        r432 = r43 * ((k + 1) / a)
        inv = ((1.0 + r4) + (r43 + r432)) + (r432 * (k / a)) * inv
        k += 4
    while k <= n:
        inv = 1.0 + inv * k / a
        k += 1
    return inv


@njit(cache=True)
def erlang_b(a, n):
    """Erlang B(n, a)."""
    return 1.0 / inverse_erlang_b(a, n)


@njit(cache=True)
def _erlang_c_from_inverse_b(a, n, inv):
    # C = n B / (n - a (1 - B)) with B = 1 / inv, one division.
    return n / (inv * (n - a) + a)


@njit(cache=True)
def erlang_c_figures(load, agents, tau):
    """Per interval: service level, P(wait), ASA / h and occupancy of Erlang C with
    ``agents`` agents. An interval with no more agents than Erlangs has no steady
    state: everyone waits (P(wait) 1), nobody within the target, the wait grows
    without end (ASA inf) and every agent is busy (occupancy 1)."""
    m = load.shape[0]
    sl = np.empty(m)
    pwait = np.empty(m)
    asa = np.empty(m)
    occ = np.empty(m)
    for i in range(m):
        a = load[i]
        n = agents[i]
        if a == 0.0:
            sl[i], pwait[i], asa[i], occ[i] = 1.0, 0.0, 0.0, 0.0
        elif n <= a:
            sl[i], pwait[i], asa[i] = 0.0, 1.0, math.inf
            occ[i] = 1.0 if n > 0 else 0.0
        else:
            c = _erlang_c_from_inverse_b(a, n, _inverse_erlang_b_fast(a, n))
            pwait[i] = c
            sl[i] = 1.0 - c * math.exp(-(n - a) * tau[i])
            asa[i] = c / (n - a)
            occ[i] = a / n
    return sl, pwait, asa, occ


@njit(cache=True)
def erlang_c_staffing(load, tau, target, least):
    """Per interval: the least n >= least[i] whose Erlang C service level is at least
    target[i], and its service level, P(wait), ASA / h and occupancy. No traffic
    needs nobody. The search starts at the first n with a steady state,
    floor(a) + 1, and walks up one agent at a time, each step one more term of B's
    recursion and one product for e^{-(n-a) tau}."""
    m = load.shape[0]
    out = np.empty(m, np.int64)
    sl = np.empty(m)
    pwait = np.empty(m)
    asa = np.empty(m)
    occ = np.empty(m)
    for i in range(m):
        a = load[i]
        if a == 0.0:
            out[i] = 0
            sl[i], pwait[i], asa[i], occ[i] = 1.0, 0.0, 0.0, 0.0
            continue
        n = max(np.int64(math.floor(a)) + 1, least[i])
        inv = _inverse_erlang_b_fast(a, n)
        t = tau[i]
        goal = target[i]
        decay = math.exp(-(n - a) * t)
        c = _erlang_c_from_inverse_b(a, n, inv)
        step = -1.0  # e^{-t}, once a step is taken: most long targets take none
        while 1.0 - c * decay < goal:
            if step < 0.0:
                step = math.exp(-t)
            n += 1
            inv = 1.0 + inv * n / a
            decay *= step
            c = _erlang_c_from_inverse_b(a, n, inv)
        out[i] = n
        pwait[i] = c
        sl[i] = 1.0 - c * decay
        asa[i] = c / (n - a)
        occ[i] = a / n
    return out, sl, pwait, asa, occ


@njit(cache=True)
def _log_add(x, y):
    if x < y:
        x, y = y, x
    if y == -math.inf:
        return x
    return x + math.log1p(math.exp(y - x))


@njit(cache=True)
def erlang_a_point(a, nu, n, tau):
    """Erlang A with n agents: (service level, P(wait), ASA / h, abandonment,
    occupancy). The service level counts an arrival that is answered within tau;
    one who abandons, within tau or later, counts against it. ASA is the mean wait
    of the answered.

    An arrival that finds j waiting joins at place i = j + 1; it is answered with
    probability n / (n + i nu) and its time to answer is the sum of Exp(n + k nu),
    k = 1..i, whose distribution function at tau is P(K >= i) for K negative
    binomial with r = n / nu + 1 and success 1 - e^{-nu tau} (docs/wfm.md)."""
    if a == 0.0:
        return 1.0, 0.0, 0.0, 0.0, 0.0
    if n == 0:
        return 0.0, 1.0, math.inf, 1.0, 0.0
    b = erlang_b(a, n)
    if b == 0.0:
        # So many agents that the chance all are busy is below 1e-308.
        return 1.0, 0.0, 0.0, 0.0, a / n
    log_a = math.log(a)
    # Pass 1: log of S = sum_{j>=1} prod_{i<=j} a / (n + i nu), to normalise.
    lt = 0.0
    top = -math.inf
    scaled = 0.0
    j = 0
    while True:
        j += 1
        lt += log_a - math.log(n + j * nu)
        if lt > top:
            scaled = scaled * math.exp(top - lt) + 1.0
            top = lt
        else:
            scaled += math.exp(lt - top)
        if (n + j * nu > a and lt < top - _LOG_NEGLIGIBLE) or j >= MAX_QUEUE:
            break
    places = j
    log_s = top + math.log(scaled)
    log_b = math.log(b)
    log_norm = _log_add(0.0, log_b + log_s)  # log(1 + B S)
    log_pi_n = log_b - log_norm
    p_nowait = math.exp(math.log1p(-b) - log_norm)
    # Pass 2: the figures, and the service level summed over K's values m = j + 1
    # alongside: sum_i w_i P(K >= i) = sum_m P(K = m) W_m, W_m = sum_{i<=m} w_i,
    # positive terms only (1 - CDF would cancel where P(K >= i) is small).
    # A target so short that 1 - e^{-nu tau} is 0 in doubles is a target of 0 s.
    u = -math.expm1(-nu * tau)
    timed = u > 0.0
    x = n / nu
    log_u = math.log(u) if timed else 0.0
    lp = -(n + nu) * tau  # log P(K = 0)
    cdf = math.exp(lp)
    pwait = 0.0
    pab = 0.0
    served_q = 0.0
    wait_sum = 0.0
    asa_num = 0.0
    sl_q = 0.0
    lt = 0.0
    for j in range(places + 1):
        if j > 0:
            lt += log_a - math.log(n + j * nu)
        p = math.exp(log_pi_n + lt)
        denom = n + (j + 1) * nu
        pwait += p
        pab += p * ((j + 1) * nu / denom)
        w = p * (n / denom)
        served_q += w
        wait_sum += 1.0 / denom
        asa_num += w * wait_sum
        if timed:
            m = j + 1
            lp += math.log1p(x / m) + log_u
            q = math.exp(lp)
            cdf += q
            sl_q += q * served_q
    if timed:
        if cdf < 0.5:
            # K mostly beyond the longest queue: every place is reached in time
            # with the remaining probability, which is near 1 (no cancellation).
            sl_q += served_q * (1.0 - cdf)
        else:
            m = places + 1
            while True:
                m += 1
                ratio = (m + x) / m * math.exp(log_u)
                lp += math.log1p(x / m) + log_u
                q = math.exp(lp)
                sl_q += q * served_q
                if ratio < 1.0 and q * served_q <= 1e-18 * (sl_q + p_nowait) * (1.0 - ratio):
                    break
                if m > places + MAX_QUEUE:
                    break
    served = p_nowait + served_q
    sl = p_nowait + sl_q
    asa = asa_num / served if served > 0.0 else math.inf
    occ = a * (1.0 - pab) / n
    return min(sl, 1.0), min(pwait, 1.0), asa, min(pab, 1.0), min(occ, 1.0)


@njit(cache=True)
def erlang_a_figures(load, nu, agents, tau):
    """erlang_a_point per interval."""
    m = load.shape[0]
    sl = np.empty(m)
    pwait = np.empty(m)
    asa = np.empty(m)
    pab = np.empty(m)
    occ = np.empty(m)
    for i in range(m):
        sl[i], pwait[i], asa[i], pab[i], occ[i] = erlang_a_point(load[i], nu[i], agents[i],
                                                                 tau[i])
    return sl, pwait, asa, pab, occ


@njit(cache=True)
def _meets_a(a, nu, n, tau, target, cap, abandon_cap):
    sl, _, _, pab, occ = erlang_a_point(a, nu, n, tau)
    return sl >= target and occ <= cap and pab <= abandon_cap


@njit(cache=True)
def erlang_a_staffing(load, nu, tau, target, cap, abandon_cap):
    """Per interval: the least n whose Erlang A service level is at least target[i],
    occupancy at most cap[i] and abandonment at most abandon_cap[i] (1: no cap).
    With abandonment n can be below the load: the search starts at the least n that
    could meet the target at all (those answered are at most n / a of the arrivals),
    gallops up doubling its step and bisects back; the three figures are monotone
    in n."""
    m = load.shape[0]
    out = np.empty(m, np.int64)
    for i in range(m):
        a = load[i]
        goal = target[i]
        # With nobody every caller hangs up: a 0 % target is met unless abandonment
        # is capped.
        if a == 0.0 or (goal <= 0.0 and abandon_cap[i] >= 1.0):
            out[i] = 0
            continue
        lo = max(np.int64(1), np.int64(math.floor(goal * a)))
        if _meets_a(a, nu[i], lo, tau[i], goal, cap[i], abandon_cap[i]):
            out[i] = lo
            continue
        step = np.int64(1)
        hi = lo + step
        while not _meets_a(a, nu[i], hi, tau[i], goal, cap[i], abandon_cap[i]):
            lo = hi
            step *= 2
            hi = lo + step
        while hi - lo > 1:  # lo fails, hi meets
            mid = (lo + hi) // 2
            if _meets_a(a, nu[i], mid, tau[i], goal, cap[i], abandon_cap[i]):
                hi = mid
            else:
                lo = mid
        out[i] = hi
    return out


#: What check_inputs finds wrong first, by code (core.wfm.inputs words each).
OK = 0
BAD_CONTACTS = 1
BAD_HANDLE = 2
BAD_ANSWER = 3
BAD_PATIENCE = 4
BAD_SHARE = 5
SHARE_UNREACHABLE = 6
BAD_CAP = 7
BAD_SHRINKAGE = 8
QUEUE_TOO_LONG = 9


@njit(cache=True)
def check_inputs(contacts, handle, answer, patience, share, cap, shrink, agents,
                 interval_s, max_places):
    """One pass over the intervals: the first bad input (code, interval; OK, -1) and
    the kernels' inputs load, tau = answer / handle and nu = handle / patience (0:
    no abandonment). NaN fails every comparison, so it is refused with the rest.
    ``agents`` -1: the least n the staffing search may try (share x load)."""
    m = contacts.shape[0]
    load = np.empty(m)
    tau = np.empty(m)
    nu = np.empty(m)
    for i in range(m):
        c = contacts[i]
        h = handle[i]
        if not (c >= 0.0 and c < math.inf):
            return BAD_CONTACTS, i, load, tau, nu
        if not (h > 0.0 and h < math.inf):
            return BAD_HANDLE, i, load, tau, nu
        if not (answer[i] >= 0.0 and answer[i] < math.inf):
            return BAD_ANSWER, i, load, tau, nu
        if not patience[i] > 0.0:
            return BAD_PATIENCE, i, load, tau, nu
        if not (share[i] >= 0.0 and share[i] <= 1.0):
            return BAD_SHARE, i, load, tau, nu
        if share[i] == 1.0 and c > 0.0:
            return SHARE_UNREACHABLE, i, load, tau, nu
        if not (cap[i] > 0.0 and cap[i] <= 1.0):
            return BAD_CAP, i, load, tau, nu
        if not (shrink[i] >= 0.0 and shrink[i] < 1.0):
            return BAD_SHRINKAGE, i, load, tau, nu
        a = c * h / interval_s
        load[i] = a
        tau[i] = answer[i] / h
        nu[i] = h / patience[i] if patience[i] < math.inf else 0.0
        if nu[i] > 0.0:
            lowest = agents[i] if agents[i] >= 0 else max(math.floor(share[i] * a), 1.0)
            if max(a - lowest, 0.0) / nu[i] > max_places:
                return QUEUE_TOO_LONG, i, load, tau, nu
    return OK, -1, load, tau, nu
