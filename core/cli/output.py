"""Printing a report: a table for a terminal (rich), or CSV or JSON with every column.

A p90 answer time above the last histogram bin (24 h) is inf in CSV and null in
JSON, which has no infinity; null otherwise means "not defined here" (a rate of
nothing). Money is in currency units with two decimals (a JSON number)."""

from __future__ import annotations

import json
import math
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from rich.console import Console
from rich.table import Table
from rich.text import Text

from core.reports.table_text import cell_text, write_csv


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
