# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False
# distutils: language = c++
"""The router's state and decisions, compiled. Private: core.routing.Router wraps it.

Waiting interactions live in classes (queue, language, priority), each a linked list
in (arrival, sequence) order. Within a class the head is the most urgent member and
has waited longest, so its overflow pool is the widest: when the head finds no
agent, no member of the class can, and the class is skipped ("blocked") until
something that could change that happens (capacity freed, an agent returns, the
class gets a new member or an overflow step, outbound opens). The decisions are
the same as trying every waiting interaction in order (tests check this against a
plain-Python router).
"""

from libcpp.unordered_map cimport unordered_map
from libc.stdint cimport uint64_t
from cython.operator cimport dereference as deref

import numpy as np

cdef long long NEVER = 0x7FFFFFFFFFFFFFFF


def codes():
    """The codes compiled in here, for the test that keeps them equal to core.model's."""
    return {
        "PHONE": PHONE, "CHAT": CHAT, "CALLBACK": CALLBACK, "OUTBOUND_CALL": OUTBOUND_CALL,
        "EV_ENQUEUED": EV_ENQUEUED, "EV_OFFERED": EV_OFFERED, "EV_ACCEPTED": EV_ACCEPTED,
        "EV_NO_ANSWER": EV_NO_ANSWER, "EV_OVERFLOW_STEP": EV_OVERFLOW_STEP,
        "EV_ENDED": EV_ENDED, "EV_ABANDONED": EV_ABANDONED, "EV_VOICEMAIL": EV_VOICEMAIL,
        "EV_AGENT_STATE": EV_AGENT_STATE, "EV_AGENT_MODE": EV_AGENT_MODE,
        "ST_AVAILABLE": ST_AVAILABLE, "ST_BUSY": ST_BUSY, "ST_WRAP_UP": ST_WRAP_UP,
        "ST_AWAY": ST_AWAY, "ST_OFFLINE": ST_OFFLINE,
        "BLENDED": BLENDED, "NC": NC,
    }




cdef extern from *:
    int __builtin_ctzll(unsigned long long) nogil


cdef inline bint is_voice(int ch) nogil:
    return ch == PHONE or ch == CALLBACK or ch == OUTBOUND_CALL


