# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False
# distutils: language = c++
"""The simulation's event loop, compiled. Private: core.simulation.engine wraps it.

It drives the compiled router directly (no Python call per event), in exactly the
order of the plain-Python engine that tests keep as the reference: one clock in
milliseconds; arrivals, scheduled events (conversation ends, abandonments, wrap-up
ends, shift starts and ends, pauses) and the router's own timers handled in time
order, ties in the order they were scheduled; one routing decision per instant,
after everything that happened in it.

What depends on the agent is decided here, where the agent is known: a saboteur's
dial is cut short when taken; a pause (a break, a stretch away) starts once the
agent is off the phone (no call, no wrap-up), and a break waits while it would
leave a language with nobody at work.
"""

from libcpp.vector cimport vector

from core_ext._router cimport (
    CALLBACK,
    NC,
    OK,
    OUTBOUND_CALL,
    PHONE,
    ST_AVAILABLE,
    ST_BUSY,
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
    K_PAUSE = 5  # b: the pause's index in the plan
    K_PAUSE_END = 6  # b: the pause's index

# Where an agent is with a pause.
cdef enum:
    P_NONE = 0
    P_PENDING = 1  # due, but the agent is on a call: takes no new work
    P_PAUSED = 2

# Agent events the loop reports itself (the router knows no logins).
cdef enum:
    A_LOGIN = 1
    A_LOGOUT = 2

# Codes from core.model the router's declarations leave out.
cdef enum:
    ST_BREAK = 5  # AgentState
    NOT_REACHED = 7  # Outcome

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


cdef struct AgentEvent:
    long long t
    int kind
    int a


cdef inline int _is_voice(int ch) noexcept nogil:
    return ch == PHONE or ch == CALLBACK or ch == OUTBOUND_CALL


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
    # Agents: calls and wrap-ups under way (a pause waits for them), pauses, logins.
    cdef int[::1] on_call, wraps
    cdef signed char[::1] pause_state
    cdef long long[::1] pause_cur
    cdef signed char[::1] p_state
    cdef long long[::1] p_length
    cdef int[::1] p_tries
    cdef long long retry_ms
    cdef int max_tries
    cdef bint cover_languages, logins
    cdef unsigned long long[::1] a_langs
    cdef int at_work[64]  # per language: agents on shift and not paused
    cdef double[::1] hangup_share
    cdef double[::1] hangup_u
    cdef long long[::1] hangup_ms
    cdef vector[AgentEvent] agent_events

    def __init__(self, RouterCore core, arrived, qidx, handle, patience, outcome,
                 q_lang, wrap_ms_by_channel, int phone_lines, long long id_offset,
                 long long start_ms):
        self.core = core
        self.arrived = arrived
        self.qidx = qidx
        self.handle = handle
        self.patience = patience
        # A copy: a saboteur's dial changes its outcome when taken.
        self.outcome = np.array(outcome, dtype=np.int8)
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
        self.on_call = np.zeros(core.A, dtype=np.int32)
        self.wraps = np.zeros(core.A, dtype=np.int32)
        self.pause_state = np.zeros(core.A, dtype=np.int8)
        self.pause_cur = np.full(core.A, -1, dtype=np.int64)
        self.a_langs = np.zeros(core.A, dtype=np.uint64)
        self.hangup_share = np.zeros(core.A, dtype=np.float64)
        self.hangup_u = np.zeros(0, dtype=np.float64)
        self.hangup_ms = np.zeros(0, dtype=np.int64)
        self.p_state = np.zeros(0, dtype=np.int8)
        self.p_length = np.zeros(0, dtype=np.int64)
        self.p_tries = np.zeros(0, dtype=np.int32)
        self.retry_ms = 0
        self.max_tries = 0
        self.cover_languages = False
        self.logins = False
        cdef int l
        for l in range(64):
            self.at_work[l] = 0

    def set_agents(self, a_langs, bint logins, pause_state, pause_length_ms,
                   bint cover_languages, long long retry_ms, int max_tries,
                   hangup_share, hangup_u, hangup_ms):
        """How the agents behave, before the run: languages (bit masks), whether
        shifts log in and out, the planned pauses (scheduled as K_PAUSE with their
        index), and the saboteurs' share of dials cut short with the per-contact
        draws for it."""
        # Unchecked indexing below: the sizes are checked here, once.
        if len(a_langs) != self.core.A or len(hangup_share) != self.core.A:
            raise ValueError(f"one language mask and one share per agent ({self.core.A})")
        if len(pause_state) != len(pause_length_ms):
            raise ValueError("one length per pause")
        if (np.asarray(hangup_share) > 0).any() and not (
                len(hangup_u) == len(hangup_ms) == self.n):
            raise ValueError(f"with saboteurs, one hang-up draw per contact ({self.n})")
        self.a_langs = a_langs
        self.logins = logins
        self.p_state = pause_state
        self.p_length = pause_length_ms
        self.p_tries = np.zeros(len(pause_state), dtype=np.int32)
        self.cover_languages = cover_languages
        self.retry_ms = retry_ms
        self.max_tries = max_tries
        self.hangup_share = hangup_share
        self.hangup_u = hangup_u
        self.hangup_ms = hangup_ms

    # -- the schedule: a binary min-heap on (time, sequence) --------------------------

    def schedule(self, long long t, int kind, long long a, long long b=0):
        """Schedule an event from Python (shift starts and ends, pauses, before the
        run); ``b`` of a pause is its index among those given to set_agents."""
        if not 0 <= a < self.core.A or (kind == K_PAUSE and not 0 <= b < self.p_state.shape[0]):
            raise IndexError(f"no agent {a} or pause {b} to schedule")
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
        cdef long long iid, i, wait, handle
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
            handle = self.handle[i]
            if (ch == OUTBOUND_CALL and self.hangup_share[a] > 0
                    and self.hangup_u[i] < self.hangup_share[a]):
                handle = self.hangup_ms[i]
                self.outcome[i] = NOT_REACHED
            self.on_call[a] += _is_voice(ch)
            self._push(t + handle, K_END, i, a)

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
            self.on_call[a] -= _is_voice(ch)
            # Wrap-up begins as the conversation ends: set first, so the agent never
            # shows a zero-length AVAILABLE between the two. A chat finished on a
            # pause is wrapped up on it.
            if self.wrap_ms[ch] > 0 and self.on_shift[a] and self.pause_state[a] != P_PAUSED:
                core.set_presence(aid, ST_WRAP_UP, t)
                self.wraps[a] += 1
                self._push(t + self.wrap_ms[ch], K_WRAP_DONE, a, 0)
            core.release(self.id_offset + i + 1, aid, t, self.outcome[i])
            self.status[i] = DONE
            if self.pause_state[a] == P_PENDING and self.on_call[a] == 0 and self.wraps[a] == 0:
                self._start_pause(a, t)
        elif e.kind == K_ABANDON:
            i = e.a
            # Still waiting here; the router may have sent it to voicemail meanwhile.
            if self.status[i] == WAITING and core.abandon(self.id_offset + i + 1, t) == OK:
                self.status[i] = ABANDONED
                self.counters[core.q_channel[self.qidx[i]], C_ABANDONED] += 1
        elif e.kind == K_WRAP_DONE:
            a = <int>e.a
            self.wraps[a] -= 1
            if not self.on_shift[a]:
                pass
            elif self.pause_state[a] != P_PENDING:
                core.set_presence(core.a_id[a], ST_AVAILABLE, t)
            elif self.on_call[a] == 0 and self.wraps[a] == 0:
                self._start_pause(a, t)
            elif self.wraps[a] == 0:  # still on another call: finish it, take none
                core.set_presence(core.a_id[a], ST_BUSY, t)
        elif e.kind == K_SHIFT_START:
            a = <int>e.a
            if not self.on_shift[a]:
                self._count_at_work(a, 1)
            self.on_shift[a] = 1
            self.pause_state[a] = P_NONE
            if self.logins:
                self._agent_event(t, A_LOGIN, a)
            core.set_presence(core.a_id[a], ST_AVAILABLE, t)
        elif e.kind == K_SHIFT_END:
            a = <int>e.a
            if self.on_shift[a] and self.pause_state[a] != P_PAUSED:
                self._count_at_work(a, -1)
            self.on_shift[a] = 0
            self.pause_state[a] = P_NONE
            core.set_presence(core.a_id[a], ST_OFFLINE, t)
            if self.logins:
                self._agent_event(t, A_LOGOUT, a)
        elif e.kind == K_PAUSE:
            self._pause_due(<int>e.a, e.b, t)
        elif e.kind == K_PAUSE_END:
            a = <int>e.a
            if self.on_shift[a] and self.pause_state[a] == P_PAUSED and self.pause_cur[a] == e.b:
                self.pause_state[a] = P_NONE
                self._count_at_work(a, 1)
                core.set_presence(core.a_id[a], ST_AVAILABLE, t)

    # -- pauses -------------------------------------------------------------------------

    cdef void _agent_event(self, long long t, int kind, int a):
        cdef AgentEvent ev
        ev.t = t
        ev.kind = kind
        ev.a = a
        self.agent_events.push_back(ev)

    cdef void _count_at_work(self, int a, int delta):
        cdef unsigned long long langs = self.a_langs[a]
        cdef int l
        for l in range(64):
            if (langs >> l) & 1:
                self.at_work[l] += delta

    cdef bint _last_of_a_language(self, int a):
        """Would a pause of a (at work now) leave one of their languages with nobody?"""
        cdef unsigned long long langs = self.a_langs[a]
        cdef int l
        for l in range(64):
            if (langs >> l) & 1 and self.at_work[l] <= 1:
                return True
        return False

    cdef bint _held_back(self, int a, long long p):
        return (self.cover_languages and self.p_state[p] == ST_BREAK
                and self._last_of_a_language(a))

    cdef void _retry(self, int a, long long p, long long t):
        if self.p_tries[p] < self.max_tries:
            self.p_tries[p] += 1
            self._push(t + self.retry_ms, K_PAUSE, a, p)

    cdef void _pause_due(self, int a, long long p, long long t):
        if not self.on_shift[a]:
            return
        if self.pause_state[a] != P_NONE or self._held_back(a, p):
            self._retry(a, p, t)
            return
        self.pause_state[a] = P_PENDING
        self.pause_cur[a] = p
        if self.on_call[a] == 0 and self.wraps[a] == 0:
            self._start_pause(a, t)
        elif self.wraps[a] == 0:
            # On a call: no new work, the pause starts when it is done. Chats and
            # e-mails stay open through a pause, as with a chat tool's "away".
            self.core.set_presence(self.core.a_id[a], ST_BUSY, t)

    cdef void _start_pause(self, int a, long long t):
        cdef long long p = self.pause_cur[a]
        if self._held_back(a, p):
            # Another speaker of a language left while this agent finished work.
            self.pause_state[a] = P_NONE
            self.core.set_presence(self.core.a_id[a], ST_AVAILABLE, t)
            self._retry(a, p, t)
            return
        self.pause_state[a] = P_PAUSED
        self._count_at_work(a, -1)
        self.core.set_presence(self.core.a_id[a], self.p_state[p], t)
        self._push(t + self.p_length[p], K_PAUSE_END, a, p)

    def take_agent_events(self):
        """Logins and logouts since the last call: (times, 1 login / 2 logout, agent
        indices), in time order."""
        cdef Py_ssize_t n = self.agent_events.size(), j
        t = np.empty(n, dtype=np.int64)
        kind = np.empty(n, dtype=np.int8)
        agent = np.empty(n, dtype=np.int32)
        cdef long long[:] tv = t
        cdef signed char[:] kv = kind
        cdef int[:] av = agent
        for j in range(n):
            tv[j] = self.agent_events[j].t
            kv[j] = self.agent_events[j].kind
            av[j] = self.agent_events[j].a
        self.agent_events.clear()
        return t, kind, agent

    def take_blocked(self):
        """Arrival indices of the calls that got a busy signal since the last call."""
        out = np.empty(self.blocked.size(), dtype=np.int64)
        cdef long long[:] view = out
        cdef Py_ssize_t j
        for j in range(self.blocked.size()):
            view[j] = self.blocked[j]
        self.blocked.clear()
        return out


# For the wrapper, which schedules the shifts and the pauses.
SHIFT_START = K_SHIFT_START
SHIFT_END = K_SHIFT_END
PAUSE = K_PAUSE
LOGIN = A_LOGIN
LOGOUT = A_LOGOUT
