"""The simulation engine: a discrete-event simulation of the floor.

One clock in milliseconds; events (arrivals, conversations ending, customers giving
up, wrap-up ending, shifts starting and ending, the router's own timers) are handled
in time order, ties in the order they were scheduled, so a seed
gives the same run every time. Routing is the real Router; everything that happens
is written through the store's batch API, as live data would be.
"""

from __future__ import annotations

import datetime as dt
import heapq
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from core.model import (
    EVENT_DTYPE,
    NONE,
    AgentState,
    Channel,
    Direction,
    EventKind,
    Interaction,
)
from core.routing import Router
from core.simulation.arrivals import Arrivals, customer_number, generate, local_midnight_ms
from core.simulation.scenario import Scenario
from core.store import Store

log = logging.getLogger(__name__)

_END, _ABANDON, _WRAP_DONE, _SHIFT_START, _SHIFT_END = range(5)
_NEW, _WAITING, _SERVED, _DONE, _ABANDONED, _BLOCKED = range(6)


@dataclass
class ChannelSummary:
    arrived: int = 0
    answered: int = 0
    answered_in_target: int = 0
    answered_after_wait: int = 0  # not answered the moment they arrived
    abandoned: int = 0
    blocked: int = 0
    voicemail: int = 0
    wait_ms_total: int = 0

    @property
    def missed(self) -> int:
        return self.abandoned + self.blocked + self.voicemail

    @property
    def service_level(self) -> float | None:
        """Answered within the queue's target, of those answered or missed."""
        handled = self.answered + self.missed
        return self.answered_in_target / handled if handled else None

    @property
    def asa_s(self) -> float | None:
        return self.wait_ms_total / self.answered / 1000 if self.answered else None


@dataclass
class Summary:
    by_channel: dict[Channel, ChannelSummary] = field(default_factory=dict)
    still_waiting: int = 0
    events: int = 0

    def channel(self, ch: Channel) -> ChannelSummary:
        return self.by_channel.setdefault(ch, ChannelSummary())


