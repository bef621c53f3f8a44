"""`floorboard sales`: sales conversations, conversion, revenue and partners' sales."""

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
    parse_by,
    range_head,
    store_range,
)
from core.kpi.sales import GROUPINGS, SalesSettings, sales_report
from core.phone_numbers import NumberPlan
from core.reports.sales_rows import partner_rows, sales_currencies, sales_rows, sales_totals
from core.store import Store

#: The table's columns before the revenue, one per currency, and after it. CSV and
#: JSON also have the sales among new and existing clients, and the clients.
SALES_TABLE = (("conversations", "conver-\nsations"), ("sales", "sales"),
               ("conversion_pct", "conver-\nsion %"), ("new_conversations", "with new\nclients"),
               ("new_conversion_pct", "new con-\nversion %"),
               ("existing_conversations", "with exist-\ning clients"),
               ("existing_conversion_pct", "existing con-\nversion %"))
SALES_TABLE_END = (("talk_per_client_min", "talk per\nclient min"),)
SALES_LEGEND = ("Conversations: answered sales conversations that ended in a sale or no "
                "sale, counted where they ended and given to the agent who ended them. "
                "Conversion: sales / conversations. New, existing clients: conversations "
                "with a number no earlier contact had, or a known one (without a number, "
                "neither). Revenue: the sales lines' amounts per currency, never added "
                "across currencies. Talk per client: time in conversation per distinct "
                "client, shown for context and never a target; a long conversation is "
                "not a bad one. Every column: --format csv or json (docs/kpi.md, "
                "\"Sales\").")


def _sales_title(by: str, span: tuple[int, int] | None, timezone: str) -> str:
    if span is None:
        return f"Sales by {by}"
    return (f"Sales by {by}, {local_text(span[0], timezone)} to {local_text(span[1], timezone)} "
            f"({timezone})")


def sales_command(store: Store, since: str | None, until: str | None, fmt: str,
                  timezone: str, region: str, by: str = "agent",
                  floor: str | None = None) -> int:
    """Sales per group, the whole range's totals, and featured partners' sales."""
    [by] = parse_by(by, GROUPINGS, most=1) or ("agent",)
    span = store_range(store, since, until, timezone)
    found = floor_arg(store, floor)
    columns = [(by, by), *SALES_TABLE, *SALES_TABLE_END]
    if span is None:
        return emit(Output(_sales_title(by, None, timezone), [], columns, NO_EVENTS,
                           document={**nothing_json(timezone), "floor": None, "by": by,
                                     "currencies": [], "groups": [], "totals": None,
                                     "partner_sales": [], "sales_without_lines": 0}), fmt)
    report = sales_report(store, *span, by, found.floor if found else None,
                          settings=SalesSettings(numbers=NumberPlan(region=region)))
    rows = sales_rows(report, by, store)
    totals = sales_totals(report)
    currencies = sales_currencies(report)
    partners = partner_rows(report)
    columns[-1:-1] = [(f"revenue_{c}", f"revenue\n{c}") for c in currencies]
    if found:
        queues = f"Sales conversations: those on the sales queues of {found.source}."
    else:
        queues = ("No floor for this database, so its sales queues are not known: a "
                  "conversation on any queue that ended in a sale or no sale counts. Give "
                  "--floor with the floor the database was filled from.")
    notes = [queues]
    if report.sales_without_lines:
        n = report.sales_without_lines
        notes.append(f"{n} sale{'s' if n != 1 else ''} with no sales line (nothing stored "
                     "of what was sold): counted as sales, with no revenue.")
    if rows and not partners:
        notes.append("No featured partner's service was sold in this range.")
    if rows:
        notes.append(SALES_LEGEND)
    return emit(Output(
        title=_sales_title(by, span, timezone), rows=rows, columns=columns,
        empty="No sales conversation ended in this range.",
        sections=[("Featured partners' sales, by partner id:",
                   [f"{p['partner']}: {p['sales']:,} sale{'s' if p['sales'] != 1 else ''}, "
                    f"{p['revenue']:,.2f} {p['currency']}" for p in partners])],
        notes=notes, footer={by: "total", **totals} if totals else None,
        document={**range_head(span, timezone),
                  "floor": found.source if found else None, "by": by,
                  "currencies": currencies, "groups": rows, "totals": totals,
                  "partner_sales": partners,
                  "sales_without_lines": report.sales_without_lines}), fmt)


def _arguments(parser: argparse.ArgumentParser) -> None:
    add_report_arguments(parser)
    parser.add_argument("--by", default="agent",
                        help=f"one of {', '.join(GROUPINGS)} (default: agent, who ended "
                        "the conversation)")
    add_floor_argument(parser, "only its sales queues count")


def _run(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.reader() as store:
        return sales_command(store, args.since, args.until, args.format,
                             ctx.config.get("floor.timezone"), ctx.config.get("floor.region"),
                             args.by, args.floor)


COMMAND = Command(
    "sales", "sales conversations, conversion of new and existing clients, revenue per "
    "currency, partners' sales", ("sales --by team --from 2026-11-01 --to 2026-12-01",),
    _arguments, _run, reads_only=True)
