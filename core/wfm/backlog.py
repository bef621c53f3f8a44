"""Backlog staffing for tickets, e-mails and web requests: every item gets its first
reply within its target (4 hours by default: the floor's SLA for these channels),
from the items arriving per interval and their handle time.

Nobody waits on the line, so there is no queue to model: the question is only
whether the work gets done in time. Each interval's work (items x handle time) is
spread evenly over its reply window, the L = target / interval intervals from the
one it arrives in; the agents an interval needs are the work spread onto it, over
the interval's length, rounded up. Then, first come first served, everything that
arrived up to interval k - L + 1 is answered by the end of interval k, which is the
deadline of an item arriving at the start of that interval (docs/wfm.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.errors import StaffingError
from core.model import Channel
from core.model.floor_policy import DEFAULT_SLA_S
from core.wfm.inputs import column, least_count
from core.wfm.shrinkage import scheduled_for

DEFAULT_REPLY_S = DEFAULT_SLA_S[Channel.EMAIL]


@dataclass(frozen=True)
class BacklogStaffing:
    agents: np.ndarray  # int64, per interval, taking items
    scheduled: np.ndarray  # int64, with shrinkage
    work_s: np.ndarray  # float64, seconds of handling arriving per interval


def _check(name: str, arr: np.ndarray, bad: np.ndarray, expected: str) -> None:
    hit = np.flatnonzero(bad)
    if len(hit):
        v = float(arr[hit[0]])
        shown = "not a number (NaN)" if math.isnan(v) else f"{v:g} is not {expected}"
        raise StaffingError(f"{name} of interval {int(hit[0])}: {shown}")


def staff_backlog(items: np.ndarray, handle_s: float | np.ndarray, *,
                  reply_within_s: float = DEFAULT_REPLY_S, interval_s: float = 900.0,
                  backlog_at_start: float = 0.0, shrinkage: float | np.ndarray = 0.0
                  ) -> BacklogStaffing:
    """Agents per interval so that every item of ``items`` (arriving per interval)
    gets its first reply within ``reply_within_s``. ``backlog_at_start``: items
    waiting when the first interval begins, answered within the target from then."""
    items = column("items", items)
    n = len(items)
    handle = column("handle_s", handle_s, n)
    shrink = column("shrinkage", shrinkage, n)
    _check("items", items, ~((items >= 0) & np.isfinite(items)), "a count of items, 0 or more")
    _check("handle_s", handle, ~((handle > 0) & np.isfinite(handle)),
           "a mean handle time in seconds above 0")
    _check("shrinkage", shrink, ~((shrink >= 0) & (shrink < 1)),
           "a share of paid time of at least 0 and below 1")
    if not (math.isfinite(interval_s) and interval_s > 0):
        raise StaffingError(f"interval_s: {interval_s!r} is not a length in seconds above 0")
    if not (math.isfinite(reply_within_s) and reply_within_s >= interval_s):
        raise StaffingError(
            f"reply_within_s: {reply_within_s!r} is shorter than an interval "
            f"({interval_s:g} s); a reply this fast is a queue: staff it with Erlang C")
    if not (math.isfinite(backlog_at_start) and backlog_at_start >= 0):
        raise StaffingError(f"backlog_at_start: {backlog_at_start!r} is not a count of "
                            "items, 0 or more")
    window = int(reply_within_s // interval_s)
    work = items * handle
    if n:
        work[0] += backlog_at_start * handle[0]
    # Work spread onto interval k: the sum over the window of intervals ending at k.
    total = np.concatenate([[0.0], np.cumsum(work)])
    spread = (total[1:] - total[np.maximum(np.arange(1, n + 1) - window, 0)]) / window
    agents = least_count(spread, np.full(n, float(interval_s)))
    return BacklogStaffing(agents, scheduled_for(agents, shrink), work)


def first_replies_in_time(items: np.ndarray, handle_s: float | np.ndarray,
                          agents: np.ndarray, *, reply_within_s: float = DEFAULT_REPLY_S,
                          interval_s: float = 900.0) -> bool:
    """Whether ``agents`` per interval, first come first served with work as a fluid,
    answer every item by the end of the interval L - 1 after its own (L = target /
    interval): the deadline of an item arriving at its interval's start."""
    items = column("items", items)
    work = items * column("handle_s", handle_s, len(items))
    window = int(reply_within_s // interval_s)
    done = np.cumsum(np.asarray(agents, dtype=np.float64) * interval_s)
    due = np.cumsum(work)
    # By the end of interval k everything that arrived up to k - L + 1 is answered.
    k = np.arange(window - 1, len(items))
    return bool(np.all(done[k] >= due[k - window + 1] * (1 - 1e-12)))
