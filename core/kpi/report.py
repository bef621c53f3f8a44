"""KPI reports from the store: the batch engine over a time range, the call
analytics (docs/call-analytics.md) and sales (KPI-3), as rows with names and flags
in words."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np

from core.clock import DAY_MS, HOUR_MS, format_local, wall_clock, zone
from core.config.floor import load_floor
from core.config.scenario import SCENARIO_DIR, load_scenario
from core.errors import ConfigError
from core.kpi.batch import KpiSettings, KpiTable, contact_kpis
from core.kpi.calls import CallReport, SpreadFlag
from core.kpi.contacts import ContactFacts, contact_facts
from core.kpi.drill_down import RowContacts
from core.kpi.missed_calls import MissedByHour, MissedCalls, MissedCause
from core.kpi.outbound import OutboundReport, SabotageFlag
from core.kpi.sales import RevenueTable, SalesReport, SalesTable, revenue_table, sales_table
from core.kpi.targets import queue_targets_s
from core.model import Channel, EventKind, Outcome
from core.model.floor_policy import FloorPolicy
from core.store import AgentRow, QueueRow, Store
from core_ext import kpi_layout

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


def _num(x: float, digits: int) -> float | None:
    """Rounded; None for "not defined here" (a rate of nothing). Infinity stays."""
    if math.isnan(x):
        return None
    return x if math.isinf(x) else round(float(x), digits)


def _local_text(local_ms: int, fmt: str) -> str:
    """Local wall-clock ms since 1970-01-01 (the engines' interval starts) as text."""
    return wall_clock(local_ms).strftime(fmt)


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
            return _local_text(v, fmt)
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
                   service_level_pct=_num(100 * sl[i], 1), asa_s=_num(asa[i], 1),
                   abandon_pct=_num(100 * ab[i], 1), talk_s=_num(talk[i], 1),
                   longest_wait_s=_num(table.longest_wait_ms[i] / 1000, 1)
                   if table.longest_wait_ms[i] >= 0 else None)
        # New measures after the first ones: readers that take columns by position
        # keep working.
        row.update(conversations=int(table.talked[i]), acw_s=_num(acw[i], 1),
                   aht_s=_num(aht[i], 1), transferred=int(table.transferred[i]),
                   transfers=int(table.transfers[i]), transfer_pct=_num(100 * xfer[i], 1),
                   first_contact_resolved=int(table.first_contact_resolved[i]),
                   fcr_pct=_num(100 * fcr[i], 1))
        if p90 is not None:
            row["p90_answer_s"] = _num(p90[i], 1)
        if table.agent_time:
            row.update({key: round(int(v[i]) / 1000, 1) for key, v in states.items()})
            row.update(occupancy_pct=_num(100 * occupancy[i], 1),
                       utilisation_pct=_num(100 * utilisation[i], 1))
        rows.append(row)
    return rows


_HOW_WORDS = {kpi_layout.HOW_ANSWERED: "answered", kpi_layout.HOW_ABANDONED: "abandoned",
              kpi_layout.HOW_VOICEMAIL: "voicemail"}


