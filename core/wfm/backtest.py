"""The forecast's backtest: rolling origin over the last weeks of a history, against
two baselines, by horizon.

Each day of the last ``weeks`` weeks is an origin: the forecast is fitted on the
history up to that day's midnight and forecasts 14 days. Horizons:

- **rest of today**: at noon of the origin day, the intraday re-forecast of its
  afternoon and evening from its morning's arrivals;
- **day ahead**: the origin day itself (forecast at its midnight);
- **week ahead**: days 2–7 after the origin's midnight;
- **two weeks**: days 8–14.

Baselines, for the same intervals: **seasonal naive** (the same interval on the last
known same weekday before the origin) and **weekday average** (the mean of every
known same weekday and interval before the origin). Intervals whose actual or a
baseline is unknown are left out for all three, so every model is scored on the same
intervals. WAPE = Σ|actual − forecast| / Σ actual; MAPE = the mean of |actual −
forecast| / actual over the intervals with actual > 0; coverage = the share of
intervals inside the forecast's 80 % band (ours only: the baselines have none)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.errors import ForecastError
from core.wfm.forecast import forecast
from core.wfm.forecast_model import ContactHistory, ForecastSettings
from core.wfm.intraday import reforecast_today

HORIZONS = ("rest of today", "day ahead", "week ahead", "two weeks")
MODELS = ("floorboard", "seasonal naive", "weekday average")
#: Which forecast days each horizon scores (0: the origin day).
_DAYS = {"rest of today": range(0, 1), "day ahead": range(0, 1),
         "week ahead": range(1, 7), "two weeks": range(7, 14)}


@dataclass(frozen=True, slots=True)
class BacktestRow:
    model: str
    horizon: str
    intervals: int
    actual: float
    wape: float
    mape: float
    #: Share inside the band; None for a model without one.
    coverage: float | None

    def as_dict(self) -> dict[str, object]:
        return {"model": self.model, "horizon": self.horizon, "intervals": self.intervals,
                "contacts": round(self.actual), "wape": self.wape, "mape": self.mape,
                "coverage_80": self.coverage}


class _Score:
    def __init__(self) -> None:
        self.abs_err = 0.0
        self.actual = 0.0
        self.ape: list[np.ndarray] = []
        self.inside = 0
        self.n = 0

    def add(self, y: np.ndarray, f: np.ndarray, lo=None, hi=None) -> None:
        self.abs_err += float(np.abs(y - f).sum())
        self.actual += float(y.sum())
        pos = y > 0
        self.ape.append(np.abs(y[pos] - f[pos]) / y[pos])
        self.n += len(y)
        if lo is not None:
            self.inside += int(((y >= lo) & (y <= hi)).sum())

    def row(self, model: str, horizon: str, band: bool) -> BacktestRow:
        ape = np.concatenate(self.ape) if self.ape else np.empty(0)
        return BacktestRow(model, horizon, self.n, self.actual,
                           self.abs_err / self.actual if self.actual > 0 else float("nan"),
                           float(ape.mean()) if len(ape) else float("nan"),
                           self.inside / self.n if band and self.n else None)


def backtest(history: ContactHistory, weeks: int = 4,
             settings: ForecastSettings | None = None) -> list[BacktestRow]:
    """Scores of the forecast and the baselines per horizon, pooled over the series."""
    n, slots = history.days, history.slots_per_day
    if weeks < 1:
        raise ForecastError(f"--weeks {weeks}: at least one week")
    first_origin = n - 7 * weeks
    if first_origin < 21:
        raise ForecastError(f"{history.source or 'the history'} has {n} days: a backtest "
                            f"over {weeks} weeks needs {7 * weeks + 21} or more (three "
                            "weeks before the first origin)")
    scores = {(m, h): _Score() for m in MODELS for h in HORIZONS}
    counts = history.counts
    noon = slots // 2
    weekday = np.array([history.day(d).weekday() for d in range(n)])
    for o in range(first_origin, n):
        fc = forecast(history.until_day(o), 14, settings)
        past = counts[:, :o]
        for j in range(14):
            d = o + j
            if d >= n:
                break
            same = np.flatnonzero(weekday[:o] == weekday[d])
            known_same = [x for x in same if not np.isnan(past[:, x]).all()]
            if not known_same:
                continue
            naive = past[:, known_same[-1]]
            seen = ~np.isnan(past[:, same])
            n_seen = seen.sum(axis=1)
            average = np.where(n_seen > 0, np.nansum(past[:, same], axis=1)
                               / np.maximum(n_seen, 1), np.nan)
            y = counts[:, d]
            ok = ~np.isnan(y) & ~np.isnan(naive) & ~np.isnan(average) & (
                history.length[d] > 0)[None, :]
            for h in HORIZONS:
                if j not in _DAYS[h]:
                    continue
                mask = ok.copy()
                mine, lo, hi = fc.mean[:, j], fc.low[:, j], fc.high[:, j]
                if h == "rest of today":
                    mask[:, :noon] = False
                    if np.isnan(y[:, :noon]).any():
                        continue
                    mine, lo, hi = mine.copy(), lo.copy(), hi.copy()
                    for s in range(len(history.keys)):
                        day, today = reforecast_today(fc.mean[s, j], np.nan_to_num(y[s]),
                                                      noon, history.interval_min)
                        scale = (today.rest_reforecast / today.rest_forecast
                                 if today.rest_forecast > 0 else 1.0)
                        mine[s], lo[s], hi[s] = day, lo[s] * scale, hi[s] * scale
                scores["floorboard", h].add(y[mask], mine[mask], lo[mask], hi[mask])
                scores["seasonal naive", h].add(y[mask], naive[mask])
                scores["weekday average", h].add(y[mask], average[mask])
    return [scores[m, h].row(m, h, m == "floorboard") for h in HORIZONS for m in MODELS]
