# cython: language_level=3
"""Event batches between their columnar form (core.model.EVENT_DTYPE) and SQLite rows.

Private kernel: core.store validates its inputs and calls it through
core_ext.event_codec. -1 in an array is NULL in SQLite, and back.
"""

from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM
from cpython.ref cimport Py_INCREF

from core_ext._rows cimport event_t

import numpy as np

cdef enum:
    NCOLS = 9  # the eight columns of event_t plus detail


cdef inline object _nullable(long long v):
    if v == -1:
        return None
    return v


cdef inline void _put(tuple t, Py_ssize_t i, object v):
    Py_INCREF(v)
    PyTuple_SET_ITEM(t, i, v)


cpdef tuple encode_flat(event_t[:] events, long long first_seq, list details):
    """Flat parameter tuple for ``INSERT ... VALUES (?,…),(?,…),…`` of all ``events``.

    Row i gets seq ``first_seq + i`` (written back into the array too, so the caller
    holds the numbers the store gave). ``details`` is a list of JSON strings or None,
    one per event, or None when no event has a detail.
    """
    cdef Py_ssize_t n = events.shape[0]
    cdef Py_ssize_t i, base
    cdef tuple out = PyTuple_New(n * NCOLS)
    cdef event_t* e
    for i in range(n):
        e = &events[i]
        e.seq = first_seq + i
        base = i * NCOLS
        _put(out, base, e.seq)
        _put(out, base + 1, e.ts_ms)
        _put(out, base + 2, e.kind)
        _put(out, base + 3, _nullable(e.interaction_id))
        _put(out, base + 4, _nullable(e.agent_id))
        _put(out, base + 5, _nullable(e.queue_id))
        _put(out, base + 6, _nullable(e.channel))
        _put(out, base + 7, _nullable(e.value))
        _put(out, base + 8, None if details is None else details[i])
    return out


cpdef tuple encode_values(event_t[:] events, long long first_seq):
    """Like encode_flat for a batch without details, leaving seq to SQLite (the next
    rowid, which the caller's transaction makes first_seq + i): seven values a row,
    (ts_ms, kind, interaction_id, agent_id, queue_id, channel, value)."""
    cdef Py_ssize_t n = events.shape[0]
    cdef Py_ssize_t i, base
    cdef tuple out = PyTuple_New(n * 7)
    cdef event_t* e
    for i in range(n):
        e = &events[i]
        e.seq = first_seq + i
        base = i * 7
        _put(out, base, e.ts_ms)
        _put(out, base + 1, e.kind)
        _put(out, base + 2, _nullable(e.interaction_id))
        _put(out, base + 3, _nullable(e.agent_id))
        _put(out, base + 4, _nullable(e.queue_id))
        _put(out, base + 5, _nullable(e.channel))
        _put(out, base + 6, _nullable(e.value))
    return out


cdef inline long long _code(object v):
    if v is None:
        return -1
    return v


cpdef object decode_rows(object rows, Py_ssize_t size_hint=1024):
    """Columnar array from an iterable of 8-tuples
    (seq, ts_ms, kind, interaction_id, agent_id, queue_id, channel, value)."""
    from core.model import EVENT_DTYPE

    cdef Py_ssize_t cap = size_hint if size_hint > 16 else 16
    cdef Py_ssize_t n = 0
    out = np.empty(cap, dtype=EVENT_DTYPE)
    cdef event_t[:] view = out
    cdef event_t* e
    cdef tuple row
    for r in rows:
        row = <tuple?>r
        if n == cap:
            cap *= 2
            out = np.resize(out, cap)
            view = out
        e = &view[n]
        e.seq = row[0]
        e.ts_ms = row[1]
        e.kind = row[2]
        e.interaction_id = _code(row[3])
        e.agent_id = _code(row[4])
        e.queue_id = _code(row[5])
        e.channel = _code(row[6])
        e.value = _code(row[7])
        n += 1
    return out[:n].copy() if n < cap else out


# Matches core.model.INTERACTION_DTYPE.
ctypedef packed struct interaction_t:
    long long id
    signed char channel
    signed char direction
    short language
    int queue_id
    short priority
    long long arrived_ms
    signed char number_type

cdef enum:
    INTERACTION_NCOLS = 9


cpdef tuple encode_interactions(interaction_t[:] items, tuple languages, list numbers):
    """Flat parameter tuple for a multi-row INSERT of interactions, in the column order
    (id, channel, direction, language, queue_id, priority, customer_number,
    customer_number_type, arrived_ms). ``languages`` maps the language index to its
    code; ``numbers`` holds one customer number (or None) per row."""
    cdef Py_ssize_t n = items.shape[0]
    if len(numbers) != n:
        raise ValueError(f"{len(numbers)} numbers for {n} interactions")
    cdef Py_ssize_t i, base
    cdef tuple out = PyTuple_New(n * INTERACTION_NCOLS)
    cdef interaction_t* r
    for i in range(n):
        r = &items[i]
        base = i * INTERACTION_NCOLS
        _put(out, base, r.id)
        _put(out, base + 1, r.channel)
        _put(out, base + 2, r.direction)
        _put(out, base + 3, languages[r.language])
        _put(out, base + 4, _nullable(r.queue_id))
        _put(out, base + 5, r.priority)
        _put(out, base + 6, numbers[i])
        _put(out, base + 7, r.number_type)
        _put(out, base + 8, r.arrived_ms)
    return out
