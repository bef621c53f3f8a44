"""merge_by_time against its reference: a stable sort of the concatenation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.model import EVENT_DTYPE
from core_ext.event_merge import merge_by_time


def _part(times: list[int], tag: int) -> np.ndarray:
    out = np.zeros(len(times), dtype=EVENT_DTYPE)
    out["ts_ms"] = sorted(times)
    out["kind"] = tag
    out["interaction_id"] = np.arange(len(times))  # tells rows of one part apart
    return out


@given(st.lists(st.lists(st.integers(0, 30), max_size=40), min_size=1, max_size=5))
def test_merge_equals_a_stable_sort_of_the_parts(times: list[list[int]]) -> None:
    parts = [_part(t, j + 1) for j, t in enumerate(times)]
    both = np.concatenate(parts)
    want = both[np.argsort(both["ts_ms"], kind="stable")]
    np.testing.assert_array_equal(merge_by_time(parts), want)


def test_a_part_out_of_time_order_is_refused() -> None:
    bad = _part([1, 2, 3], 1)
    bad["ts_ms"][2] = 0
    with pytest.raises(ValueError, match="part 1 is not in time order at row 2"):
        merge_by_time([_part([5], 2), bad])


def test_other_row_layouts_are_refused() -> None:
    with pytest.raises(ValueError):
        merge_by_time([np.zeros(3, dtype=np.int64)])
