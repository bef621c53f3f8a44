"""The forecast's kernels (numba): Holt–Winters smoothing of daily totals with a damped
trend and a multiplicative day-of-week season, and the search for its smoothing
weights. core.wfm.forecast prepares the days and wraps them.

A day that is not used (unknown, a holiday) does not update the state: the state runs
on through it as forecast, so a holiday's low volume does not pull the level down."""

from __future__ import annotations

import numpy as np
from numba import njit

#: Days that set the initial level and season.
WARM_DAYS = 14
#: An observation updates the state as at most this many times its forecast (or at
#: least its inverse): one odd day (a system outage, a half-imported day) moves the
#: level a bounded step, while a lasting change is followed within days.
_CLIP = 2.0


@njit(cache=True)
def _initial_state(x, weekday, use):
    n = len(x)
    season = np.ones(7)
    total = 0.0
    count = 0
    week_sum = np.zeros(7)
    week_count = np.zeros(7)
    for i in range(min(n, WARM_DAYS)):
        if use[i]:
            total += x[i]
            count += 1
            week_sum[weekday[i]] += x[i]
            week_count[weekday[i]] += 1
    level = total / count if count > 0 else 0.0
    if level > 0:
        for w in range(7):
            if week_count[w] > 0:
                season[w] = max(week_sum[w] / week_count[w] / level, 1e-3)
        mean = season.mean()
        season /= mean
    return level, season


@njit(cache=True)
def smooth_days(x, weekday, use, alpha, beta, gamma, phi, horizon):
    """Run the smoothing over the days; ``ahead[i, j]`` is the forecast made at the end
    of day i for day i + 1 + j. Returns (level, trend, season, sum of absolute one-step
    errors over the used days after the warm-up, ahead)."""
    n = len(x)
    level, season = _initial_state(x, weekday, use)
    trend = 0.0
    sae = 0.0
    ahead = np.zeros((n, horizon))
    for i in range(n):
        w = weekday[i]
        if use[i] and level > 0:
            f = (level + phi * trend) * season[w]
            if i >= WARM_DAYS:
                sae += abs(x[i] - f)
            obs = x[i]
            if f > 0:
                obs = min(max(obs, f / _CLIP), f * _CLIP)
            new_level = alpha * obs / season[w] + (1 - alpha) * (level + phi * trend)
            trend = beta * (new_level - level) + (1 - beta) * phi * trend
            if new_level > 0:
                season[w] = gamma * obs / new_level + (1 - gamma) * season[w]
            level = max(new_level, 0.0)
        elif use[i]:
            # A start from nothing: the first known volume is the level.
            level = x[i] / season[w]
        else:
            level = max(level + phi * trend, 0.0)
            trend = phi * trend
        damp = 0.0
        power = 1.0
        for j in range(horizon):
            power *= phi
            damp += power
            ahead[i, j] = max(level + damp * trend, 0.0) * season[(w + 1 + j) % 7]
    return level, trend, season, sae, ahead


@njit(cache=True)
def best_weights(x, weekday, use, alphas, betas, gammas, phi):
    """The (alpha, beta, gamma) of the grid with the least absolute one-step error."""
    best = np.inf
    out = np.array([alphas[0], betas[0], gammas[0]])
    for a in alphas:
        for b in betas:
            for g in gammas:
                sae = smooth_days(x, weekday, use, a, b, g, phi, 0)[3]
                if sae < best:
                    best = sae
                    out[0], out[1], out[2] = a, b, g
    return out
