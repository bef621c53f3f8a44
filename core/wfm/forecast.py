"""The forecast: contacts per interval for the days after a history, per series, with
an 80 % band. Model (docs/wfm.md, "Forecast"):

    contacts(day, slot) = total(day) × shape(day type, slot) × intervals in the slot

- ``total``: Holt–Winters on the daily totals (level, damped trend, day-of-week
  season, weights chosen by least absolute one-step error on a small grid), with
  December's totals divided by the December uplift before smoothing and multiplied
  back after, and holidays skipped and forecast at the holiday factor;
- ``shape``: the share of a day's contacts per slot, a weighted average of the last
  weeks' same weekdays (holidays have their own when the history has two or more);
- the band: the day total's error at that horizon (empirical quantiles of the
  smoothing's own past forecasts) and the intervals' Poisson overdispersion."""

from __future__ import annotations

import datetime as dt
import logging
from statistics import NormalDist

import numpy as np

from core.errors import ForecastError
from core.model.scenario import BANK_1999_HOURLY
from core.wfm.calendar_days import holiday_names
from core.wfm.forecast_model import (
    MIN_HISTORY_DAYS,
    ContactHistory,
    Forecast,
    ForecastSettings,
)
from core.wfm.history import interval_grid
from core_ext import forecast_kernels as kernels

log = logging.getLogger(__name__)

_ALPHAS = np.array([0.05, 0.1, 0.2, 0.3, 0.5])
_BETAS = np.array([0.0, 0.02, 0.1])
_GAMMAS = np.array([0.05, 0.1, 0.2, 0.3])
#: Damping of the trend per day: a trend fades over a few weeks, not for ever.
_PHI = 0.9
#: Same-type days the shape averages, and the weight each older one keeps.
_SHAPE_DAYS = 8
_SHAPE_DECAY = 0.85
#: Past origins whose errors set the band (about four months).
_ERROR_ORIGINS = 120
#: Days of the interval noise estimate.
_NOISE_DAYS = 28
#: The day total's log sd when the history is too short to measure it.
_SHORT_HISTORY_SD = 0.25
HOLIDAY_TYPE = 7


def check_zone(history: ContactHistory, timezone: str) -> None:
    """A history counted on another clock than the floor's puts every contact in the
    wrong slot: refused."""
    if history.timezone != timezone:
        raise ForecastError(
            f"{history.source or 'the history'} is counted in {history.timezone}, the floor "
            f"runs in {timezone}: read it again in the floor's time zone")


def learned_uplift(history: ContactHistory, totals: np.ndarray, usable: np.ndarray
                   ) -> tuple[float, int] | None:
    """December against the months around it, from the latest past December with 14
    or more usable days and a November (and, if the history has it, a January after)
    with 14 or more: (uplift, year), or None. With both neighbours their mean is the
    base, which takes a steady trend out of the ratio; with November only the trend
    of one month stays in it."""
    months = np.array([(history.day(d).year, history.day(d).month)
                       for d in range(history.days)])
    pooled = totals.sum(axis=0)
    ok = usable.all(axis=0)

    def month(year: int, m: int) -> np.ndarray | None:
        days = ok & (months[:, 0] == year) & (months[:, 1] == m)
        # Whole weeks' worth of days, so the ratio is not a weekday mix.
        return pooled[days] if days.sum() >= 14 else None

    for year in sorted({int(y) for y, _ in months}, reverse=True):
        dec, nov, jan = month(year, 12), month(year, 11), month(year + 1, 1)
        if dec is None or nov is None:
            continue
        base = nov.mean() if jan is None else (nov.mean() + jan.mean()) / 2
        if base > 0:
            return float(dec.mean() / base), year
    return None


