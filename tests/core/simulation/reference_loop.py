"""The simulation loop in plain Python: the reference the compiled loop
(core_ext._sim_loop) must agree with event for event.

Written for reading, not speed: a heapq schedule, Python lists, the router's
Python-level methods. Same constructor and attributes as the compiled SimLoop.
"""

from __future__ import annotations

import heapq

import numpy as np

from core.model import AgentState, Channel

END, ABANDON, WRAP_DONE, SHIFT_START, SHIFT_END = range(5)
NEW, WAITING, SERVED, DONE, ABANDONED, BLOCKED = range(6)
ARRIVED, ANSWERED, IN_TARGET, AFTER_WAIT, ABANDONED_C, BLOCKED_C, WAIT_MS = range(7)
NEVER = np.iinfo(np.int64).max


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
            self.schedule(t + self.handle[i], END, i, index[aid])

    def _handle(self, kind: int, a: int, b: int, t: int) -> None:
        core = self.core
        if kind == END:
            i, agent = a, b
            ch = self.q_channel[self.qidx[i]]
            if ch == Channel.PHONE:
                self.phone_connected -= 1
            # Wrap-up starts as the conversation ends (no zero-length AVAILABLE).
            if self.wrap_ms[ch] and self.on_shift[agent]:
                core.set_presence(self.a_id[agent], int(AgentState.WRAP_UP), t)
                self.schedule(t + self.wrap_ms[ch], WRAP_DONE, agent)
            core.release(self.id_offset + i + 1, self.a_id[agent], t, self.outcome[i])
            self.status_arr[i] = DONE
        elif kind == ABANDON:
            i = a
            if self.status_arr[i] == WAITING and core.state_of(self.id_offset + i + 1) == 1:
                core.abandon(self.id_offset + i + 1, t)
                self.status_arr[i] = ABANDONED
                self.counters_arr[self.q_channel[self.qidx[i]], ABANDONED_C] += 1
        elif kind == WRAP_DONE:
            if self.on_shift[a]:
                core.set_presence(self.a_id[a], int(AgentState.AVAILABLE), t)
        elif kind == SHIFT_START:
            self.on_shift[a] = True
            core.set_presence(self.a_id[a], int(AgentState.AVAILABLE), t)
        elif kind == SHIFT_END:
            self.on_shift[a] = False
            core.set_presence(self.a_id[a], int(AgentState.OFFLINE), t)
