# Declarations of the compiled router, for modules that drive it without Python calls
# in between (the simulation loop). Attributes are declared here, not in the .pyx.

cimport cython
from libcpp.unordered_map cimport unordered_map

from core_ext._rows cimport event_t

# Codes from core.model (checked by tests/core/routing/test_router_codes.py via codes()).
cdef enum:
    PHONE = 1
    CHAT = 2
    CALLBACK = 5
    OUTBOUND_CALL = 7
    NC = 8

    EV_ENQUEUED = 2
    EV_OFFERED = 3
    EV_ACCEPTED = 4
    EV_NO_ANSWER = 5
    EV_OVERFLOW_STEP = 6
    EV_ENDED = 9
    EV_ABANDONED = 10
    EV_VOICEMAIL = 11
    EV_AGENT_STATE = 12
    EV_AGENT_MODE = 13

    ST_AVAILABLE = 1
    ST_BUSY = 2
    ST_WRAP_UP = 3
    ST_AWAY = 4
    ST_OFFLINE = 6

    BLENDED = 3

    S_FREE = 0
    S_WAITING = 1
    S_OFFERED = 2
    S_CONNECTED = 3

    STRAT_LONGEST_IDLE = 0
    STRAT_LEAST_OCCUPIED = 1
    STRAT_HIGHEST_PROFICIENCY = 2
    STRAT_FEWEST_HANDLED = 3
    STRAT_ROUND_ROBIN = 4

# Error codes returned to the wrapper (it turns them into rejection reasons).
cdef enum:
    OK = 0
    E_UNKNOWN_INTERACTION = -1
    E_UNKNOWN_AGENT = -2
    E_DUPLICATE = -3
    E_WRONG_STATE = -4
    E_NOT_THEIRS = -5
    E_UNKNOWN_QUEUE = -6
    E_CHANNEL = -7
    E_LANGUAGE = -8
    E_PRIORITY = -9


# Final: calls from other modules go straight to the C functions, not through a vtable.
@cython.final
cdef class RouterCore:
    # -- agents (static attributes come from the wrapper) --
    cdef public int A, Q, L, P, S
    cdef readonly long long[::1] a_id
    cdef unsigned long long[::1] a_langs
    cdef signed char[:, ::1] a_prof
    cdef int[::1] a_group
    cdef signed char[::1] a_blend
    cdef short[:, ::1] a_cap
    cdef public object a_load_arr, a_mode_arr, a_switches_arr, a_state_arr, a_handled_arr
    cdef short[:, ::1] a_load
    cdef signed char[::1] a_ready, a_state, a_mode, a_open  # open: ready with room
    cdef long long[::1] a_last_switch, a_last_activity, a_occ  # occ: per-mille load sum
    cdef int[::1] a_switches, a_handled
    # -- queues and their overflow levels (level 0 = the queue itself) --
    cdef readonly long long[::1] q_target
    cdef long long[::1] q_id, q_noanswer, q_voicemail
    cdef readonly signed char[::1] q_channel
    cdef signed char[::1] q_work, q_strategy
    cdef int[::1] q_skill, q_lang2, q_nlevels, q_rr, q_waiting
    cdef public object q_waiting_arr
    cdef long long[:, ::1] lv_after
    cdef signed char[:, ::1] lv_minprof, lv_lang2, lv_anylang
    cdef unsigned long long[:, ::1] lv_groups  # 0: any group
    # Agents as bitsets (W words): who could ever take (queue, language, level) work,
    # and who can take a channel right now (ready, with room).
    cdef int W, LV
    cdef unsigned long long[:, ::1] static_elig  # row (q * L + language) * LV + level
    cdef unsigned long long[:, ::1] avail  # row: channel
    cdef int n_open
    # Agents who can take work of a mode (row: 1 care, 2 sales) without a switch: all
    # but the blended agents now in the other mode.
    cdef unsigned long long[:, ::1] mode_ok
    # -- interaction pool --
    cdef public int capacity, high_water
    cdef long long[::1] i_id, i_arrived, i_seq, i_deadline, i_offered_at
    cdef int[::1] i_queue, i_agent, i_class, i_next, i_prev, i_lang, i_gen
    cdef signed char[::1] i_state, i_level
    cdef int[::1] free_slots
    cdef int n_free
    cdef unordered_map[long long, int] slot_of
    cdef unordered_map[long long, int] agent_of
    cdef unordered_map[long long, int] queue_of
    # -- classes --
    cdef int K
    cdef int[::1] c_first, c_last, c_count, active, active_pos
    cdef signed char[::1] c_blocked
    cdef int n_active
    # -- floor-wide --
    cdef long long seq_counter, switch_cost_ms
    # Timers (no answer, voicemail, overflow steps) in a min-heap by due time; an entry
    # is stale when its slot's generation has moved on since it was pushed.
    cdef long long[::1] t_due
    cdef int[::1] t_slot, t_gen
    cdef int t_n
    cdef public int outbound_threshold
    cdef int n_live_waiting
    cdef bint gate_was_open
    cdef public int n_waiting
    # -- outputs --
    cdef event_t[::1] ev  # the store's rows (core.model.EVENT_DTYPE), written directly
    cdef object ev_arr
    cdef public Py_ssize_t n_ev
    cdef int[::1] dec_slot, dec_agent, heap
    cdef object dec_slot_arr, dec_agent_arr

    cdef void _emit(self, long long ts, int kind, long long iid, long long aid,
                    long long qid, long long ch, long long value)
    cdef bint _before(self, int s, int t) noexcept
    cdef void _link(self, int s) noexcept
    cdef void _unlink(self, int s) noexcept
    cdef void _unblock_all(self) noexcept
    cdef void _unblock_for(self, int a, unsigned int channels) noexcept
    cdef void _free(self, int s) noexcept
    cdef int _total_load(self, int a) noexcept
    cdef bint _voice_active(self, int a) noexcept
    cdef bint _can_take(self, int a, int ch) noexcept
    cdef void _refresh(self, int a) noexcept
    cdef void _report_state(self, int a, int presence, long long now)
    cpdef int enqueue(self, long long iid, int q, int lang, int prio, long long arrived,
                      long long now)
    cpdef int set_presence(self, long long aid, int state, long long now)
    cpdef int accept(self, long long iid, long long aid, long long now)
    cpdef int release(self, long long iid, long long aid, long long now, int outcome)
    cpdef int abandon(self, long long iid, long long now)
    cdef int _held_by(self, long long iid, long long aid, int state) noexcept
    cdef int _slot(self, long long iid) noexcept
    cdef int _agent(self, long long aid) noexcept
    cdef long long _next_due(self, int s) noexcept
    cdef void _schedule(self, int s)
    cdef void _pop_timer(self) noexcept
    cdef void _run_timers(self, long long now)
    cdef bint _head_before(self, int k1, int k2) noexcept
    cdef void _heap_push(self, int k, int* n) noexcept
    cdef int _heap_pop(self, int* n) noexcept
    cdef bint _feasible(self, int s, bint gate_open) noexcept
    cdef int _best(self, int s, long long now, bint gate_open) noexcept
    cdef int _best_no_switch(self, int row, int ch, int work, int strategy,
                             int skill) noexcept
    cdef int _best_round_robin(self, int row, int ch, int work, int start,
                               long long now) noexcept
    cdef void _offer(self, int s, int a, long long now)
    cpdef int assign(self, long long now)
