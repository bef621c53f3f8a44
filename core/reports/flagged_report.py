"""A KPI report as the desktop shows it: the measures of a range grouped one way, the
spread (KPI-5) and sabotage (KPI-4) flags of the same range with their evidence, the
flags marked on the rows they are about, and a row's contacts on demand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.kpi.batch import KpiTable, contact_kpis
from core.kpi.calls import CallSettings, call_report
from core.kpi.drill_down import row_contacts
from core.kpi.outbound import OutboundSettings, outbound_kpis
from core.model import Channel
from core.phone_numbers import NumberPlan
from core.reports.call_rows import SPREAD_WORDS, spread_dicts
from core.reports.drill_down_rows import drill_down_rows
from core.reports.floor_source import FloorSource, floor_of_store
from core.reports.kpi_rows import ReportFacts, display_rows, report_events, report_facts
from core.reports.outbound_rows import sabotage_dicts
from core.store import Store


@dataclass(frozen=True)
class Flag:
    """A flag: what it says about each agent it names (agent id, short words) and the
    evidence in full. By id: two agents may have the same name."""

    kind: str  # "spread" or "sabotage"
    marks: tuple[tuple[int, str], ...]
    evidence: str


@dataclass
class FlaggedReport:
    by: tuple[str, ...]
    interval: str
    since_ms: int
    until_ms: int
    timezone: str
    #: None: the store holds no events.
    found: ReportFacts | None
    table: KpiTable | None
    #: Display rows (kpi_rows.display_rows), each with ``flags``: the short words of
    #: the flags about the row's agent ("" when none, or the row has no agent).
    rows: list[dict[str, object]] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    #: The stored floor the agents were compared by (None: by team and shift alone),
    #: as ``floorboard calls`` compares them.
    floor: FloorSource | None = None

    def contacts(self, store: Store, row: int) -> list[dict[str, object]]:
        """The contacts behind ``rows[row]`` (drill_down_rows)."""
        if self.found is None or self.table is None:
            return []
        key = {d: int(self.table.keys[d][row]) for d in self.by}
        got = row_contacts(self.found.facts, self.found.settings, self.by, self.interval,
                           key, self.found.since_ms, self.found.until_ms)
        return drill_down_rows(store, self.found, got)


def _flags(store: Store, since_ms: int, until_ms: int, region: str,
           events: np.ndarray, floor: FloorSource | None) -> list[Flag]:
    calls = call_report(store, since_ms, until_ms, floor.floor.agents if floor else None,
                        CallSettings(numbers=NumberPlan(region=region)), events)
    outbound = OutboundSettings()
    # The dials are among the calls just read and typed: judged from them, not read
    # and typed again (outbound_report would, for the same range and numbers).
    dials = outbound_kpis(calls.calls, outbound)
    out = []
    for flag, f in zip(calls.spread, spread_dicts(calls, store), strict=True):
        words = SPREAD_WORDS.get(str(f["measure"]), str(f["measure"]))
        spread = f"{words} ({f['spread_pct']:.0f}% spread)"
        out.append(Flag("spread", ((flag.lowest_agent, f"fewest {spread}"),
                                   (flag.highest_agent, f"most {spread}")),
                        str(f["evidence"])))
    for flag, f in zip(dials.sabotage, sabotage_dicts(dials, store, outbound.min_dials),
                       strict=True):
        out.append(Flag("sabotage", ((flag.agent_id, f"sabotage: {f['short_pct']:.0f}% of "
                                      "dials ended too soon"),),
                        str(f["evidence"])))
    return out


def flagged_report(store: Store, by: Sequence[str], interval: str, since_ms: int,
                   until_ms: int, timezone: str, region: str = "GB",
                   targets: Mapping[Channel, int] | None = None) -> FlaggedReport:
    """The report of [since_ms, until_ms) by ``by`` with the range's flags;
    ``targets``: the configured service-level targets by channel."""
    by = tuple(by)
    if store.time_span() is None:
        return FlaggedReport(by, interval, since_ms, until_ms, timezone, None, None)
    # Read once: the measures and the flags look at the same events.
    events = report_events(store, since_ms, until_ms)
    found = report_facts(store, since_ms, until_ms, timezone, targets, events)
    table = contact_kpis(found.facts, by, interval, found.settings, since_ms, until_ms,
                         percentiles=True)
    rows = display_rows(table, found.settings, store)
    floor = floor_of_store(store)
    flags = _flags(store, since_ms, until_ms, region, events, floor)
    about: dict[int, list[str]] = {}
    for f in flags:
        for agent, words in f.marks:
            about.setdefault(agent, []).append(words)
    # The rows are the table's, in its order: its agent key is the row's agent id.
    agents = table.keys["agent"].tolist() if "agent" in by else [None] * len(rows)
    for r, agent in zip(rows, agents, strict=True):
        r["flags"] = "; ".join(about.get(agent, ())) if agent is not None else ""
    return FlaggedReport(by, interval, since_ms, until_ms, timezone, found, table, rows,
                         flags, floor)