def drill_down_rows(store: Store, found: ReportFacts, contacts: RowContacts
                    ) -> list[dict[str, object]]:
    """The contacts of a report row (``row_contacts``), one dict each: when and where
    it was offered, how its wait ended, who took it, its conversation, and what it
    counts for in the row."""
    f, settings = found.facts, found.settings
    queue_name = {q.id: q.name for q in store.queue_rows()}
    agent_name = {a.id: a.name for a in store.agent_rows()}
    tz = zone(settings.timezone)
    ix = contacts.index
    ids = f.interaction_id[ix].tolist()
    numbers = store.customer_numbers(ids)

    def at(ms: int) -> str | None:
        return None if ms < 0 else format_local(ms, tz)

    def seconds(ms: int) -> float | None:
        return None if ms < 0 else round(ms / 1000, 1)

    rows = []
    for k, s in enumerate(ix.tolist()):
        offered, resolved, ended = (int(f.offered_ms[s]), int(f.resolved_ms[s]),
                                    int(f.ended_ms[s]))
        how = int(f.how[s])
        answered = how == kpi_layout.HOW_ANSWERED
        dial = int(f.channel[s]) == Channel.OUTBOUND_CALL
        talk = ended - resolved if answered and ended >= resolved else -1
        q, a, outcome = int(f.queue_id[s]), int(f.agent_id[s]), int(f.outcome[s])
        counts = [w for w, yes in (("offered", contacts.counted[k]),
                                   ("conversation", contacts.talked[k])) if yes]
        rows.append({
            "interaction": ids[k], "offered_at": at(offered),
            "channel": Channel(int(f.channel[s])).name.lower() if f.channel[s] > 0 else "-",
            "queue": queue_name.get(q, "-" if q < 0 else str(q)),
            "language": settings.language.get(q, "-"),
            "customer": numbers.get(ids[k]) or "-",
            # A dial waits for the campaign, not a customer for us: no wait to show.
            "wait_s": None if dial else seconds(
                resolved - offered if resolved >= 0 and offered >= 0 else -1),
            "how": "dialled" if dial and answered else _HOW_WORDS.get(how, "waiting"),
            "agent": agent_name.get(a, "-" if a < 0 else str(a)),
            "talk_s": seconds(talk),
            "acw_s": seconds(int(f.acw_ms[s])) if talk >= 0 and f.acw_ms[s] > 0 else None,
            "transfers": int(f.transfers[s]),
            "outcome": Outcome(outcome).name.lower().replace("_", " ") if outcome > 0
            else "-",
            "counted_as": ", ".join(counts),
        })
    return rows


# -- the floor behind a database ---------------------------------------------------

@dataclass(frozen=True)
class FloorSource:
    """A floor definition and where it came from, in words for the output."""

    floor: FloorPolicy
    source: str


def _floor_rows(floor: FloorPolicy) -> tuple[set[QueueRow], set[AgentRow]]:
    """The floor's queues and agents as the store keeps them (queue_rows, agent_rows)."""
    return ({QueueRow(qp.queue.id, qp.queue.name, qp.queue.channel, qp.queue.language,
                      qp.queue.sla_target_s) for qp in floor.queues},
            {AgentRow(a.id, a.name, a.team, a.shift) for a in floor.agents})


def load_floor_arg(text: str) -> FloorSource:
    """``--floor``: a shipped scenario's name (normal_day_28), a scenario file or a
    floor file; a scenario means its floor."""
    path = Path(text).expanduser()
    try:
        if not path.suffix and not path.exists():
            return FloorSource(load_scenario(text).floor, f"the floor of scenario {text}")
        try:
            head = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError("no such file; give a floor file, a scenario file or a "
                              "shipped scenario's name (normal_day_28)") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read it ({exc})") from None
        if re.search(r"^\s*\[scenario\]", head, re.MULTILINE):
            return FloorSource(load_scenario(path).floor,
                               f"the floor of scenario file {path}")
        return FloorSource(load_floor(path), f"floor file {path}")
    except ConfigError as exc:
        raise ConfigError(f"--floor {text}: {exc}") from None


def check_floor(store: Store, given: FloorSource) -> None:
    """Refuse a floor whose queues or agents are not the database's: its agents'
    eligibility would be about other people. The database may hold more (an import)."""
    queues, agents = _floor_rows(given.floor)
    stored_q = {r.id: r for r in store.queue_rows()}
    stored_a = {r.id: r for r in store.agent_rows()}
    for what, mine, stored in (("queue", queues, stored_q), ("agent", agents, stored_a)):
        for row in sorted(mine):
            there = stored.get(row.id)
            if there != row:
                found = ("not in the database" if there is None
                         else f"{there.name!r} in the database")
                raise ConfigError(
                    f"--floor: {given.source} is not this database's floor: its {what} "
                    f"{row.id} is {row.name!r}, {found}. Give the floor the database was "
                    "filled from, or leave --floor out.")


