"""Reporting intervals (15 min, hour, day, month) in the floor's time zone, as a table
per UTC quarter hour that both KPI engines look moments up in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from core.clock import DAY_MS, HOUR_MS, MINUTE_MS, utc_offset_ms, zone
from core_ext.kpi_layout import SLOT_MS

INTERVAL_MS = {"15min": 15 * MINUTE_MS, "hour": HOUR_MS, "day": DAY_MS}
INTERVALS = (*INTERVAL_MS, "month")


@dataclass(frozen=True)
class IntervalTable:
    """Quarter hours slot0.. of UTC time: ``index[k]`` is the dense number of the local
    interval quarter hour slot0 + k lies in, ``starts[i]`` that interval's start as
    local wall-clock ms since 1970-01-01."""

    slot0: int
    index: np.ndarray
    starts: np.ndarray

    def of(self, ts_ms: np.ndarray) -> np.ndarray:
        """The dense interval number of each moment (all inside the table)."""
        return self.index[np.asarray(ts_ms, dtype=np.int64) // SLOT_MS - self.slot0]


def _offsets_ms(slots: np.ndarray, tz: dt.tzinfo) -> np.ndarray:
    """The zone's UTC offset at the start of each quarter hour. Offsets are looked up
    per hour, and per quarter hour only in an hour whose end differs from its start
    (a change of offset, on the hour or half hour)."""
    h0 = int(slots[0]) * SLOT_MS // HOUR_MS
    h1 = int(slots[-1]) * SLOT_MS // HOUR_MS + 1
    at_hour = np.array([utc_offset_ms(h * HOUR_MS, tz) for h in range(h0, h1 + 1)], dtype=np.int64)
    out = at_hour[slots * SLOT_MS // HOUR_MS - h0]
    for k in np.flatnonzero(at_hour[:-1] != at_hour[1:]):
        inside = (slots * SLOT_MS // HOUR_MS) == h0 + k
        out[inside] = [utc_offset_ms(int(s) * SLOT_MS, tz) for s in slots[inside]]
    return out


def interval_table(from_ms: int, to_ms: int, interval: str, timezone: str) -> IntervalTable:
    """The table for moments in [from_ms, to_ms)."""
    if interval not in INTERVALS:
        raise ValueError(f"interval {interval!r}: one of {', '.join(INTERVALS)}")
    slot0 = from_ms // SLOT_MS
    slots = np.arange(slot0, (max(from_ms + 1, to_ms) - 1) // SLOT_MS + 1, dtype=np.int64)
    local = slots * SLOT_MS + _offsets_ms(slots, zone(timezone))
    if interval == "month":
        months = (local // DAY_MS).astype("datetime64[D]").astype("datetime64[M]")
        start = months.astype("datetime64[D]").astype(np.int64) * DAY_MS
    else:
        size = INTERVAL_MS[interval]
        start = local // size * size
    starts, index = np.unique(start, return_inverse=True)
    return IntervalTable(int(slot0), index.astype(np.int64), starts)


def local_interval(ts_ms: np.ndarray, interval: str, timezone: str) -> np.ndarray:
    """The start of each moment's interval in the zone, as local wall-clock ms."""
    ts = np.asarray(ts_ms, dtype=np.int64)
    if not len(ts):
        return ts.copy()
    table = interval_table(int(ts.min()), int(ts.max()) + 1, interval, timezone)
    return table.starts[table.of(ts)]
