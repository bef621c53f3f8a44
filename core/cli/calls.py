"""`floorboard calls`: calls per agent, and the spread between comparable agents."""

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
from core.kpi.calls import CallSettings, call_report
from core.phone_numbers import NumberPlan
from core.reports.call_rows import call_rows, spread_dicts
from core.store import Store

#: The ratios (in per out, calls per number) are in CSV and JSON only: the table has
#: what they are made of, and a terminal has no room for both.
CALLS_TABLE = (("agent", "agent"), ("team", "team"), ("shift", "shift"),
               ("logged_in_h", "logged\nin h"), ("calls", "calls"), ("inbound", "in"),
               ("outbound", "out"), ("outbound_new", "out to\nnew"),
               ("to_mobile", "to\nmobile"), ("to_landline", "to land-\nline"),
               ("to_internal", "to in-\nternal"), ("to_other", "to\nother"),
               ("unique_numbers", "distinct\nnumbers"), ("navigation", "navi-\ngation"),
               ("negotiation", "nego-\ntiation"))


def calls_command(store: Store, since: str | None, until: str | None, fmt: str,
                  timezone: str, region: str, floor: str | None = None) -> int:
    """Calls per agent and the spread between comparable agents."""
    span = store_range(store, since, until, timezone)
    found = floor_arg(store, floor)
    if span is None:
        return emit(Output("Calls per agent", [], CALLS_TABLE, NO_EVENTS, document={
            **nothing_json(timezone), "floor": None, "agents": [], "spread_flags": []}), fmt)
    settings = CallSettings(numbers=NumberPlan(region=region))
    report = call_report(store, *span, found.floor.agents if found else None, settings)
    rows = call_rows(report, store)
    flags = spread_dicts(report, store)
    compared = (f"Comparable agents: same team, shift and skills, from {found.source}."
                if found else "Comparable agents: same team and shift (no floor for this "
                "database, so skills are not known; give --floor to compare by skills).")
    return emit(Output(
        title=f"Calls per agent, {local_text(span[0], timezone)} to "
              f"{local_text(span[1], timezone)} ({timezone})",
        rows=rows, columns=CALLS_TABLE,
        empty="No agent took a call or was logged in during this range.",
        sections=[(f"Spread between comparable agents above "
                   f"{100 * settings.spread_threshold:.0f}%:",
                   [f["evidence"] for f in flags])],
        notes=[compared] + ([] if flags else ["No spread between comparable agents above "
                                              f"{100 * settings.spread_threshold:.0f}%."]),
        document={**range_head(span, timezone),
                  "floor": found.source if found else None,
                  "agents": rows, "spread_flags": flags}), fmt)


def _arguments(parser: argparse.ArgumentParser) -> None:
    add_report_arguments(parser)
    add_floor_argument(parser, "compares agents by skills too")


def _run(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.reader() as store:
        return calls_command(store, args.since, args.until, args.format,
                             ctx.config.get("floor.timezone"), ctx.config.get("floor.region"),
                             args.floor)


COMMAND = Command(
    "calls", "calls per agent (in, out, to whom) and agents far apart from comparable ones",
    ("calls --from 2026-11-02 --to 2026-11-09", "calls --floor normal_day_28 --format json"),
    _arguments, _run, reads_only=True)
