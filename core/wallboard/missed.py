"""Missed calls per local hour of each day, for the wallboard's heatmap (counted as
KPI-5's missed-calls report counts them: docs/call-analytics.md)."""

from __future__ import annotations

import numpy as np

from core.kpi.batch import local_interval
from core.kpi.missed_calls import MissedCallSettings, missed_calls_from_store
from core.store import Store
from core.wallboard.floor_view import local_midnight_ms
from core.wallboard.snapshot import MissedHeatmap

DAY_MS = 86_400_000
HOUR_MS = 3_600_000


def day_starts(today_ms: int, days: int, timezone: str) -> list[int]:
    """The local midnights (UTC ms) of the ``days`` days ending with the one that
    starts at ``today_ms``, oldest first (days of 23 or 25 hours included)."""
    out = [today_ms]
    for _ in range(days - 1):
        out.append(local_midnight_ms(out[-1] - 1, timezone))
    return out[::-1]


def missed_by_hour(store: Store, since_ms: int, until_ms: int, timezone: str,
                   days: list[int]) -> np.ndarray:
    """Missed calls in [since_ms, until_ms) per row of ``days`` (local midnights, UTC
    ms, oldest first) and local hour."""
    counts = np.zeros((len(days), 24), dtype=np.int64)
    if until_ms <= since_ms:
        return counts
    hours = missed_calls_from_store(store, since_ms, until_ms,
                                    MissedCallSettings(timezone=timezone)).by_hour()
    # The rows' local dates, as the hours' (wall-clock ms // DAY_MS).
    local_day = [_local_day(d, timezone) for d in days]
    for hour_ms, n in zip(hours.hour_ms.tolist(), hours.missed.tolist(), strict=True):
        day = hour_ms // DAY_MS
        if day in local_day:
            counts[local_day.index(day), (hour_ms % DAY_MS) // HOUR_MS] += n
    return counts


def _local_day(midnight_ms: int, timezone: str) -> int:
    return int(local_interval(np.array([midnight_ms]), "day", timezone)[0]) // DAY_MS


def heatmap(days: list[int], counts: np.ndarray, timezone: str) -> MissedHeatmap:
    """Rows of ``missed_by_hour`` (the earlier days' and today's added up) as a heatmap."""
    return MissedHeatmap(day_ms=np.array([_local_day(d, timezone) * DAY_MS for d in days]),
                         counts=counts)
