"""Missed calls per local hour of each day, for the wallboard's heatmap (counted as
KPI-5's missed-calls report counts them: docs/call-analytics.md). Earlier days are
counted once from the store; today's are followed event by event (LiveMissed), so
the floor thread never reads the day back while the wallboard runs."""

from __future__ import annotations

import numpy as np

from core.clock import DAY_MS, HOUR_MS
from core.kpi.batch import local_interval
from core.kpi.missed_calls import MissedCallSettings, missed_calls_from_store
from core.model import EVENT_DTYPE, Channel, EventKind
from core.store import Store
from core.wallboard.days import day_number


def missed_by_hour(store: Store, since_ms: int, until_ms: int, timezone: str,
                   days: list[int]) -> np.ndarray:
    """Missed calls in [since_ms, until_ms) per row of ``days`` (local midnights, UTC
    ms, oldest first) and local hour."""
    counts = np.zeros((len(days), 24), dtype=np.int64)
    if until_ms <= since_ms:
        return counts
    hours = missed_calls_from_store(store, since_ms, until_ms,
                                    MissedCallSettings(timezone=timezone)).by_hour()
    # The rows' local dates, as the hours' (wall-clock ms // DAY_MS).
    row_day = [day_number(d, timezone) for d in days]
    for hour_ms, n in zip(hours.hour_ms.tolist(), hours.missed.tolist(), strict=True):
        day = hour_ms // DAY_MS
        if day in row_day:
            counts[row_day.index(day), (hour_ms % DAY_MS) // HOUR_MS] += n
    return counts


_ACCEPTED, _ABANDONED, _VOICEMAIL = (int(EventKind.ACCEPTED), int(EventKind.ABANDONED),
                                     int(EventKind.VOICEMAIL))
_ENQUEUED, _BLOCKED = int(EventKind.ENQUEUED), int(EventKind.BLOCKED)
_KINDS = (_ACCEPTED, _ABANDONED, _VOICEMAIL, _ENQUEUED, _BLOCKED)


class LiveMissed:
    """Missed calls per local day and hour, followed from the events as they come
    (in seq order): a phone contact whose wait first ended abandoned or in voicemail,
    once it was queued, counts at that moment; a busy signal counts when it sounds
    (as core.kpi.missed_calls). Days are local wall-clock ms // DAY_MS."""

    def __init__(self, timezone: str, channels: frozenset[Channel] = frozenset(
            {Channel.PHONE})) -> None:
        self.timezone = timezone
        self._voice = {int(c) for c in channels}
        self._channel: dict[int, int] = {}
        self._ended: set[int] = set()  # whose wait has ended
        self._queued: set[int] = set()
        self._blocked: set[int] = set()
        #: Missed before being queued (a late ENQUEUED makes them count): id -> moment.
        self._pending: dict[int, int] = {}
        self.counts: dict[int, np.ndarray] = {}

    def apply(self, events: np.ndarray) -> None:
        if events.dtype != EVENT_DTYPE:
            raise TypeError(f"events have dtype {events.dtype}, expected {EVENT_DTYPE}")
        ev = events[(events["interaction_id"] >= 0) & np.isin(events["kind"], _KINDS)]
        if not len(ev):
            return
        missed_at = []
        for k, iid, ch, ts in zip(ev["kind"].tolist(), ev["interaction_id"].tolist(),
                                  ev["channel"].tolist(), ev["ts_ms"].tolist(), strict=True):
            if ch >= 0:
                self._channel.setdefault(iid, ch)
            if k == _ENQUEUED:
                if iid not in self._queued:
                    self._queued.add(iid)
                    if iid in self._pending:
                        missed_at.append(self._pending.pop(iid))
            elif k == _BLOCKED:
                if iid not in self._blocked and self._channel.get(iid, -1) in self._voice:
                    self._blocked.add(iid)
                    missed_at.append(ts)
            elif iid not in self._ended:
                self._ended.add(iid)
                if k != _ACCEPTED and self._channel.get(iid, -1) in self._voice:
                    if iid in self._queued:
                        missed_at.append(ts)
                    else:
                        self._pending[iid] = ts
        if missed_at:
            local = local_interval(np.array(missed_at, dtype=np.int64), "hour", self.timezone)
            for h in local.tolist():
                day = self.counts.setdefault(h // DAY_MS, np.zeros(24, dtype=np.int64))
                day[(h % DAY_MS) // HOUR_MS] += 1

    def day(self, midnight_ms: int) -> np.ndarray:
        """The counts of the local day starting at ``midnight_ms`` (UTC ms)."""
        return self.counts.get(day_number(midnight_ms, self.timezone),
                               np.zeros(24, dtype=np.int64)).copy()
