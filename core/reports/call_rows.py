"""KPI-5's calls per agent as rows, and the spread flags with their evidence in
words (docs/call-analytics.md)."""

from __future__ import annotations

from collections.abc import Callable

from core.clock import HOUR_MS
from core.kpi.calls import CallReport, SpreadFlag
from core.reports.values import agent_names, num, pct
from core.store import Store

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
            f"{pct(flag.spread, flag.threshold)} between comparable agents (flagged above "
            f"{pct(flag.threshold)}): lowest {name(flag.lowest_agent)} "
            f"({_value(flag.measure, low)}), highest {name(flag.highest_agent)} "
            f"({_value(flag.measure, high)}); all: {everyone}.")


def call_rows(report: CallReport, store: Store) -> list[dict[str, object]]:
    """KPI-5 per agent: one dict per agent, and in ``flags`` the spread flags that
    name the agent as the lowest or highest of their group."""
    name = agent_names(store)
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
            "inbound_outbound_ratio": num(ratio[i], 2),
            "outbound_new": int(t.outbound_new[i]), "to_mobile": int(t.to_mobile[i]),
            "to_landline": int(t.to_landline[i]), "to_internal": int(t.to_internal[i]),
            "to_other": int(t.to_other[i]), "numbered": int(t.numbered[i]),
            "unique_numbers": int(t.unique_numbers[i]),
            "calls_per_number": num(per_number[i], 2),
            "conversations": int(t.conversations[i]), "navigation": int(t.navigation[i]),
            "negotiation": int(t.negotiation[i]),
            "flags": " | ".join(said.get(aid, ())),
        })
    return rows


def spread_dicts(report: CallReport, store: Store) -> list[dict[str, object]]:
    """The spread flags with their evidence, for JSON."""
    name = agent_names(store)
    return [{"team": f.team, "shift": f.shift, "skills": list(f.skills),
             "measure": f.measure, "spread_pct": round(100 * f.spread, 1),
             "threshold_pct": round(100 * f.threshold, 1),
             "lowest": name(f.lowest_agent), "highest": name(f.highest_agent),
             "values": {name(a): v for a, v in zip(f.agent_ids, f.values, strict=True)},
             "evidence": spread_evidence(f, name)} for f in report.spread]
