"""What the reports share: their options (--from, --to, --format, --by), the range
they cover on the floor's clock, and the floor the database was filled from."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from core.clock import format_local, parse_local
from core.errors import ConfigError
from core.kpi.batch import DIMENSIONS
from core.reports.floor_source import FloorSource, check_floor, floor_of_store, load_floor_arg
from core.store import Store

FORMATS = ("table", "csv", "json")
FLOOR_HELP = ("the floor the database was filled from: a shipped scenario's name "
              "(normal_day_28), a scenario file or a floor file (default: the floor "
              "stored with the database when it was filled, if one was)")


def add_floor_argument(parser: argparse.ArgumentParser, what_it_changes: str) -> None:
    parser.add_argument("--floor", metavar="SCENARIO|FILE",
                        help=f"{FLOOR_HELP}; {what_it_changes}")


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="since", metavar="WHEN",
                        help="start, on the floor's clock: 2026-11-02 or 2026-11-02T14:00 "
                        "(default: the first event)")
    parser.add_argument("--to", dest="until", metavar="WHEN",
                        help="end, not included (default: after the last event)")
    parser.add_argument("--format", default="table", choices=FORMATS,
                        help="table (default; some columns), csv or json (every column)")


def parse_moment(text: str, timezone: str, what: str) -> int:
    """'2026-11-02' or '2026-11-02T14:00' on the floor's clock, as UTC ms."""
    try:
        return parse_local(text, timezone)
    except ValueError:
        raise ConfigError(f"--{what} {text!r}: give a date (2026-11-02) or a date and "
                          "time (2026-11-02T14:00)") from None


def parse_by(text: str, dimensions: Sequence[str] = DIMENSIONS,
             most: int | None = None) -> tuple[str, ...]:
    """--by as every report takes it: dimensions separated by commas, each once."""
    by = tuple(d.strip() for d in text.split(",") if d.strip())
    for d in by:
        if d not in dimensions:
            raise ConfigError(f"--by {d!r}: one of {', '.join(dimensions)}" if most == 1 else
                              f"--by {d!r}: one or more of {', '.join(dimensions)}, "
                              "separated by commas")
    repeated = sorted({d for d in by if by.count(d) > 1})
    if repeated:
        raise ConfigError(f"--by {text!r}: {repeated[0]} is given twice; give each once")
    if most is not None and len(by) > most:
        raise ConfigError(f"--by {text!r}: this report groups by "
                          + ("one" if most == 1 else str(most)) + " of "
                          + ", ".join(dimensions) + " at most")
    return by


def parse_range(since: str | None, until: str | None, timezone: str
                ) -> tuple[int | None, int | None]:
    since_ms = None if since is None else parse_moment(since, timezone, "from")
    until_ms = None if until is None else parse_moment(until, timezone, "to")
    if since_ms is not None and until_ms is not None and since_ms >= until_ms:
        raise ConfigError(f"--from {since} is not before --to {until}: the range is empty")
    return since_ms, until_ms


def store_range(store: Store, since: str | None, until: str | None, timezone: str
                ) -> tuple[int, int] | None:
    """[from, to) in UTC ms; a bound not given is the first event, or just after the
    last. None: nothing stored and no range given."""
    since_ms, until_ms = parse_range(since, until, timezone)
    span = store.time_span()
    if span is None and (since_ms is None or until_ms is None):
        return None
    lo = span.first_ms if since_ms is None else since_ms
    hi = span.last_ms + 1 if until_ms is None else until_ms
    if lo >= hi:
        if since_ms is not None:
            raise ConfigError(f"--from {since}: the database's last event is before it, "
                              f"at {local_text(span.last_ms, timezone)}")
        raise ConfigError(f"--to {until}: the database's first event is after it, at "
                          f"{local_text(span.first_ms, timezone)}")
    return lo, hi


def local_text(ms: int, timezone: str) -> str:
    return format_local(ms, timezone, "%Y-%m-%d %H:%M")


NO_EVENTS = "The database holds no events."


def range_head(span: tuple[int, int], timezone: str) -> dict[str, object]:
    """The head of a JSON report: the range it covers, on the floor's clock."""
    return {"from": local_text(span[0], timezone), "to": local_text(span[1], timezone),
            "timezone": timezone}


def nothing_json(timezone: str) -> dict[str, object]:
    """The head of a JSON report of an empty database: no range to name."""
    return {"from": None, "to": None, "timezone": timezone}


def floor_arg(store: Store, floor: str | None) -> FloorSource | None:
    if floor is None:
        return floor_of_store(store)
    given = load_floor_arg(floor)
    check_floor(store, given)
    return given