def floor_of_store(store: Store, scenarios: Path = SCENARIO_DIR) -> FloorSource | None:
    """The floor of a shipped scenario whose queues and agents are exactly the
    database's (a database filled by ``floorboard simulate``), else None. Only an
    exact match counts: a near one would judge agents by someone else's skills."""
    stored = (set(store.queue_rows()), set(store.agent_rows()))
    if not stored[1]:
        return None
    found: dict[tuple, tuple[FloorPolicy, list[str]]] = {}
    for path in sorted(scenarios.glob("*.toml")):
        floor = load_scenario(path).floor
        rows = _floor_rows(floor)
        if rows == stored:
            key = (frozenset(rows[0]), frozenset(rows[1]))
            found.setdefault(key, (floor, []))[1].append(path.stem)
    if not found:
        return None
    floor, names = next(iter(found.values()))
    plural = "s" if len(names) > 1 else ""
    return FloorSource(floor, f"'{floor.name}', the floor of the shipped scenario{plural} "
                              f"{', '.join(names)} (it matches the database's queues and "
                              "agents)")


# -- call analytics ----------------------------------------------------------------

def _names(store: Store) -> Callable[[int], str]:
    agent_name = {a.id: a.name for a in store.agent_rows()}
    return lambda a: agent_name.get(a, f"agent {a}")


def _pct(share: float, threshold: float | None = None) -> str:
    """A share as a whole percent; one decimal where whole would look like the
    threshold itself (a 25.4% spread is flagged above 25%)."""
    if threshold is not None and round(100 * share) == round(100 * threshold):
        return f"{100 * share:.1f}%"
    return f"{100 * share:.0f}%"


#: What a spread measure counts, in a floor manager's words.
SPREAD_WORDS = {"calls": "calls taken", "inbound": "inbound calls",
                "outbound": "outbound calls", "outbound_new": "outbound calls to new clients",
                "conversations": "conversations", "negotiation": "negotiation calls",
                "unique_numbers": "distinct numbers", "inbound_outbound_ratio":
                "inbound calls per outbound call"}


def _value(measure: str, v: float) -> str:
    return f"{v:.2f}" if measure == "inbound_outbound_ratio" else f"{v:,.0f}"


def spread_evidence(flag: SpreadFlag, name: Callable[[int], str]) -> str:
    """The flag as a sentence: the group, the measure, how far apart, and everyone."""
    group = f"{flag.team or 'no'} team, {flag.shift or 'no'} shift"
    group += (f", skills {' and '.join(flag.skills)}" if flag.skills
              else " (skills not known: compared by team and shift)")
    members = sorted(zip(flag.values, flag.agent_ids, strict=True), key=lambda m: -m[0])
    everyone = ", ".join(f"{name(a)} ({_value(flag.measure, v)})" for v, a in members)
    high, low = max(flag.values), min(flag.values)
    return (f"{group}: {SPREAD_WORDS.get(flag.measure, flag.measure)} differ by "
            f"{_pct(flag.spread, flag.threshold)} between comparable agents (flagged above "
            f"{_pct(flag.threshold)}): lowest {name(flag.lowest_agent)} "
            f"({_value(flag.measure, low)}), highest {name(flag.highest_agent)} "
            f"({_value(flag.measure, high)}); all: {everyone}.")


