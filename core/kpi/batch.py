"""The batch KPI engine: contact measures over any range of events, grouped by any
of channel, queue, language, agent and interval (docs/kpi.md)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.kpi.contacts import ContactFacts
from core.model import Channel
from core.routing.policy import DEFAULT_SLA_S

DIMENSIONS = ("channel", "queue", "language", "agent", "team", "shift", "interval")
INTERVAL_MS = {"15min": 900_000, "hour": 3_600_000, "day": 86_400_000}
INTERVALS = (*INTERVAL_MS, "month")
SHORT_ABANDON_MS = 5_000


@dataclass(frozen=True)
class KpiSettings:
    """What the definitions need from the floor: targets, languages, clock."""

    #: Service-level target per queue id; a queue not listed takes its channel's default.
    target_ms: Mapping[int, int] = field(default_factory=dict)
    #: The queue's language, for grouping by language.
    language: Mapping[int, str] = field(default_factory=dict)
    #: The agent's team and shift, for grouping by them.
    team: Mapping[int, str] = field(default_factory=dict)
    shift: Mapping[int, str] = field(default_factory=dict)
    short_abandon_ms: int = SHORT_ABANDON_MS
    timezone: str = "UTC"

    def labels(self, dimension: str) -> list[str]:
        """The names behind a text dimension's codes (language, team, shift)."""
        return sorted(set(getattr(self, dimension).values()))


@dataclass
class KpiTable:
    """One row per group. ``keys[d]`` holds dimension d: ids for channel, queue and
    agent (-1: none, e.g. the agent of an abandoned contact), for language, team and
    shift an index into ``KpiSettings.labels(d)`` (-1: none), and for interval the
    start as local wall-clock milliseconds since 1970-01-01."""

    by: tuple[str, ...]
    interval: str
    keys: dict[str, np.ndarray]
    offered: np.ndarray
    answered: np.ndarray
    answered_in_target: np.ndarray
    abandoned: np.ndarray  # in queue, short abandons included
    short_abandoned: np.ndarray
    voicemail: np.ndarray
    wait_answered_ms: np.ndarray  # sum over answered contacts
    longest_wait_ms: np.ndarray  # -1: no resolved contact
    talked: np.ndarray  # conversations ended
    talk_ms: np.ndarray

    def __len__(self) -> int:
        return len(self.offered)

    @property
    def service_level(self) -> np.ndarray:
        return _ratio(self.answered_in_target, self.offered - self.short_abandoned)

    @property
    def asa_s(self) -> np.ndarray:
        return _ratio(self.wait_answered_ms, self.answered) / 1000

    @property
    def abandon_rate(self) -> np.ndarray:
        return _ratio(self.abandoned - self.short_abandoned, self.offered - self.short_abandoned)

    @property
    def talk_s(self) -> np.ndarray:
        """Average talk time of the conversations that ended in the group."""
        return _ratio(self.talk_ms, self.talked) / 1000


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num = num.astype(float)
    out = np.full(len(num), np.nan)
    ok = den > 0
    out[ok] = num[ok] / den[ok]
    return out


