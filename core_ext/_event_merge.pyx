# cython: language_level=3, boundscheck=False, wraparound=False
"""Merging event batches that are each in time order into one, in time order.

Private kernel: core_ext.event_merge is its Python face.
"""

from core_ext._rows cimport event_t

import numpy as np

cdef enum:
    MAX_PARTS = 16


def merge_by_time(list parts):
    """One array of all rows of ``parts`` (core.model.EVENT_DTYPE arrays, each in time
    order) ordered by ts_ms. Rows with the same time keep the order of their parts,
    then their order within a part: what a stable sort of the concatenation gives, in
    one pass instead of three. A part out of time order is refused."""
    cdef Py_ssize_t k = len(parts)
    if not 0 < k <= MAX_PARTS:
        raise ValueError(f"between 1 and {MAX_PARTS} parts, not {k}")
    cdef event_t* head[MAX_PARTS]
    cdef Py_ssize_t left[MAX_PARTS]
    cdef event_t[::1] view
    cdef Py_ssize_t j, i, total = 0
    for j in range(k):
        view = parts[j]
        left[j] = view.shape[0]
        head[j] = &view[0] if left[j] else NULL
        for i in range(1, left[j]):
            if view[i].ts_ms < view[i - 1].ts_ms:
                raise ValueError(f"part {j} is not in time order at row {i}")
        total += left[j]
    out = np.empty(total, dtype=parts[0].dtype)
    if total == 0:
        return out
    cdef event_t[::1] dst = out
    cdef Py_ssize_t n = 0
    cdef int pick
    while n < total:
        pick = -1
        for j in range(k):
            if left[j] and (pick < 0 or head[j].ts_ms < head[pick].ts_ms):
                pick = j
        dst[n] = head[pick][0]
        head[pick] += 1
        left[pick] -= 1
        n += 1
    return out
