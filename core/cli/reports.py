"""`floorboard kpi`, `calls`, `outbound`, `missed` and `sales`: reports of a time
range as a table, CSV or JSON.

CSV and JSON carry every column; the table leaves some out to fit a terminal.
A p90 answer time above the last histogram bin (24 h) is inf in CSV and null in
JSON, which has no infinity; null otherwise means "not defined here" (a rate of
nothing). Money is in currency units with two decimals (a JSON number)."""

from __future__ import annotations

import json
import math
import sys
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from rich.console import Console
from rich.table import Table
from rich.text import Text

from core.clock import format_local, parse_local
from core.errors import ConfigError
from core.kpi.batch import DIMENSIONS, INTERVALS
from core.kpi.calls import CallSettings, call_report
from core.kpi.missed_calls import MissedCallSettings, MissedCause, missed_calls_from_store
from core.kpi.outbound import OutboundSettings, outbound_report
from core.kpi.report import (
    CAUSE_MEANING,
    CAUSE_WORDS,
    FloorSource,
    call_rows,
    check_floor,
    floor_of_store,
    kpi_report,
    load_floor_arg,
    missed_call_evidence,
    missed_call_rows,
    missed_hour_rows,
    missed_totals,
    outbound_rows,
    partner_rows,
    sabotage_dicts,
    sales_currencies,
    sales_rows,
    sales_totals,
    spread_dicts,
)
from core.kpi.sales import GROUPINGS, SalesSettings, sales_report
from core.kpi.table_text import KPI_LEGEND, KPI_TABLE, cell_text, write_csv
from core.model import Channel
from core.phone_numbers import NumberPlan
from core.store import Store

FORMATS = ("table", "csv", "json")
#: Calls named as examples under the table, per cause worth a look.
EXAMPLES = 5


def parse_moment(text: str, timezone: str, what: str) -> int:
    """'2026-11-02' or '2026-11-02T14:00' on the floor's clock, as UTC ms."""
    try:
        return parse_local(text, timezone)
    except ValueError:
        raise ConfigError(f"--{what} {text!r}: give a date (2026-11-02) or a date and "
                          "time (2026-11-02T14:00)") from None


def parse_by(text: str) -> tuple[str, ...]:
    by = tuple(d.strip() for d in text.split(",") if d.strip())
    for d in by:
        if d not in DIMENSIONS:
            raise ConfigError(f"--by {d!r}: one or more of {', '.join(DIMENSIONS)}, "
                              "separated by commas")
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
                              f"at {_local(span.last_ms, timezone)}")
        raise ConfigError(f"--to {until}: the database's first event is after it, at "
                          f"{_local(span.first_ms, timezone)}")
    return lo, hi


def _local(ms: int, timezone: str) -> str:
    return format_local(ms, timezone, "%Y-%m-%d %H:%M")


@dataclass
class Output:
    """What a command prints: rows (all columns in CSV and JSON), the columns the
    table shows (key, header), and words under the table."""

    title: str
    rows: list[dict[str, object]]
    columns: Sequence[tuple[str, str]]
    empty: str
    #: Under the table: (heading, lines).
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: The JSON document (default: the rows).
    document: object = None
    footer: dict[str, object] | None = None


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich's own handling exits with status 1; `floorboard kpi | head` is no error,
        # and the command line's handler says so.
        raise BrokenPipeError