class Simulation:
    """A scenario run. ``run()`` goes to the end as fast as it can; ``run_until(t)``
    advances to t, for a paced run beside a clock."""

    def __init__(self, scenario: Scenario, store: Store | None = None,
                 flush_events: int = 50_000) -> None:
        self.scenario = scenario
        self.floor = scenario.floor
        self.store = store
        self.flush_events = flush_events
        rng = np.random.default_rng(scenario.seed)
        self.arrivals: Arrivals = generate(scenario, rng)
        n = len(self.arrivals)
        self.router = Router(self.floor, capacity=max(1024, min(n, 1 << 16)))
        self.start_ms = local_midnight_ms(scenario.start, scenario.timezone)
        self.end_ms = local_midnight_ms(scenario.start + dt.timedelta(days=scenario.days),
                                        scenario.timezone)
        self.now = self.start_ms
        queues = self.floor.queues
        self._q_channel = np.array([int(q.queue.channel) for q in queues], dtype=np.int16)
        self._q_id = np.array([q.queue.id for q in queues], dtype=np.int64)
        self._q_target_ms = np.array([q.queue.sla_target_s * 1000 for q in queues])
        self._phone_queues = np.flatnonzero(self._q_channel == int(Channel.PHONE))
        # Per-queue lookups on the event path as plain lists: numpy scalar indexing and
        # Enum construction would cost more than the bookkeeping itself.
        self._q_ch = self._q_channel.tolist()
        self._q_target = self._q_target_ms.tolist()
        self._q_summary: list[ChannelSummary | None] = [None] * len(queues)
        self._wrap_ms = {int(ch): int(m.wrap_up_s * 1000) for ch, m in
                         scenario.channels.items()}
        self.status = np.zeros(n, dtype=np.int8)
        # Interaction ids continue after those already in the database.
        self.id_offset = store.max_interaction_id() if store is not None else 0
        if store is not None:
            store.save_floor([q.queue for q in self.floor.queues], self.floor.agents)
        self._next = 0  # next arrival to process
        self._flushed = 0  # arrivals written to the store so far
        self._heap: list[tuple[int, int, int, int, int]] = []
        self._seq = 0
        self._on_shift = np.zeros(len(self.floor.agents), dtype=bool)
        self._agent_index = {a.id: i for i, a in enumerate(self.floor.agents)}
        self._phone_connected = 0
        self._blocked: list[int] = []
        self._pending: list[np.ndarray] = []
        self._pending_n = 0
        self.summary = Summary()
        self._plan_shifts(rng)

    # -- scheduling --------------------------------------------------------------

    def _push(self, t: int, kind: int, a: int, b: int) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (t, self._seq, kind, a, b))

    def _plan_shifts(self, rng: np.random.Generator) -> None:
        sc = self.scenario
        # From the day before: a night shift that began yesterday is still on at 00:00.
        for d in range(-1, sc.days):
            day = sc.start + dt.timedelta(days=d)
            midnight = local_midnight_ms(day, sc.timezone)
            sick = rng.random(len(self.floor.agents)) < sc.sick_rate
            for i, agent in enumerate(self.floor.agents):
                h0, h1 = sc.shifts[agent.shift]
                start = midnight + int(h0 * 3_600_000)
                end = midnight + int(h1 * 3_600_000)
                if sick[i] or end <= self.start_ms or start >= self.end_ms:
                    continue
                self._push(max(start, self.start_ms), _SHIFT_START, agent.id, 0)
                if end < self.end_ms:
                    self._push(end, _SHIFT_END, agent.id, 0)

    # -- the loop ----------------------------------------------------------------

    def run(self, progress: Callable[[float], None] | None = None) -> Summary:
        step = 3_600_000
        t = self.start_ms
        while t < self.end_ms:
            t = min(t + step, self.end_ms)
            self.run_until(t)
            if progress:
                progress((t - self.start_ms) / (self.end_ms - self.start_ms))
        self.finish()
        return self.summary

    def run_until(self, until_ms: int) -> None:
        """Handle every event up to and including ``until_ms`` (capped at the end)."""
        until_ms = min(until_ms, self.end_ms)
        arr = self.arrivals
        n = len(arr)
        heap = self._heap
        never = 1 << 62
        router = self.router
        while True:
            t_arr = int(arr.arrived_ms[self._next]) if self._next < n else never
            t_ev = heap[0][0] if heap else never
            t_timer = router.next_timer_ms() or never
            t = min(t_arr, t_ev, t_timer)
            if t == never or t > until_ms:
                break
            self.now = t
            if t == t_arr:
                self._arrive(self._next, t)
                self._next += 1
            elif t == t_ev:
                _, _, kind, a, b = heapq.heappop(heap)
                self._handle(kind, a, b, t)
            else:  # only the router's timer: let it step, send to voicemail, re-queue
                self._assign(t)
                continue
            # One routing decision per instant, after everything that happened in it.
            nxt_arr = int(arr.arrived_ms[self._next]) if self._next < n else None
            nxt_ev = heap[0][0] if heap else None
            if nxt_arr != t and nxt_ev != t:
                self._assign(t)
        self.now = max(self.now, until_ms)
        if self._pending_n >= self.flush_events or until_ms >= self.end_ms:
            self.flush()

    def _channel_summary(self, qi: int) -> ChannelSummary:
        """The summary row of queue qi's channel (created on first traffic)."""
        cs = self._q_summary[qi]
        if cs is None:
            cs = self._q_summary[qi] = self.summary.channel(Channel(self._q_ch[qi]))
        return cs

    def _arrive(self, i: int, t: int) -> None:
        arr = self.arrivals
        qi = int(arr.queue_index[i])
        ch = self._q_ch[qi]
        cs = self._channel_summary(qi)
        cs.arrived += 1
        lines = self.scenario.phone_lines
        if ch == Channel.PHONE and lines:
            in_use = self._phone_connected + int(
                self.router.waiting_by_queue()[self._phone_queues].sum())
            if in_use >= lines:
                self.status[i] = _BLOCKED
                cs.blocked += 1
                self._blocked.append(i)
                return
        qp = self.floor.queues[qi]
        self.router.enqueue(Interaction(self.id_offset + i + 1, qp.queue.channel, Direction.INBOUND,
                                        qp.queue.language, qp.queue.id, 0, "", t), t)
        self.status[i] = _WAITING
        patience = int(arr.patience_ms[i])
        if patience < np.iinfo(np.int64).max - t:
            self._push(t + patience, _ABANDON, i, 0)

    def _assign(self, t: int) -> None:
        arr = self.arrivals
        for iid, aid in self.router.assign(t):
            i = iid - self.id_offset - 1
            self.router.accept(aid, iid, t)
            self.status[i] = _SERVED
            qi = int(arr.queue_index[i])
            cs = self._channel_summary(qi)
            wait = t - int(arr.arrived_ms[i])
            cs.answered += 1
            cs.wait_ms_total += wait
            cs.answered_in_target += wait <= self._q_target[qi]
            cs.answered_after_wait += wait > 0
            if self._q_ch[qi] == Channel.PHONE:
                self._phone_connected += 1
            self._push(t + int(arr.handle_ms[i]), _END, i, aid)

    def _handle(self, kind: int, a: int, b: int, t: int) -> None:
        r = self.router
        if kind == _END:
            i, aid = a, b
            r.release(aid, self.id_offset + i + 1, t, int(self.arrivals.outcome[i]))
            self.status[i] = _DONE
            ch = self._q_ch[int(self.arrivals.queue_index[i])]
            if ch == Channel.PHONE:
                self._phone_connected -= 1
            wrap = self._wrap_ms.get(ch, 0)
            if wrap and self._on_shift[self._agent_index[aid]]:
                r.set_agent_state(aid, AgentState.WRAP_UP, t)
                self._push(t + wrap, _WRAP_DONE, aid, 0)
        elif kind == _ABANDON:
            i = a
            if self.status[i] == _WAITING and r.is_waiting(self.id_offset + i + 1):
                r.abandon(self.id_offset + i + 1, t)
                self.status[i] = _ABANDONED
                self._channel_summary(int(self.arrivals.queue_index[i])).abandoned += 1
        elif kind == _WRAP_DONE:
            if self._on_shift[self._agent_index[a]]:
                r.set_agent_state(a, AgentState.AVAILABLE, t)
        elif kind == _SHIFT_START:
            self._on_shift[self._agent_index[a]] = True
            r.set_agent_state(a, AgentState.AVAILABLE, t)
        elif kind == _SHIFT_END:
            self._on_shift[self._agent_index[a]] = False
            r.set_agent_state(a, AgentState.OFFLINE, t)

    # -- writing -----------------------------------------------------------------

    def flush(self) -> None:
        """Hand the events so far to the store (and count what the router decided alone)."""
        routed = self.router.take_events()
        kinds = routed["kind"]
        voicemail = routed[kinds == int(EventKind.VOICEMAIL)]
        for ch in voicemail["channel"]:
            self.summary.channel(Channel(int(ch))).voicemail += 1
        arr = self.arrivals
        lo, hi = self._flushed, self._next
        arrived = np.zeros(hi - lo, dtype=EVENT_DTYPE)
        qi = arr.queue_index[lo:hi]
        arrived["ts_ms"] = arr.arrived_ms[lo:hi]
        arrived["kind"] = int(EventKind.ARRIVED)
        arrived["interaction_id"] = self.id_offset + np.arange(lo + 1, hi + 1)
        arrived["agent_id"] = NONE
        arrived["queue_id"] = self._q_id[qi]
        arrived["channel"] = self._q_channel[qi]
        arrived["value"] = NONE
        blocked = np.zeros(len(self._blocked), dtype=EVENT_DTYPE)
        if self._blocked:
            b = np.array(self._blocked)
            blocked["ts_ms"] = arr.arrived_ms[b]
            blocked["kind"] = int(EventKind.BLOCKED)
            blocked["interaction_id"] = self.id_offset + b + 1
            blocked["agent_id"] = NONE
            blocked["queue_id"] = self._q_id[arr.queue_index[b]]
            blocked["channel"] = self._q_channel[arr.queue_index[b]]
            blocked["value"] = NONE
        events = np.concatenate([arrived, blocked, routed])
        events = events[np.argsort(events["ts_ms"], kind="stable")]
        self.summary.events += len(events)
        if self.store is not None and len(events):
            self.store.add_interactions(self._interactions(lo, hi))
            self.store.append(events)
        self._flushed = hi
        self._blocked = []
        self._pending_n = 0

    def _interactions(self, lo: int, hi: int) -> list[Interaction]:
        arr = self.arrivals
        out = []
        for i in range(lo, hi):
            qp = self.floor.queues[int(arr.queue_index[i])]
            q = qp.queue
            number, ntype = "", 0
            if q.channel in (Channel.PHONE, Channel.CALLBACK, Channel.OUTBOUND_CALL):
                number, ntype = customer_number(int(arr.customer[i]), bool(arr.mobile[i]),
                                                q.language)
            out.append(Interaction(self.id_offset + i + 1, q.channel, Direction.INBOUND,
                                   q.language, q.id, 0, number, int(arr.arrived_ms[i]), ntype))
        return out

    def finish(self) -> None:
        self.flush()
        self.summary.still_waiting = self.router.waiting
