"""`floorboard kpi`: the KPIs of a time range, grouped as asked."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from core.cli.command import Command
from core.cli.context import Context
from core.cli.output import Output, emit
from core.cli.report_options import add_report_arguments, parse_by, parse_range
from core.config import channel_targets_s
from core.errors import ConfigError
from core.kpi.batch import DIMENSIONS, INTERVALS
from core.model import Channel
from core.reports.kpi_rows import kpi_report
from core.reports.table_text import KPI_LEGEND, KPI_TABLE
from core.store import Store


def kpi_command(store: Store, by: str, interval: str, since: str | None, until: str | None,
                fmt: str, timezone: str, targets: Mapping[Channel, int] | None = None) -> int:
    if interval not in INTERVALS:
        raise ConfigError(f"--interval {interval!r}: one of {', '.join(INTERVALS)}")
    dims = parse_by(by)
    since_ms, until_ms = parse_range(since, until, timezone)
    _, rows = kpi_report(store, dims, interval, since_ms, until_ms, timezone, targets)
    columns = [(d, d) for d in dims] + list(KPI_TABLE)
    return emit(Output(
        title=(f"KPIs by {', '.join(dims) or 'all'} ("
               + (f"{interval} intervals, " if "interval" in dims else "") + f"{timezone})"),
        rows=rows, columns=columns, empty="No contacts were resolved in this range.",
        notes=[f"{KPI_LEGEND} Every column: --format csv or json (docs/kpi.md)."]
        if rows else []), fmt)


def _arguments(parser: argparse.ArgumentParser) -> None:
    add_report_arguments(parser)
    parser.add_argument("--by", default="channel",
                        help=f"{', '.join(DIMENSIONS)}: one or more, separated by commas "
                        "(default: channel)")
    parser.add_argument("--interval", default="hour", choices=list(INTERVALS),
                        help="interval length when grouping by interval (default: hour)")


def _run(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.reader() as store:
        return kpi_command(store, args.by, args.interval, args.since, args.until,
                           args.format, ctx.config.get("floor.timezone"),
                           channel_targets_s(ctx.config))


COMMAND = Command(
    "kpi", "KPIs of a time range: service level, waits, answered, abandoned, handle times",
    ("kpi --by agent --from 2026-11-02 --to 2026-11-03",
     "kpi --by queue,interval --interval 15min --format csv"),
    _arguments, _run, reads_only=True)
