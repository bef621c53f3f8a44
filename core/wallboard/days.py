"""Local days of the floor: midnights in its zone (days of 23 or 25 hours included)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import numpy as np

from core.kpi.batch import local_interval

DAY_MS = 86_400_000
HOUR_MS = 3_600_000


def local_midnight_ms(ts_ms: int, timezone: str) -> int:
    """The start (UTC ms) of the local day holding ``ts_ms``."""
    tz = zoneinfo.ZoneInfo(timezone)
    day = dt.datetime.fromtimestamp(ts_ms / 1000, tz).date()
    return int(dt.datetime.combine(day, dt.time(), tz).timestamp() * 1000)


def day_starts(today_ms: int, days: int, timezone: str) -> list[int]:
    """The local midnights (UTC ms) of the ``days`` days ending with the one that
    starts at ``today_ms``, oldest first."""
    out = [today_ms]
    for _ in range(days - 1):
        out.append(local_midnight_ms(out[-1] - 1, timezone))
    return out[::-1]


def local_day(midnight_ms: int, timezone: str) -> int:
    """The local date of a moment as a day number (local wall-clock ms // DAY_MS), the
    way KpiTable's intervals number them."""
    return int(local_interval(np.array([midnight_ms]), "day", timezone)[0]) // DAY_MS
