"""KPI reports from the store: the batch engine over a time range, with names."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from core.kpi.batch import KpiSettings, KpiTable, contact_kpis
from core.kpi.contacts import contact_facts
from core.model import Channel
from core.store import Store

#: A contact resolved in the range may have been offered up to this long before it
#: (an e-mail answered after days): events that far back are read too.
LOOKBACK_MS = 7 * 86_400_000


def settings_from_store(store: Store, timezone: str) -> KpiSettings:
    queues = store.queue_rows()
    agents = store.agent_rows()
    return KpiSettings(
        target_ms={q: sla * 1000 for q, _, _, _, sla in queues},
        language={q: lang for q, _, _, lang, _ in queues},
        team={a: team for a, _, team, _ in agents if team},
        shift={a: shift for a, _, _, shift in agents if shift},
        timezone=timezone)


def kpi_report(store: Store, by: Sequence[str], interval: str = "hour",
               since_ms: int | None = None, until_ms: int | None = None,
               timezone: str = "UTC") -> tuple[KpiTable, list[dict[str, object]]]:
    """The measures for [since_ms, until_ms) (default: everything stored), and the
    same as display rows with names for ids."""
    settings = settings_from_store(store, timezone)
    span = store.time_span()
    if span is None:
        table = contact_kpis(contact_facts(store.read_columns(limit=0)), by, interval,
                             settings)
        return table, []
    since = span[0] if since_ms is None else since_ms
    until = span[1] + 1 if until_ms is None else until_ms
    events = store.read_time_range(since - LOOKBACK_MS, until)
    table = contact_kpis(contact_facts(events), by, interval, settings, since, until)
    return table, display_rows(table, settings, store)


def display_rows(table: KpiTable, settings: KpiSettings, store: Store) -> list[dict]:
    queue_name = {q: name for q, name, *_ in store.queue_rows()}
    agent_name = {a: name for a, name, *_ in store.agent_rows()}
    labels = {d: settings.labels(d) for d in ("language", "team", "shift")}
    fmt = {"15min": "%Y-%m-%d %H:%M", "hour": "%Y-%m-%d %H:00", "day": "%Y-%m-%d",
           "month": "%Y-%m"}[table.interval]

    def name(d: str, v: int) -> str:
        if d == "interval":
            return (dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=v)).strftime(fmt)
        if v < 0:
            return "-"
        if d == "channel":
            return Channel(v).name.lower()
        if d == "queue":
            return queue_name.get(v, str(v))
        if d == "agent":
            return agent_name.get(v, str(v))
        return labels[d][v]

    def num(x: float, digits: int) -> float | None:
        return None if math.isnan(x) else round(float(x), digits)

    sl, asa, ab, talk = table.service_level, table.asa_s, table.abandon_rate, table.talk_s
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
        rows.append(row)
    return rows
