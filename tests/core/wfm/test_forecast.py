"""The forecast on synthetic histories whose truth is known: the weekly shape and trend
come back, holidays and December are treated apart, a short history says so, gaps
do not count as quiet days, and the intraday re-forecast follows a busy day."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from core.errors import ForecastError
from core.model import Channel
from core.wfm.backtest import HORIZONS, MODELS, backtest
from core.wfm.forecast import configured_shape, forecast
from core.wfm.forecast_model import ContactHistory, ForecastSettings, SeriesKey, TodaySoFar
from core.wfm.intraday import reforecast_today

KEY = SeriesKey(Channel.PHONE, "uk")
WEEKLY = np.array([1.2, 1.1, 1.0, 1.0, 0.9, 0.5, 0.3])  # Monday first
HOURS = np.arange(48) / 2
WEEKDAY_SHAPE = np.exp(-((HOURS - 11) / 3.5) ** 2) + 0.01
WEEKEND_SHAPE = np.exp(-((HOURS - 15) / 3) ** 2) + 0.01


def truth(day: dt.date, d: int, uplift: float = 1.0, growth: float = 0.002) -> np.ndarray:
    shape = WEEKEND_SHAPE if day.weekday() >= 5 else WEEKDAY_SHAPE
    total = 2000 * (1 + growth * d) * WEEKLY[day.weekday()] * (
        uplift if day.month == 12 else 1.0)
    return total * shape / shape.sum()


def synthetic(first: dt.date, days: int, noise: bool = False, seed: int = 1,
              special: dict[dt.date, float] | None = None, uplift: float = 1.0
              ) -> ContactHistory:
    rng = np.random.default_rng(seed)
    counts = np.zeros((1, days, 48))
    for d in range(days):
        day = first + dt.timedelta(days=d)
        mean = truth(day, d, uplift) * (special or {}).get(day, 1.0)
        counts[0, d] = rng.poisson(mean) if noise else mean
    return ContactHistory((KEY,), first, 30, "UTC", counts, np.ones((days, 48), np.int8),
                          "synthetic")


MONDAY = dt.date(2026, 6, 1)


def test_the_weekly_shape_and_trend_are_recovered() -> None:
    h = synthetic(MONDAY, 10 * 7)
    fc = forecast(h, 14)
    assert fc.reason is None
    for j in range(14):
        want = truth(fc.day(j), h.days + j)
        assert fc.mean[0, j].sum() == pytest.approx(want.sum(), rel=0.03), fc.day(j)
        assert np.abs(fc.mean[0, j] / fc.mean[0, j].sum() - want / want.sum()).max() < 1e-3
    # The trend is followed, not flattened: the next Monday is above the last one.
    assert fc.mean[0, 0].sum() > h.counts[0, -7].sum() * 1.005


def test_noise_does_not_hide_the_shape_and_the_band_holds_about_80_percent() -> None:
    h = synthetic(MONDAY, 16 * 7, noise=True)
    fc = forecast(h.until_day(14 * 7), 14)
    actual = h.counts[0, 14 * 7:]
    err = np.abs(actual - fc.mean[0]).sum() / actual.sum()
    poisson_floor = np.sqrt(2 / np.pi * fc.mean[0]).sum() / actual.sum()
    assert err < poisson_floor * 1.3
    inside = ((actual >= fc.low[0]) & (actual <= fc.high[0])).mean()
    assert 0.7 < inside < 0.95
    assert (fc.low <= fc.mean).all() and (fc.mean <= fc.high).all() and (fc.low >= 0).all()


def test_a_holiday_lowers_the_forecast_for_that_day() -> None:
    # The UK's holidays of 2026: Good Friday 3 April, May Day 4 May, Spring Bank
    # Holiday 25 May. The history has the first two at 30 % of an ordinary day.
    first = dt.date(2026, 1, 5)
    h = synthetic(first, (dt.date(2026, 5, 18) - first).days,
                  special={dt.date(2026, 4, 3): 0.3, dt.date(2026, 5, 4): 0.3})
    plain = forecast(h, 14)
    fc = forecast(h, 14, ForecastSettings(country="GB"))
    spring = (dt.date(2026, 5, 25) - fc.first_day).days
    assert fc.holidays == {dt.date(2026, 5, 25): "Spring Bank Holiday"}
    ratio = fc.mean[0, spring].sum() / plain.mean[0, spring].sum()
    assert ratio == pytest.approx(0.3, abs=0.05)  # learned from the past two
    # The other days are as they were: the holidays' low days did not pull them down.
    assert fc.mean[0, 0].sum() == pytest.approx(truth(fc.day(0), h.days).sum(), rel=0.02)


def test_a_country_s_region_gives_its_own_holidays() -> None:
    h = synthetic(MONDAY, 12 * 7)  # up to 23 August 2026
    fc = forecast(h, 14, ForecastSettings(country="GB-ENG"))
    assert fc.holidays == {dt.date(2026, 8, 31): "Late Summer Bank Holiday"}
    with pytest.raises(ForecastError, match="country 'XX'"):
        forecast(h, 14, ForecastSettings(country="XX"))


def test_a_special_day_of_the_floor_is_a_holiday_at_the_configured_factor() -> None:
    h = synthetic(MONDAY, 8 * 7)
    closed = h.day(h.days + 2)
    fc = forecast(h, 7, ForecastSettings(special_days=(closed,), holiday_factor=0.1))
    plain = forecast(h, 7)
    assert fc.holidays == {closed: "special day"}
    assert fc.mean[0, 2].sum() == pytest.approx(0.1 * plain.mean[0, 2].sum(), rel=1e-6)


def test_the_december_uplift_is_learned_from_a_past_december() -> None:
    first = dt.date(2024, 10, 7)
    end = dt.date(2025, 11, 24)
    h = synthetic(first, (end - first).days, uplift=1.6)
    fc = forecast(h, 14)
    assert fc.december_uplift == pytest.approx(1.6, rel=0.05)
    assert fc.uplift_source == "learned from December 2024"
    dec = (dt.date(2025, 12, 1) - fc.first_day).days
    nov = dec - 7  # the Monday before
    assert fc.mean[0, dec].sum() / fc.mean[0, nov].sum() == pytest.approx(1.6, rel=0.05)


def test_without_a_past_december_the_configured_uplift_applies() -> None:
    h = synthetic(dt.date(2026, 9, 7), 12 * 7)  # up to 29 November
    fc = forecast(h, 14, ForecastSettings(december_uplift=2.0))
    assert fc.uplift_source == "configured" and fc.december_uplift == 2.0
    dec = (dt.date(2026, 12, 7) - fc.first_day).days
    assert fc.mean[0, dec].sum() / fc.mean[0, dec - 7].sum() == pytest.approx(2.0, rel=0.03)


def test_under_two_weeks_of_history_it_says_so_and_uses_the_configured_shape() -> None:
    h = synthetic(MONDAY, 10)
    hourly = tuple(float(x) for x in np.r_[np.zeros(8), np.ones(10), np.zeros(6)])
    fc = forecast(h, 3, ForecastSettings(hourly_shape=hourly))
    assert fc.reason and "only 10 usable days of history (under 14)" in fc.reason
    shape = fc.mean[0, 0] / fc.mean[0, 0].sum()
    np.testing.assert_allclose(shape, configured_shape(ForecastSettings(hourly_shape=hourly),
                                                       48))
    assert fc.mean[0, 0].sum() == pytest.approx(np.nansum(h.counts[0], axis=1).mean())
    assert forecast(synthetic(MONDAY, 15), 3).reason is None


def test_gap_days_are_unknown_not_quiet_days() -> None:
    h = synthetic(MONDAY, 8 * 7)
    gapped = h.counts.copy()
    gapped[0, -10:-3] = np.nan  # a week without data, the last week but three days
    with_gap = ContactHistory(h.keys, h.first_day, 30, "UTC", gapped, h.length, "gapped")
    zeroed = ContactHistory(h.keys, h.first_day, 30, "UTC", np.nan_to_num(gapped),
                            h.length, "zeroed")
    want = forecast(h, 7).daily_totals()[0]
    assert forecast(with_gap, 7).daily_totals()[0] == pytest.approx(want, rel=0.03)
    # Read as zeros the same week would have put the forecast well off.
    assert np.abs(forecast(zeroed, 7).daily_totals()[0] / want - 1).max() > 0.1


def test_a_history_of_gaps_only_is_refused() -> None:
    h = synthetic(MONDAY, 20)
    empty = ContactHistory(h.keys, h.first_day, 30, "UTC", np.full_like(h.counts, np.nan),
                           h.length, "empty.csv")
    with pytest.raises(ForecastError, match=r"empty\.csv: no day of it is known"):
        forecast(empty, 7)


def test_the_intraday_reforecast_follows_a_day_at_three_times_the_forecast() -> None:
    plan = WEEKDAY_SHAPE / WEEKDAY_SHAPE.sum() * 2000
    actual = 3 * plan
    upto = 20  # 10:00
    day, today = reforecast_today(plan, actual, upto, 30)
    assert today.rest_reforecast == pytest.approx(3 * plan[upto:].sum(), rel=0.03)
    assert day[:upto].tolist() == actual[:upto].tolist()
    assert today.change == pytest.approx(2.0)


def test_the_intraday_reforecast_follows_a_growing_day() -> None:
    plan = np.full(48, 100.0)
    actual = plan * 1.08 ** np.arange(48)  # seed 004: volume growing all day
    upto = 24
    _, today = reforecast_today(plan, actual, upto, 30)
    day_ratio = actual[:upto].sum() / plan[:upto].sum()
    # At the rate it runs at now, not its average since midnight.
    assert today.rest_reforecast > 1.3 * day_ratio * plan[upto:].sum()
    assert today.rest_reforecast >= actual[upto - 4:upto].mean() / 100 * plan[upto:].sum() * 0.95


def test_early_in_the_day_a_few_contacts_move_the_rest_a_little() -> None:
    plan = np.full(48, 1.0)
    actual = np.zeros(48)
    actual[:2] = 3.0
    _, today = reforecast_today(plan, actual, 2, 30)
    # Three times the forecast over two half hours: believed a little, not threefold.
    assert 1.0 < today.rest_reforecast / today.rest_forecast < 1.5


def test_today_so_far_reads_as_the_wallboard_shows_it() -> None:
    assert TodaySoFar(2310, 1950, 3000, 3500).text() == (
        "today 2,310 so far; forecast by now 1,950 (+18 %)")
    assert TodaySoFar(5, 0, 0, 0).text() == "today 5 so far; forecast by now 0"


def test_the_backtest_scores_every_model_and_horizon_and_beats_naive_on_noise() -> None:
    h = synthetic(MONDAY, 9 * 7, noise=True)
    rows = backtest(h, weeks=2)
    assert [(r.horizon, r.model) for r in rows] == [(hz, m) for hz in HORIZONS
                                                    for m in MODELS]
    by = {(r.horizon, r.model): r for r in rows}
    ours, naive = by["day ahead", "floorboard"], by["day ahead", "seasonal naive"]
    assert ours.intervals == naive.intervals == 14 * 48
    assert ours.wape < 0.85 * naive.wape
    assert ours.coverage is not None and naive.coverage is None
    assert by["rest of today", "floorboard"].intervals == 14 * 24


def test_the_backtest_says_when_the_history_is_too_short() -> None:
    with pytest.raises(ForecastError, match="synthetic has 30 days: a backtest over 4 "
                       "weeks needs 49 or more"):
        backtest(synthetic(MONDAY, 30), weeks=4)


@pytest.mark.parametrize(("field", "value"), [
    ("december_uplift", -1.0), ("december_uplift", float("nan")), ("december_uplift", 0.0),
    ("holiday_factor", float("inf")), ("band", 1.0), ("hourly_shape", (1.0,) * 23),
    ("hourly_shape", (0.0,) * 24), ("hourly_shape", (float("nan"),) + (1.0,) * 23)])
def test_settings_that_would_make_a_wrong_forecast_are_refused(field, value) -> None:
    from core.errors import ForecastError
    from core.wfm.forecast_model import ForecastSettings

    with pytest.raises(ForecastError, match=field):
        ForecastSettings(**{field: value})
