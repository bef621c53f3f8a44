"""The batch KPI engine: the measures of any range of events, grouped by any of
channel, queue, language, agent, team, shift and interval (docs/kpi.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.kpi.buffers import POOL
from core.kpi.contacts import ContactFacts
from core.kpi.intervals import INTERVAL_MS, INTERVALS, IntervalTable, interval_table
from core.kpi.intervals import local_interval as local_interval
from core.kpi.ratios import ratio as _ratio
from core.model import Channel
from core.model.floor_policy import DEFAULT_SLA_S
from core_ext import kpi_aggregate, kpi_layout

DIMENSIONS = ("channel", "queue", "language", "agent", "team", "shift", "interval")
#: Dimensions read off the contact's queue, and off an agent.
QUEUE_SIDE = frozenset({"channel", "queue", "language"})
AGENT_SIDE = frozenset({"agent", "team", "shift"})
SHORT_ABANDON_MS = 5_000
#: Groups beyond this many cells are refused (the cells are dense arrays).
MAX_CELLS = 50_000_000
#: An id above this cannot be a dimension's array index.
MAX_ID = 20_000_000

#: The measures of a group, in the kernels' column order (core_ext.kpi_layout A_*).
MEASURES = ("offered", "answered", "answered_in_target", "abandoned", "short_abandoned",
            "voicemail", "wait_answered_ms", "longest_wait_ms", "talked", "talk_ms",
            "acw_ms", "transferred", "transfers", "first_contact_resolved",
            "inbound_conversations", "available_ms", "busy_ms", "wrap_up_ms", "away_ms", "break_ms")
_COLUMN = {name: i for i, name in enumerate(MEASURES)}

__all__ = ["DIMENSIONS", "INTERVALS", "INTERVAL_MS", "MEASURES", "KpiSettings", "KpiTable",
           "contact_kpis", "local_interval"]


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

    def channel_targets_ms(self) -> np.ndarray:
        """The default target of each channel code."""
        out = np.zeros(max(int(c) for c in Channel) + 1, dtype=np.int64)
        for ch, s in DEFAULT_SLA_S.items():
            out[int(ch)] = s * 1000
        return out


@dataclass
class KpiTable:
    """One row per group. ``keys[d]`` holds dimension d: ids for channel, queue and
    agent (-1: none, e.g. the agent of an abandoned contact), for language, team and
    shift an index into ``KpiSettings.labels(d)`` (-1: none), and for interval the
    start as local wall-clock milliseconds since 1970-01-01. Each of MEASURES is an
    attribute (``table.offered``). Agent-state times are there only when every
    dimension is an agent's or the interval (``agent_time``); the wait histogram
    (answered contacts, bins of kpi_layout.WAIT_EDGES_MS) only when asked for."""

    by: tuple[str, ...]
    interval: str
    keys: dict[str, np.ndarray]
    measures: np.ndarray  # (rows, len(MEASURES)) int64
    agent_time: bool = False
    wait_hist: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.measures)

    def __getattr__(self, name: str) -> np.ndarray:
        if name in _COLUMN and "measures" in self.__dict__:
            return self.__dict__["measures"][:, _COLUMN[name]]
        raise AttributeError(name)

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

    @property
    def acw_s(self) -> np.ndarray:
        """Average after-call work per conversation that ended in the group."""
        return _ratio(self.acw_ms, self.talked) / 1000

    @property
    def aht_s(self) -> np.ndarray:
        """Average handling time: talk (hold included) + after-call work."""
        return _ratio(self.talk_ms + self.acw_ms, self.talked) / 1000

    @property
    def transfer_rate(self) -> np.ndarray:
        return _ratio(self.transferred, self.talked)

    @property
    def first_contact_resolution(self) -> np.ndarray:
        """Of the inbound conversations that ended (dials are KPI-4's)."""
        return _ratio(self.first_contact_resolved, self.inbound_conversations)

    @property
    def logged_in_ms(self) -> np.ndarray:
        return (self.available_ms + self.busy_ms + self.wrap_up_ms + self.away_ms
                + self.break_ms)

    @property
    def occupancy(self) -> np.ndarray:
        """Handling time over the time available for work (idle, handling, wrap-up)."""
        handling = self.busy_ms + self.wrap_up_ms
        return _ratio(handling, handling + self.available_ms)

    @property
    def utilisation(self) -> np.ndarray:
        """Handling time over all logged-in time (away and breaks included)."""
        return _ratio(self.busy_ms + self.wrap_up_ms, self.logged_in_ms)

    def wait_percentile_s(self, q: float = 0.9) -> np.ndarray:
        """The upper edge of the histogram bin holding the q-quantile of the answered
        contacts' waits (inf: above the last edge; nan: none answered)."""
        if self.wait_hist is None:
            raise ValueError("no wait histogram: ask for percentiles=True")
        return wait_percentile_s(self.wait_hist, q)


def wait_percentile_s(hist: np.ndarray, q: float) -> np.ndarray:
    """Per row of bin counts, the upper edge of the bin holding the q-quantile."""
    edges = np.append(kpi_layout.WAIT_EDGES_MS / 1000, np.inf)
    total = hist.sum(axis=1)
    cum = np.cumsum(hist, axis=1)
    # The smallest bin whose cumulative count reaches q of the total.
    need = np.ceil(q * total - 1e-9)
    k = (cum < need[:, None]).sum(axis=1)
    out = edges[np.minimum(k, len(edges) - 1)]
    return np.where(total > 0, out, np.nan)



@dataclass
class _Dimension:
    src: int
    table: np.ndarray  # value - lo -> dense code
    lo: int
    decode: np.ndarray  # dense code -> key


def _id_range(*columns: np.ndarray) -> int:
    hi = max((int(c.max()) for c in columns if len(c)), default=-1)
    if hi > MAX_ID:
        raise ValueError(f"id {hi} is too large to group by")
    return max(hi, -1)


def _dimension(d: str, facts: ContactFacts, settings: KpiSettings,
               ivs: IntervalTable | None) -> _Dimension:
    if d == "interval":
        assert ivs is not None
        return _Dimension(kpi_aggregate.SRC_INTERVAL, np.zeros(1, np.int64), 0, ivs.starts)
    src = {"channel": kpi_aggregate.SRC_CHANNEL, "queue": kpi_aggregate.SRC_QUEUE,
           "language": kpi_aggregate.SRC_QUEUE}.get(d, kpi_aggregate.SRC_AGENT)
    if src == kpi_aggregate.SRC_AGENT:
        hi = _id_range(facts.agent_id, np.array([facts.state_agent_max]))
    else:
        hi = _id_range(facts.channel if d == "channel" else facts.queue_id)
    if d in ("channel", "queue", "agent"):
        # Ids are small: an id's code is its offset from -1 (none).
        return _Dimension(src, np.arange(hi + 2, dtype=np.int64), -1,
                          np.arange(-1, hi + 1, dtype=np.int64))
    labels = settings.labels(d)
    of: Mapping[int, str] = getattr(settings, d)
    hi = max(hi, max(of, default=-1))
    table = np.zeros(hi + 2, dtype=np.int64)  # code 0: none
    for ident, name in of.items():
        if ident >= 0:
            table[ident + 1] = labels.index(name) + 1
    return _Dimension(src, table, -1, np.arange(-1, len(labels), dtype=np.int64))


def contact_kpis(facts: ContactFacts, by: Sequence[str] = ("channel",),
                 interval: str = "hour", settings: KpiSettings | None = None,
                 since_ms: int | None = None, until_ms: int | None = None,
                 percentiles: bool = False) -> KpiTable:
    """The measures of ``facts`` grouped by ``by``. A contact counts where its wait
    ended; its conversation where it ended; agents' state time where it was spent
    (docs/kpi.md). With since/until only what happened in [since_ms, until_ms)
    counts; an agent's state open at the end counts up to the end of the range or of
    the events, whichever is first."""
    settings = settings or KpiSettings()
    by = tuple(by)
    for d in by:
        if d not in DIMENSIONS:
            raise ValueError(f"cannot group by {d!r}: one of {', '.join(DIMENSIONS)}")
        if by.count(d) > 1:
            raise ValueError(f"cannot group by {d!r} twice")
    if interval not in INTERVALS:
        raise ValueError(f"interval {interval!r}: one of {', '.join(INTERVALS)}")
    since = 0 if since_ms is None else max(0, since_ms)
    until = facts.last_ms + 1 if until_ms is None else until_ms
    lo_t = max(since, facts.first_ms)
    hi_t = max(lo_t + 1, min(until, facts.last_ms + 1))
    ivs = interval_table(lo_t, hi_t, interval, settings.timezone) if "interval" in by else None
    # Cells are laid out interval first: contacts come about in time order, so the
    # cells being filled at any moment lie together in memory (an interval innermost
    # spreads them a row of intervals apart, and each costs a cache and TLB miss).
    layout = sorted(range(len(by)), key=lambda i: by[i] != "interval")
    dims = [_dimension(by[i], facts, settings, ivs) for i in layout]
    sizes = [len(x.decode) for x in dims]
    cells = int(np.prod(sizes, dtype=np.float64)) if by else 1
    if cells > MAX_CELLS:
        raise ValueError(f"{cells:,} groups: choose fewer dimensions or a longer interval")
    width = max((len(x.table) for x in dims), default=1)
    tab = np.full((len(dims), width), -1, dtype=np.int64)
    for i, x in enumerate(dims):
        tab[i, : len(x.table)] = x.table
    src = np.array([x.src for x in dims], dtype=np.int64)
    tab_lo = np.array([x.lo for x in dims], dtype=np.int64)
    size = np.array(sizes, dtype=np.int64)
    iv_index = ivs.index if ivs is not None else np.zeros(1, np.int64)
    slot0 = ivs.slot0 if ivs is not None else 0
    target_q, target_lo = _queue_targets(settings.target_ms)
    # Allocated here, not in the kernel: numpy asks for huge pages (see contacts.py);
    # and kept for the next report (core.kpi.buffers).
    acc = kpi_aggregate.fresh_cells(POOL.empty((cells, kpi_layout.N_MEASURES), np.int64))
    hist = POOL.zeros((cells if percentiles else 0, kpi_layout.N_WAIT_BINS), np.int32)
    kpi_aggregate.aggregate(
        facts.offered_ms, facts.resolved_ms, facts.ended_ms, facts.acw_ms, facts.agent_id,
        facts.queue_id, facts.channel, facts.how, facts.outcome, facts.transfers, target_q,
        target_lo, settings.channel_targets_ms(), settings.short_abandon_ms, src, tab,
        tab_lo, size, iv_index, slot0, since, until, acc, hist)
    agent_time = not (QUEUE_SIDE & set(by))
    if agent_time:
        # A state still open counts up to the latest event (as live), or the range's end.
        end = min(until, facts.last_ms)
        args = (src, tab, tab_lo, size, iv_index, slot0, since, end, acc)
        if facts.state_slots is not None and _on_quarter_hours(since, end, facts):
            kpi_aggregate.recorded_state_time(facts.state_slots, *args)
        elif len(facts.state_ms):
            kpi_aggregate.agent_state_time(facts.state_ms, facts.state_agent, facts.state, *args)
    # Rows in the order of ``by`` (the cells are laid out interval first).
    user_axes = np.array([layout.index(i) for i in range(len(by))], dtype=np.int64)
    rows = POOL.empty(acc.shape, np.int64)
    cells_at = POOL.empty(len(acc), np.int64)
    coords_at = POOL.empty((len(acc), max(len(by), 1)), np.int64)
    n = kpi_aggregate.used_cells(acc, size if by else np.ones(1, np.int64),
                                 user_axes if by else np.zeros(1, np.int64), rows, cells_at,
                                 coords_at)
    present, coords = cells_at[:n], coords_at[:n]
    # A table much smaller than its cells does not hold on to all of them.
    measures = rows[:n] if 2 * n > len(rows) else rows[:n].copy()
    keys = {d: dims[user_axes[i]].decode[coords[:, i]] for i, d in enumerate(by)}
    return KpiTable(by=by, interval=interval, keys=keys, measures=measures,
                    agent_time=agent_time, wait_hist=hist[present] if percentiles else None)


def _on_quarter_hours(since: int, end: int, facts: ContactFacts) -> bool:
    """Whether [since, end) cuts no quarter hour of the events' time short, and the
    records were read up to its end: then the agents' time per quarter hour adds up
    to their time in the range exactly."""
    return ((since % kpi_layout.SLOT_MS == 0 or since <= facts.first_ms)
            and end <= facts.state_slots_until
            and (end % kpi_layout.SLOT_MS == 0 or end == facts.state_slots_until))


def _queue_targets(by_queue: Mapping[int, int]) -> tuple[np.ndarray, int]:
    """Targets by queue id as an array from the smallest id (-1: the channel's)."""
    if not by_queue:
        return np.full(1, -1, dtype=np.int64), 0
    lo, hi = min(by_queue), max(by_queue)
    if hi - lo > MAX_ID:
        raise ValueError(f"queue ids {lo}..{hi} are too far apart")
    out = np.full(hi - lo + 1, -1, dtype=np.int64)
    for q, t in by_queue.items():
        out[q - lo] = t
    return out, lo
