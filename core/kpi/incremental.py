"""The incremental KPI engine, for the wallboard: O(1) work per event as it comes,
the same definitions and numbers as the batch engine (docs/kpi.md).

It keeps, for a ring of the latest intervals, the contact measures per queue and per
answering agent; channel and language are read off the queue, team and shift off
the agent. An event whose interval has left the ring is counted in ``too_late``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from core.kpi.batch import INTERVAL_MS, KpiSettings, KpiTable, local_interval
from core.model import EVENT_DTYPE
from core.routing.policy import DEFAULT_SLA_S
from core_ext import kpi_kernels as K

_QUEUE_DIMS = {"queue", "channel", "language"}
_AGENT_DIMS = {"agent", "team", "shift"}
#: Per-contact state of the kernel, and what a slot holds before its contact is seen.
_FILLS = {"offered": -1, "answered": -1, "done": False, "ended": -1, "end_iv": -1,
          "s_queue": -1, "s_agent": 0}


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
        self._acc_q = np.zeros((window, n_q, K.N_MEASURES), dtype=np.int64)
        self._acc_a = np.zeros((window, 2, K.N_MEASURES), dtype=np.int64)
        self._newest = np.array([-1, 0], dtype=np.int64)
        self._base = -1  # interaction id of slot 0
        self._state: dict[str, np.ndarray] = {}
        self._grow_contacts(1024)

    @property
    def too_late(self) -> int:
        return int(self._newest[1])

    def _grow_contacts(self, n: int) -> None:
        old = len(self._state.get("offered", ()))
        for name, fill in _FILLS.items():
            arr = np.full(n, fill, dtype=np.bool_ if name == "done" else np.int64)
            if old:
                arr[:old] = self._state[name]
            self._state[name] = arr

    def _rebase(self, low: int) -> None:
        """An id below the first one seen: move every slot up (rare, so O(n) is fine)."""
        shift = self._base - low
        for name, arr in self._state.items():
            moved = np.full(len(arr) + shift, _FILLS[name], dtype=arr.dtype)
            moved[shift:] = arr
            self._state[name] = moved
        self._base = low

    def _grow_agents(self, rows: int) -> None:
        acc = np.zeros((len(self._ring), rows, K.N_MEASURES), dtype=np.int64)
        acc[:, :, K.M_LONGEST] = -1
        acc[:, : self._acc_a.shape[1]] = self._acc_a
        self._acc_a = acc

    def apply(self, events: np.ndarray) -> None:
        """Take the next events (EVENT_DTYPE, in seq order)."""
        if events.dtype != EVENT_DTYPE:
            raise TypeError(f"events have dtype {events.dtype}, expected {EVENT_DTYPE}")
        if not len(events):
            return
        iid = events["interaction_id"].astype(np.int64)
        known = iid >= 0
        if known.any():
            low = int(iid[known].min())
            if self._base < 0:
                self._base = low
            elif low < self._base:
                self._rebase(low)
        # Contacts are numbered about as they come: a slot per id from the lowest seen.
        slot = np.where(known, iid - self._base, -1)
        if slot.max() >= len(self._state["offered"]):
            self._grow_contacts(max(2 * len(self._state["offered"]), int(slot.max()) + 1))
        agent = events["agent_id"].astype(np.int64)
        if agent.max() + 2 > self._acc_a.shape[1]:
            self._grow_agents(int(agent.max()) + 2)
        queue = events["queue_id"].astype(np.int64)
        queue_ix = np.where((queue >= 0) & (queue + 1 < len(self._target)), queue + 1, 0)
        ts = np.ascontiguousarray(events["ts_ms"])
        iv = local_interval(ts, self.interval, self.settings.timezone) // self._size
        st = self._state
        K.apply_events(events["kind"].astype(np.int64), slot, iv, ts, np.maximum(agent + 1, 0),
                       queue_ix, self._target, self.settings.short_abandon_ms,
                       st["offered"], st["answered"], st["done"], st["ended"], st["end_iv"],
                       st["s_queue"], st["s_agent"], self._ring, self._acc_q, self._acc_a,
                       self._newest)

    def table(self, by: Sequence[str] = ("channel",)) -> KpiTable:
        """The measures of every interval still held, grouped like the batch engine's."""
        by = tuple(by)
        agent_side = bool(_AGENT_DIMS & set(by))
        if agent_side and _QUEUE_DIMS & set(by):
            raise ValueError("the live engine keeps cells per queue and per agent, not "
                             f"both: group by one side ({', '.join(by)})")
        acc = self._acc_a if agent_side else self._acc_q
        oldest = max(0, int(self._newest[0]) - len(self._ring) + 1)
        live = np.flatnonzero(self._ring >= oldest)
        cells = acc[live].reshape(-1, K.N_MEASURES)
        interval = np.repeat(self._ring[live] * self._size, acc.shape[1])
        row = np.tile(np.arange(acc.shape[1]), len(live))
        keep = (cells[:, K.M_OFFERED] > 0) | (cells[:, K.M_TALKED] > 0)
        cells, interval, row = cells[keep], interval[keep], row[keep]
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
        if by:
            uniq, group = np.unique(np.stack(cols, axis=1).reshape(-1, len(by)), axis=0,
                                    return_inverse=True)
            group = group.ravel()
        else:
            uniq = np.zeros((1 if len(cells) else 0, 0), dtype=np.int64)
            group = np.zeros(len(cells), dtype=np.int64)
        n = len(uniq)

        def total(m: int) -> np.ndarray:
            return np.bincount(group, weights=cells[:, m], minlength=n).astype(np.int64)

        longest = np.full(n, -1, dtype=np.int64)
        np.maximum.at(longest, group, cells[:, K.M_LONGEST])
        return KpiTable(
            by=by, interval=self.interval, keys={d: uniq[:, i] for i, d in enumerate(by)},
            offered=total(K.M_OFFERED), answered=total(K.M_ANSWERED),
            answered_in_target=total(K.M_IN_TARGET), abandoned=total(K.M_ABANDONED),
            short_abandoned=total(K.M_SHORT), voicemail=total(K.M_VOICEMAIL),
            wait_answered_ms=total(K.M_WAIT), longest_wait_ms=longest,
            talked=total(K.M_TALKED), talk_ms=total(K.M_TALK))
