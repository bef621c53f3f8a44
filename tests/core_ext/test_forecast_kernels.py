"""The forecast's smoothing kernel against Holt–Winters written out plainly, day by
day in Python floats, on random histories with unknown days and holidays."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core_ext import forecast_kernels as kernels


def reference(x, weekday, use, alpha, beta, gamma, phi, horizon):
    """Holt–Winters, multiplicative season of 7, damped additive trend; days not used
    carry the state on as forecast; observations clipped to [f/2, 2f] for the update."""
    warm = [i for i in range(min(len(x), 14)) if use[i]]
    level = sum(x[i] for i in warm) / len(warm) if warm else 0.0
    season = [1.0] * 7
    if level > 0:
        for w in range(7):
            mine = [x[i] for i in warm if weekday[i] == w]
            if mine:
                season[w] = max(sum(mine) / len(mine) / level, 1e-3)
        mean = sum(season) / 7
        season = [s / mean for s in season]
    trend, sae, ahead = 0.0, 0.0, []
    for i in range(len(x)):
        w = weekday[i]
        if use[i] and level > 0:
            f = (level + phi * trend) * season[w]
            if i >= 14:
                sae += abs(x[i] - f)
            obs = min(max(x[i], f / 2), 2 * f) if f > 0 else x[i]
            new = alpha * obs / season[w] + (1 - alpha) * (level + phi * trend)
            trend = beta * (new - level) + (1 - beta) * phi * trend
            if new > 0:
                season[w] = gamma * obs / new + (1 - gamma) * season[w]
            level = max(new, 0.0)
        elif use[i]:
            level = x[i] / season[w]
        else:
            level = max(level + phi * trend, 0.0)
            trend = phi * trend
        ahead.append([max(level + sum(phi ** k for k in range(1, j + 2)) * trend, 0.0)
                      * season[(w + 1 + j) % 7] for j in range(horizon)])
    return level, trend, season, sae, ahead


@settings(deadline=None, max_examples=60)
@given(days=st.integers(1, 60), seed=st.integers(0, 2**31),
       alpha=st.floats(0.01, 0.9), beta=st.floats(0, 0.5), gamma=st.floats(0, 0.9),
       phi=st.floats(0.5, 1.0), start=st.integers(0, 6), unused=st.floats(0, 0.5))
def test_smoothing_is_holt_winters(days, seed, alpha, beta, gamma, phi, start,
                                   unused) -> None:
    rng = np.random.default_rng(seed)
    weekday = (start + np.arange(days)) % 7
    x = rng.gamma(2.0, 100.0, days) * (1 + (weekday >= 5))
    x[rng.random(days) < 0.05] = 0.0
    use = rng.random(days) >= unused
    level, trend, season, sae, ahead = kernels.smooth_days(
        x, weekday.astype(np.int64), use, alpha, beta, gamma, phi, 3)
    ref = reference(x.tolist(), weekday.tolist(), use.tolist(), alpha, beta, gamma, phi, 3)
    assert level == pytest.approx(ref[0], rel=1e-9, abs=1e-9)
    assert trend == pytest.approx(ref[1], rel=1e-9, abs=1e-9)
    assert season.tolist() == pytest.approx(ref[2], rel=1e-9)
    assert sae == pytest.approx(ref[3], rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(ahead, np.array(ref[4]).reshape(days, 3), rtol=1e-9,
                               atol=1e-9)


def test_the_weights_searched_are_the_best_of_the_grid() -> None:
    rng = np.random.default_rng(4)
    weekday = np.arange(120, dtype=np.int64) % 7
    x = 1000 * (1 + 0.004 * np.arange(120)) * np.where(weekday >= 5, 0.4, 1.0)
    x = rng.poisson(x).astype(float)
    use = np.ones(120, dtype=bool)
    grid = np.array([0.05, 0.3]), np.array([0.0, 0.1]), np.array([0.05, 0.3])
    a, b, g = kernels.best_weights(x, weekday, use, *grid, 0.9)
    scores = {(aa, bb, gg): reference(x, weekday, use, aa, bb, gg, 0.9, 0)[3]
              for aa in grid[0] for bb in grid[1] for gg in grid[2]}
    assert scores[a, b, g] == min(scores.values())