def local_interval(ts_ms: np.ndarray, interval: str, timezone: str) -> np.ndarray:
    """The start of each time's interval in the zone, as local wall-clock ms."""
    if interval not in INTERVALS:
        raise ValueError(f"interval {interval!r}: one of {', '.join(INTERVALS)}")
    ts = np.asarray(ts_ms, dtype=np.int64)
    if not len(ts):
        return ts.copy()
    # The zone's offset per UTC hour of the span (offsets change on whole hours).
    tz = zoneinfo.ZoneInfo(timezone)
    h0 = int(ts.min()) // 3_600_000
    hours = int(ts.max()) // 3_600_000 - h0 + 1
    offsets = np.array([
        int(dt.datetime.fromtimestamp((h0 + h) * 3600, tz).utcoffset().total_seconds()) * 1000
        for h in range(hours)], dtype=np.int64)
    local = ts + offsets[ts // 3_600_000 - h0]
    if interval == "month":
        months = (local // 86_400_000).astype("datetime64[D]").astype("datetime64[M]")
        return months.astype("datetime64[D]").astype(np.int64) * 86_400_000
    size = INTERVAL_MS[interval]
    return local // size * size


def contact_kpis(facts: ContactFacts, by: Sequence[str] = ("channel",),
                 interval: str = "hour", settings: KpiSettings | None = None,
                 since_ms: int | None = None, until_ms: int | None = None) -> KpiTable:
    """Contact measures of ``facts`` grouped by ``by``. A contact counts where its
    wait ended; its talk time where its conversation ended (docs/kpi.md); with
    since/until, only those moments in [since_ms, until_ms) count."""
    settings = settings or KpiSettings()
    by = tuple(by)
    for d in by:
        if d not in DIMENSIONS:
            raise ValueError(f"cannot group by {d!r}: one of {', '.join(DIMENSIONS)}")
    resolved = facts.resolved_ms
    offered = (facts.offered_ms >= 0) & (resolved >= 0)
    talked = (facts.answered_ms >= 0) & (facts.ended_ms >= facts.answered_ms)
    lo = -1 if since_ms is None else since_ms
    hi = np.iinfo(np.int64).max if until_ms is None else until_ms
    offered &= (resolved >= lo) & (resolved < hi)
    talked &= (facts.ended_ms >= lo) & (facts.ended_ms < hi)
    rows = [np.flatnonzero(offered), np.flatnonzero(talked)]
    when = [resolved[rows[0]], facts.ended_ms[rows[1]]]

    def coded(dimension: str, ids: np.ndarray) -> np.ndarray:
        code = {name: i for i, name in enumerate(settings.labels(dimension))}
        of = {k: code[v] for k, v in getattr(settings, dimension).items()}
        return np.array([of.get(x, -1) for x in ids.tolist()], dtype=np.int64)

    def key_columns(idx: np.ndarray, t: np.ndarray) -> list[np.ndarray]:
        cols = []
        for d in by:
            if d == "channel":
                cols.append(facts.channel[idx])
            elif d == "queue":
                cols.append(facts.queue_id[idx])
            elif d == "agent":
                cols.append(facts.agent_id[idx])
            elif d == "language":
                cols.append(coded("language", facts.queue_id[idx]))
            elif d in ("team", "shift"):
                cols.append(coded(d, facts.agent_id[idx]))
            else:
                cols.append(local_interval(t, interval, settings.timezone))
        return cols

    parts = [key_columns(idx, t) for idx, t in zip(rows, when, strict=True)]
    n0 = len(rows[0])
    if by:
        stacked = np.concatenate([np.stack(p, axis=1) if len(p) else np.zeros((0, 0))
                                  for p in parts]).astype(np.int64).reshape(-1, len(by))
        uniq, group = np.unique(stacked, axis=0, return_inverse=True)
        group = group.ravel()
    else:
        uniq = np.zeros((1 if n0 + len(rows[1]) else 0, 0), dtype=np.int64)
        group = np.zeros(n0 + len(rows[1]), dtype=np.int64)
    g_contact, g_talk = group[:n0], group[n0:]
    n_groups = len(uniq)

    idx = rows[0]
    answered = facts.answered_ms[idx] >= 0
    abandoned = facts.abandoned_ms[idx] >= 0
    wait = resolved[idx] - facts.offered_ms[idx]
    target = _targets(facts.queue_id[idx], facts.channel[idx], settings.target_ms)

    def count(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        w = mask.astype(np.int64) if weights is None else np.where(mask, weights, 0)
        return np.bincount(g_contact, weights=w, minlength=n_groups).astype(np.int64)

    longest = np.full(n_groups, -1, dtype=np.int64)
    np.maximum.at(longest, g_contact, wait)
    talk = facts.ended_ms[rows[1]] - facts.answered_ms[rows[1]]
    return KpiTable(
        by=by, interval=interval,
        keys={d: uniq[:, i] for i, d in enumerate(by)},
        offered=count(np.ones(n0, bool)),
        answered=count(answered),
        answered_in_target=count(answered & (wait <= target)),
        abandoned=count(abandoned),
        short_abandoned=count(abandoned & (wait < settings.short_abandon_ms)),
        voicemail=count(facts.voicemail_ms[idx] >= 0),
        wait_answered_ms=count(answered, wait),
        longest_wait_ms=longest,
        talked=np.bincount(g_talk, minlength=n_groups).astype(np.int64),
        talk_ms=np.bincount(g_talk, weights=talk, minlength=n_groups).astype(np.int64),
    )


def _targets(queue: np.ndarray, channel: np.ndarray, by_queue: Mapping[int, int]) -> np.ndarray:
    default = np.zeros(max(int(c) for c in Channel) + 1, dtype=np.int64)
    for ch, s in DEFAULT_SLA_S.items():
        default[int(ch)] = s * 1000
    out = default[np.clip(channel, 0, len(default) - 1)]
    for q, ms in by_queue.items():
        out[queue == q] = ms
    return out
