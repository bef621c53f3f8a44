"""`floorboard kpi`: the batch KPIs of a time range as a table, CSV or JSON."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
import zoneinfo

from rich.console import Console
from rich.table import Table

from core.errors import ConfigError
from core.kpi.batch import DIMENSIONS, INTERVALS
from core.kpi.report import kpi_report
from core.store import Store


def parse_moment(text: str, timezone: str, what: str) -> int:
    """'2026-11-02' or '2026-11-02T14:00' on the floor's clock, as UTC ms."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--{what} {text!r}: give a date (2026-11-02) or a date and "
                          "time (2026-11-02T14:00)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zoneinfo.ZoneInfo(timezone))
    return int(moment.timestamp() * 1000)


def parse_by(text: str) -> tuple[str, ...]:
    by = tuple(d.strip() for d in text.split(",") if d.strip())
    for d in by:
        if d not in DIMENSIONS:
            raise ConfigError(f"--by {d!r}: one or more of {', '.join(DIMENSIONS)}, "
                              "separated by commas")
    return by


def kpi_command(store: Store, by: str, interval: str, since: str | None, until: str | None,
                fmt: str, timezone: str) -> int:
    if interval not in INTERVALS:
        raise ConfigError(f"--interval {interval!r}: one of {', '.join(INTERVALS)}")
    dims = parse_by(by)
    since_ms = None if since is None else parse_moment(since, timezone, "from")
    until_ms = None if until is None else parse_moment(until, timezone, "to")
    _, rows = kpi_report(store, dims, interval, since_ms, until_ms, timezone)
    if fmt == "json":
        json.dump(rows, sys.stdout, indent=1)
        print()
    elif fmt == "csv":
        if rows:
            w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
    else:
        console = Console()
        if not console.is_terminal:
            console = Console(width=160)
        table = Table(title=f"KPIs by {', '.join(dims) or 'all'} ({interval} intervals, "
                            f"{timezone})")
        for col in rows[0] if rows else ("offered",):
            table.add_column(col.replace("_", " "), justify="left" if col in dims else "right")
        for r in rows:
            table.add_row(*("-" if v is None else f"{v:,}" if isinstance(v, int) else str(v)
                            for v in r.values()))
        console.print(table)
        if not rows:
            console.print("No contacts were resolved in this range.")
    return 0
