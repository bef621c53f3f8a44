"""Contacts per interval from the store's interactions: one series per channel and
language (and queue, if asked), on the floor's local wall clock, with gaps in the
history unknown (NaN) rather than zero.

**Daylight saving.** Intervals are the real 15- or 30-minute spans from each local
midnight to the next, so a 23-hour day has 92 of 15 minutes and a 25-hour day 100.
Each is filed under the wall-clock slot its start shows: the skipped hour's slots have
no interval (``length`` 0), the repeated hour's slots hold two (``length`` 2, their
contacts added).

**Gaps.** Night hours with no contacts are zeros. A stretch of more than ``gap_h``
hours (24 by default) without a single inbound interaction of any channel is taken for
a gap in the source (the simulator or the import was not running): the intervals that
lie wholly inside it are unknown, in every series. The edges of the range asked for
count as stretches too: a history that starts two days after ``from_day`` has its
first two days unknown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from core.clock import MINUTE_MS, local_midnight_ms, zone
from core.errors import ForecastError
from core.model import Channel
from core.store import Store
from core.wfm.forecast_model import INTERVAL_MINUTES, ContactHistory, SeriesKey

#: Hours without any contact after which the history has a gap.
GAP_HOURS = 24.0


def interval_grid(first_day: dt.date, days: int, interval_min: int, timezone: str
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The real intervals of ``days`` local days: their starts (UTC ms, one more at the
    end: the last one's end), the day and wall-clock slot each is filed under, and the
    (days, slots) count of intervals per slot."""
    if interval_min not in INTERVAL_MINUTES:
        raise ForecastError(f"interval of {interval_min} minutes: forecasts are made in "
                            f"{' or '.join(map(str, INTERVAL_MINUTES))}-minute intervals")
    tz = zone(timezone)
    step = interval_min * MINUTE_MS
    slots = 1440 // interval_min
    midnights = [local_midnight_ms(first_day + dt.timedelta(days=d), tz)
                 for d in range(days + 1)]
    starts, day_of, slot_of = [], [], []
    length = np.zeros((days, slots), dtype=np.int8)
    for d in range(days):
        begin, end = midnights[d], midnights[d + 1]
        if (end - begin) % step:
            raise ForecastError(f"{first_day + dt.timedelta(days=d)} in {timezone} lasts "
                                f"{(end - begin) / 3_600_000:g} hours: not a whole number "
                                f"of {interval_min}-minute intervals")
        t = np.arange(begin, end, step, dtype=np.int64)
        local = [dt.datetime.fromtimestamp(x / 1000, tz) for x in t.tolist()]
        s = np.array([(m.hour * 60 + m.minute) // interval_min for m in local],
                     dtype=np.int16)
        starts.append(t)
        day_of.append(np.full(len(t), d, dtype=np.int32))
        slot_of.append(s)
        np.add.at(length[d], s, 1)
    starts.append(np.array([midnights[-1]], dtype=np.int64))
    return (np.concatenate(starts), np.concatenate(day_of), np.concatenate(slot_of), length)


def history_from_arrivals(arrived_ms: np.ndarray, series: np.ndarray,
                          keys: Sequence[SeriesKey], first_day: dt.date, days: int,
                          timezone: str, interval_min: int = 30,
                          gap_h: float = GAP_HOURS, source: str = "") -> ContactHistory:
    """Count arrivals (UTC ms, each with the index of its series in ``keys``) into the
    intervals of ``days`` local days from ``first_day``; arrivals outside them are
    left out."""
    starts, day_of, slot_of, length = interval_grid(first_day, days, interval_min, timezone)
    arrived_ms = np.asarray(arrived_ms, dtype=np.int64)
    series = np.asarray(series, dtype=np.int64)
    slots = 1440 // interval_min
    counts = np.zeros((len(keys), days, slots))
    inside = (arrived_ms >= starts[0]) & (arrived_ms < starts[-1])
    at = np.searchsorted(starts, arrived_ms[inside], side="right") - 1
    np.add.at(counts, (series[inside], day_of[at], slot_of[at]), 1.0)
    counts[:, length == 0] = np.nan
    unknown = _gap_intervals(np.sort(arrived_ms[inside]), starts, gap_h)
    counts[:, day_of[unknown], slot_of[unknown]] = np.nan
    return ContactHistory(tuple(keys), first_day, interval_min, timezone, counts, length,
                          source)


def _gap_intervals(arrived: np.ndarray, starts: np.ndarray, gap_h: float) -> np.ndarray:
    """Indices of the intervals lying wholly inside a stretch of more than ``gap_h``
    hours without an arrival (the range's edges included)."""
    edges = np.concatenate([[starts[0] - 1], arrived, [starts[-1]]])
    silent = np.flatnonzero(np.diff(edges) > gap_h * 3_600_000)
    out = []
    for i in silent:
        # Intervals that start after the arrival before and end by the one after.
        lo = np.searchsorted(starts, edges[i], side="right")
        hi = np.searchsorted(starts, edges[i + 1], side="right") - 1
        if hi > lo:
            out.append(np.arange(lo, hi))
    return np.concatenate(out) if out else np.empty(0, dtype=np.int64)


def history_from_store(store: Store, first_day: dt.date, days: int, timezone: str,
                       interval_min: int = 30, by_queue: bool = False,
                       gap_h: float = GAP_HOURS) -> ContactHistory:
    """Inbound contacts per interval and channel × language (× queue) over ``days``
    local days from ``first_day`` (through the Floor: ``floor.read(lambda store:
    history_from_store(store, ...))``)."""
    begin = local_midnight_ms(first_day, timezone)
    end = local_midnight_ms(first_day + dt.timedelta(days=days), timezone)
    cols, languages = store.arrival_columns(begin, end)
    queue = cols["queue_id"] if by_queue else np.full(len(cols["queue_id"]), -1)
    combos = np.stack([cols["channel"].astype(np.int64), cols["language"].astype(np.int64),
                       queue.astype(np.int64)], axis=1)
    unique, series = np.unique(combos, axis=0, return_inverse=True)
    keys = [SeriesKey(Channel(int(c)), languages[int(lang)],
                      None if not by_queue or q < 0 else int(q)) for c, lang, q in unique]
    return history_from_arrivals(cols["arrived_ms"], series.reshape(-1), keys, first_day,
                                 days, timezone, interval_min, gap_h,
                                 source=f"store {store.path.name}")
