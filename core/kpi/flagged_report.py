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
from core.kpi.report import (
    SPREAD_WORDS,
    ReportFacts,
    display_rows,
    drill_down_rows,
    report_events,
    report_facts,
    sabotage_dicts,
    spread_dicts,
)
from core.model import Channel
from core.phone_numbers import NumberPlan
from core.store import Store


@dataclass(frozen=True)
class Flag:
    """A flag: what it says about each agent it names (name, short words) and the
    evidence in full."""

    kind: str  # "spread" or "sabotage"
    marks: tuple[tuple[str, str], ...]
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
    #: Display rows (report.display_rows), each with ``flags``: the short words of
    #: the flags about the row's agent ("" when none, or the row has no agent).
    rows: list[dict[str, object]] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

    def contacts(self, store: Store, row: int) -> list[dict[str, object]]:
        """The contacts behind ``rows[row]`` (report.drill_down_rows)."""
        if self.found is None or self.table is None:
            return []
        key = {d: int(self.table.keys[d][row]) for d in self.by}
        got = row_contacts(self.found.facts, self.found.settings, self.by, self.interval,
                           key, self.found.since_ms, self.found.until_ms)
        return drill_down_rows(store, self.found, got)


def _flags(store: Store, since_ms: int, until_ms: int, region: str,
           events: np.ndarray) -> list[Flag]:
    agents = store.agents()
    # Compared by skills too when the store has them (a floor saved by the app or the
    # simulator); by team and shift alone otherwise.
    with_skills = agents if any(a.skills for a in agents) else None
    calls = call_report(store, since_ms, until_ms, with_skills,
                        CallSettings(numbers=NumberPlan(region=region)), events)
    outbound = OutboundSettings()
    # The dials are among the calls just read and typed: judged from them, not read
    # and typed again (outbound_report would, for the same range and numbers).
    dials = outbound_kpis(calls.calls, outbound)
    out = []
    for f in spread_dicts(calls, store):
        words = SPREAD_WORDS.get(str(f["measure"]), str(f["measure"]))
        spread = f"{words} ({f['spread_pct']:.0f}% spread)"
        out.append(Flag("spread", ((str(f["lowest"]), f"fewest {spread}"),
                                   (str(f["highest"]), f"most {spread}")),
                        str(f["evidence"])))
    for f in sabotage_dicts(dials, store, outbound.min_dials):
        out.append(Flag("sabotage", ((str(f["agent"]), f"sabotage: {f['short_pct']:.0f}% of "
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
    flags = _flags(store, since_ms, until_ms, region, events)
    about: dict[str, list[str]] = {}
    for f in flags:
        for name, words in f.marks:
            about.setdefault(name, []).append(words)
    for r in rows:
        r["flags"] = "; ".join(about.get(str(r["agent"]), ())) if "agent" in by else ""
    return FlaggedReport(by, interval, since_ms, until_ms, timezone, found, table, rows,
                         flags)
