"""The wallboard's view of the floor: the live KPI engine fed with the floor's events,
turned into what the manager looks at (core.wallboard.snapshot)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.clock import DAY_MS, MINUTE_MS, day_start_ms
from core.kpi.batch import KpiSettings
from core.kpi.incremental import IncrementalKpis
from core.kpi.targets import queue_targets_s
from core.model import EVENT_DTYPE, AgentState, Channel
from core.model.floor_policy import DEFAULT_SLA_S
from core.store import Store
from core.wallboard.agent_work import AgentWork
from core.wallboard.days import day_number, day_starts
from core.wallboard.missed import LiveMissed
from core.wallboard.snapshot import (
    AgentTile,
    AgentToday,
    ChannelFigures,
    MissedHeatmap,
    QueueLine,
    Trend,
    Wallboard,
)

#: Trend lines reach this far back, one sample per minute of floor time.
TREND_MINUTES = 120
#: The trend's service level and abandonment are over the latest two 15 min intervals.
TREND_INTERVALS = 2
#: The heatmap's days: today and the seven before it.
HEATMAP_DAYS = 8


@dataclass(frozen=True)
class QueueInfo:
    id: int
    channel: Channel
    language: str
    target_s: int


@dataclass(frozen=True)
class AgentInfo:
    id: int
    name: str
    languages: tuple[str, ...]


class FloorView:
    """Feed it the floor's events in seq order (``apply``); ask it for the wallboard
    at the latest event (``wallboard``). Contacts offered before today's midnight
    need their earlier events applied too (a day before is plenty)."""

    def __init__(self, queues: Sequence[QueueInfo], agents: Sequence[AgentInfo],
                 timezone: str, short_abandon_ms: int | None = None) -> None:
        self.timezone = timezone
        self.queues = {q.id: q for q in queues}
        self.agents = list(agents)
        self._agent_ids = {a.id for a in self.agents}
        extra = {} if short_abandon_ms is None else {"short_abandon_ms": short_abandon_ms}
        self.settings = KpiSettings(target_ms={q.id: q.target_s * 1000 for q in queues},
                                    language={q.id: q.language for q in queues},
                                    timezone=timezone, **extra)
        self.kpis = IncrementalKpis(self.settings, {q.id: int(q.channel) for q in queues},
                                    "15min")
        self.work = AgentWork()
        # Trend samples in a preallocated ring: the wallboard plots them as they are.
        self._t = np.full(TREND_MINUTES, -1, dtype=np.int64)
        self._waiting = np.zeros(TREND_MINUTES)
        self._sl = np.full(TREND_MINUTES, np.nan)
        self._abandon = np.full(TREND_MINUTES, np.nan)
        self._samples = 0
        self._next_sample_ms = -1
        self.live_missed = LiveMissed(timezone)
        #: Missed calls per hour of days before the events fed (local midnight, UTC
        #: ms -> 24 counts), counted from the store; later days are followed live.
        self.earlier_missed: dict[int, np.ndarray] = {}
        self._agent_today: dict[int, AgentToday] = {}

    @property
    def latest_ms(self) -> int:
        return self.kpis.latest_ms

    def strangers(self, events: np.ndarray) -> bool:
        """Whether ``events`` name a queue or an agent this view does not know."""
        queues = np.unique(events["queue_id"])
        agents = np.unique(events["agent_id"])
        return any(q >= 0 and q not in self.queues for q in queues.tolist()) or any(
            a >= 0 and a not in self._agent_ids for a in agents.tolist())

    def apply(self, events: np.ndarray) -> None:
        """Take the next events (EVENT_DTYPE, in seq order), sampling the trend at every
        minute of floor time they pass (only the minutes the trend still shows)."""
        if events.dtype != EVENT_DTYPE:
            raise TypeError(f"events have dtype {events.dtype}, expected {EVENT_DTYPE}")
        if not len(events):
            return
        ts = events["ts_ms"]
        top = int(ts.max())
        if self._next_sample_ms < 0:
            self._next_sample_ms = (int(ts[0]) // MINUTE_MS + 1) * MINUTE_MS
        # Minutes too old for the trend are passed over, not sampled.
        oldest = (top // MINUTE_MS - TREND_MINUTES + 1) * MINUTE_MS
        self._next_sample_ms = max(self._next_sample_ms, oldest)
        start = 0
        while self._next_sample_ms <= top:
            # Seq order is time order but for late reports: cut at the first event
            # at or after the minute.
            cut = start + int(np.argmax(ts[start:] >= self._next_sample_ms))
            self._feed(events[start:cut])
            start = cut
            self._sample(self._next_sample_ms)
            self._next_sample_ms += MINUTE_MS
        self._feed(events[start:])

    def _feed(self, events: np.ndarray) -> None:
        if len(events):
            self.kpis.apply(events)
            self.work.apply(events)
            self.live_missed.apply(events)

    def _sample(self, at_ms: int) -> None:
        j = self._samples % TREND_MINUTES
        now = self.kpis.now()
        self._t[j] = at_ms
        self._waiting[j] = sum(now.waiting.values())
        if self.kpis.latest_ms >= 0:
            # By channel, summed: the queue side of the live engine, which need not
            # count the agents' open states (the floor-wide table would).
            t = self.kpis.table(("channel",), last=TREND_INTERVALS)
            base = int((t.offered - t.short_abandoned).sum())
            self._sl[j] = t.answered_in_target.sum() / base if base else np.nan
            self._abandon[j] = (t.abandoned - t.short_abandoned).sum() / base if base \
                else np.nan
        self._samples += 1

    def trend(self) -> Trend:
        n = min(self._samples, TREND_MINUTES)
        order = (np.arange(n) + self._samples - n) % TREND_MINUTES
        return Trend(at_ms=self._t[order], waiting=self._waiting[order],
                     service_level=self._sl[order], abandon_rate=self._abandon[order])

    def missed_heatmap(self, today_ms: int) -> MissedHeatmap:
        days = day_starts(today_ms, HEATMAP_DAYS, self.timezone)
        rows = [self.earlier_missed[d] if d in self.earlier_missed
                else self.live_missed.day(d) for d in days]
        return MissedHeatmap(
            day_ms=np.array([day_number(d, self.timezone) * DAY_MS for d in days]),
            counts=np.stack(rows))

    def agent_today(self, today_ms: int) -> dict[int, AgentToday]:
        if self.kpis.latest_ms < 0:
            return {}
        t = self.kpis.table(("agent",), since_ms=today_ms)

        def val(x: np.ndarray, i: int) -> float | None:
            return None if np.isnan(x[i]) else float(x[i])

        aht, occ, util, logged = t.aht_s, t.occupancy, t.utilisation, t.logged_in_ms
        return {a: AgentToday(answered=int(t.answered[i]), conversations=int(t.talked[i]),
                              aht_s=val(aht, i), occupancy=val(occ, i),
                              utilisation=val(util, i), logged_in_ms=int(logged[i]))
                for i, a in enumerate(t.keys["agent"].tolist()) if a >= 0}

    def wallboard(self, with_agents: bool = True) -> Wallboard:
        """The wallboard at the latest event. ``with_agents=False`` keeps the agents'
        figures of the last call (they are the costliest part: the caller asks for
        them less often)."""
        at = self.kpis.latest_ms
        day = day_start_ms(max(at, 0), self.timezone)
        now = self.kpis.now()
        today = self.kpis.table(("channel",), since_ms=day) if at >= 0 else None
        rows = {} if today is None else {int(c): i for i, c in
                                         enumerate(today.keys["channel"].tolist())}
        waiting: Counter[Channel] = Counter()
        oldest: dict[Channel, int] = {}
        lines: dict[tuple[Channel, str], list[int]] = {}
        for qid, q in self.queues.items():
            n = now.waiting.get(qid, 0)
            wait = now.longest_wait_ms(qid)
            waiting[q.channel] += n
            oldest[q.channel] = max(oldest.get(q.channel, -1), wait)
            line = lines.setdefault((q.channel, q.language), [0, -1])
            line[0] += n
            line[1] = max(line[1], wait)
        channels = []
        for ch in sorted({q.channel for q in self.queues.values()} - {Channel.OUTBOUND_CALL}):
            i = rows.get(int(ch))
            targets = Counter(q.target_s for q in self.queues.values() if q.channel == ch)
            target = targets.most_common(1)[0][0] if targets else DEFAULT_SLA_S.get(ch, 0)

            def val(x: np.ndarray, i: int | None = i) -> float | None:
                if i is None:
                    return None
                v = float(x[i])
                return None if np.isnan(v) else v

            def count(name: str, i: int | None = i) -> int:
                return 0 if i is None else int(getattr(today, name)[i])

            channels.append(ChannelFigures(
                channel=ch, target_s=target, offered=count("offered"),
                answered=count("answered"), answered_in_target=count("answered_in_target"),
                abandoned=count("abandoned"), short_abandoned=count("short_abandoned"),
                service_level=None if today is None else val(today.service_level),
                abandon_rate=None if today is None else val(today.abandon_rate),
                asa_s=None if today is None else val(today.asa_s),
                waiting=waiting[ch], longest_wait_ms=oldest.get(ch, -1)))
        queues = [QueueLine(ch, lang, n, w) for (ch, lang), (n, w) in sorted(
            lines.items(), key=lambda kv: (kv[0][0], kv[0][1])) if ch != Channel.OUTBOUND_CALL]
        tiles = []
        for a in self.agents:
            state = now.agent_state.get(a.id, AgentState.OFFLINE)
            chans = self.work.channels(a.id) if state != AgentState.OFFLINE else ()
            tiles.append(AgentTile(
                id=a.id, name=a.name, languages=a.languages, state=state,
                since_ms=now.state_since_ms.get(a.id, -1), channels=chans,
                chats=sum(c == Channel.CHAT for c in chans)))
        by_state = Counter(t.state for t in tiles)
        if with_agents:
            self._agent_today = self.agent_today(day)
        return Wallboard(at_ms=at, timezone=self.timezone, day_start_ms=day,
                         channels=channels, queues=queues, agents=tiles, trend=self.trend(),
                         missed=self.missed_heatmap(day),
                         agents_by_state={s: by_state.get(s, 0) for s in AgentState},
                         agent_today=self._agent_today)


def floor_view_from_store(store: Store, timezone: str,
                          targets: Mapping[Channel, int] | None = None) -> FloorView:
    """A view of the floor the store describes (its queues and agents); ``targets``:
    the configured service-level targets by channel (else each queue's own)."""
    languages = store.agent_languages()
    target = queue_targets_s(store, targets)
    return FloorView(
        [QueueInfo(q.id, q.channel, q.language, target[q.id])
         for q in store.queue_rows()],
        [AgentInfo(a.id, a.name, languages.get(a.id, ())) for a in store.agent_rows()],
        timezone)