def call_rows(report: CallReport, store: Store) -> list[dict[str, object]]:
    """KPI-5 per agent: one dict per agent, and in ``flags`` the spread flags that
    name the agent as the lowest or highest of their group."""
    name = _names(store)
    team_shift = {a.id: (a.team, a.shift) for a in store.agent_rows()}
    t = report.table
    said: dict[int, list[str]] = {}
    for f in report.spread:
        text = spread_evidence(f, name)
        for a in dict.fromkeys((f.lowest_agent, f.highest_agent)):
            said.setdefault(a, []).append(text)
    ratio, per_number = t.inbound_outbound_ratio, t.calls_per_number
    rows = []
    for i, aid in enumerate(t.agent_id.tolist()):
        team, shift = team_shift.get(aid, ("", ""))
        rows.append({
            "agent": name(aid), "team": team, "shift": shift,
            "logged_in_h": round(int(t.logged_in_ms[i]) / HOUR_MS, 2),
            "calls": int(t.calls[i]), "inbound": int(t.inbound[i]),
            "outbound": int(t.outbound[i]),
            "inbound_outbound_ratio": _num(ratio[i], 2),
            "outbound_new": int(t.outbound_new[i]), "to_mobile": int(t.to_mobile[i]),
            "to_landline": int(t.to_landline[i]), "to_internal": int(t.to_internal[i]),
            "to_other": int(t.to_other[i]), "numbered": int(t.numbered[i]),
            "unique_numbers": int(t.unique_numbers[i]),
            "calls_per_number": _num(per_number[i], 2),
            "conversations": int(t.conversations[i]), "navigation": int(t.navigation[i]),
            "negotiation": int(t.negotiation[i]),
            "flags": " | ".join(said.get(aid, ())),
        })
    return rows


def spread_dicts(report: CallReport, store: Store) -> list[dict[str, object]]:
    """The spread flags with their evidence, for JSON."""
    name = _names(store)
    return [{"team": f.team, "shift": f.shift, "skills": list(f.skills),
             "measure": f.measure, "spread_pct": round(100 * f.spread, 1),
             "threshold_pct": round(100 * f.threshold, 1),
             "lowest": name(f.lowest_agent), "highest": name(f.highest_agent),
             "values": {name(a): v for a, v in zip(f.agent_ids, f.values, strict=True)},
             "evidence": spread_evidence(f, name)} for f in report.spread]


def sabotage_evidence(flag: SabotageFlag, name: Callable[[int], str],
                      min_dials: int | None = None) -> str:
    """The flag as a sentence: how many dials ended too soon, against the peers."""
    short_s = f"{flag.short_dial_ms / 1000:g} s"
    peers = f"{flag.peers} peer{'s' if flag.peers != 1 else ''}"
    if min_dials is not None:
        peers += f" with {min_dials} or more ended dials"
    examples = ", ".join(str(i) for i in flag.example_interaction_ids)
    return (f"{name(flag.agent_id)}: {flag.short_dials} of {flag.ended_dials} dials "
            f"({_pct(flag.short_share)}) ended in under {short_s}, before the callee could "
            f"answer; peers' median {_pct(flag.peer_median_short_share)} ({peers}), "
            f"flagged from {_pct(flag.threshold_share)}. Reached "
            f"{_pct(flag.reach_share)} of dials, peers' median "
            f"{_pct(flag.peer_median_reach_share)}."
            + (f" E.g. interactions {examples}." if examples else ""))


def outbound_rows(report: OutboundReport, store: Store,
                  min_dials: int | None = None) -> list[dict[str, object]]:
    """KPI-4 per agent who dialled, with the sabotage evidence in ``flags``."""
    name = _names(store)
    said = {f.agent_id: sabotage_evidence(f, name, min_dials) for f in report.sabotage}
    t = report.table
    reach, short, plan_pct = t.reach_share, t.short_share, t.plan_pct
    return [{
        "agent": name(aid), "dials": int(t.dials[i]), "ended": int(t.ended[i]),
        "reached": int(t.reached[i]), "reach_pct": _num(100 * reach[i], 1),
        "sales": int(t.sales[i]), "meetings": int(t.meetings[i]),
        "target": int(t.target[i]), "plan": _num(t.plan[i], 1),
        "plan_pct": _num(plan_pct[i], 1), "short_dials": int(t.short_dials[i]),
        "short_pct": _num(100 * short[i], 1), "flags": said.get(aid, ""),
    } for i, aid in enumerate(t.agent_id.tolist())]


