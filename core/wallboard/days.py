"""Local days of the floor: midnights in its zone (days of 23 or 25 hours included)."""

from __future__ import annotations

import numpy as np

from core.clock import DAY_MS, day_start_ms
from core.kpi.batch import local_interval


def day_starts(today_ms: int, days: int, timezone: str) -> list[int]:
    """The local midnights (UTC ms) of the ``days`` days ending with the one that
    starts at ``today_ms``, oldest first."""
    out = [today_ms]
    for _ in range(days - 1):
        out.append(day_start_ms(out[-1] - 1, timezone))
    return out[::-1]


def day_number(midnight_ms: int, timezone: str) -> int:
    """The local date of a moment as a day number (local wall-clock ms // DAY_MS), the
    way KpiTable's intervals number them (core.clock.local_day gives it as a date)."""
    return int(local_interval(np.array([midnight_ms]), "day", timezone)[0]) // DAY_MS
