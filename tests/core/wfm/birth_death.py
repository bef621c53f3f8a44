"""The plain reference for Erlang C and Erlang A: the queue as a birth–death chain,
solved state by state in 60-digit decimals, and each arrival followed through the
queue from the state it finds. Written from the model, not from the kernels: no
Erlang B recursion, no closed forms, no log space.

Units of the mean handle time h: arrivals at rate a (the load), each agent answers
at rate 1, each waiting customer hangs up at rate nu (0: never, Erlang C); the
target is tau = t / h.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext

D = Decimal


def _hypoexponential_cdf(rates: list[Decimal], t: Decimal) -> Decimal:
    """P(Exp(r_1) + ... + Exp(r_i) <= t) for distinct rates, by partial fractions:
    1 - sum_k e^{-r_k t} prod_{j != k} r_j / (r_j - r_k). The terms cancel each other
    by many digits; the caller's precision covers them."""
    total = D(0)
    for k, rk in enumerate(rates):
        c = D(1)
        for j, rj in enumerate(rates):
            if j != k:
                c *= rj / (rj - rk)
        total += c * (-rk * t).exp()
    return 1 - total


def _digits_for(n: int, nu: float, places: int) -> int:
    """Decimal digits for the partial fractions of up to ``places`` places: their
    coefficients reach about C(n / nu + i, i) 2^i."""
    if nu == 0 or places == 0:
        return 60
    x = n / nu
    i = places
    log10 = (math.lgamma(x + i + 1) - math.lgamma(x + 1) - math.lgamma(i + 1)
             + i * math.log(2)) / math.log(10)
    return 60 + int(log10)


def figures(a: float, nu: float, n: int, tau: float) -> dict[str, float]:
    """Service level (answered within tau), P(wait), ASA / h (of the answered),
    abandonment and occupancy of the stationary queue with n agents (n > a when
    nu is 0)."""
    with localcontext() as ctx:
        ctx.prec = 60
        lam, theta, t = D(a), D(nu), D(tau)
        # Unnormalised stationary probabilities: p_k death_k = p_{k-1} lam, until the
        # terms are falling and 1e-30 of the queue's sum (which may itself be tiny).
        p = [D(1)]
        total = D(1)
        queue = D(0)
        k = 0
        while True:
            k += 1
            death = min(k, n) + max(k - n, 0) * theta
            p.append(p[-1] * lam / death)
            total += p[-1]
            if k >= n:
                queue += p[-1]
            if k > n and death > lam and p[-1] < queue * D("1e-30"):
                break
        pi = [x / total for x in p]
        places = len(pi) - n
        ctx.prec = _digits_for(n, nu, places)
        sl = sum(pi[:n], D(0))  # answered at once
        p_wait = sum(pi[n:], D(0))
        served = sl
        abandoned = D(0)
        wait_of_answered = D(0)
        busy = sum((pi[k] * min(k, n) for k in range(len(pi))), D(0))
        # Erlang C: the time to answer from place i is Erlang(i, n); its survival
        # function sum_{m<i} e^{-nt} (nt)^m / m!, one term more per place.
        poisson_term = (-D(n) * t).exp()
        erlang_survival = D(0)
        # An arrival at place i (finding i - 1 waiting) goes through places i..1; at
        # place m it moves up (an agent frees up or one of the m - 1 ahead hangs up)
        # or hangs up itself, after a time Exp(n + m theta) either way. Place i's
        # products and sums are place i - 1's with one factor more.
        p_served = D(1)
        mean_time = D(0)
        for k in range(n, len(pi)):
            i = k - n + 1
            p_served *= (n + (i - 1) * theta) / (n + i * theta)
            mean_time += 1 / (n + i * theta)
            if nu == 0:
                erlang_survival += poisson_term
                poisson_term *= n * t / i
                within = 1 - erlang_survival
            else:
                within = _hypoexponential_cdf([n + m * theta for m in range(1, i + 1)], t)
            served += pi[k] * p_served
            abandoned += pi[k] * (1 - p_served)
            wait_of_answered += pi[k] * p_served * mean_time
            sl += pi[k] * p_served * within
        return {"service_level": float(sl), "p_wait": float(p_wait),
                "asa": float(wait_of_answered / served), "abandonment": float(abandoned),
                "occupancy": float(busy / n)}
