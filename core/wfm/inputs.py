"""Checking staffing inputs: every bad value is refused with a message that names the
input (and the interval, for columns) and says what it takes. No NaN gets past."""

from __future__ import annotations

import numpy as np

from core.errors import StaffingError

#: Float noise this small against a human's "85 %" or "30 % shrinkage" costs nobody an
#: agent: 8.5 Erlangs at an 85 % cap need 10 agents, although 8.5 / 0.85 is
#: 10.000000000000002 in binary.
REL_TOLERANCE = 1e-12


def column(name: str, value, n: int | None = None) -> np.ndarray:
    """``value`` (a number or one per interval) as a float64 column; NaN refused."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim > 1:
        raise StaffingError(f"{name}: expected a number or one per interval, "
                            f"got an array of shape {arr.shape}")
    if n is not None:
        if arr.ndim == 0:
            arr = np.full(n, float(arr))
        elif len(arr) != n:
            raise StaffingError(f"{name}: {len(arr)} values for {n} intervals")
    bad = np.flatnonzero(np.isnan(arr.ravel()))
    if len(bad):
        raise StaffingError(f"{name}{_where(arr, bad[0])}: not a number (NaN)")
    return arr


def _where(arr: np.ndarray, i: int) -> str:
    return f" of interval {i}" if arr.ndim else ""


def _first(arr: np.ndarray, mask: np.ndarray) -> int | None:
    hit = np.flatnonzero(np.atleast_1d(mask))
    return int(hit[0]) if len(hit) else None


def require(name: str, arr: np.ndarray, bad: np.ndarray, expected: str) -> None:
    """Refuse ``arr`` where ``bad``, saying what was ``expected``."""
    i = _first(arr, bad)
    if i is not None:
        v = float(np.atleast_1d(arr)[i])
        raise StaffingError(f"{name}{_where(arr, i)}: {v:g} is not {expected}")


def check_target_share(share: np.ndarray, contacts: np.ndarray) -> None:
    require("service level target", share, (share < 0) | (share > 1),
            "a share between 0 and 1 (0.8 for 80 %)")
    require("service level target", share, (share >= 1) & (contacts > 0),
            "reachable: while contacts arrive some find every agent busy and wait, "
            "so no number of agents answers 100 % within any time; give a share below 1")


def least_count(need: np.ndarray, per: np.ndarray) -> np.ndarray:
    """The least whole N with N * per >= need (per > 0), forgiving float noise."""
    n = np.ceil(need / per)
    fewer = (n >= 1) & ((n - 1) * per >= need * (1 - REL_TOLERANCE))
    return np.where(fewer, n - 1, n).astype(np.int64)