def _json_safe(x: object) -> object:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, Decimal):
        return float(x)
    if isinstance(x, dict):
        return {k: _json_safe(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_json_safe(v) for v in x]
    return x


def emit(out: Output, fmt: str) -> int:
    """Print ``out`` as a table, CSV or JSON on stdout; the exit status."""
    if fmt == "json":
        json.dump(_json_safe(out.rows if out.document is None else out.document),
                  sys.stdout, indent=1, allow_nan=False)
        print()
    elif fmt == "csv":
        write_csv(out.rows, sys.stdout)
    else:
        console = _Console(highlight=False)
        if not console.is_terminal:
            # Piped to a file or a pager: rich would squeeze the table into 80 columns.
            console = _Console(width=160, highlight=False)
        present = [(k, h) for k, h in out.columns if not out.rows or k in out.rows[0]]
        text_keys = {k for k, _ in present
                     if out.rows and isinstance(out.rows[0][k], str)}
        table = Table(title=out.title, show_footer=out.footer is not None)
        for k, h in present:
            footer = "" if out.footer is None else cell_text(out.footer.get(k, ""))
            # Names stay on one line (cut short only on a very narrow terminal).
            table.add_column(h, footer=footer, no_wrap=k in text_keys,
                             justify="left" if k in text_keys else "right")
        for r in out.rows:
            # Text, not markup: a name with [brackets] is shown as it is.
            table.add_row(*(Text(cell_text(r[k])) for k, _ in present))
        console.print(table)
        if not out.rows:
            console.print(out.empty, markup=False)
        for heading, lines in out.sections:
            if lines:
                console.print(Text(heading, style="bold"))
                for line in lines:
                    # Wrapped here, under its own text: rich would wrap under the dash.
                    console.print(Text(textwrap.fill(
                        line, console.width - 1, initial_indent="  - ", break_on_hyphens=False,
                        subsequent_indent="    ")), soft_wrap=True)
        for note in out.notes:
            console.print(Text(textwrap.fill(note, console.width - 1, break_on_hyphens=False)),
                          soft_wrap=True)
    return 0


# -- floorboard kpi ----------------------------------------------------------------

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


# -- floorboard calls, outbound, missed --------------------------------------------

NO_EVENTS = "The database holds no events."


def _nothing(timezone: str) -> dict[str, object]:
    """The head of a JSON report of an empty database: no range to name."""
    return {"from": None, "to": None, "timezone": timezone}


def _floor(store: Store, floor: str | None) -> FloorSource | None:
    if floor is None:
        return floor_of_store(store)
    given = load_floor_arg(floor)
    check_floor(store, given)
    return given


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
    """KPI-5 per agent and the spread between comparable agents."""
    span = store_range(store, since, until, timezone)
    found = _floor(store, floor)
    if span is None:
        return emit(Output("Calls per agent", [], CALLS_TABLE, NO_EVENTS, document={
            **_nothing(timezone), "floor": None, "agents": [], "spread_flags": []}), fmt)
    settings = CallSettings(numbers=NumberPlan(region=region))
    report = call_report(store, *span, found.floor.agents if found else None, settings)
    rows = call_rows(report, store)
    flags = spread_dicts(report, store)
    compared = (f"Comparable agents: same team, shift and skills, from {found.source}."
                if found else "Comparable agents: same team and shift (no floor for this "
                "database, so skills are not known; give --floor to compare by skills).")
    return emit(Output(
        title=f"Calls per agent, {_local(span[0], timezone)} to {_local(span[1], timezone)} "
              f"({timezone})",
        rows=rows, columns=CALLS_TABLE,
        empty="No agent took a call or was logged in during this range.",
        sections=[(f"Spread between comparable agents above "
                   f"{100 * settings.spread_threshold:.0f}%:",
                   [f["evidence"] for f in flags])],
        notes=[compared] + ([] if flags else ["No spread between comparable agents above "
                                              f"{100 * settings.spread_threshold:.0f}%."]),
        document={"from": _local(span[0], timezone), "to": _local(span[1], timezone),
                  "timezone": timezone, "floor": found.source if found else None,
                  "agents": rows, "spread_flags": flags}), fmt)


OUTBOUND_TABLE = (("agent", "agent"), ("dials", "dials"), ("ended", "ended"),
                  ("reached", "reached"), ("reach_pct", "reached\n%"), ("sales", "sales"),
                  ("meetings", "meetings"), ("target", "target\ncalls"),
                  ("plan_pct", "plan %"), ("short_dials", "short\ndials"),
                  ("short_pct", "short\n%"))


def outbound_command(store: Store, since: str | None, until: str | None, fmt: str,
                     timezone: str, region: str) -> int:
    """KPI-4 per agent and the sabotage flags."""
    span = store_range(store, since, until, timezone)
    settings = OutboundSettings()
    if span is None:
        return emit(Output("Outbound calls per agent", [], OUTBOUND_TABLE, NO_EVENTS,
                           document={**_nothing(timezone), "agents": [],
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
        title=f"Outbound calls per agent, {_local(span[0], timezone)} to "
              f"{_local(span[1], timezone)} ({timezone})",
        rows=rows, columns=OUTBOUND_TABLE, empty="No agent dialled in this range.",
        sections=[("Dials that end before anyone could answer:",
                   [f["evidence"] for f in flags])],
        notes=[rule] + ([] if flags else ["No agent's dials end too soon against the peers'."]),
        document={"from": _local(span[0], timezone), "to": _local(span[1], timezone),
                  "timezone": timezone, "agents": rows, "sabotage_flags": flags}), fmt)


MISSED_TABLE = (("hour", "hour"), ("missed", "missed"), ("abandoned", "abandoned"),
                ("voicemail", "voicemail"), ("busy_signal", "busy\nsignal"),
                ("absence", "absence"), ("understaffing", "under-\nstaffing"),
                ("system_fault", "system\nfault"), ("likely_cause", "likely cause"))


def missed_command(store: Store, since: str | None, until: str | None, fmt: str,
                   timezone: str, floor: str | None = None) -> int:
    """Missed calls by hour with the likely cause, and totals per cause."""
    span = store_range(store, since, until, timezone)
    found = _floor(store, floor)
    if span is None:
        return emit(Output("Missed calls by hour", [], MISSED_TABLE, NO_EVENTS, document={
            **_nothing(timezone), "floor": None, "agents_counted": None, "hours": [],
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
        title=f"Missed calls by hour, {_local(span[0], timezone)} to "
              f"{_local(span[1], timezone)} ({timezone})",
        rows=rows, columns=MISSED_TABLE, empty="No call was missed in this range.",
        sections=sections, notes=[eligibility, legend],
        footer={"hour": "total", **totals, "likely_cause": ""} if rows else None,
        document={"from": _local(span[0], timezone), "to": _local(span[1], timezone),
                  "timezone": timezone, "floor": found.source if found else None,
                  "agents_counted": counted, "hours": rows, "totals": totals,
                  "calls": calls}), fmt)


# -- floorboard sales --------------------------------------------------------------

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
                "\"KPI-3 sales\").")


def _sales_title(by: str, span: tuple[int, int] | None, timezone: str) -> str:
    if span is None:
        return f"Sales by {by}"
    return (f"Sales by {by}, {_local(span[0], timezone)} to {_local(span[1], timezone)} "
            f"({timezone})")


def sales_command(store: Store, since: str | None, until: str | None, fmt: str,
                  timezone: str, region: str, by: str = "agent",
                  floor: str | None = None) -> int:
    """KPI-3 per group, the whole range's totals, and featured partners' sales."""
    if by not in GROUPINGS:
        raise ConfigError(f"--by {by!r}: one of {', '.join(GROUPINGS)}")
    span = store_range(store, since, until, timezone)
    found = _floor(store, floor)
    columns = [(by, by), *SALES_TABLE, *SALES_TABLE_END]
    if span is None:
        return emit(Output(_sales_title(by, None, timezone), [], columns, NO_EVENTS,
                           document={**_nothing(timezone), "floor": None, "by": by,
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
        document={"from": _local(span[0], timezone), "to": _local(span[1], timezone),
                  "timezone": timezone, "floor": found.source if found else None, "by": by,
                  "currencies": currencies, "groups": rows, "totals": totals,
                  "partner_sales": partners,
                  "sales_without_lines": report.sales_without_lines}), fmt)
