"""The Cython event codec against a plain-Python twin, on random batches."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from core.model import EVENT_DTYPE, INTERACTION_DTYPE, NONE
from core_ext.event_codec import decode_rows, encode_flat, encode_interactions, encode_values

COLS = ["ts_ms", "kind", "interaction_id", "agent_id", "queue_id", "channel", "value"]
NULLABLE = {"interaction_id", "agent_id", "queue_id", "channel", "value"}

i64 = st.integers(-(2**62), 2**62)
nullable_i64 = st.one_of(st.just(NONE), st.integers(0, 2**62))
nullable_i32 = st.one_of(st.just(NONE), st.integers(0, 2**31 - 1))
nullable_i16 = st.one_of(st.just(NONE), st.integers(0, 2**15 - 1))
row = st.tuples(
    st.integers(0, 2**62), st.integers(1, 15), nullable_i64, nullable_i32, nullable_i32,
    nullable_i16, st.one_of(st.just(NONE), i64),
)


def to_array(rows: list[tuple]) -> np.ndarray:
    arr = np.zeros(len(rows), dtype=EVENT_DTYPE)
    for i, r in enumerate(rows):
        arr[i] = (0, *r)
    return arr


def reference_encode(arr: np.ndarray, first_seq: int, details: list | None) -> tuple:
    out = []
    for i, rec in enumerate(arr):
        out.append(first_seq + i)
        for c in COLS:
            v = int(rec[c])
            out.append(None if (c in NULLABLE and v == NONE) else v)
        out.append(None if details is None else details[i])
    return tuple(out)


def reference_decode(rows: list[tuple]) -> np.ndarray:
    arr = np.zeros(len(rows), dtype=EVENT_DTYPE)
    for i, r in enumerate(rows):
        arr[i] = tuple(NONE if v is None else v for v in r)
    return arr


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(row, max_size=60),
    first_seq=st.integers(1, 2**40),
    with_details=st.booleans(),
    data=st.data(),
)
def test_encode_matches_reference(rows, first_seq, with_details, data) -> None:
    arr = to_array(rows)
    details = (
        data.draw(st.lists(st.one_of(st.none(), st.text(max_size=8)),
                           min_size=len(rows), max_size=len(rows)))
        if with_details else None
    )
    expected = reference_encode(arr, first_seq, details)
    got = encode_flat(arr, first_seq, details)
    assert got == expected
    # The seq numbers are written back into the caller's array.
    assert arr["seq"].tolist() == list(range(first_seq, first_seq + len(rows)))


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(row, max_size=60), first_seq=st.integers(1, 2**40))
def test_encode_values_is_the_reference_without_seq_and_detail(rows, first_seq) -> None:
    arr = to_array(rows)
    full = reference_encode(arr, first_seq, None)
    expected = tuple(v for i, v in enumerate(full) if i % 9 not in (0, 8))
    assert encode_values(arr, first_seq) == expected
    assert arr["seq"].tolist() == list(range(first_seq, first_seq + len(rows)))


interaction_row = st.tuples(
    st.integers(1, 2**62), st.integers(1, 7), st.integers(1, 2), st.integers(0, 6),
    st.one_of(st.just(NONE), st.integers(1, 2**31 - 1)), st.integers(0, 9),
    st.integers(0, 2**62), st.integers(0, 4), st.one_of(st.none(), st.text(max_size=12)),
)
LANGUAGES = ("en", "es", "it", "fr", "uk", "ru", "pl")


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(interaction_row, max_size=60))
def test_encode_interactions_matches_reference(rows) -> None:
    arr = np.zeros(len(rows), dtype=INTERACTION_DTYPE)
    for i, (iid, ch, d, lang, q, prio, t, ntype, _) in enumerate(rows):
        arr[i] = (iid, ch, d, lang, q, prio, t, ntype)
    numbers = [r[-1] for r in rows]
    expected = []
    for (iid, ch, d, lang, q, prio, t, ntype, number) in rows:
        expected += [iid, ch, d, LANGUAGES[lang], None if q == NONE else q, prio, number,
                     ntype, t]
    assert encode_interactions(arr, LANGUAGES, numbers) == tuple(expected)


def test_encode_interactions_wants_one_number_a_row() -> None:
    import pytest

    with pytest.raises(ValueError, match="2 numbers for 1 interactions"):
        encode_interactions(np.zeros(1, dtype=INTERACTION_DTYPE), LANGUAGES, [None, None])


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(row, max_size=300), hint=st.integers(0, 64))
def test_decode_matches_reference(rows, hint) -> None:
    as_sql = [
        (seq, *[None if (c in NULLABLE and v == NONE) else v for c, v in zip(COLS, r,
                                                                              strict=True)])
        for seq, r in enumerate(rows, start=1)
    ]
    got = decode_rows(iter(as_sql), hint)
    assert got.dtype == EVENT_DTYPE
    np.testing.assert_array_equal(got, reference_decode(as_sql))


def test_decode_rejects_non_tuples() -> None:
    import pytest

    with pytest.raises(TypeError):
        decode_rows([[1, 2, 3, 4, 5, 6, 7, 8]])
