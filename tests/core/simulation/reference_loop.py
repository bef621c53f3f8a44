"""The simulation loop in plain Python: the reference the compiled loop
(core_ext._sim_loop) must agree with event for event.

Written for reading, not speed: a heapq schedule, Python lists, the router's
Python-level methods. Same constructor and attributes as the compiled SimLoop.
"""

from __future__ import annotations

import heapq

import numpy as np

from core.model import AgentState, Channel, Outcome

END, ABANDON, WRAP_DONE, SHIFT_START, SHIFT_END, PAUSE, PAUSE_END = range(7)
NO_PAUSE, PENDING, PAUSED = range(3)
LOGIN, LOGOUT = 1, 2
NEW, WAITING, SERVED, DONE, ABANDONED, BLOCKED = range(6)
ARRIVED, ANSWERED, IN_TARGET, AFTER_WAIT, ABANDONED_C, BLOCKED_C, WAIT_MS = range(7)
NEVER = np.iinfo(np.int64).max
_VOICE = (Channel.PHONE, Channel.CALLBACK, Channel.OUTBOUND_CALL)


class ReferenceLoop:
    def __init__(self, core, arrived, qidx, handle, patience, outcome, q_lang, wrap_ms,
                 phone_lines, id_offset, start_ms) -> None:
        self.core = core
        self.arrived = arrived.tolist()
        self.qidx = qidx.tolist()
        self.handle = handle.tolist()
        self.patience = patience.tolist()
        self.outcome = outcome.tolist()
        self.q_lang = q_lang.tolist()
        self.wrap_ms = wrap_ms.tolist()
        self.phone_lines = phone_lines
        self.id_offset = id_offset
        self.now = start_ms
        self.next_arrival = 0
        self.status_arr = np.zeros(len(self.arrived), dtype=np.int8)
        self.counters_arr = np.zeros((int(max(Channel)) + 1, 7), dtype=np.int64)
        self.a_id = np.asarray(core.a_id).tolist()
        self.q_channel = np.asarray(core.q_channel).tolist()
        self.q_target = np.asarray(core.q_target).tolist()
        self.phone_queues = [q for q, ch in enumerate(self.q_channel) if ch == Channel.PHONE]
        self.phone_connected = 0
        self.on_shift = [False] * len(self.a_id)
        self.heap: list[tuple[int, int, int, int, int]] = []
        self.seq = 0
        self.blocked: list[int] = []
        n_agents = len(self.a_id)
        self.on_call = [0] * n_agents
        self.wraps = [0] * n_agents
        self.pause_state = [NO_PAUSE] * n_agents
        self.pause_cur = [-1] * n_agents
        self.a_langs = [0] * n_agents
        self.at_work = [0] * 64
        self.logins = False
        self.p_state: list[int] = []
        self.p_length: list[int] = []
        self.p_tries: list[int] = []
        self.cover_languages = False
        self.retry_ms = 0
        self.max_tries = 0
        self.hangup_share = [0.0] * n_agents
        self.hangup_u: list[float] = []
        self.hangup_ms: list[int] = []
        self.agent_events: list[tuple[int, int, int]] = []

    def set_agents(self, a_langs, logins, pause_state, pause_length_ms, cover_languages,
                   retry_ms, max_tries, hangup_share, hangup_u, hangup_ms) -> None:
        self.a_langs = [int(x) for x in a_langs]
        self.logins = bool(logins)
        self.p_state = pause_state.tolist()
        self.p_length = pause_length_ms.tolist()
        self.p_tries = [0] * len(self.p_state)
        self.cover_languages = bool(cover_languages)
        self.retry_ms = retry_ms
        self.max_tries = max_tries
        self.hangup_share = hangup_share.tolist()
        self.hangup_u = hangup_u.tolist()
        self.hangup_ms = hangup_ms.tolist()

    def take_agent_events(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ev, self.agent_events = self.agent_events, []
        return (np.array([e[0] for e in ev], dtype=np.int64),
                np.array([e[1] for e in ev], dtype=np.int8),
                np.array([e[2] for e in ev], dtype=np.int32))

    def schedule(self, t: int, kind: int, a: int, b: int = 0) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (t, self.seq, kind, a, b))

    def take_blocked(self) -> np.ndarray:
        out = np.array(self.blocked, dtype=np.int64)
        self.blocked = []
        return out

    def _next_arrival_t(self) -> int:
        i = self.next_arrival
        return self.arrived[i] if i < len(self.arrived) else NEVER

    def run_until(self, until_ms: int) -> None:
        core = self.core
        while True:
            t_arr = self._next_arrival_t()
            t_ev = self.heap[0][0] if self.heap else NEVER
            t = min(t_arr, t_ev, core.next_due())
            if t == NEVER or t > until_ms:
                break
            self.now = t
            if t == t_arr:
                self._arrive(self.next_arrival, t)
                self.next_arrival += 1
            elif t == t_ev:
                _, _, kind, a, b = heapq.heappop(self.heap)
                self._handle(kind, a, b, t)
            else:  # only the router's timer
                self._assign(t)
                continue
            # One routing decision per instant, after everything that happened in it.
            if self._next_arrival_t() != t and (not self.heap or self.heap[0][0] != t):
                self._assign(t)
        self.now = max(self.now, until_ms)

    def _arrive(self, i: int, t: int) -> None:
        q = self.qidx[i]
        ch = self.q_channel[q]
        self.counters_arr[ch, ARRIVED] += 1
        if ch == Channel.PHONE and self.phone_lines:
            waiting = self.core.q_waiting_arr
            in_use = self.phone_connected + sum(int(waiting[p]) for p in self.phone_queues)
            if in_use >= self.phone_lines:
                self.status_arr[i] = BLOCKED
                self.counters_arr[ch, BLOCKED_C] += 1
                self.blocked.append(i)
                return
        self.core.enqueue(self.id_offset + i + 1, q, self.q_lang[q], 0, t, t)
        self.status_arr[i] = WAITING
        if self.patience[i] < NEVER - t:
            self.schedule(t + self.patience[i], ABANDON, i)

    def _assign(self, t: int) -> None:
        n = self.core.assign(t)
        if not n:
            return
        iids, aids = self.core.decisions(n)
        index = {aid: a for a, aid in enumerate(self.a_id)}
        for iid, aid in zip(iids.tolist(), aids.tolist(), strict=True):
            i = iid - self.id_offset - 1
            self.core.accept(iid, aid, t)
            self.status_arr[i] = SERVED
            q = self.qidx[i]
            ch = self.q_channel[q]
            wait = t - self.arrived[i]
            row = self.counters_arr[ch]
            row[ANSWERED] += 1
            row[WAIT_MS] += wait
            row[IN_TARGET] += wait <= self.q_target[q]
            row[AFTER_WAIT] += wait > 0
            if ch == Channel.PHONE:
                self.phone_connected += 1
            a = index[aid]
            handle = self.handle[i]
            # A saboteur hangs up before the callee could answer.
            if (ch == Channel.OUTBOUND_CALL and self.hangup_share[a] > 0
                    and self.hangup_u[i] < self.hangup_share[a]):
                handle = self.hangup_ms[i]
                self.outcome[i] = int(Outcome.NOT_REACHED)
            self.on_call[a] += ch in _VOICE
            self.schedule(t + handle, END, i, a)

    def _handle(self, kind: int, a: int, b: int, t: int) -> None:
        core = self.core
        if kind == END:
            i, agent = a, b
            ch = self.q_channel[self.qidx[i]]
            if ch == Channel.PHONE:
                self.phone_connected -= 1
            self.on_call[agent] -= ch in _VOICE
            # Wrap-up starts as the conversation ends (no zero-length AVAILABLE).
            if self.wrap_ms[ch] and self.on_shift[agent] and self.pause_state[agent] != PAUSED:
                core.set_presence(self.a_id[agent], int(AgentState.WRAP_UP), t)
                self.wraps[agent] += 1
                self.schedule(t + self.wrap_ms[ch], WRAP_DONE, agent)
            core.release(self.id_offset + i + 1, self.a_id[agent], t, self.outcome[i])
            self.status_arr[i] = DONE
            if (self.pause_state[agent] == PENDING and self.on_call[agent] == 0
                    and self.wraps[agent] == 0):
                self._start_pause(agent, t)
        elif kind == ABANDON:
            i = a
            if self.status_arr[i] == WAITING and core.state_of(self.id_offset + i + 1) == 1:
                core.abandon(self.id_offset + i + 1, t)
                self.status_arr[i] = ABANDONED
                self.counters_arr[self.q_channel[self.qidx[i]], ABANDONED_C] += 1
        elif kind == WRAP_DONE:
            self.wraps[a] -= 1
            if not self.on_shift[a]:
                pass
            elif self.pause_state[a] != PENDING:
                core.set_presence(self.a_id[a], int(AgentState.AVAILABLE), t)
            elif self.on_call[a] == 0 and self.wraps[a] == 0:
                self._start_pause(a, t)
            elif self.wraps[a] == 0:
                core.set_presence(self.a_id[a], int(AgentState.BUSY), t)
        elif kind == SHIFT_START:
            if not self.on_shift[a]:
                self._count_at_work(a, 1)
            self.on_shift[a] = True
            self.pause_state[a] = NO_PAUSE
            if self.logins:
                self.agent_events.append((t, LOGIN, a))
            core.set_presence(self.a_id[a], int(AgentState.AVAILABLE), t)
        elif kind == SHIFT_END:
            if self.on_shift[a] and self.pause_state[a] != PAUSED:
                self._count_at_work(a, -1)
            self.on_shift[a] = False
            self.pause_state[a] = NO_PAUSE
            core.set_presence(self.a_id[a], int(AgentState.OFFLINE), t)
            if self.logins:
                self.agent_events.append((t, LOGOUT, a))
        elif kind == PAUSE:
            self._pause_due(a, b, t)
        elif kind == PAUSE_END:
            if self.on_shift[a] and self.pause_state[a] == PAUSED and self.pause_cur[a] == b:
                self.pause_state[a] = NO_PAUSE
                self._count_at_work(a, 1)
                core.set_presence(self.a_id[a], int(AgentState.AVAILABLE), t)

    # -- pauses: a break or a stretch away starts once the agent is off the phone ------

    def _languages(self, a: int) -> list[int]:
        return [lang for lang in range(64) if self.a_langs[a] >> lang & 1]

    def _count_at_work(self, a: int, delta: int) -> None:
        for lang in self._languages(a):
            self.at_work[lang] += delta

    def _held_back(self, a: int, p: int) -> bool:
        """A break that would leave one of the agent's languages with nobody at work."""
        return (self.cover_languages and self.p_state[p] == AgentState.BREAK
                and any(self.at_work[lang] <= 1 for lang in self._languages(a)))

    def _retry(self, a: int, p: int, t: int) -> None:
        if self.p_tries[p] < self.max_tries:
            self.p_tries[p] += 1
            self.schedule(t + self.retry_ms, PAUSE, a, p)

    def _pause_due(self, a: int, p: int, t: int) -> None:
        if not self.on_shift[a]:
            return
        if self.pause_state[a] != NO_PAUSE or self._held_back(a, p):
            self._retry(a, p, t)
            return
        self.pause_state[a] = PENDING
        self.pause_cur[a] = p
        if self.on_call[a] == 0 and self.wraps[a] == 0:
            self._start_pause(a, t)
        elif self.wraps[a] == 0:
            self.core.set_presence(self.a_id[a], int(AgentState.BUSY), t)

    def _start_pause(self, a: int, t: int) -> None:
        p = self.pause_cur[a]
        if self._held_back(a, p):
            self.pause_state[a] = NO_PAUSE
            self.core.set_presence(self.a_id[a], int(AgentState.AVAILABLE), t)
            self._retry(a, p, t)
            return
        self.pause_state[a] = PAUSED
        self._count_at_work(a, -1)
        self.core.set_presence(self.a_id[a], self.p_state[p], t)
        self.schedule(t + self.p_length[p], PAUSE_END, a, p)
