"""The incremental KPI engine, for the wallboard: O(1) work per event as it comes,
the same definitions and numbers as the batch engine (docs/kpi.md).

It keeps, for a ring of the latest intervals, the measures per queue and per agent
(the agent who answered, and the agent whose state time it is); channel and
language are read off the queue, team and shift off the agent. An event whose
interval has left the ring is counted in ``too_late``. Beside the measures it knows
the floor now: contacts waiting and the longest wait per queue, agents by state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.clock import DAY_MS
from core.kpi.batch import AGENT_SIDE, QUEUE_SIDE, KpiSettings, KpiTable
from core.kpi.intervals import INTERVAL_MS, IntervalTable, interval_table, local_interval
from core.model import EVENT_DTYPE, AgentState, Channel
from core.model.floor_policy import DEFAULT_SLA_S
from core_ext import kpi_incremental, kpi_layout


@dataclass
class FloorNow:
    """The floor at the latest event: per queue id, contacts waiting (offered, not yet
    answered, abandoned or sent to voicemail; a dial not yet made is no one waiting)
    and since when the longest of them has waited; agents by state."""

    at_ms: int
    waiting: dict[int, int]
    oldest_waiting_ms: dict[int, int]
    agent_state: dict[int, AgentState]
    #: Since when each agent of agent_state has been in that state.
    state_since_ms: dict[int, int] = field(default_factory=dict)

    def longest_wait_ms(self, queue_id: int) -> int:
        since = self.oldest_waiting_ms.get(queue_id, -1)
        return -1 if since < 0 else self.at_ms - since

    def agents_by_state(self) -> dict[AgentState, int]:
        out = dict.fromkeys(AgentState, 0)
        for s in self.agent_state.values():
            out[s] += 1
        return out


class IncrementalKpis:
    def __init__(self, settings: KpiSettings, channel_of: Mapping[int, int],
                 interval: str = "15min", window: int = 4 * 24 * 2) -> None:
        """``channel_of``: every queue id's channel. ``window``: intervals kept."""
        if interval not in INTERVAL_MS:
            raise ValueError(f"interval {interval!r}: one of {', '.join(INTERVAL_MS)}")
        self.settings = settings
        self.interval = interval
        self._size = INTERVAL_MS[interval]
        self._channel_of = dict(channel_of)
        n_q = max(channel_of, default=0) + 2  # row = queue id + 1; row 0: none
        self._q_channel = np.full(n_q, -1, dtype=np.int64)
        self._target = np.zeros(n_q, dtype=np.int64)
        for q, ch in channel_of.items():
            self._q_channel[q + 1] = ch
            self._target[q + 1] = settings.target_ms.get(q, DEFAULT_SLA_S.get(ch, 0) * 1000)
        self._ring = np.full(window, -1, dtype=np.int64)
        self._acc_q = np.zeros((window, n_q, kpi_layout.N_MEASURES), dtype=np.int64)
        self._acc_a = np.zeros((window, 2, kpi_layout.N_MEASURES), dtype=np.int64)
        self._hist_q = np.zeros((window, n_q, kpi_layout.N_WAIT_BINS), dtype=np.int32)
        self._waiting_q = np.zeros(n_q, dtype=np.int64)
        self._newest = np.array([-1, 0, -1], dtype=np.int64)
        self._base = -1  # interaction id of row 0
        self._cs = _rows(kpi_incremental.CONTACT_FILL, 1024)  # per contact, C_* columns
        self._ag = _rows(kpi_incremental.AGENT_FILL, 2)  # per agent row, G_* columns
        self._ivs: IntervalTable | None = None
        self._iv_abs = np.zeros(0, dtype=np.int64)

    @property
    def too_late(self) -> int:
        return int(self._newest[1])

    @property
    def latest_ms(self) -> int:
        return int(self._newest[2])

    def _rebase(self, low: int) -> None:
        """An id below the first one seen: move every row up (rare, so O(n) is fine)."""
        shift = self._base - low
        self._cs = np.concatenate([_rows(kpi_incremental.CONTACT_FILL, shift), self._cs])
        last = self._ag[:, kpi_incremental.G_LAST_END]
        last[last >= 0] += shift
        self._base = low

    def _grow_agents(self, rows: int) -> None:
        acc = np.zeros((len(self._ring), rows, kpi_layout.N_MEASURES), dtype=np.int64)
        acc[:, :, kpi_layout.A_LONGEST] = -1
        acc[:, : self._acc_a.shape[1]] = self._acc_a
        self._acc_a = acc
        self._ag = np.concatenate(
            [self._ag, _rows(kpi_incremental.AGENT_FILL, rows - len(self._ag))])

    def _grow_queues(self, events: np.ndarray) -> None:
        """Rows for queues not named at the start (a queue added to the floor): their
        channel from their events, their target the channel's, as the batch engine."""
        queue, channel = events["queue_id"], events["channel"]
        rows = int(queue.max()) + 2
        old = len(self._target)
        grown = {}
        for name, fill in (("_q_channel", -1), ("_target", 0), ("_waiting_q", 0)):
            arr = np.full(rows, fill, dtype=np.int64)
            arr[:old] = getattr(self, name)
            grown[name] = arr
        for q in range(old - 1, rows - 1):
            of_q = channel[(queue == q) & (channel >= 0)]
            if len(of_q):
                ch = int(of_q[0])
                grown["_q_channel"][q + 1] = ch
                grown["_target"][q + 1] = self.settings.target_ms.get(
                    q, DEFAULT_SLA_S.get(Channel(ch), 0) * 1000)
                self._channel_of[q] = ch
        for name, arr in grown.items():
            setattr(self, name, arr)
        window = len(self._ring)
        acc = np.zeros((window, rows, kpi_layout.N_MEASURES), dtype=np.int64)
        acc[:, :, kpi_layout.A_LONGEST] = -1
        acc[:, :old] = self._acc_q
        self._acc_q = acc
        hist = np.zeros((window, rows, kpi_layout.N_WAIT_BINS), dtype=np.int32)
        hist[:, :old] = self._hist_q
        self._hist_q = hist

    def _cover(self, lo_ms: int, hi_ms: int) -> None:
        """Make the interval table reach [lo_ms, hi_ms], a day beyond either end."""
        t = self._ivs
        if t is not None and lo_ms >= t.slot0 * kpi_layout.SLOT_MS and \
                hi_ms < (t.slot0 + len(t.index)) * kpi_layout.SLOT_MS:
            return
        if t is not None:
            lo_ms = min(lo_ms, t.slot0 * kpi_layout.SLOT_MS)
            hi_ms = max(hi_ms, (t.slot0 + len(t.index)) * kpi_layout.SLOT_MS)
        self._ivs = interval_table(lo_ms - DAY_MS, hi_ms + DAY_MS, self.interval,
                                   self.settings.timezone)
        # Absolute interval numbers (local start / length): the ring's keys.
        self._iv_abs = self._ivs.starts[self._ivs.index] // self._size

    def apply(self, events: np.ndarray) -> None:
        """Take the next events (EVENT_DTYPE, in seq order)."""
        if events.dtype != EVENT_DTYPE:
            raise TypeError(f"events have dtype {events.dtype}, expected {EVENT_DTYPE}")
        if not len(events):
            return
        lo, hi, amax, t_lo, t_hi = kpi_incremental.id_span(
            events["interaction_id"], events["agent_id"], events["ts_ms"])
        if lo >= 0:
            if self._base < 0:
                self._base = lo
            elif lo < self._base:
                self._rebase(lo)
            # Contacts are numbered about as they come: a row per id from the lowest.
            if hi - self._base >= len(self._cs):
                n = max(2 * len(self._cs), hi - self._base + 1)
                self._cs = np.concatenate(
                    [self._cs, _rows(kpi_incremental.CONTACT_FILL, n - len(self._cs))])
        if amax + 2 > self._acc_a.shape[1]:
            self._grow_agents(int(amax) + 2)
        if int(events["queue_id"].max()) + 2 > len(self._target):
            self._grow_queues(events)
        self._cover(int(t_lo), int(t_hi))
        kpi_incremental.apply_events(
            events["kind"], events["interaction_id"], events["ts_ms"], events["agent_id"],
            events["queue_id"], events["channel"], events["value"], self._base, self._target,
            self.settings.short_abandon_ms, self._iv_abs, self._ivs.slot0, self._cs, self._ag,
            self._ring, self._acc_q, self._acc_a, self._hist_q, self._newest, self._waiting_q)

    def _with_open_states(self) -> tuple[np.ndarray, np.ndarray]:
        """The agent accumulators and ring with every agent's open state counted up
        to the latest moment (on copies: the state goes on)."""
        acc_a, ring = self._acc_a.copy(), self._ring.copy()
        acc_q, hist_q = self._acc_q.copy(), self._hist_q.copy()
        state = self._ag[:, kpi_incremental.G_STATE]
        since = self._ag[:, kpi_incremental.G_SINCE]
        lost = np.zeros(1, dtype=np.int64)
        now = int(self._newest[2])
        for row in np.flatnonzero((since >= 0) & (since < now)):
            columns = kpi_layout.STATE_COLUMN
            col = columns[state[row]] if state[row] < len(columns) else 0
            if col > 0:
                kpi_incremental.state_time(acc_q, acc_a, hist_q, ring, self._newest[0], row, col,
                                           since[row], now, self._iv_abs, self._ivs.slot0,
                                           len(ring), lost)
        return acc_a, ring

    def interval_of(self, ts_ms: int) -> int:
        """The ring's number of the interval a moment lies in (local start / length)."""
        t = self._ivs
        if t is not None and t.slot0 <= ts_ms // kpi_layout.SLOT_MS < t.slot0 + len(t.index):
            return int(self._iv_abs[ts_ms // kpi_layout.SLOT_MS - t.slot0])
        start = local_interval(np.array([ts_ms]), self.interval, self.settings.timezone)
        return int(start[0]) // self._size

    def table(self, by: Sequence[str] = ("channel",), last: int | None = None,
              since_ms: int | None = None) -> KpiTable:
        """The measures of every interval still held (``last``: of the latest ``last``
        intervals only, a rolling window; ``since_ms``: of the intervals from the one
        holding that moment, e.g. today's from local midnight), grouped like the batch
        engine's. Agents' states open now count up to the latest event."""
        by = tuple(by)
        agent_side = bool(AGENT_SIDE & set(by))
        queue_side = bool(QUEUE_SIDE & set(by))
        if agent_side and queue_side:
            raise ValueError("the live engine keeps cells per queue and per agent, not "
                             f"both: group by one side ({', '.join(by)})")
        if queue_side:
            acc, ring = self._acc_q, self._ring
        else:
            acc, ring = self._with_open_states()
        window = len(ring)
        oldest = max(0, int(self._newest[0]) - (window if last is None else last) + 1)
        if since_ms is not None:
            oldest = max(oldest, self.interval_of(since_ms))
        live = np.flatnonzero(ring >= oldest)
        live = live[np.argsort(ring[live])]
        rows = acc.shape[1]
        cells = acc[live].reshape(-1, kpi_layout.N_MEASURES)
        hist = None if agent_side else self._hist_q[live]
        interval = np.repeat(ring[live] * self._size, rows)
        row = np.tile(np.arange(rows), len(live))
        keep = ((cells[:, kpi_layout.A_OFFERED] > 0) | (cells[:, kpi_layout.A_TALKED] > 0)
                | (cells[:, kpi_layout.A_AVAILABLE:].sum(axis=1) > 0))
        ident = row - 1  # queue or agent id; -1: none
        cols = []
        for d in by:
            if d == "interval":
                cols.append(interval)
            elif d in ("queue", "agent"):
                cols.append(ident)
            elif d == "channel":
                cols.append(self._q_channel[row])
            else:  # language by queue, team and shift by agent
                labels = self.settings.labels(d)
                of = {k: labels.index(v) for k, v in getattr(self.settings, d).items()}
                cols.append(np.array([of.get(x, -1) for x in ident.tolist()], dtype=np.int64))
        if hist is not None and queue_side:
            hist = hist.reshape(-1, kpi_layout.N_WAIT_BINS)[keep]
        cells, row_keys = cells[keep], [c[keep] for c in cols]
        if by:
            uniq, group = np.unique(np.stack(row_keys, axis=1).reshape(-1, len(by)), axis=0,
                                    return_inverse=True)
            group = group.ravel()
        else:
            uniq = np.zeros((1 if len(cells) else 0, 0), dtype=np.int64)
            group = np.zeros(len(cells), dtype=np.int64)
        n = len(uniq)
        out = np.zeros((n, kpi_layout.N_MEASURES), dtype=np.int64)
        np.add.at(out, group, cells)
        out[:, kpi_layout.A_LONGEST] = -1
        np.maximum.at(out[:, kpi_layout.A_LONGEST], group, cells[:, kpi_layout.A_LONGEST])
        wait_hist = None
        if hist is not None:
            wait_hist = np.zeros((n, kpi_layout.N_WAIT_BINS), dtype=np.int64)
            if queue_side:
                np.add.at(wait_hist, group, hist)
            elif n:  # by () or the interval alone: the queues' histograms summed
                per_iv = hist.sum(axis=1)
                if "interval" in by:
                    at = {int(iv): g for g, iv in enumerate(uniq[:, by.index("interval")])}
                    for j, iv in enumerate((ring[live] * self._size).tolist()):
                        if iv in at:
                            wait_hist[at[iv]] += per_iv[j]
                else:
                    wait_hist[0] = per_iv.sum(axis=0)
        return KpiTable(by=by, interval=self.interval,
                        keys={d: uniq[:, i] for i, d in enumerate(by)}, measures=out,
                        agent_time=not queue_side, wait_hist=wait_hist)

    def now(self) -> FloorNow:
        """The floor at the latest event."""
        offered = self._cs[:, kpi_incremental.C_OFFERED]
        idx = np.flatnonzero(self._cs[:, kpi_incremental.C_WAITING] == 1)
        queue = self._cs[idx, kpi_incremental.C_QUEUE] - 1
        oldest: dict[int, int] = {}
        for q, t in zip(queue.tolist(), offered[idx].tolist(), strict=True):
            if q not in oldest or t < oldest[q]:
                oldest[q] = t
        counts = {int(q) - 1: int(n) for q, n in enumerate(self._waiting_q) if n}
        states = {row - 1: AgentState(int(s)) for row, s in enumerate(
            self._ag[:, kpi_incremental.G_STATE].tolist()) if row > 0 and s > 0}
        since = self._ag[:, kpi_incremental.G_SINCE]
        return FloorNow(at_ms=int(self._newest[2]), waiting=counts, oldest_waiting_ms=oldest,
                        agent_state=states,
                        state_since_ms={a: int(since[a + 1]) for a in states})


def _rows(fill: np.ndarray, n: int) -> np.ndarray:
    """n rows of the kernel's state, as before anything happened."""
    return np.tile(fill, (max(n, 0), 1))
