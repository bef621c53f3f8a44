"""KPI-4's dials per agent as rows, and the sabotage flags with their evidence in
words."""

from __future__ import annotations

from collections.abc import Callable

from core.kpi.outbound import OutboundReport, SabotageFlag
from core.reports.values import agent_names, num, pct
from core.store import Store


def sabotage_evidence(flag: SabotageFlag, name: Callable[[int], str],
                      min_dials: int | None = None) -> str:
    """The flag as a sentence: how many dials ended too soon, against the peers."""
    short_s = f"{flag.short_dial_ms / 1000:g} s"
    peers = f"{flag.peers} peer{'s' if flag.peers != 1 else ''}"
    if min_dials is not None:
        peers += f" with {min_dials} or more ended dials"
    examples = ", ".join(str(i) for i in flag.example_interaction_ids)
    return (f"{name(flag.agent_id)}: {flag.short_dials} of {flag.ended_dials} dials "
            f"({pct(flag.short_share)}) ended in under {short_s}, before the callee could "
            f"answer; peers' median {pct(flag.peer_median_short_share)} ({peers}), "
            f"flagged from {pct(flag.threshold_share)}. Reached "
            f"{pct(flag.reach_share)} of dials, peers' median "
            f"{pct(flag.peer_median_reach_share)}."
            + (f" E.g. interactions {examples}." if examples else ""))


def outbound_rows(report: OutboundReport, store: Store,
                  min_dials: int | None = None) -> list[dict[str, object]]:
    """KPI-4 per agent who dialled, with the sabotage evidence in ``flags``."""
    name = agent_names(store)
    said = {f.agent_id: sabotage_evidence(f, name, min_dials) for f in report.sabotage}
    t = report.table
    reach, short, plan_pct = t.reach_share, t.short_share, t.plan_pct
    return [{
        "agent": name(aid), "dials": int(t.dials[i]), "ended": int(t.ended[i]),
        "reached": int(t.reached[i]), "reach_pct": num(100 * reach[i], 1),
        "sales": int(t.sales[i]), "meetings": int(t.meetings[i]),
        "target": int(t.target[i]), "plan": num(t.plan[i], 1),
        "plan_pct": num(plan_pct[i], 1), "short_dials": int(t.short_dials[i]),
        "short_pct": num(100 * short[i], 1), "flags": said.get(aid, ""),
    } for i, aid in enumerate(t.agent_id.tolist())]


def sabotage_dicts(report: OutboundReport, store: Store,
                   min_dials: int | None = None) -> list[dict[str, object]]:
    """The sabotage flags with their evidence, for JSON."""
    name = agent_names(store)
    return [{"agent": name(f.agent_id), "ended_dials": f.ended_dials,
             "short_dials": f.short_dials, "short_pct": round(100 * f.short_share, 1),
             "reach_pct": round(100 * f.reach_share, 1), "peers": f.peers,
             "peer_median_short_pct": round(100 * f.peer_median_short_share, 1),
             "peer_median_reach_pct": round(100 * f.peer_median_reach_share, 1),
             "threshold_pct": round(100 * f.threshold_share, 1),
             "short_dial_s": f.short_dial_ms / 1000,
             "example_interactions": list(f.example_interaction_ids),
             "evidence": sabotage_evidence(f, name, min_dials)} for f in report.sabotage]
