"""The KPI report (the batch engine over a time range) as rows with names for ids,
and the facts a report of a range is made from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.clock import DAY_MS, HOUR_MS
from core.kpi.batch import KpiSettings, KpiTable, contact_kpis
from core.kpi.contacts import ContactFacts, contact_facts
from core.kpi.targets import queue_targets_s
from core.model import Channel
from core.reports.values import local_text, num
from core.store import Store

#: A contact resolved in the range may have been offered up to this long before it
#: (an e-mail answered after days): events that far back are read too.
LOOKBACK_MS = 7 * DAY_MS
#: A conversation that ends just before the range's end has its after-call work
#: measured up to the agent's next state, which may come after it: events this long
#: after the end are read too, so that a day's report is the same whether asked for
#: alone or as part of a week. A wrap-up longer than this is not counted.
LOOKAHEAD_MS = HOUR_MS

#: The agent-state times of a KPI row, in seconds: (row key, KpiTable measure).
STATE_TIMES = (("logged_in_s", "logged_in_ms"), ("available_s", "available_ms"),
               ("busy_s", "busy_ms"), ("wrap_up_s", "wrap_up_ms"), ("away_s", "away_ms"),
               ("break_s", "break_ms"))


def settings_from_store(store: Store, timezone: str,
                        targets: Mapping[Channel, int] | None = None) -> KpiSettings:
    queues = store.queue_rows()
    agents = store.agent_rows()
    return KpiSettings(
        target_ms={q: s * 1000 for q, s in queue_targets_s(store, targets).items()},
        language={q.id: q.language for q in queues},
        # An agent without a team or shift is a group of its own, not one with the
        # contacts nobody answered.
        team={a.id: a.team or "(no team)" for a in agents},
        shift={a.id: a.shift or "(no shift)" for a in agents},
        timezone=timezone)


@dataclass(frozen=True)
class ReportFacts:
    """What a KPI report of a range is made from: the contacts' facts read with the
    look-back and look-ahead the range needs, the floor's settings and the range
    [since_ms, until_ms). Kept by the desktop to drill down without reading again."""

    facts: ContactFacts
    settings: KpiSettings
    since_ms: int
    until_ms: int


def report_events(store: Store, since_ms: int, until_ms: int) -> np.ndarray:
    """The events a report of [since_ms, until_ms) reads: with the look-back and the
    look-ahead (the other reports' spans lie within)."""
    return store.read_time_range(since_ms - LOOKBACK_MS, until_ms + LOOKAHEAD_MS)


def report_facts(store: Store, since_ms: int | None = None, until_ms: int | None = None,
                 timezone: str = "UTC", targets: Mapping[Channel, int] | None = None,
                 events: np.ndarray | None = None) -> ReportFacts | None:
    """The facts of [since_ms, until_ms) (default: everything stored); None when the
    store holds no events. ``targets``: the configured ones (settings_from_store);
    ``events``: ``report_events`` of the range, when read already."""
    settings = settings_from_store(store, timezone, targets)
    span = store.time_span()
    if span is None:
        return None
    since = span.first_ms if since_ms is None else since_ms
    until = span.last_ms + 1 if until_ms is None else until_ms
    # An agent's state open at the end of what was read lasted, as the store knows,
    # at least until its next event: so up to the range's end.
    facts = contact_facts(report_events(store, since, until) if events is None else events,
                          open_until_ms=min(span.last_ms, until))
    return ReportFacts(facts, settings, since, until)


def kpi_report(store: Store, by: Sequence[str], interval: str = "hour",
               since_ms: int | None = None, until_ms: int | None = None,
               timezone: str = "UTC", targets: Mapping[Channel, int] | None = None
               ) -> tuple[KpiTable, list[dict[str, object]]]:
    """The measures for [since_ms, until_ms) (default: everything stored), with the
    wait histogram, and the same as display rows with names for ids."""
    found = report_facts(store, since_ms, until_ms, timezone, targets)
    if found is None:
        table = contact_kpis(contact_facts(store.read_columns(limit=0)), by, interval,
                             settings_from_store(store, timezone, targets),
                             percentiles=True)
        return table, []
    table = contact_kpis(found.facts, by, interval, found.settings, found.since_ms,
                         found.until_ms, percentiles=True)
    return table, display_rows(table, found.settings, store)


def display_rows(table: KpiTable, settings: KpiSettings, store: Store) -> list[dict]:
    """One dict per row of ``table``: its groups by name, then the measures (counts,
    rates in %, times in s). ``p90_answer_s`` is there when the table has the wait
    histogram (inf: above the last bin), the agents' state times, occupancy and
    utilisation when they apply (``table.agent_time``)."""
    queue_name = {q.id: q.name for q in store.queue_rows()}
    agent_name = {a.id: a.name for a in store.agent_rows()}
    labels = {d: settings.labels(d) for d in ("language", "team", "shift")}
    fmt = {"15min": "%Y-%m-%d %H:%M", "hour": "%Y-%m-%d %H:00", "day": "%Y-%m-%d",
           "month": "%Y-%m"}[table.interval]

    def name(d: str, v: int) -> str:
        if d == "interval":
            return local_text(v, fmt)
        if v < 0:
            # An agent's dimension of a contact nobody answered (abandoned, voicemail).
            return "(not answered)" if d in ("agent", "team", "shift") else "-"
        if d == "channel":
            return Channel(v).name.lower()
        if d == "queue":
            return queue_name.get(v, str(v))
        if d == "agent":
            return agent_name.get(v, str(v))
        return labels[d][v]

    sl, asa, ab, talk = table.service_level, table.asa_s, table.abandon_rate, table.talk_s
    acw, aht, xfer, fcr = (table.acw_s, table.aht_s, table.transfer_rate,
                           table.first_contact_resolution)
    p90 = table.wait_percentile_s(0.9) if table.wait_hist is not None else None
    if table.agent_time:
        states = {key: getattr(table, m) for key, m in STATE_TIMES}
        occupancy, utilisation = table.occupancy, table.utilisation
    rows = []
    for i in range(len(table)):
        row: dict[str, object] = {d: name(d, int(table.keys[d][i])) for d in table.by}
        row.update(offered=int(table.offered[i]), answered=int(table.answered[i]),
                   abandoned=int(table.abandoned[i]),
                   short_abandoned=int(table.short_abandoned[i]),
                   voicemail=int(table.voicemail[i]),
                   service_level_pct=num(100 * sl[i], 1), asa_s=num(asa[i], 1),
                   abandon_pct=num(100 * ab[i], 1), talk_s=num(talk[i], 1),
                   longest_wait_s=num(table.longest_wait_ms[i] / 1000, 1)
                   if table.longest_wait_ms[i] >= 0 else None)
        # New measures after the first ones: readers that take columns by position
        # keep working.
        row.update(conversations=int(table.talked[i]), acw_s=num(acw[i], 1),
                   aht_s=num(aht[i], 1), transferred=int(table.transferred[i]),
                   transfers=int(table.transfers[i]), transfer_pct=num(100 * xfer[i], 1),
                   first_contact_resolved=int(table.first_contact_resolved[i]),
                   fcr_pct=num(100 * fcr[i], 1))
        if p90 is not None:
            row["p90_answer_s"] = num(p90[i], 1)
        if table.agent_time:
            row.update({key: round(int(v[i]) / 1000, 1) for key, v in states.items()})
            row.update(occupancy_pct=num(100 * occupancy[i], 1),
                       utilisation_pct=num(100 * utilisation[i], 1))
        rows.append(row)
    return rows
