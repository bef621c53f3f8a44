"""A KPI report row's contacts (``row_contacts``) as rows: when and where each was
offered, how its wait ended, who took it, and what it counts for in the row."""

from __future__ import annotations

from core.clock import format_local, zone
from core.kpi.drill_down import RowContacts
from core.model import Channel, Outcome
from core.reports.kpi_rows import ReportFacts
from core.store import Store
from core_ext import kpi_layout

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
