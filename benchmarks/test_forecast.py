"""Forecast (issue 17, section 2) on the Anonymous Bank's year of arrivals
(../shared/data/anonymous_bank/arrivals_6min_1999.csv, 30-minute intervals).

- Accuracy: day-ahead WAPE over rolling origins (each day of the last weeks, fitted on
  everything before it) against seasonal naive (goal: at least 15 % lower) and
  statsforecast's MSTL (daily and weekly seasons, AutoETS trend; goal: no worse), and
  the coverage of our 80 % band (goal: 75–85 %).
- Speed: fitting and forecasting 35 series (5 channels × 7 languages, each the bank's
  year thinned to its own volume) in under 10 s on one core, and at least 10x faster
  than MSTL on the same series. MSTL fits each series on its own (n_jobs=1), about
  7 s a series here: it is timed on 7 of the 35 and scaled by 5, which the output says.

With benchmarks disabled (the default test run) the file runs a small version of each
(fewer origins, a shorter history for MSTL) and asserts no goal."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from core.model import Channel
from core.wfm.bank_csv import read_bank_csv
from core.wfm.forecast import forecast
from core.wfm.forecast_model import ContactHistory, ForecastSettings, SeriesKey
from tests.conftest import SHARED_DATA

BANK = SHARED_DATA / "anonymous_bank" / "arrivals_6min_1999.csv"
SETTINGS = ForecastSettings(country="IL")
WORKLOAD = "forecast_35_series"
GOAL_BELOW_NAIVE = 0.15
GOAL_SECONDS = 10.0
GOAL_RATIO = 10
#: Of the 35 series, MSTL is timed on this many (it fits each alone: linear in series).
PEER_SERIES = 7


@pytest.fixture(scope="module")
def bank() -> ContactHistory:
    if not BANK.exists():
        pytest.skip(f"{BANK} is not here")
    return read_bank_csv(BANK)


def thirty_five(bank: ContactHistory) -> ContactHistory:
    """The bank's year as 35 series of their own volumes: each a Poisson thinning of
    the bank's counts, from a tenth of them to all."""
    rng = np.random.default_rng(35)
    scale = np.linspace(0.1, 1.0, 35)
    counts = rng.poisson(np.nan_to_num(bank.counts[0])[None] * scale[:, None, None])
    keys = tuple(SeriesKey(c, lang) for c in (Channel.PHONE, Channel.CHAT, Channel.EMAIL,
                                              Channel.TICKET, Channel.WEB_REQUEST)
                 for lang in ("en", "es", "it", "fr", "uk", "ru", "pl"))
    return ContactHistory(keys, bank.first_day, 30, bank.timezone, counts.astype(float),
                          bank.length, "35 series")


def _wape(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.abs(actual - predicted).sum() / actual.sum())


def test_day_ahead_accuracy_against_naive_and_mstl(benchmark, bank) -> None:
    from benchmarks.peers.statsforecast_forecast import mstl_forecast

    enabled = not benchmark.disabled
    origins = range(bank.days - (14 if enabled else 2), bank.days)
    # MSTL on the full year when measuring; on the last 8 weeks in the smoke run.
    peer_days = None if enabled else 56
    y = bank.counts[0]
    ours, naive, peer, actual, inside = [], [], [], [], 0

    def run() -> None:
        forecast(bank.until_day(origins[0]), 1, SETTINGS)

    benchmark.pedantic(run, rounds=3, iterations=1)
    for o in origins:
        fc = forecast(bank.until_day(o), 1, SETTINGS)
        ours.append(fc.mean[0, 0])
        inside += int(((y[o] >= fc.low[0, 0]) & (y[o] <= fc.high[0, 0])).sum())
        naive.append(y[o - 7])
        past = y[:o] if peer_days is None else y[o - peer_days:o]
        peer.append(mstl_forecast(past.reshape(1, -1), 48)[0])
        actual.append(y[o])
    actual_a = np.array(actual)
    w_ours, w_naive, w_peer = (_wape(actual_a, np.array(x)) for x in (ours, naive, peer))
    coverage = inside / actual_a.size
    print(f"\nFORECAST day ahead, Anonymous Bank, {len(origins)} origins (the last "
          f"{len(origins)} days of 1999): WAPE ours {w_ours:.1%}, seasonal naive "
          f"{w_naive:.1%}, statsforecast MSTL {w_peer:.1%}; 80 % band covers {coverage:.1%}")
    below = 1 - w_ours / w_naive
    if w_peer < w_ours:
        print(f"statsforecast MSTL is MORE accurate day ahead here ({w_peer:.1%} against "
              f"{w_ours:.1%})")
    if benchmark.stats is not None:
        print(f"GOAL day-ahead WAPE at least {GOAL_BELOW_NAIVE:.0%} below seasonal naive "
              f"({below:.1%} below): {'met' if below >= GOAL_BELOW_NAIVE else 'NOT MET'}")
        print(f"GOAL day-ahead WAPE no worse than statsforecast MSTL: "
              f"{'met' if w_ours <= w_peer else 'NOT MET'}")
        print(f"GOAL 80 % band covers 75-85 % ({coverage:.1%}): "
              f"{'met' if 0.75 <= coverage <= 0.85 else 'NOT MET'}")
        assert below >= GOAL_BELOW_NAIVE
        assert w_ours <= w_peer
        assert 0.75 <= coverage <= 0.85
    assert np.isfinite([w_ours, w_naive, w_peer]).all()


def test_35_series_fitted_and_forecast_against_mstl(benchmark, bank, record_time) -> None:
    from benchmarks.peers.statsforecast_forecast import mstl_forecast

    enabled = not benchmark.disabled
    h = thirty_five(bank)
    if not enabled:
        h = h.until_day(8 * 7)
    forecast(h.until_day(60 if enabled else 30), 1, SETTINGS)  # compile outside the clock
    cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cpus)})  # the goal is for one core
    try:
        got = benchmark.pedantic(forecast, args=(h, 1, SETTINGS), rounds=3, iterations=1)
        peer = h.counts[:PEER_SERIES if enabled else 1].reshape(
            PEER_SERIES if enabled else 1, -1)
        t0 = time.perf_counter()
        mstl_forecast(peer, 48)
        peer_s = (time.perf_counter() - t0) * (35 / len(peer))
    finally:
        os.sched_setaffinity(0, cpus)
    assert got.mean.shape == (35, 1, 48) and np.isfinite(got.mean).all()
    record_time(WORKLOAD, "ours", benchmark)
    record_time(WORKLOAD, "statsforecast", peer_s)
    if enabled:
        ours_s = benchmark.stats.stats.median
        ratio = peer_s / ours_s
        print(f"\nFORECAST 35 series x {h.days} days of 30-minute history: ours "
              f"{ours_s:.2f} s; statsforecast MSTL {peer_s:.0f} s (timed on "
              f"{PEER_SERIES} series, x{35 // PEER_SERIES})")
        print(f"RATIO {WORKLOAD} vs statsforecast: {ratio:.0f}x")
        print(f"GOAL {WORKLOAD} under {GOAL_SECONDS:.0f} s on one core: "
              f"{'met' if ours_s < GOAL_SECONDS else 'NOT MET'}")
        print(f"GOAL {WORKLOAD} at least {GOAL_RATIO}x statsforecast: "
              f"{'met' if ratio >= GOAL_RATIO else 'NOT MET'}")
        assert ours_s < GOAL_SECONDS
        assert ratio >= GOAL_RATIO
