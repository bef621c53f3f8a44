"""The engine's kept buffers: memory is handed out again only when no array made
from it is alive, and let go when unused."""

from __future__ import annotations

import threading

import numpy as np

from core.kpi.buffers import ALIGN, BufferPool

MB = 1 << 20


def _address(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


def test_a_buffer_no_array_uses_is_handed_out_again() -> None:
    pool = BufferPool(min_bytes=MB)
    a = pool.full(1_000_000, -1, np.int64)
    where = _address(a)
    assert (a == -1).all()
    del a
    b = pool.zeros((500_000, 2), np.int64)
    assert _address(b) == where and b.shape == (500_000, 2) and not b.any()
    assert where % ALIGN == 0  # on a cache line
    total, idle = pool.kept_bytes()
    assert total == 8_000_000 + ALIGN and idle == 0


def test_a_view_of_a_view_keeps_its_buffer_in_use() -> None:
    pool = BufferPool(min_bytes=MB)
    a = pool.empty(1_000_000, np.int64)
    part = a[10:20][1:3].view(np.int32)
    where = _address(a)
    del a
    b = pool.empty(1_000_000, np.int64)
    assert _address(b) != where
    assert pool.kept_bytes() == (16_000_000 + 2 * ALIGN, 0)
    del part
    assert pool.kept_bytes() == (16_000_000 + 2 * ALIGN, 8_000_000 + ALIGN)
    c = pool.empty(1_000_000, np.int64)
    assert _address(c) == where


def test_small_arrays_and_much_smaller_asks_do_not_use_kept_buffers() -> None:
    pool = BufferPool(min_bytes=MB)
    small = pool.empty(1_000, np.int64)
    assert pool.kept_bytes() == (0, 0) and small.flags.owndata
    big = pool.empty(10_000_000, np.int8)
    del big
    pool.empty(2 * MB, np.uint8)  # a fifth of the kept one: not worth holding it
    assert pool.kept_bytes()[0] == 10_000_000 + 2 * MB + 2 * ALIGN


def test_unused_buffers_are_let_go() -> None:
    pool = BufferPool(keep_s=0.0, min_bytes=MB)
    a = pool.empty(2 * MB, np.uint8)
    pool.let_go()
    assert pool.kept_bytes() == (2 * MB + ALIGN, 0)  # in use: kept
    del a
    pool.let_go()
    assert pool.kept_bytes() == (0, 0)


def test_no_more_than_the_cap_is_kept_unused() -> None:
    pool = BufferPool(min_bytes=MB, max_idle_bytes=5 * MB)
    arrays = [pool.empty(2 * MB, np.uint8) for _ in range(3)]
    del arrays
    # No fit: the unused ones beyond 5 MB less this one are let go.
    kept = pool.empty(4 * MB + 1, np.uint8)
    assert pool.kept_bytes() == (4 * MB + 1 + ALIGN, 0) and len(kept) == 4 * MB + 1


def test_threads_never_share_a_buffer() -> None:
    pool = BufferPool(min_bytes=MB)
    errors: list[str] = []

    def work(mark: int) -> None:
        for _ in range(50):
            a = pool.full(MB // 8 * 3, mark, np.int64)
            if not (a == mark).all():
                errors.append(f"thread {mark} saw another's data")
            del a

    threads = [threading.Thread(target=work, args=(m,)) for m in range(1, 7)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert pool.kept_bytes()[0] <= 6 * (3 * MB + ALIGN)


def test_the_default_cap_is_a_quarter_of_the_memory_at_most() -> None:
    import os

    memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    assert BufferPool().max_idle_bytes == min(4 << 30, memory // 4)
