"""Which times a file's own records make plausible: a window around the middle half
of them, wide enough that the edges of any real file (a month of calls, a year) are
well inside it, and narrow enough that a date off by decades (680201, the year 2068,
in a February 1999 file) is far outside. Quartiles, not the first and last record:
one wrong line cannot widen the window it is judged by."""

from __future__ import annotations

import numpy as np

from core.clock import DAY_MS

#: The window reaches this many times the middle half's length past its quartiles.
REACH = 3
#: The middle half taken as at least this long: a file of one busy day may still hold
#: calls of the days around it (a call-back, a night's overflow).
MIN_SPREAD_MS = 7 * DAY_MS


def plausible_window(times_ms: np.ndarray) -> tuple[int, int] | None:
    """[earliest, latest] a record of these may have (UTC ms); None for none."""
    times = np.asarray(times_ms, dtype=np.int64)
    if len(times) == 0:
        return None
    q1, q3 = (int(q) for q in np.quantile(times, [0.25, 0.75], method="lower"))
    spread = max(q3 - q1, MIN_SPREAD_MS)
    return q1 - REACH * spread, q3 + REACH * spread


__all__ = ["MIN_SPREAD_MS", "REACH", "plausible_window"]
