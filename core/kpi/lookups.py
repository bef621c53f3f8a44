"""Lookups in sorted id arrays, shared by the reports that join events, interactions
and sales lines by id (calls, sales)."""

from __future__ import annotations

import numpy as np


def first_rows(iid: np.ndarray, last: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Distinct ids (sorted) and the row of each one's first (or last) occurrence."""
    if not last:
        return np.unique(iid, return_index=True)
    ids, back = np.unique(iid[::-1], return_index=True)
    return ids, len(iid) - 1 - back


def find(keys: np.ndarray, want: np.ndarray) -> np.ndarray:
    """The index of each of ``want`` in the sorted ``keys``, -1 where absent."""
    if not len(keys):
        return np.full(len(want), -1, dtype=np.int64)
    pos = np.minimum(np.searchsorted(keys, want), len(keys) - 1)
    return np.where(keys[pos] == want, pos, -1)


def take(values: np.ndarray, index: np.ndarray, missing: int) -> np.ndarray:
    """values[index] where index >= 0, else ``missing``."""
    if not len(values):
        return np.full(len(index), missing, dtype=np.int64)
    return np.where(index >= 0, values[np.maximum(index, 0)], missing).astype(np.int64)
