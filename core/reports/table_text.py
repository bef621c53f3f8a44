"""How report rows read as text, wherever they are shown or saved: a cell's words
and a CSV file of rows (every column, as ``floorboard … --format csv``)."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import TextIO

#: The KPI report's columns worth a screen (CSV has them all): (key, header); the
#: agent-state ones are there only in a report by agent, team, shift or interval.
KPI_TABLE = (("offered", "offered"), ("answered", "answered"),
             ("service_level_pct", "service\nlevel %"), ("asa_s", "ASA s"),
             ("abandon_pct", "abandon\n%"), ("aht_s", "AHT s"),
             ("transfer_pct", "transfer\n%"), ("fcr_pct", "FCR %"),
             ("p90_answer_s", "p90\nanswer s"), ("longest_wait_s", "longest\nwait s"),
             ("occupancy_pct", "occu-\npancy %"), ("utilisation_pct", "utili-\nsation %"))
KPI_LEGEND = ("Service level: answered within the target, of offered less short "
              "abandons. ASA: average speed of answer. AHT: talk and after-call work per "
              "conversation. FCR: first-contact resolution. p90 answer: 90% of answered "
              "contacts waited at most this long.")


def cell_text(v: object) -> str:
    """A value as a table shows it: thousands separated, "-" for not defined."""
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float) and math.isinf(v):
        return "> 86400"
    if isinstance(v, Decimal):
        return f"{v:,.2f}"
    return str(v)


def write_csv(rows: Sequence[dict[str, object]], out: TextIO) -> None:
    """Every column of ``rows`` (the first row's keys) with a header line; nothing
    for no rows."""
    if rows:
        w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
