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
from core_ext import kpi_kernels as K
from core_ext.kpi_kernels import aggregate

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
    ended = facts.ended_ms
    lo = -1 if since_ms is None else since_ms
    hi = np.iinfo(np.int64).max if until_ms is None else until_ms
    counted = (facts.offered_ms >= 0) & (resolved >= max(lo, 0)) & (resolved < hi)
    talked = ((facts.how == K.HOW_ANSWERED) & (ended >= resolved) & (ended >= lo)
              & (ended < hi))
    # The group of each contact's row and of its talk row: every dimension as small
    # non-negative codes, combined into one cell number.
    codes_c, codes_t, sizes = [], [], []
    for d in by:
        if d == "interval":
            c = _interval_where(resolved, counted, interval, settings.timezone)
            t = _interval_where(ended, talked, interval, settings.timezone)
        else:
            c = t = _dimension(facts, d, settings)
        codes_c.append(c)
        codes_t.append(t)
    base = [min(int(c[counted].min(initial=2**62)), int(t[talked].min(initial=2**62)))
            for c, t in zip(codes_c, codes_t, strict=True)]
    for c, t, b in zip(codes_c, codes_t, base, strict=True):
        top = max(int(c[counted].max(initial=b)), int(t[talked].max(initial=b)))
        sizes.append(top - b + 1 if counted.any() or talked.any() else 1)
    step = INTERVAL_MS.get(interval, 86_400_000)
    sizes = [(sz - 1) // step + 1 if d == "interval" else sz
             for d, sz in zip(by, sizes, strict=True)]
    cells = int(np.prod(sizes, dtype=np.float64)) if by else 1
    if cells > 50_000_000:
        raise ValueError(f"{cells:,} groups: choose fewer dimensions or a longer interval")

    def cell(codes: list[np.ndarray], mask: np.ndarray) -> np.ndarray:
        out = np.zeros(len(mask), dtype=np.int64)
        for d, c, b, sz in zip(by, codes, base, sizes, strict=True):
            k = (c - b) // step if d == "interval" else c - b
            out = out * sz + k
        return np.where(mask, out, -1)

    target = _targets(facts.queue_id, facts.channel, settings.target_ms)
    acc = aggregate(facts.records, cell(codes_c, counted), cell(codes_t, talked), target,
                    settings.short_abandon_ms, cells)
    present = np.flatnonzero((acc[:, K.A_OFFERED] > 0) | (acc[:, K.A_TALKED] > 0))
    acc = acc[present]
    keys, rest = {}, present
    for d, b, sz in reversed(list(zip(by, base, sizes, strict=True))):
        k = rest % sz
        rest = rest // sz
        keys[d] = k * step + b if d == "interval" else k + b
    return KpiTable(
        by=by, interval=interval, keys={d: keys[d] for d in by},
        offered=acc[:, K.A_OFFERED], answered=acc[:, K.A_ANSWERED],
        answered_in_target=acc[:, K.A_IN_TARGET], abandoned=acc[:, K.A_ABANDONED],
        short_abandoned=acc[:, K.A_SHORT], voicemail=acc[:, K.A_VOICEMAIL],
        wait_answered_ms=acc[:, K.A_WAIT], longest_wait_ms=acc[:, K.A_LONGEST],
        talked=acc[:, K.A_TALKED], talk_ms=acc[:, K.A_TALK])


def _interval_where(ts: np.ndarray, mask: np.ndarray, interval: str, tz: str) -> np.ndarray:
    """Local interval starts of ts where mask holds (elsewhere a placeholder in range,
    so that the zone's offsets are looked up over the span that counts only)."""
    fill = int(ts[mask].min()) if mask.any() else 0
    return local_interval(np.where(mask, ts, fill), interval, tz)


def _dimension(facts: ContactFacts, d: str, settings: KpiSettings) -> np.ndarray:
    """Dimension d of every contact as integers (-1: none)."""
    if d == "channel":
        return facts.channel
    if d == "queue":
        return facts.queue_id
    if d == "agent":
        return facts.agent_id
    ids = facts.queue_id if d == "language" else facts.agent_id
    code = {name: i for i, name in enumerate(settings.labels(d))}
    mapping = {k: code[v] for k, v in getattr(settings, d).items()}
    return _lookup(ids, mapping)


def _lookup(ids: np.ndarray, mapping: Mapping[int, int]) -> np.ndarray:
    """mapping[id] for each id (-1 where absent), through an array for small ids."""
    if not mapping or min(mapping) < 0 or max(mapping) > 10_000_000:
        return np.array([mapping.get(x, -1) for x in ids.tolist()], dtype=np.int64)
    table = np.full(max(mapping) + 2, -1, dtype=np.int64)
    for k, v in mapping.items():
        table[k] = v
    return np.where((ids >= 0) & (ids < len(table) - 1), table[np.clip(ids, 0, None)
                                                              .clip(max=len(table) - 1)], -1)


def _targets(queue: np.ndarray, channel: np.ndarray, by_queue: Mapping[int, int]) -> np.ndarray:
    default = np.zeros(max(int(c) for c in Channel) + 1, dtype=np.int64)
    for ch, s in DEFAULT_SLA_S.items():
        default[int(ch)] = s * 1000
    out = default[np.clip(channel, 0, len(default) - 1)]
    if by_queue:
        known = _lookup(queue, dict(by_queue))
        out = np.where(known >= 0, known, out)
    return out
