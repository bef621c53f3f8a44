"""Rates of KPI tables: ratios of sums, undefined (NaN) where nothing was counted."""

from __future__ import annotations

import numpy as np


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den per row as floats; NaN where den is 0 (a rate of nothing is not 0)."""
    num = np.asarray(num, dtype=float)
    out = np.full(len(num), np.nan)
    ok = np.asarray(den) > 0
    out[ok] = num[ok] / np.asarray(den)[ok]
    return out