def sabotage_dicts(report: OutboundReport, store: Store,
                   min_dials: int | None = None) -> list[dict[str, object]]:
    """The sabotage flags with their evidence, for JSON."""
    name = _names(store)
    return [{"agent": name(f.agent_id), "ended_dials": f.ended_dials,
             "short_dials": f.short_dials, "short_pct": round(100 * f.short_share, 1),
             "reach_pct": round(100 * f.reach_share, 1), "peers": f.peers,
             "peer_median_short_pct": round(100 * f.peer_median_short_share, 1),
             "peer_median_reach_pct": round(100 * f.peer_median_reach_share, 1),
             "threshold_pct": round(100 * f.threshold_share, 1),
             "short_dial_s": f.short_dial_ms / 1000,
             "example_interactions": list(f.example_interaction_ids),
             "evidence": sabotage_evidence(f, name, min_dials)} for f in report.sabotage]


#: The causes of missed calls in words, and what each means.
CAUSE_WORDS = {MissedCause.SYSTEM_FAULT: "system fault", MissedCause.ABSENCE: "absence",
               MissedCause.UNDERSTAFFING: "understaffing"}
CAUSE_MEANING = {
    MissedCause.SYSTEM_FAULT: "an agent was free for the call, yet it was never offered",
    MissedCause.ABSENCE: "it rang out at an agent, or an agent who could take it was "
                         "away or on a break",
    MissedCause.UNDERSTAFFING: "every agent who could take it was busy, or none was "
                               "logged in",
}
_HOW = {EventKind.ABANDONED: "abandoned", EventKind.VOICEMAIL: "voicemail",
        EventKind.BLOCKED: "busy signal"}


def missed_hour_rows(hours: MissedByHour) -> list[dict[str, object]]:
    """Missed calls per local hour, by how they were missed and by cause."""
    likely = hours.likely_cause
    missed = hours.missed
    return [{
        "hour": _local_text(int(hours.hour_ms[i]), "%Y-%m-%d %H:00"),
        "missed": int(missed[i]), "abandoned": int(hours.abandoned[i]),
        "voicemail": int(hours.voicemail[i]), "busy_signal": int(hours.blocked[i]),
        "absence": int(hours.absence[i]), "understaffing": int(hours.understaffing[i]),
        "system_fault": int(hours.system_fault[i]),
        "likely_cause": CAUSE_WORDS[MissedCause(int(likely[i]))],
    } for i in range(len(hours))]


def missed_totals(missed: MissedCalls) -> dict[str, int]:
    """The range's missed calls, by how and by cause."""
    how, cause = missed.how, missed.cause
    return {"missed": len(missed),
            "abandoned": int((how == EventKind.ABANDONED).sum()),
            "voicemail": int((how == EventKind.VOICEMAIL).sum()),
            "busy_signal": int((how == EventKind.BLOCKED).sum()),
            "absence": int((cause == MissedCause.ABSENCE).sum()),
            "understaffing": int((cause == MissedCause.UNDERSTAFFING).sum()),
            "system_fault": int((cause == MissedCause.SYSTEM_FAULT).sum())}


def missed_call_rows(missed: MissedCalls, store: Store) -> list[dict[str, object]]:
    """Each missed call with the evidence for its cause."""
    queue_name = {q.id: q.name for q in store.queue_rows()}
    tz = zone(missed.settings.timezone)
    at = [format_local(ms, tz) for ms in missed.missed_ms.tolist()]
    return [{
        "interaction": int(missed.interaction_id[i]), "missed_at": at[i],
        "how": _HOW[EventKind(int(missed.how[i]))],
        "queue": queue_name.get(int(missed.queue_id[i]), str(int(missed.queue_id[i]))),
        "offered": bool(missed.offered[i]),
        "agent_free_while_waiting": bool(missed.free_while_waiting[i]),
        "available": int(missed.available[i]), "busy": int(missed.busy[i]),
        "away": int(missed.away[i]),
        "cause": CAUSE_WORDS[MissedCause(int(missed.cause[i]))],
    } for i in range(len(missed))]


