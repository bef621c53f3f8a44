# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False
# distutils: language = c++
"""The simulation's event loop, compiled. Private: core.simulation.engine wraps it.

It drives the compiled router directly (no Python call per event), in exactly the
order of the plain-Python engine that tests keep as the reference: one clock in
milliseconds; arrivals, scheduled events (conversation ends, abandonments, wrap-up
ends, shift starts and ends) and the router's own timers handled in time order,
ties in the order they were scheduled; one routing decision per instant, after
everything that happened in it.
"""

from libcpp.vector cimport vector

from core_ext._router cimport (
    NC,
    OK,
    PHONE,
    ST_AVAILABLE,
    ST_OFFLINE,
    ST_WRAP_UP,
    RouterCore,
)

import numpy as np

cdef long long NEVER = 0x7FFFFFFFFFFFFFFF

# Scheduled event kinds (the same numbers as the reference engine's).
cdef enum:
    K_END = 0
    K_ABANDON = 1
    K_WRAP_DONE = 2
    K_SHIFT_START = 3
    K_SHIFT_END = 4

# Contact status, one byte per arrival.
cdef enum:
    NEW = 0
    WAITING = 1
    SERVED = 2
    DONE = 3
    ABANDONED = 4
    BLOCKED = 5

# Columns of the per-channel counters.
cdef enum:
    C_ARRIVED = 0
    C_ANSWERED = 1
    C_IN_TARGET = 2
    C_AFTER_WAIT = 3
    C_ABANDONED = 4
    C_BLOCKED = 5
    C_WAIT_MS = 6
    N_COUNTERS = 7


cdef struct Scheduled:
    long long t
    long long seq
    int kind
    long long a  # arrival index, or agent index for agent events
    long long b  # agent index for K_END


cdef inline bint _earlier(Scheduled* x, Scheduled* y) noexcept nogil:
    return x.t < y.t or (x.t == y.t and x.seq < y.seq)