cdef class RouterCore:
    def __init__(self, a_id, a_langs, a_prof, a_group, a_blend, a_cap,
                 q_id, q_channel, q_work, q_strategy, q_skill, q_lang2, q_target,
                 q_noanswer, q_voicemail, lv_after, lv_minprof, lv_lang2, lv_anylang,
                 lv_groups, static_elig, int n_languages, int n_priorities,
                 long long switch_cost_ms,
                 int outbound_threshold, event_dtype, int capacity=1024):
        self.A = len(a_id)
        self.Q = len(q_id)
        self.L = n_languages
        self.P = n_priorities
        self.a_id = a_id
        self.a_langs = a_langs
        self.a_prof = a_prof
        self.a_group = a_group
        self.a_blend = a_blend
        self.a_cap = a_cap
        self.a_load_arr = np.zeros((self.A, NC), dtype=np.int16)
        self.a_load = self.a_load_arr
        self.a_ready = np.zeros(self.A, dtype=np.int8)
        self.a_open = np.zeros(self.A, dtype=np.int8)
        self.a_state_arr = np.full(self.A, ST_OFFLINE, dtype=np.int8)
        self.a_state = self.a_state_arr
        self.a_mode_arr = np.where(np.asarray(a_blend) == 2, 2, 1).astype(np.int8)
        self.a_mode = self.a_mode_arr
        self.a_last_switch = np.full(self.A, -(1 << 62), dtype=np.int64)
        self.a_last_activity = np.zeros(self.A, dtype=np.int64)
        self.a_occ = np.zeros(self.A, dtype=np.int64)
        self.a_switches_arr = np.zeros(self.A, dtype=np.int32)
        self.a_switches = self.a_switches_arr
        self.a_handled_arr = np.zeros(self.A, dtype=np.int32)
        self.a_handled = self.a_handled_arr
        cdef int a
        for a in range(self.A):
            self.agent_of[a_id[a]] = a
        self.q_id = q_id
        for a in range(len(q_id)):
            self.queue_of[q_id[a]] = a
        self.q_channel = q_channel
        self.q_work = q_work
        self.q_strategy = q_strategy
        self.q_skill = q_skill
        self.q_lang2 = q_lang2
        self.q_target = q_target
        self.q_noanswer = q_noanswer
        self.q_voicemail = q_voicemail
        self.lv_after = lv_after
        self.lv_minprof = lv_minprof
        self.lv_lang2 = lv_lang2
        self.lv_anylang = lv_anylang
        self.lv_groups = lv_groups
        self.W = (self.A + 63) // 64
        self.LV = lv_after.shape[1]
        self.static_elig = static_elig
        self.avail = np.zeros((NC, self.W), dtype=np.uint64)
        self.n_open = 0
        self.mode_ok = np.zeros((3, self.W), dtype=np.uint64)
        for a in range(self.A):
            if self.a_blend[a] != BLENDED:
                self.mode_ok[1, a >> 6] |= (<unsigned long long>1) << (a & 63)
                self.mode_ok[2, a >> 6] |= (<unsigned long long>1) << (a & 63)
            else:
                self.mode_ok[self.a_mode[a], a >> 6] |= (<unsigned long long>1) << (a & 63)
        self.q_nlevels = np.zeros(self.Q, dtype=np.int32)
        cdef int q, k
        for q in range(self.Q):
            k = 1
            while k < lv_after.shape[1] and lv_after[q, k] < NEVER:
                k += 1
            self.q_nlevels[q] = k - 1
        self.q_rr = np.full(self.Q, -1, dtype=np.int32)
        self.q_waiting_arr = np.zeros(self.Q, dtype=np.int32)
        self.q_waiting = self.q_waiting_arr
        self.K = self.Q * self.L * self.P
        self.c_first = np.full(self.K, -1, dtype=np.int32)
        self.c_last = np.full(self.K, -1, dtype=np.int32)
        self.c_count = np.zeros(self.K, dtype=np.int32)
        self.c_blocked = np.zeros(self.K, dtype=np.int8)
        self.active = np.zeros(self.K, dtype=np.int32)
        self.active_pos = np.full(self.K, -1, dtype=np.int32)
        self.heap = np.zeros(self.K, dtype=np.int32)
        self.n_active = 0
        self.switch_cost_ms = switch_cost_ms
        self.outbound_threshold = outbound_threshold
        self.gate_was_open = True
        self.t_due = np.zeros(1024, dtype=np.int64)
        self.t_slot = np.zeros(1024, dtype=np.int32)
        self.t_gen = np.zeros(1024, dtype=np.int32)
        self.t_n = 0
        self.ev_arr = np.zeros(4096, dtype=event_dtype)
        self.ev = self.ev_arr
        self.capacity = 0
        self._grow(max(capacity, 16))

    # -- storage ---------------------------------------------------------------------

    def _grow(self, int new_cap):
        cdef int old = self.capacity
        def grown(arr, fill, dtype):
            out = np.full(new_cap, fill, dtype=dtype)
            if old:
                out[:old] = arr[:old]
            return out
        self.i_id = grown(self.i_id if old else None, 0, np.int64)
        self.i_arrived = grown(self.i_arrived if old else None, 0, np.int64)
        self.i_seq = grown(self.i_seq if old else None, 0, np.int64)
        self.i_deadline = grown(self.i_deadline if old else None, 0, np.int64)
        self.i_offered_at = grown(self.i_offered_at if old else None, 0, np.int64)
        self.i_queue = grown(self.i_queue if old else None, 0, np.int32)
        self.i_agent = grown(self.i_agent if old else None, -1, np.int32)
        self.i_class = grown(self.i_class if old else None, 0, np.int32)
        self.i_next = grown(self.i_next if old else None, -1, np.int32)
        self.i_prev = grown(self.i_prev if old else None, -1, np.int32)
        self.i_lang = grown(self.i_lang if old else None, 0, np.int32)
        self.i_gen = grown(self.i_gen if old else None, 0, np.int32)
        self.i_state = grown(self.i_state if old else None, S_FREE, np.int8)
        self.i_level = grown(self.i_level if old else None, 0, np.int8)
        free = np.zeros(new_cap, dtype=np.int32)
        cdef int j, n = 0
        # Lowest slots are handed out first (pop from the end of the stack).
        for j in range(new_cap - 1, old - 1, -1):
            free[n] = j
            n += 1
        self.free_slots = free
        self.n_free = n
        self.dec_slot_arr = np.zeros(new_cap, dtype=np.int32)
        self.dec_agent_arr = np.zeros(new_cap, dtype=np.int32)
        self.dec_slot = self.dec_slot_arr
        self.dec_agent = self.dec_agent_arr
        self.capacity = new_cap

    cdef void _emit(self, long long ts, int kind, long long iid, long long aid,
                           long long qid, long long ch, long long value):
        if self.n_ev == self.ev.shape[0]:
            bigger = np.zeros(2 * self.ev.shape[0], dtype=self.ev_arr.dtype)
            bigger[: self.n_ev] = self.ev_arr
            self.ev_arr = bigger
            self.ev = bigger
        cdef event_t* e = &self.ev[self.n_ev]
        e.seq = 0
        e.ts_ms = ts
        e.kind = <short>kind
        e.interaction_id = iid
        e.agent_id = <int>aid
        e.queue_id = <int>qid
        e.channel = <short>ch
        e.value = value
        self.n_ev += 1

    def take_events(self):
        """Events since the last call: an EVENT_DTYPE array (seq 0), -1 for none."""
        out = np.array(self.ev_arr[: self.n_ev])
        self.n_ev = 0
        return out

    # -- class lists ------------------------------------------------------------------

    cdef bint _before(self, int s, int t) noexcept:
        """Is s ahead of t within one class: earlier arrival, then lower sequence."""
        if self.i_arrived[s] != self.i_arrived[t]:
            return self.i_arrived[s] < self.i_arrived[t]
        return self.i_seq[s] < self.i_seq[t]

    cdef void _link(self, int s) noexcept:
        cdef int k = self.i_class[s]
        cdef int t = self.c_last[k]
        while t >= 0 and self._before(s, t):
            t = self.i_prev[t]
        # insert after t (t == -1: at the front)
        self.i_prev[s] = t
        if t >= 0:
            self.i_next[s] = self.i_next[t]
            self.i_next[t] = s
        else:
            self.i_next[s] = self.c_first[k]
            self.c_first[k] = s
        if self.i_next[s] >= 0:
            self.i_prev[self.i_next[s]] = s
        else:
            self.c_last[k] = s
        self.c_count[k] += 1
        if self.c_count[k] == 1:
            self.active[self.n_active] = k
            self.active_pos[k] = self.n_active
            self.n_active += 1
        self.c_blocked[k] = 0
        self.n_waiting += 1
        self.q_waiting[self.i_queue[s]] += 1
        if self.q_channel[self.i_queue[s]] == PHONE or self.q_channel[self.i_queue[s]] == CHAT:
            self.n_live_waiting += 1

    cdef void _unlink(self, int s) noexcept:
        cdef int k = self.i_class[s]
        cdef int p = self.i_prev[s]
        cdef int n = self.i_next[s]
        if p >= 0:
            self.i_next[p] = n
        else:
            self.c_first[k] = n
        if n >= 0:
            self.i_prev[n] = p
        else:
            self.c_last[k] = p
        self.i_next[s] = -1
        self.i_prev[s] = -1
        self.c_count[k] -= 1
        cdef int pos, last
        if self.c_count[k] == 0:
            pos = self.active_pos[k]
            last = self.active[self.n_active - 1]
            self.active[pos] = last
            self.active_pos[last] = pos
            self.active_pos[k] = -1
            self.n_active -= 1
        self.n_waiting -= 1
        self.q_waiting[self.i_queue[s]] -= 1
        if self.q_channel[self.i_queue[s]] == PHONE or self.q_channel[self.i_queue[s]] == CHAT:
            self.n_live_waiting -= 1

    cdef void _unblock_all(self) noexcept:
        cdef int j
        for j in range(self.n_active):
            self.c_blocked[self.active[j]] = 0

    cdef void _unblock_for(self, int a, unsigned int channels) noexcept:
        """Agent a just became able to take these channels (a bit per channel): the
        blocked classes whose head a could serve are tried again, and only those."""
        cdef int j, k, s, q
        cdef int w = a >> 6
        cdef unsigned long long bit = (<unsigned long long>1) << (a & 63)
        for j in range(self.n_active):
            k = self.active[j]
            if not self.c_blocked[k]:
                continue
            s = self.c_first[k]
            q = self.i_queue[s]
            if not (channels >> self.q_channel[q]) & 1:
                continue
            if self.static_elig[(q * self.L + self.i_lang[s]) * self.LV + self.i_level[s], w] & bit:
                self.c_blocked[k] = 0

    cdef void _free(self, int s) noexcept:
        self.i_gen[s] += 1
        self.slot_of.erase(self.i_id[s])
        self.i_state[s] = S_FREE
        self.i_agent[s] = -1
        self.free_slots[self.n_free] = s
        self.n_free += 1

    # -- agents ------------------------------------------------------------------------

    cdef int _total_load(self, int a) noexcept:
        cdef int c, t = 0
        for c in range(NC):
            t += self.a_load[a, c]
        return t

    cdef bint _voice_active(self, int a) noexcept:
        return (self.a_load[a, PHONE] + self.a_load[a, CALLBACK]
                + self.a_load[a, OUTBOUND_CALL]) > 0

    cdef bint _can_take(self, int a, int ch) noexcept:
        """ROUTE-2: a call takes the agent whole and waits for open chats to end;
        chats, tickets and e-mails fill up to capacity while no call is active."""
        if self.a_cap[a, ch] <= 0 or self._voice_active(a):
            return False
        if is_voice(ch):
            return self.a_load[a, CHAT] == 0
        return self.a_load[a, ch] < self.a_cap[a, ch]

    cdef void _refresh(self, int a) noexcept:
        cdef int ch, w = a >> 6
        cdef unsigned long long bit = (<unsigned long long>1) << (a & 63)
        cdef bint any_room = False, ok
        cdef unsigned int opened = 0
        for ch in range(1, NC):
            ok = self.a_ready[a] and self._can_take(a, ch)
            if ok:
                if not self.avail[ch, w] & bit:
                    opened |= 1u << ch
                self.avail[ch, w] |= bit
                any_room = True
            else:
                self.avail[ch, w] &= ~bit
        self.n_open += <int>any_room - <int>self.a_open[a]
        self.a_open[a] = any_room
        cdef long long occ = 0
        for ch in range(1, NC):
            if self.a_cap[a, ch] > 0:
                occ += (self.a_load[a, ch] * 1000) // self.a_cap[a, ch]
        self.a_occ[a] = occ
        if opened:
            self._unblock_for(a, opened)

    cdef void _report_state(self, int a, int presence, long long now):
        cdef int shown = presence
        if presence == ST_AVAILABLE and self._total_load(a) > 0:
            shown = ST_BUSY
        if shown != self.a_state[a]:
            self.a_state[a] = shown
            self._emit(now, EV_AGENT_STATE, -1, self.a_id[a], -1, -1, shown)

    # -- public operations (ids are the floor's; errors are negative codes) ---------------

    cpdef int enqueue(self, long long iid, int q, int lang, int prio, long long arrived,
                      long long now):
        if self.slot_of.count(iid):
            return E_DUPLICATE
        if self.n_free == 0:
            self._grow(2 * self.capacity)
        self.n_free -= 1
        cdef int s = self.free_slots[self.n_free]
        if s + 1 > self.high_water:
            self.high_water = s + 1
        self.slot_of[iid] = s
        self.seq_counter += 1
        self.i_id[s] = iid
        self.i_queue[s] = q
        self.i_lang[s] = lang
        self.i_arrived[s] = arrived
        self.i_seq[s] = self.seq_counter
        self.i_deadline[s] = arrived + self.q_target[q]
        self.i_state[s] = S_WAITING
        self.i_level[s] = 0
        self.i_agent[s] = -1
        self.i_class[s] = (q * self.L + lang) * self.P + prio
        self._link(s)
        self._emit(now, EV_ENQUEUED, iid, -1, self.q_id[q], self.q_channel[q], -1)
        # Levels already due (e.g. an item enqueued late) are applied at the next assign.
        self._schedule(s)
        return s

    cpdef int set_presence(self, long long aid, int state, long long now):
        cdef unordered_map[long long, int].iterator it = self.agent_of.find(aid)
        if it == self.agent_of.end():
            return E_UNKNOWN_AGENT
        cdef int a = deref(it).second
        cdef bint ready = state == ST_AVAILABLE
        if ready and not self.a_ready[a]:
            self.a_last_activity[a] = now
        self.a_ready[a] = ready
        self._refresh(a)
        self._report_state(a, state, now)
        return OK

    cpdef int accept(self, long long iid, long long aid, long long now):
        cdef int s = self._held_by(iid, aid, S_OFFERED)
        if s < 0:
            return s
        cdef int a = self.i_agent[s]
        self.i_state[s] = S_CONNECTED
        self.a_handled[a] += 1
        cdef int q = self.i_queue[s]
        self._emit(now, EV_ACCEPTED, iid, aid, self.q_id[q], self.q_channel[q], -1)
        return OK

    cpdef int release(self, long long iid, long long aid, long long now, int outcome):
        cdef int s = self._held_by(iid, aid, S_CONNECTED)
        if s < 0:
            return s
        cdef int a = self.i_agent[s]
        cdef int q = self.i_queue[s]
        self.a_load[a, self.q_channel[q]] -= 1
        self.a_last_activity[a] = now
        self._refresh(a)
        self._emit(now, EV_ENDED, iid, aid, self.q_id[q], self.q_channel[q], outcome)
        self._free(s)
        self._report_state(a, ST_AVAILABLE if self.a_ready[a] else self.a_state[a], now)
        return OK

    cpdef int abandon(self, long long iid, long long now):
        cdef int s = self._slot(iid)
        if s < 0:
            return s
        cdef int q = self.i_queue[s]
        cdef int a = self.i_agent[s]
        if self.i_state[s] == S_WAITING:
            self._unlink(s)
        elif self.i_state[s] == S_OFFERED:
            self.a_load[a, self.q_channel[q]] -= 1
            self._refresh(a)
        else:
            return E_WRONG_STATE
        self._emit(now, EV_ABANDONED, iid, self.a_id[a] if a >= 0 else -1, self.q_id[q],
                   self.q_channel[q], -1)
        self._free(s)
        if a >= 0:
            self._report_state(a, ST_AVAILABLE if self.a_ready[a] else self.a_state[a], now)
        return OK

    # -- batches: one call for many events (a live adapter or the simulator) ----------

    def enqueue_batch(self, long long[:] iid, signed char[:] channel, short[:] lang,
                      int[:] queue_id, short[:] prio, long long[:] arrived, long long now,
                      int[:] rc):
        """Rows of core.model.INTERACTION_DTYPE (its fields as views), checked here."""
        cdef Py_ssize_t i
        cdef int q
        cdef unordered_map[long long, int].iterator it
        for i in range(iid.shape[0]):
            it = self.queue_of.find(queue_id[i])
            if it == self.queue_of.end():
                rc[i] = E_UNKNOWN_QUEUE
                continue
            q = deref(it).second
            if channel[i] != self.q_channel[q]:
                rc[i] = E_CHANNEL
            elif lang[i] < 0 or lang[i] >= self.L:
                rc[i] = E_LANGUAGE
            elif prio[i] < 0 or prio[i] >= self.P:
                rc[i] = E_PRIORITY
            else:
                rc[i] = self.enqueue(iid[i], q, lang[i], prio[i], arrived[i], now)

    def accept_batch(self, long long[:] iid, long long[:] aid, long long now, int[:] rc):
        cdef Py_ssize_t i
        for i in range(iid.shape[0]):
            rc[i] = self.accept(iid[i], aid[i], now)

    def release_batch(self, long long[:] iid, long long[:] aid, long long now,
                      int[:] outcome, int[:] rc):
        cdef Py_ssize_t i
        for i in range(iid.shape[0]):
            rc[i] = self.release(iid[i], aid[i], now, outcome[i])

    cdef int _held_by(self, long long iid, long long aid, int state) noexcept:
        """The slot of iid when it is in `state` with agent aid, else an error code."""
        cdef int s = self._slot(iid)
        if s < 0:
            return s
        cdef int a = self._agent(aid)
        if a < 0:
            return a
        if self.i_state[s] != state:
            return E_WRONG_STATE
        if self.i_agent[s] != a:
            return E_NOT_THEIRS
        return s

    cdef int _slot(self, long long iid) noexcept:
        cdef unordered_map[long long, int].iterator it = self.slot_of.find(iid)
        if it == self.slot_of.end():
            return E_UNKNOWN_INTERACTION
        return deref(it).second

    cdef int _agent(self, long long aid) noexcept:
        cdef unordered_map[long long, int].iterator it = self.agent_of.find(aid)
        if it == self.agent_of.end():
            return E_UNKNOWN_AGENT
        return deref(it).second

    def next_due(self):
        """When the next timer (overflow step, voicemail, no answer) falls due; it may
        turn out to be stale, in which case assign() at that time simply does nothing."""
        return self.t_due[0] if self.t_n > 0 else NEVER

    def reset_daily_counts(self):
        self.a_handled[:] = 0

    def level_of(self, long long iid):
        cdef int s = self._slot(iid)
        return -1 if s < 0 else self.i_level[s]

    def state_of(self, long long iid):
        cdef int s = self._slot(iid)
        return S_FREE if s < 0 else self.i_state[s]

    # -- timers: no answer, voicemail, overflow steps ------------------------------------

    cdef long long _next_due(self, int s) noexcept:
        cdef int q = self.i_queue[s]
        cdef long long due = NEVER
        if self.i_state[s] == S_WAITING:
            if self.i_level[s] < self.q_nlevels[q]:
                due = self.i_arrived[s] + self.lv_after[q, self.i_level[s] + 1]
            if self.q_voicemail[q] > 0:
                due = min(due, self.i_arrived[s] + self.q_voicemail[q])
        elif self.i_state[s] == S_OFFERED and self.q_noanswer[q] > 0:
            due = self.i_offered_at[s] + self.q_noanswer[q]
        return due

    cdef void _schedule(self, int s):
        """Push slot s's next due time (its generation moves on: older entries go stale)."""
        self.i_gen[s] += 1
        cdef long long due = self._next_due(s)
        if due == NEVER:
            return
        if self.t_n == self.t_due.shape[0]:
            self.t_due = np.concatenate([self.t_due, np.zeros(self.t_n, dtype=np.int64)])
            self.t_slot = np.concatenate([self.t_slot, np.zeros(self.t_n, dtype=np.int32)])
            self.t_gen = np.concatenate([self.t_gen, np.zeros(self.t_n, dtype=np.int32)])
        cdef int i = self.t_n, parent
        self.t_n += 1
        while i > 0:
            parent = (i - 1) >> 1
            if self.t_due[parent] <= due:
                break
            self.t_due[i] = self.t_due[parent]
            self.t_slot[i] = self.t_slot[parent]
            self.t_gen[i] = self.t_gen[parent]
            i = parent
        self.t_due[i] = due
        self.t_slot[i] = s
        self.t_gen[i] = self.i_gen[s]

    cdef void _pop_timer(self) noexcept:
        self.t_n -= 1
        cdef long long due = self.t_due[self.t_n]
        cdef int slot = self.t_slot[self.t_n], gen = self.t_gen[self.t_n]
        cdef int i = 0, c
        while True:
            c = 2 * i + 1
            if c >= self.t_n:
                break
            if c + 1 < self.t_n and self.t_due[c + 1] < self.t_due[c]:
                c += 1
            if self.t_due[c] >= due:
                break
            self.t_due[i] = self.t_due[c]
            self.t_slot[i] = self.t_slot[c]
            self.t_gen[i] = self.t_gen[c]
            i = c
        self.t_due[i] = due
        self.t_slot[i] = slot
        self.t_gen[i] = gen

    cdef void _run_timers(self, long long now):
        """Everything due by now: unanswered offers go back to their place in line (and
        the agent is set away), waiting calls past the limit go to voicemail, waiting
        interactions take the overflow steps they have reached."""
        cdef int s, q, a
        while self.t_n > 0 and self.t_due[0] <= now:
            s = self.t_slot[0]
            stale = self.t_gen[0] != self.i_gen[s]
            self._pop_timer()
            if stale:
                continue
            q = self.i_queue[s]
            if self.i_state[s] == S_OFFERED:
                a = self.i_agent[s]
                self.a_load[a, self.q_channel[q]] -= 1
                self.i_state[s] = S_WAITING
                self.i_agent[s] = -1
                self._link(s)  # at its original place: arrival and sequence are kept
                self._emit(now, EV_NO_ANSWER, self.i_id[s], self.a_id[a], self.q_id[q],
                           self.q_channel[q], -1)
                self.a_ready[a] = 0
                self._refresh(a)
                self._report_state(a, ST_AWAY, now)
            elif self.i_state[s] == S_WAITING:
                if self.q_voicemail[q] > 0 and now - self.i_arrived[s] >= self.q_voicemail[q]:
                    self._unlink(s)
                    self._emit(now, EV_VOICEMAIL, self.i_id[s], -1, self.q_id[q],
                               self.q_channel[q], -1)
                    self._free(s)
                    continue
                while (self.i_level[s] < self.q_nlevels[q]
                       and now - self.i_arrived[s] >= self.lv_after[q, self.i_level[s] + 1]):
                    self.i_level[s] += 1
                    self.c_blocked[self.i_class[s]] = 0
                    self._emit(now, EV_OVERFLOW_STEP, self.i_id[s], -1, self.q_id[q],
                               self.q_channel[q], self.i_level[s])
            self._schedule(s)

    # -- the decision --------------------------------------------------------------------

    cdef bint _head_before(self, int k1, int k2) noexcept:
        """Class order by its head: priority, then SLA deadline, then arrival order."""
        cdef int s = self.c_first[k1]
        cdef int t = self.c_first[k2]
        cdef int p1 = k1 % self.P
        cdef int p2 = k2 % self.P
        if p1 != p2:
            return p1 > p2
        if self.i_deadline[s] != self.i_deadline[t]:
            return self.i_deadline[s] < self.i_deadline[t]
        return self.i_seq[s] < self.i_seq[t]

    cdef void _heap_push(self, int k, int* n) noexcept:
        cdef int i = n[0]
        cdef int parent
        n[0] += 1
        self.heap[i] = k
        while i > 0:
            parent = (i - 1) >> 1
            if self._head_before(self.heap[i], self.heap[parent]):
                self.heap[i], self.heap[parent] = self.heap[parent], self.heap[i]
                i = parent
            else:
                break

    cdef int _heap_pop(self, int* n) noexcept:
        cdef int top = self.heap[0]
        n[0] -= 1
        self.heap[0] = self.heap[n[0]]
        cdef int i = 0, l, r, m
        while True:
            l = 2 * i + 1
            r = l + 1
            m = i
            if l < n[0] and self._head_before(self.heap[l], self.heap[m]):
                m = l
            if r < n[0] and self._head_before(self.heap[r], self.heap[m]):
                m = r
            if m == i:
                break
            self.heap[i], self.heap[m] = self.heap[m], self.heap[i]
            i = m
        return top

    cdef bint _feasible(self, int s, bint gate_open) noexcept:
        cdef int q = self.i_queue[s]
        cdef int ch = self.q_channel[q]
        if ch == OUTBOUND_CALL and not gate_open:
            return False
        cdef int row = (q * self.L + self.i_lang[s]) * self.LV + self.i_level[s]
        cdef int w
        for w in range(self.W):
            if self.static_elig[row, w] & self.avail[ch, w]:
                return True
        return False

    cdef int _best(self, int s, long long now, bint gate_open) noexcept:
        """The best agent for slot s, or -1."""
        cdef int q = self.i_queue[s]
        cdef int ch = self.q_channel[q]
        if ch == OUTBOUND_CALL and not gate_open:
            return -1
        cdef int row = (q * self.L + self.i_lang[s]) * self.LV + self.i_level[s]
        cdef int skill = self.q_skill[q]
        cdef int work = self.q_work[q]
        cdef int strategy = self.q_strategy[q]
        cdef int rr = self.q_rr[q]
        if strategy == STRAT_ROUND_ROBIN:
            return self._best_round_robin(row, ch, work, (rr + 1) % self.A, now)
        # Ranking: avoid care<->sales switches (ROUTE-5), then the queue's strategy,
        # then longest idle, then the agent's place in the floor file (agents come in
        # index order, so a tie keeps the first). Anyone who needs no switch beats
        # everyone who does, so those are ranked first and on their own.
        cdef int best = self._best_no_switch(row, ch, work, strategy, skill)
        if best >= 0:
            return best
        cdef long long b0 = 0, b1 = 0, b2 = 0
        cdef long long k0, k1, k2
        cdef int w, a
        cdef unsigned long long bits
        for w in range(self.W):
            bits = self.static_elig[row, w] & self.avail[ch, w] & ~self.mode_ok[work, w]
            while bits:
                a = (w << 6) + __builtin_ctzll(bits)
                bits &= bits - 1
                k0 = 2 if now - self.a_last_switch[a] < self.switch_cost_ms else 1
                if strategy == STRAT_LONGEST_IDLE:
                    k1 = self.a_last_activity[a]
                elif strategy == STRAT_LEAST_OCCUPIED:
                    k1 = self.a_occ[a]
                elif strategy == STRAT_HIGHEST_PROFICIENCY:
                    k1 = -self.a_prof[a, skill]
                elif strategy == STRAT_FEWEST_HANDLED:
                    k1 = self.a_handled[a]
                else:
                    k1 = (a - rr - 1 + self.A) % self.A
                k2 = self.a_last_activity[a]
                if best < 0 or k0 < b0 or (k0 == b0 and (k1 < b1 or (k1 == b1 and k2 < b2))):
                    best = a
                    b0 = k0
                    b1 = k1
                    b2 = k2
        return best

    cdef int _best_no_switch(self, int row, int ch, int work, int strategy,
                             int skill) noexcept:
        """_best among the agents who need no switch: one tight loop per strategy."""
        cdef int best = -1, w, a
        cdef long long k1, t, b1 = 0, bt = 0
        cdef unsigned long long bits
        for w in range(self.W):
            bits = self.static_elig[row, w] & self.avail[ch, w] & self.mode_ok[work, w]
            if not bits:
                continue
            if strategy == STRAT_LONGEST_IDLE:
                while bits:
                    a = (w << 6) + __builtin_ctzll(bits)
                    bits &= bits - 1
                    t = self.a_last_activity[a]
                    if best < 0 or t < bt:
                        best = a
                        bt = t
                continue
            while bits:
                a = (w << 6) + __builtin_ctzll(bits)
                bits &= bits - 1
                if strategy == STRAT_LEAST_OCCUPIED:
                    k1 = self.a_occ[a]
                elif strategy == STRAT_HIGHEST_PROFICIENCY:
                    k1 = -self.a_prof[a, skill]
                else:
                    k1 = self.a_handled[a]
                t = self.a_last_activity[a]
                if best < 0 or k1 < b1 or (k1 == b1 and t < bt):
                    best = a
                    b1 = k1
                    bt = t
        return best

    cdef int _best_round_robin(self, int row, int ch, int work, int start,
                               long long now) noexcept:
        """Round robin: the first eligible agent after the last one served, going round
        the floor in file order (as _best ranks them, so the same choice), except that
        an agent who would have to switch care<->sales comes after one who would not.
        Stops at the first agent who needs no switch instead of ranking everyone."""
        cdef int i, w, a, k0
        cdef int first1 = -1, first2 = -1
        cdef unsigned long long bits
        cdef unsigned long long low = ((<unsigned long long>1) << (start & 63)) - 1
        cdef int ws = start >> 6
        for i in range(self.W + 1):
            w = (ws + i) % self.W
            bits = self.static_elig[row, w] & self.avail[ch, w]
            if i == 0:
                bits &= ~low
            elif i == self.W:
                bits &= low
            while bits:
                a = (w << 6) + __builtin_ctzll(bits)
                bits &= bits - 1
                k0 = 0
                if self.a_blend[a] == BLENDED and self.a_mode[a] != work:
                    k0 = 2 if now - self.a_last_switch[a] < self.switch_cost_ms else 1
                if k0 == 0:
                    return a
                if k0 == 1 and first1 < 0:
                    first1 = a
                elif k0 == 2 and first2 < 0:
                    first2 = a
        return first1 if first1 >= 0 else first2

    cdef void _offer(self, int s, int a, long long now):
        cdef int q = self.i_queue[s]
        cdef int ch = self.q_channel[q]
        cdef int work = self.q_work[q]
        if self.a_blend[a] == BLENDED and self.a_mode[a] != work:
            self.mode_ok[self.a_mode[a], a >> 6] &= ~((<unsigned long long>1) << (a & 63))
            self.mode_ok[work, a >> 6] |= (<unsigned long long>1) << (a & 63)
            self.a_mode[a] = work
            self.a_switches[a] += 1
            self.a_last_switch[a] = now
            self._emit(now, EV_AGENT_MODE, -1, self.a_id[a], -1, -1, work)
        self._unlink(s)
        self.a_load[a, ch] += 1
        self.a_last_activity[a] = now
        self._refresh(a)
        self.i_state[s] = S_OFFERED
        self.i_agent[s] = a
        self.i_offered_at[s] = now
        self.q_rr[q] = a
        self._emit(now, EV_OFFERED, self.i_id[s], self.a_id[a], self.q_id[q], ch, -1)
        self._report_state(a, ST_AVAILABLE, now)
        self._schedule(s)

    cpdef int assign(self, long long now):
        """Offer waiting interactions to agents; returns how many decisions were made
        (read them with decisions())."""
        if self.t_n > 0 and self.t_due[0] <= now:
            self._run_timers(now)
        cdef bint gate_open = self.n_live_waiting < self.outbound_threshold
        if gate_open and not self.gate_was_open:
            self._unblock_all()
        self.gate_was_open = gate_open
        if self.n_open == 0:
            return 0
        cdef int hn = 0, j, k0
        for j in range(self.n_active):
            k0 = self.active[j]
            if self.c_blocked[k0]:
                continue
            # Cheaper than a trip through the heap: no open agent could take the head.
            if not self._feasible(self.c_first[k0], gate_open):
                self.c_blocked[k0] = 1
                continue
            self._heap_push(k0, &hn)
        cdef int k, s, a, n_dec = 0
        while hn > 0 and self.n_open > 0:
            k = self._heap_pop(&hn)
            s = self.c_first[k]
            a = self._best(s, now, gate_open)
            if a < 0:
                self.c_blocked[k] = 1
                continue
            self._offer(s, a, now)
            self.dec_slot[n_dec] = s
            self.dec_agent[n_dec] = a
            n_dec += 1
            if self.c_count[k] > 0:
                self._heap_push(k, &hn)
        return n_dec

    def decisions(self, int n):
        """The last assign's n decisions as (interaction ids, agent ids) arrays."""
        slots = self.dec_slot_arr[:n]
        agents = self.dec_agent_arr[:n]
        return np.asarray(self.i_id)[slots], np.asarray(self.a_id)[agents]

    def switch_counts(self):
        return dict(zip(np.asarray(self.a_id).tolist(), self.a_switches_arr.tolist(),
                        strict=True))