def _shape_of(counts: np.ndarray, length: np.ndarray, days: np.ndarray) -> np.ndarray | None:
    """Share of a day's contacts per slot (per real interval), from ``days`` (newest
    last), newer ones weighted more; None for no days."""
    if len(days) == 0:
        return None
    weight = _SHAPE_DECAY ** np.arange(len(days))[::-1]
    y = counts[days]
    has = length[days] > 0
    per_interval = np.where(has, np.nan_to_num(y) / np.maximum(length[days], 1), 0.0)
    total = np.nansum(y, axis=1)
    num = (weight[:, None] * per_interval).sum(axis=0)
    den = (weight[:, None] * total[:, None] * has).sum(axis=0)
    shape = np.where(den > 0, num / np.where(den > 0, den, 1), 0.0)
    s = shape.sum()
    return shape / s if s > 0 else None


def configured_shape(settings: ForecastSettings, slots: int) -> np.ndarray:
    """The configured hourly shape (the Anonymous Bank's by default) spread over the
    slots of each hour."""
    hourly = np.asarray(settings.hourly_shape or BANK_1999_HOURLY, dtype=float)
    per_slot = np.repeat(hourly, slots // 24)
    return per_slot / per_slot.sum()


def _quantiles(errors: np.ndarray, band: float) -> tuple[float, float]:
    lo, hi = np.quantile(errors, [(1 - band) / 2, (1 + band) / 2])
    return float(lo), float(hi)


def forecast(history: ContactHistory, days: int = 14,
             settings: ForecastSettings | None = None) -> Forecast:
    """Forecast the ``days`` local days after the history's last one."""
    settings = settings or ForecastSettings()
    if days < 1:
        raise ForecastError(f"days={days}: forecast at least one day")
    n, slots = history.days, history.slots_per_day
    first = history.first_day + dt.timedelta(days=n)
    _, _, _, length = interval_grid(first, days, history.interval_min, history.timezone)
    names = holiday_names(settings.country, history.first_day,
                          first + dt.timedelta(days=days - 1), settings.special_days)
    is_holiday = np.array([history.day(d) in names for d in range(n + days)])
    weekday = np.array([history.day(d).weekday() for d in range(n + days)], dtype=np.int64)
    day_type = np.where(is_holiday, HOLIDAY_TYPE, weekday)
    known = history.known()
    totals = np.where(known, np.nansum(history.counts, axis=2), np.nan)
    usable = known & ~is_holiday[:n]
    if not known.any():
        raise ForecastError(f"{history.source or 'the history'}: no day of it is known "
                            "(all gaps): nothing to forecast from")
    k = len(history.keys)
    mean = np.zeros((k, days, slots))
    low = np.zeros_like(mean)
    high = np.zeros_like(mean)
    z = _normal_quantile((1 + settings.band) / 2)

    short = int(usable.sum(axis=1).min()) < MIN_HISTORY_DAYS
    learned = None if short else learned_uplift(history, np.nan_to_num(totals), usable)
    uplift = learned[0] if learned else settings.december_uplift
    december = np.array([history.day(d).month == 12 for d in range(n + days)])
    multiplier = np.where(december, uplift, 1.0)
    reason = None
    if short:
        reason = (f"only {int(usable.sum(axis=1).min())} usable days of history (under "
                  f"{MIN_HISTORY_DAYS}): each day is the mean known day, in the configured "
                  "daily shape, with a wide band")
        shape = configured_shape(settings, slots)
        for s in range(k):
            level = float(np.nanmean(np.where(usable[s], totals[s], np.nan))) \
                if usable[s].any() else float(np.nanmean(totals[s]))
            for j in range(days):
                t = level * multiplier[n + j] * (
                    settings.holiday_factor if is_holiday[n + j] else 1.0)
                mean[s, j] = t * shape * length[j]
        sd = np.full(days, _SHORT_HISTORY_SD)
        var = (mean * sd[None, :, None]) ** 2 + mean
        low, high = np.maximum(mean - z * np.sqrt(var), 0), mean + z * np.sqrt(var)
    else:
        for s in range(k):
            m, lo, hi = _one_series(history.counts[s], history.length, totals[s], usable[s],
                                    known[s], weekday, day_type, is_holiday, multiplier,
                                    length, days, settings)
            mean[s], low[s], high[s] = m, lo, hi
    return Forecast(history.keys, first, history.interval_min, history.timezone, mean, low,
                    high, length, {d: v for d, v in names.items() if d >= first},
                    uplift, f"learned from December {learned[1]}" if learned else "configured",
                    reason)


def _normal_quantile(p: float) -> float:
    return NormalDist().inv_cdf(p)


def _one_series(counts, hist_length, totals, usable, known, weekday, day_type, is_holiday,
                multiplier, length, days, settings):
    n, slots = counts.shape
    x = np.where(usable, np.nan_to_num(totals) / multiplier[:n], 0.0)
    wd = weekday[:n]
    a, b, g = kernels.best_weights(x, wd, usable, _ALPHAS, _BETAS, _GAMMAS, _PHI)
    _, _, _, _, ahead = kernels.smooth_days(x, wd, usable, a, b, g, _PHI, days)
    # The holiday factor: past holidays against what was forecast for them the day before.
    past = np.flatnonzero(is_holiday[:n] & known)
    past = past[past > kernels.WARM_DAYS]
    expected = ahead[past - 1, 0] * multiplier[past]
    factor = settings.holiday_factor
    if len(past) and expected.sum() > 0:
        factor = float(totals[past].sum() / expected.sum())
    # Shapes per day type from the latest same-type known days.
    pooled = _shape_of(counts, hist_length, np.flatnonzero(usable)[-_SHAPE_DAYS * 7:])
    shapes = {}
    for t in range(8):
        same = np.flatnonzero(known & (day_type[:n] == t))[-_SHAPE_DAYS:]
        shape = _shape_of(counts, hist_length, same) if len(same) >= 2 else None
        shapes[t] = shape
    for t in range(7):
        if shapes[t] is None:
            shapes[t] = pooled if pooled is not None else configured_shape(settings, slots)
    total_future = ahead[n - 1] * multiplier[n:]
    mean = np.zeros((days, slots))
    for j in range(days):
        t = int(day_type[n + j])
        shape = shapes[t] if shapes[t] is not None else shapes[int(weekday[n + j])]
        total = total_future[j] * (factor if is_holiday[n + j] else 1.0)
        mean[j] = total * shape * length[j]
    # The day total's error at each horizon, as log ratios of the past forecasts.
    lo_q = np.zeros(days)
    hi_q = np.zeros(days)
    origins = np.arange(max(kernels.WARM_DAYS, n - _ERROR_ORIGINS), n)
    for j in range(days):
        o = origins[origins + 1 + j < n]
        target = o + 1 + j
        ok = usable[target]
        o, target = o[ok], target[ok]
        if len(o) >= 10:
            f = ahead[o, j]
            e = np.log((x[target] + 1) / (f + 1))
            lo_q[j], hi_q[j] = _quantiles(e, settings.band)
        else:
            lo_q[j], hi_q[j] = -_SHORT_HISTORY_SD, _SHORT_HISTORY_SD
    # Interval noise beyond a day's total: Pearson dispersion against the shape.
    recent = np.flatnonzero(usable)[-_NOISE_DAYS:]
    num, den = 0.0, 0
    for d in recent:
        expect = totals[d] * shapes[int(weekday[d])] * hist_length[d]
        has = (expect > 0) & ~np.isnan(counts[d])
        num += float((((counts[d] - expect) ** 2)[has] / expect[has]).sum())
        den += int(has.sum())
    dispersion = max(num / den, 1.0) if den else 1.0
    z = _normal_quantile((1 + settings.band) / 2)
    # The day's error and the interval's noise are independent: their spreads add in
    # quadrature, not side by side (which gave 91 % bands on the Anonymous Bank).
    noise = z * z * dispersion * mean
    low = np.maximum(mean - np.sqrt((mean * (1 - np.exp(lo_q))[:, None]) ** 2 + noise), 0.0)
    high = mean + np.sqrt((mean * (np.exp(hi_q) - 1)[:, None]) ** 2 + noise)
    return mean, np.minimum(low, mean), np.maximum(high, mean)