def missed_call_evidence(call: dict[str, object]) -> str:
    """One missed call (a row of ``missed_call_rows``) in words."""
    def agents(n: object) -> str:
        return f"{n} agent{'s' if n != 1 else ''}"
    offered = "offered, rang out" if call["offered"] else "never offered"
    return (f"interaction {call['interaction']} at {str(call['missed_at'])[11:16]} "
            f"({call['queue']}, {call['how']}, {offered}): {agents(call['available'])} "
            f"available, {call['busy']} busy, {call['away']} away")



# -- sales (KPI-3) -----------------------------------------------------------------

def money(cents: int) -> Decimal:
    """Cents as currency units with two decimals, exactly (a float would not be)."""
    return Decimal(int(cents)).scaleb(-2)


def _sales_measures(t: SalesTable, rev: RevenueTable, currencies: Sequence[str]
                    ) -> list[dict[str, object]]:
    """The measures of each row of ``t``, with its revenue in each of ``currencies``
    (0.00 where the group sold nothing in it)."""
    conversion, new, existing = t.conversion, t.conversion_new, t.conversion_existing
    per_client = t.talk_per_client_s
    revenue = {c: rev.revenue(c) for c in currencies}
    rows = []
    for i, key in enumerate(t.key.tolist()):
        rows.append({
            "conversations": int(t.conversations[i]), "sales": int(t.sales[i]),
            "conversion_pct": _num(100 * conversion[i], 1),
            "new_conversations": int(t.new_conversations[i]), "new_sales": int(t.new_sales[i]),
            "new_conversion_pct": _num(100 * new[i], 1),
            "existing_conversations": int(t.existing_conversations[i]),
            "existing_sales": int(t.existing_sales[i]),
            "existing_conversion_pct": _num(100 * existing[i], 1),
            **{f"revenue_{c}": money(revenue[c].get(key, 0)) for c in currencies},
            "clients": int(t.clients[i]),
            "talk_per_client_min": _num(per_client[i] / 60, 1),
        })
    return rows


def sales_currencies(report: SalesReport) -> list[str]:
    """The currencies the range's sales were made in: one revenue column each."""
    return sorted(set(report.revenue.currency.tolist()))


def sales_rows(report: SalesReport, by: str, store: Store) -> list[dict[str, object]]:
    """KPI-3 per group (``by``, as the report was made): the group by name, then the
    measures, revenue in currency units per currency, talk per client in minutes."""
    if by == "agent":
        label = _names(store)
    elif by == "queue":
        queue_name = {q.id: q.name for q in store.queue_rows()}

        def label(q: int) -> str:
            return queue_name.get(q, "-" if q < 0 else str(q))
    else:
        def label(v: str) -> str:
            return v or "-"

    measures = _sales_measures(report.table, report.revenue, sales_currencies(report))
    return [{by: label(k), **m} for k, m in zip(report.table.key.tolist(), measures,
                                                 strict=True)]


def sales_totals(report: SalesReport) -> dict[str, object] | None:
    """KPI-3 of the whole range: not the sum of the groups' rows, since a client who
    spoke to two agents is one client."""
    # No queue's language known: every conversation falls in one group, so the totals
    # follow the very definitions of the groups' rows.
    table = sales_table(report.conversations, "language", queue_language={})
    revenue = revenue_table(report.lines, "language", queue_language={})
    rows = _sales_measures(table, revenue, sales_currencies(report))
    return rows[0] if rows else None


def partner_rows(report: SalesReport) -> list[dict[str, object]]:
    """Featured partners' sales lines per partner id and currency: count and revenue
    in currency units."""
    rev = report.revenue
    sums: dict[tuple[str, str], list[int]] = {}
    for p, c, n, cents in zip(rev.partner_id.tolist(), rev.currency.tolist(),
                              rev.sales.tolist(), rev.revenue_cents.tolist(), strict=True):
        if p is not None:
            cell = sums.setdefault((p, c), [0, 0])
            cell[0] += n
            cell[1] += cents
    return [{"partner": p, "currency": c, "sales": n, "revenue": money(cents)}
            for (p, c), (n, cents) in sorted(sums.items())]
