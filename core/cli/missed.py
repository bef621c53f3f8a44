"""`floorboard missed`: missed calls by hour, with their likely cause."""

from __future__ import annotations

import argparse

from core.cli.command import Command
from core.cli.context import Context
from core.cli.output import Output, emit
from core.cli.report_options import (
    NO_EVENTS,
    add_floor_argument,
    add_report_arguments,
    floor_arg,
    local_text,
    nothing_json,
    range_head,
    store_range,
)
from core.kpi.missed_calls import MissedCallSettings, MissedCause, missed_calls_from_store
from core.reports.missed_rows import (
    CAUSE_MEANING,
    CAUSE_WORDS,
    missed_call_evidence,
    missed_call_rows,
    missed_hour_rows,
    missed_totals,
)
from core.store import Store

#: Calls named as examples under the table, per cause worth a look.
EXAMPLES = 5

MISSED_TABLE = (("hour", "hour"), ("missed", "missed"), ("abandoned", "abandoned"),
                ("voicemail", "voicemail"), ("busy_signal", "busy\nsignal"),
                ("absence", "absence"), ("understaffing", "under-\nstaffing"),
                ("system_fault", "system\nfault"), ("likely_cause", "likely cause"))


def missed_command(store: Store, since: str | None, until: str | None, fmt: str,
                   timezone: str, floor: str | None = None) -> int:
    """Missed calls by hour with the likely cause, and totals per cause."""
    span = store_range(store, since, until, timezone)
    found = floor_arg(store, floor)
    if span is None:
        return emit(Output("Missed calls by hour", [], MISSED_TABLE, NO_EVENTS, document={
            **nothing_json(timezone), "floor": None, "agents_counted": None, "hours": [],
            "totals": {}, "calls": []}), fmt)
    settings = MissedCallSettings(timezone=timezone)
    missed = missed_calls_from_store(store, *span, settings,
                                     found.floor if found else None)
    counted = "queue's agents" if found else "every agent (no floor)"
    rows = [{**r, "agents_counted": counted} for r in missed_hour_rows(missed.by_hour())]
    totals = missed_totals(missed)
    calls = missed_call_rows(missed, store)
    if found:
        eligibility = (f"Agents counted for each call: those of its queue, from "
                       f"{found.source}.")
    else:
        eligibility = ("No floor for this database: every agent counts for every queue, so "
                       "the causes are less certain (an idle agent of another language or "
                       "skill makes a miss look like a system fault). Give --floor with the "
                       "floor the database was filled from.")
    sections = []
    for cause in (MissedCause.SYSTEM_FAULT, MissedCause.ABSENCE):
        words = CAUSE_WORDS[cause]
        examples = [missed_call_evidence(c) for c in calls if c["cause"] == words][:EXAMPLES]
        sections.append((f"{words.capitalize()} ({CAUSE_MEANING[cause]}), e.g.:", examples))
    legend = "Causes: " + "; ".join(f"{CAUSE_WORDS[c]}: {CAUSE_MEANING[c]}"
                                    for c in CAUSE_WORDS) + "."
    return emit(Output(
        title=f"Missed calls by hour, {local_text(span[0], timezone)} to "
              f"{local_text(span[1], timezone)} ({timezone})",
        rows=rows, columns=MISSED_TABLE, empty="No call was missed in this range.",
        sections=sections, notes=[eligibility, legend],
        footer={"hour": "total", **totals, "likely_cause": ""} if rows else None,
        document={**range_head(span, timezone),
                  "floor": found.source if found else None,
                  "agents_counted": counted, "hours": rows, "totals": totals,
                  "calls": calls}), fmt)


def _arguments(parser: argparse.ArgumentParser) -> None:
    add_report_arguments(parser)
    add_floor_argument(parser, "only the agents who could take a call count")


def _run(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.reader() as store:
        return missed_command(store, args.since, args.until, args.format,
                              ctx.config.get("floor.timezone"), args.floor)


COMMAND = Command(
    "missed", "missed calls by hour, and why each was likely missed (nobody there, "
    "everyone busy, or a fault)", ("missed --from 2026-11-02", "missed --format csv"),
    _arguments, _run, reads_only=True)