cdef class SimLoop:
    """State of one run: the arrivals, what became of each, the schedule, counters."""

    cdef RouterCore core
    cdef long long[::1] arrived, handle, patience
    cdef int[::1] qidx
    cdef signed char[::1] outcome
    cdef public object status_arr
    cdef signed char[::1] status
    cdef Py_ssize_t n
    cdef public Py_ssize_t next_arrival
    cdef public long long now
    cdef long long id_offset
    cdef int[::1] q_lang
    cdef long long[::1] q_target
    cdef long long wrap_ms[NC]
    cdef int[::1] phone_queues
    cdef int phone_lines, phone_connected
    cdef signed char[::1] on_shift
    cdef vector[Scheduled] heap
    cdef long long seq
    cdef public object counters_arr  # (NC, N_COUNTERS) int64
    cdef long long[:, ::1] counters
    cdef vector[long long] blocked

    def __init__(self, RouterCore core, arrived, qidx, handle, patience, outcome,
                 q_lang, wrap_ms_by_channel, int phone_lines, long long id_offset,
                 long long start_ms):
        self.core = core
        self.arrived = arrived
        self.qidx = qidx
        self.handle = handle
        self.patience = patience
        self.outcome = outcome
        self.n = len(arrived)
        self.status_arr = np.zeros(self.n, dtype=np.int8)
        self.status = self.status_arr
        self.next_arrival = 0
        self.now = start_ms
        self.id_offset = id_offset
        self.q_lang = q_lang
        self.q_target = core.q_target
        cdef int ch
        for ch in range(NC):
            self.wrap_ms[ch] = wrap_ms_by_channel[ch]
        self.phone_queues = np.flatnonzero(np.asarray(core.q_channel) == PHONE).astype(np.int32)
        self.phone_lines = phone_lines
        self.phone_connected = 0
        self.on_shift = np.zeros(core.A, dtype=np.int8)
        self.seq = 0
        self.counters_arr = np.zeros((NC, N_COUNTERS), dtype=np.int64)
        self.counters = self.counters_arr

    # -- the schedule: a binary min-heap on (time, sequence) --------------------------

    def schedule(self, long long t, int kind, long long a, long long b=0):
        """Schedule an event from Python (shift starts and ends, before the run)."""
        self._push(t, kind, a, b)

    cdef void _push(self, long long t, int kind, long long a, long long b) noexcept:
        self.seq += 1
        cdef Scheduled e
        e.t = t
        e.seq = self.seq
        e.kind = kind
        e.a = a
        e.b = b
        self.heap.push_back(e)
        cdef Py_ssize_t i = self.heap.size() - 1, parent
        while i > 0:
            parent = (i - 1) >> 1
            if not _earlier(&e, &self.heap[parent]):
                break
            self.heap[i] = self.heap[parent]
            i = parent
        self.heap[i] = e

    cdef Scheduled _pop(self) noexcept:
        cdef Scheduled top = self.heap[0]
        cdef Scheduled last = self.heap.back()
        self.heap.pop_back()
        cdef Py_ssize_t n = self.heap.size(), i = 0, c
        if n == 0:
            return top
        while True:
            c = 2 * i + 1
            if c >= n:
                break
            if c + 1 < n and _earlier(&self.heap[c + 1], &self.heap[c]):
                c += 1
            if not _earlier(&self.heap[c], &last):
                break
            self.heap[i] = self.heap[c]
            i = c
        self.heap[i] = last
        return top

    cdef inline long long _next_scheduled(self) noexcept:
        return self.heap[0].t if self.heap.size() else NEVER

    cdef inline long long _next_arrival_t(self) noexcept:
        return self.arrived[self.next_arrival] if self.next_arrival < self.n else NEVER

    # -- the loop -----------------------------------------------------------------------

    cpdef void run_until(self, long long until_ms):
        """Handle every event up to and including until_ms."""
        cdef RouterCore core = self.core
        cdef long long t_arr, t_ev, t_timer, t
        cdef Scheduled e
        while True:
            t_arr = self._next_arrival_t()
            t_ev = self._next_scheduled()
            t_timer = core.t_due[0] if core.t_n > 0 else NEVER
            t = min(t_arr, t_ev, t_timer)
            if t == NEVER or t > until_ms:
                break
            self.now = t
            if t == t_arr:
                self._arrive(self.next_arrival, t)
                self.next_arrival += 1
            elif t == t_ev:
                e = self._pop()
                self._handle(e, t)
            else:  # only the router's timer: let it step, send to voicemail, re-queue
                self._assign(t)
                continue
            if self._next_arrival_t() != t and self._next_scheduled() != t:
                self._assign(t)
        if until_ms > self.now:
            self.now = until_ms

    cdef void _arrive(self, Py_ssize_t i, long long t):
        cdef int q = self.qidx[i]
        cdef int ch = self.core.q_channel[q]
        cdef long long in_use
        cdef Py_ssize_t j
        self.counters[ch, C_ARRIVED] += 1
        if ch == PHONE and self.phone_lines > 0:
            in_use = self.phone_connected
            for j in range(self.phone_queues.shape[0]):
                in_use += self.core.q_waiting[self.phone_queues[j]]
            if in_use >= self.phone_lines:
                self.status[i] = BLOCKED
                self.counters[ch, C_BLOCKED] += 1
                self.blocked.push_back(i)
                return
        self.core.enqueue(self.id_offset + i + 1, q, self.q_lang[q], 0, t, t)
        self.status[i] = WAITING
        if self.patience[i] < NEVER - t:
            self._push(t + self.patience[i], K_ABANDON, i, 0)

    cdef void _assign(self, long long t):
        cdef RouterCore core = self.core
        cdef int n_dec = core.assign(t)
        cdef int j, s, a, q, ch
        cdef long long iid, i, wait
        for j in range(n_dec):
            s = core.dec_slot[j]
            a = core.dec_agent[j]
            iid = core.i_id[s]
            i = iid - self.id_offset - 1
            core.accept(iid, core.a_id[a], t)
            self.status[i] = SERVED
            q = self.qidx[i]
            ch = core.q_channel[q]
            wait = t - self.arrived[i]
            self.counters[ch, C_ANSWERED] += 1
            self.counters[ch, C_WAIT_MS] += wait
            self.counters[ch, C_IN_TARGET] += wait <= self.q_target[q]
            self.counters[ch, C_AFTER_WAIT] += wait > 0
            if ch == PHONE:
                self.phone_connected += 1
            self._push(t + self.handle[i], K_END, i, a)

    cdef void _handle(self, Scheduled e, long long t):
        cdef RouterCore core = self.core
        cdef long long i, aid
        cdef int ch, a
        if e.kind == K_END:
            i = e.a
            a = <int>e.b
            aid = core.a_id[a]
            ch = core.q_channel[self.qidx[i]]
            if ch == PHONE:
                self.phone_connected -= 1
            # Wrap-up begins as the conversation ends: set first, so the agent never
            # shows a zero-length AVAILABLE between the two.
            if self.wrap_ms[ch] > 0 and self.on_shift[a]:
                core.set_presence(aid, ST_WRAP_UP, t)
                self._push(t + self.wrap_ms[ch], K_WRAP_DONE, a, 0)
            core.release(self.id_offset + i + 1, aid, t, self.outcome[i])
            self.status[i] = DONE
        elif e.kind == K_ABANDON:
            i = e.a
            # Still waiting here; the router may have sent it to voicemail meanwhile.
            if self.status[i] == WAITING and core.abandon(self.id_offset + i + 1, t) == OK:
                self.status[i] = ABANDONED
                self.counters[core.q_channel[self.qidx[i]], C_ABANDONED] += 1
        elif e.kind == K_WRAP_DONE:
            a = <int>e.a
            if self.on_shift[a]:
                core.set_presence(core.a_id[a], ST_AVAILABLE, t)
        elif e.kind == K_SHIFT_START:
            a = <int>e.a
            self.on_shift[a] = 1
            core.set_presence(core.a_id[a], ST_AVAILABLE, t)
        elif e.kind == K_SHIFT_END:
            a = <int>e.a
            self.on_shift[a] = 0
            core.set_presence(core.a_id[a], ST_OFFLINE, t)

    def take_blocked(self):
        """Arrival indices of the calls that got a busy signal since the last call."""
        out = np.empty(self.blocked.size(), dtype=np.int64)
        cdef long long[:] view = out
        cdef Py_ssize_t j
        for j in range(self.blocked.size()):
            view[j] = self.blocked[j]
        self.blocked.clear()
        return out


# For the wrapper, which schedules the shifts.
SHIFT_START = K_SHIFT_START
SHIFT_END = K_SHIFT_END
