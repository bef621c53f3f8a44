"""Intraday re-forecast: the rest of today from what has arrived so far.

The rest of the day's forecast is scaled by how the day is running: the ratio of
actual to forecast contacts over the last ``window_min`` minutes, damped towards the
whole day's ratio, which is itself damped towards 1 by ``pseudo_count`` contacts
(a few calls at 07:00 say little; 2,000 by noon say a lot). The recent window is what
follows a growing day (seed 004: the forecast was reached on the 5th, then volume grew
geometrically): the rest is forecast at the rate the day runs at now, not at its
average since midnight."""

from __future__ import annotations

import numpy as np

from core.errors import ForecastError
from core.wfm.forecast_model import TodaySoFar

#: How far back the current rate is measured.
WINDOW_MIN = 120
#: Contacts' worth of belief in the forecast itself.
PSEUDO_COUNT = 20.0


def reforecast_today(plan: np.ndarray, actual: np.ndarray, upto: int, interval_min: int,
                     window_min: int = WINDOW_MIN, pseudo_count: float = PSEUDO_COUNT
                     ) -> tuple[np.ndarray, TodaySoFar]:
    """``plan``: today's forecast per slot; ``actual``: today's contacts per slot, of
    which the first ``upto`` slots are over. The day with the past slots as they were
    and the rest re-forecast, and the figure of today so far."""
    plan = np.asarray(plan, dtype=np.float64)
    actual = np.asarray(actual, dtype=np.float64)
    if plan.shape != actual.shape or plan.ndim != 1:
        raise ForecastError(f"today's forecast has {plan.shape} slots, its arrivals "
                            f"{actual.shape}: one value per slot of the day each")
    if not 0 <= upto <= len(plan):
        raise ForecastError(f"{upto} slots over: the day has {len(plan)}")
    past_actual = actual[:upto]
    if np.isnan(past_actual).any() or (past_actual < 0).any():
        raise ForecastError("today's arrivals so far have an unknown or negative slot")
    a, f = float(past_actual.sum()), float(plan[:upto].sum())
    day_ratio = (a + pseudo_count) / (f + pseudo_count)
    w = max(1, window_min // interval_min)
    a_recent, f_recent = float(past_actual[-w:].sum()), float(plan[max(0, upto - w):upto].sum())
    scale = (a_recent + pseudo_count * day_ratio) / (f_recent + pseudo_count)
    out = np.concatenate([past_actual, plan[upto:] * scale])
    return out, TodaySoFar(a, f, float(plan[upto:].sum()), float(out[upto:].sum()))
