"""Checking staffing inputs: every bad value is refused with a message that names the
input and the interval and says what it takes. No NaN gets past. The check itself is
one compiled pass (core_ext.erlang_kernels.check_inputs); the words are here."""

from __future__ import annotations

import math

import numpy as np

from core.errors import StaffingError
from core_ext import erlang_kernels as kernels

#: Float noise this small against a human's "82 %" or "30 % shrinkage" costs nobody an
#: agent: 12.3 Erlangs at an 82 % cap need 15 agents, although 12.3 / 0.82 is
#: 15.000000000000002 in binary.
REL_TOLERANCE = 1e-12
#: Erlang A sums its queue place by place; beyond this many it would take seconds.
MAX_QUEUE_PLACES = 5e7

_WORDS = {
    kernels.BAD_CONTACTS: ("contacts", "a count of contacts, 0 or more"),
    kernels.BAD_HANDLE: ("handle_s", "a mean handle time in seconds above 0"),
    kernels.BAD_ANSWER: ("answer_s", "a time to answer in seconds, 0 or more"),
    kernels.BAD_PATIENCE: ("patience_s", "a mean patience in seconds above 0 "
                           "(inf: customers who never hang up)"),
    kernels.BAD_SHARE: ("service level target", "a share between 0 and 1 (0.8 for 80 %)"),
    kernels.SHARE_UNREACHABLE: (
        "service level target", "reachable: while contacts arrive some find every agent "
        "busy and wait, so no number of agents answers 100 % within any time; give a "
        "share below 1"),
    kernels.BAD_CAP: ("occupancy_cap", "a share above 0 and at most 1"),
    kernels.BAD_SHRINKAGE: ("shrinkage", "a share of paid time of at least 0 and below 1"),
    kernels.QUEUE_TOO_LONG: (
        "patience_s", f"short enough to model abandonment here: so patient a queue would "
        f"reach {MAX_QUEUE_PLACES:g} waiting; give inf for Erlang C"),
}


def column(name: str, value, n: int | None = None) -> np.ndarray:
    """``value`` (a number or one per interval) as a float64 column of n."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim > 1:
        raise StaffingError(f"{name}: expected a number or one per interval, "
                            f"got an array of shape {arr.shape}")
    if n is None:
        return np.atleast_1d(arr)
    if arr.ndim == 0:
        return np.full(n, float(arr))
    if len(arr) != n:
        raise StaffingError(f"{name}: {len(arr)} values for {n} intervals")
    return arr


def _refuse(name: str, i: int, value: float, expected: str):
    shown = "not a number (NaN)" if math.isnan(value) else f"{value:g} is not {expected}"
    raise StaffingError(f"{name} of interval {i}: {shown}")


def checked(interval_s: float, contacts, handle_s, answer_s, patience_s, share=0.0,
            occupancy_cap=1.0, shrinkage=0.0, agents=None):
    """The columns, checked, and the kernels' load, tau and nu."""
    if not (isinstance(interval_s, int | float) and math.isfinite(interval_s)
            and interval_s > 0):
        raise StaffingError(f"interval_s: {interval_s!r} is not a length of interval in "
                            "seconds above 0")
    contacts = column("contacts", contacts)
    n = len(contacts)
    cols = {"contacts": contacts, "handle_s": column("handle_s", handle_s, n),
            "answer_s": column("answer_s", answer_s, n),
            "patience_s": column("patience_s", patience_s, n),
            "service level target": column("service level target", share, n),
            "occupancy_cap": column("occupancy_cap", occupancy_cap, n),
            "shrinkage": column("shrinkage", shrinkage, n)}
    if agents is None:
        agents = np.full(n, -1, np.int64)
    code, i, load, tau, nu = kernels.check_inputs(*cols.values(), agents, float(interval_s),
                                                  MAX_QUEUE_PLACES)
    if code != kernels.OK:
        name, expected = _WORDS[code]
        _refuse(name, i, float(cols[name][i]), expected)
    return cols, load, tau, nu


def whole_agents(agents, n: int) -> np.ndarray:
    arr = column("agents", agents, n)
    bad = np.flatnonzero(~(arr >= 0) | (arr != np.floor(arr)) | ~np.isfinite(arr))
    if len(bad):
        _refuse("agents", int(bad[0]), float(arr[bad[0]]), "a whole number of agents, 0 or more")
    return arr.astype(np.int64)


def least_count(need: np.ndarray, per: np.ndarray) -> np.ndarray:
    """The least whole N with N * per >= need (per > 0), forgiving float noise."""
    n = np.ceil(need / per)
    fewer = (n >= 1) & ((n - 1) * per >= need * (1 - REL_TOLERANCE))
    return np.where(fewer, n - 1, n).astype(np.int64)
