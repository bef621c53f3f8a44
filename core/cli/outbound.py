"""`floorboard outbound`: dials per agent, and dials ended before anyone could answer."""

from __future__ import annotations

import argparse

from core.cli.command import Command
from core.cli.context import Context
from core.cli.output import Output, emit
from core.cli.report_options import (
    NO_EVENTS,
    add_report_arguments,
    local_text,
    nothing_json,
    range_head,
    store_range,
)
from core.kpi.outbound import OutboundSettings, outbound_report
from core.phone_numbers import NumberPlan
from core.reports.outbound_rows import outbound_rows, sabotage_dicts
from core.store import Store

OUTBOUND_TABLE = (("agent", "agent"), ("dials", "dials"), ("ended", "ended"),
                  ("reached", "reached"), ("reach_pct", "reached\n%"), ("sales", "sales"),
                  ("meetings", "meetings"), ("target", "target\ncalls"),
                  ("plan_pct", "plan %"), ("short_dials", "short\ndials"),
                  ("short_pct", "short\n%"))


def outbound_command(store: Store, since: str | None, until: str | None, fmt: str,
                     timezone: str, region: str) -> int:
    """Dials per agent and the sabotage flags."""
    span = store_range(store, since, until, timezone)
    settings = OutboundSettings()
    if span is None:
        return emit(Output("Outbound calls per agent", [], OUTBOUND_TABLE, NO_EVENTS,
                           document={**nothing_json(timezone), "agents": [],
                                     "sabotage_flags": []}), fmt)
    report = outbound_report(store, *span, settings, NumberPlan(region=region))
    rows = outbound_rows(report, store, settings.min_dials)
    flags = sabotage_dicts(report, store, settings.min_dials)
    short = f"{settings.short_dial_s:g} s"
    rule = (f"Short dial: ended less than {short} after it was taken (a real ring-out lasts "
            f"about 25 s). An agent with {settings.min_dials} or more ended dials is flagged "
            f"when their share of short dials is at least {settings.peer_ratio:g} times the "
            f"peers' median share and {100 * settings.peer_margin:.0f} points above it; the "
            f"peers are the other agents with {settings.min_dials} or more, and there must "
            f"be {settings.min_peers} of them at least.")
    return emit(Output(
        title=f"Outbound calls per agent, {local_text(span[0], timezone)} to "
              f"{local_text(span[1], timezone)} ({timezone})",
        rows=rows, columns=OUTBOUND_TABLE, empty="No agent dialled in this range.",
        sections=[("Dials that end before anyone could answer:",
                   [f["evidence"] for f in flags])],
        notes=[rule] + ([] if flags else ["No agent's dials end too soon against the peers'."]),
        document={**range_head(span, timezone),
                  "agents": rows, "sabotage_flags": flags}), fmt)


def _run(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.reader() as store:
        return outbound_command(store, args.since, args.until, args.format,
                                ctx.config.get("floor.timezone"),
                                ctx.config.get("floor.region"))


COMMAND = Command(
    "outbound", "outbound dials per agent, and agents whose dials end before anyone "
    "could answer", ("outbound --from 2026-11-02 --to 2026-11-09",),
    add_report_arguments, _run, reads_only=True)
