"""The batch engine's largest arrays, made from buffers it keeps for a minute after
their last use, so that the next report finds its memory already in place.

A month of a 1,000-agent floor takes about 0.9 GB of arrays per report. glibc gives
every allocation over 32 MB back to the system as soon as it is freed, so each report
touches all of it afresh, a page fault per page. On a virtual machine with free page
reporting (KVM's virtio-balloon, as on our CI machines) the host has meanwhile taken
those pages back, and each fault is the host's to serve: up to 3 s more there, for a
report the engine makes in 1.4 s. Allocators made for such loads (jemalloc,
mimalloc) keep freed memory a while for its next use; this does the same for the
engine's largest arrays and nothing else. (A day of a 28-agent floor needs no array
this large: such reports never use the pool.)

A buffer is free again when no array made from it is alive: numpy points every view
at the array that owns the memory, so the references to the buffer tell. Buffers left
unused for ``KEEP_S`` are let go, and never more than a quarter of the machine's
memory (at most ``MAX_IDLE_BYTES``) is kept unused.
"""

from __future__ import annotations

import os
import sys
import threading
import time

import numpy as np
import numpy.typing as npt

#: How long a buffer is kept after it was last handed out: long enough for a
#: manager to run a report again with another grouping or range.
KEEP_S = 60.0
#: Smaller arrays come from numpy as usual: malloc keeps those itself.
MIN_BYTES = 4 << 20
#: At most this much is kept unused, and no more than a quarter of the memory.
MAX_IDLE_BYTES = 4 << 30
#: Arrays start on a cache line.
ALIGN = 64


class BufferPool:
    """Arrays from kept buffers (see the module's text). Thread-safe."""

    def __init__(self, keep_s: float = KEEP_S, min_bytes: int = MIN_BYTES,
                 max_idle_bytes: int | None = None) -> None:
        self.keep_s = keep_s
        self.min_bytes = min_bytes
        self.max_idle_bytes = (min(MAX_IDLE_BYTES, _memory_bytes() // 4)
                               if max_idle_bytes is None else max_idle_bytes)
        self._lock = threading.Lock()
        self._buffers: list[np.ndarray] = []  # uint8, each owning its memory
        self._handed_at: dict[int, float] = {}  # id(buffer) -> when last handed out
        self._timer: threading.Timer | None = None

    def empty(self, shape: int | tuple[int, ...], dtype: npt.DTypeLike) -> np.ndarray:
        dtype = np.dtype(dtype)
        shape = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
        nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if nbytes < self.min_bytes:
            return np.empty(shape, dtype)
        with self._lock:
            now = time.monotonic()
            buf = self._idle_fit(nbytes)
            if buf is None:
                self._let_go(now, keep_bytes=self.max_idle_bytes - nbytes)
                buf = np.empty(nbytes + ALIGN, np.uint8)
                self._buffers.append(buf)
            self._handed_at[id(buf)] = now
            # Made inside the lock: from here on the buffer is seen as in use.
            start = -buf.ctypes.data % ALIGN
            out = buf[start:start + nbytes].view(dtype).reshape(shape)
            self._schedule()
        return out

    def full(self, shape: int | tuple[int, ...], fill: int,
             dtype: npt.DTypeLike) -> np.ndarray:
        out = self.empty(shape, dtype)
        out.fill(fill)
        return out

    def zeros(self, shape: int | tuple[int, ...], dtype: npt.DTypeLike) -> np.ndarray:
        return self.full(shape, 0, dtype)

    def kept_bytes(self) -> tuple[int, int]:
        """Bytes kept in all, and of those not in use."""
        with self._lock:
            return (sum(b.nbytes for b in self._buffers),
                    sum(b.nbytes for b in self._buffers if _idle(b)))

    def let_go(self) -> None:
        """Free the buffers unused for ``keep_s``."""
        with self._lock:
            self._timer = None
            self._let_go(time.monotonic(), self.max_idle_bytes)
            if self._buffers:
                self._schedule()

    def _idle_fit(self, nbytes: int) -> np.ndarray | None:
        """The smallest unused buffer that holds nbytes without wasting half of it."""
        best = None
        for buf in self._buffers:
            if nbytes + ALIGN <= buf.nbytes <= 2 * nbytes + ALIGN and _idle(buf) and (
                    best is None or buf.nbytes < best.nbytes):
                best = buf
        return best

    def _let_go(self, now: float, keep_bytes: int) -> None:
        """Drop unused buffers past their time, and the oldest unused ones beyond
        keep_bytes."""
        idle = sorted((b for b in self._buffers if _idle(b)),
                      key=lambda b: self._handed_at[id(b)], reverse=True)
        kept = 0
        for buf in idle:
            kept += buf.nbytes
            if kept > keep_bytes or now - self._handed_at[id(buf)] >= self.keep_s:
                self._buffers = [b for b in self._buffers if b is not buf]
                del self._handed_at[id(buf)]

    def _schedule(self) -> None:
        if self._timer is None:
            self._timer = threading.Timer(self.keep_s, self.let_go)
            self._timer.daemon = True
            self._timer.start()


def _memory_bytes() -> int:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return 4 * MAX_IDLE_BYTES


def _idle(buf: np.ndarray) -> bool:
    # References when called from a loop over the pool's list: the list's, the loop
    # variable's, this argument's and getrefcount's own. Any array made from the
    # buffer adds one.
    return sys.getrefcount(buf) <= _BASELINE


def _baseline() -> int:
    held = [np.empty(1, np.uint8)]
    refs = 0
    for buf in held:
        refs = sys.getrefcount(buf)
    return refs + 1  # and _idle's argument


_BASELINE = _baseline()

#: The engine's pool.
POOL = BufferPool()
