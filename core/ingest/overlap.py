"""When two files' calls are the same calls: both have calls while the other's were
coming in. A busy period of a file is a stretch in which its calls come at most
``BUSY_GAP_MS`` apart; a call alone, hours from any other, makes none. Two files
overlap when at least ``MIN_SHARED_CALLS`` of each one's calls arrive within the
other's busy periods.

So one line with a wrong date, wherever it lands, never makes two files overlap: it
adds one call inside the other's periods (one is not enough), and alone it is no
period of its own file. The span from the first call to the last, which such a line
stretches (to the year 2068, for a date of 680201), is only a first filter."""

from __future__ import annotations

import numpy as np

from core.clock import HOUR_MS

BUSY_GAP_MS = HOUR_MS
MIN_SHARED_CALLS = 2


def calls_in_busy_periods(busy: np.ndarray, calls: np.ndarray,
                          gap_ms: int = BUSY_GAP_MS) -> int:
    """How many of ``calls`` arrive within a busy period of ``busy`` (sorted): between
    (or at) two consecutive calls of ``busy`` at most ``gap_ms`` apart."""
    busy, calls = np.asarray(busy, dtype=np.int64), np.asarray(calls, dtype=np.int64)
    if len(busy) < 2 or len(calls) == 0:
        return 0
    near = np.diff(busy) <= gap_ms  # near[i]: busy[i] to busy[i + 1] is busy
    after = np.searchsorted(busy, calls, side="left")  # busy[after - 1] < x <= busy[after]
    # Strictly inside, or on a call that starts a busy stretch...
    i = np.clip(after, 0, len(busy) - 2)
    starts = (after < len(busy) - 1) & (busy[np.minimum(after, len(busy) - 1)] == calls) \
        & near[i]
    j = np.clip(after - 1, 0, len(busy) - 2)
    # ...or between busy[after - 1] and busy[after] (a call equal to busy[after] that
    # ends a stretch counts here too).
    inside = (after > 0) & (after < len(busy)) & near[j]
    return int(np.count_nonzero(inside | starts))


def share_busy_periods(a: np.ndarray, b: np.ndarray, gap_ms: int = BUSY_GAP_MS,
                       min_calls: int = MIN_SHARED_CALLS) -> bool:
    """Whether the calls ``a`` and ``b`` (arrival ms, each sorted) overlap: at least
    ``min_calls`` of each arrive within the other's busy periods."""
    return (calls_in_busy_periods(a, b, gap_ms) >= min_calls
            and calls_in_busy_periods(b, a, gap_ms) >= min_calls)


__all__ = ["BUSY_GAP_MS", "MIN_SHARED_CALLS", "calls_in_busy_periods",
           "share_busy_periods"]
