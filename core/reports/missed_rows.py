"""Missed calls as rows: by local hour, the range's totals, and each call with the
evidence for its likely cause."""

from __future__ import annotations

from core.clock import format_local, zone
from core.kpi.missed_calls import MissedByHour, MissedCalls, MissedCause
from core.model import EventKind
from core.reports.values import local_text
from core.store import Store

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
        "hour": local_text(int(hours.hour_ms[i]), "%Y-%m-%d %H:00"),
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
