"""The Anonymous Bank's arrivals (``arrivals_6min_1999.csv``: date, u = six-minute
interval of the day 1..240, Day, Month, calls) as a contact history of 30-minute
intervals, for the forecast's backtest.

The file counts 240 six-minute intervals every day of the year: its source ignored
daylight saving, so its wall clock is read as one without it (UTC). Six minutes do
not divide 15, so only 30-minute intervals are made (five of the file's to one). A day
or an interval the file does not have is unknown, not zero."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

from core.errors import ForecastError
from core.model import Channel
from core.wfm.forecast_model import ContactHistory, SeriesKey

#: The file's series: the bank's inbound calls (its customers speak Hebrew).
BANK_SERIES = SeriesKey(Channel.PHONE, "he")
_COLUMNS = ("date", "u", "Day", "Month", "calls")
_PER_DAY = 240


def read_bank_csv(path: Path | str, interval_min: int = 30) -> ContactHistory:
    """The file's calls per ``interval_min`` interval. Raises ForecastError naming the
    file, the line and the field of anything that does not read."""
    path = Path(path)
    if interval_min != 30:
        raise ForecastError(f"{path.name}: six-minute counts make 30-minute intervals only, "
                            f"not {interval_min}")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ForecastError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise ForecastError(f"{path.name}, line {line}: not UTF-8 text (byte "
                            f"0x{exc.object[exc.start]:02x}); is this the arrivals CSV?"
                            ) from None
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    if header is None or tuple(h.strip() for h in header) != _COLUMNS:
        raise ForecastError(f"{path.name}, line 1: the header should be "
                            f"{','.join(_COLUMNS)}, not {','.join(header or [])!r}")
    seen: dict[tuple[dt.date, int], int] = {}
    calls_of: dict[tuple[dt.date, int], float] = {}
    for line, row in enumerate(rows, start=2):
        if not row:
            continue
        if len(row) != len(_COLUMNS):
            raise ForecastError(f"{path.name}, line {line}: {len(row)} fields, "
                                f"expected {len(_COLUMNS)} ({','.join(_COLUMNS)})")
        date_text, u_text, weekday, _month, calls_text = (f.strip() for f in row)
        where = f"{path.name}, line {line}"
        try:
            day = dt.date.fromisoformat(date_text)
        except ValueError:
            raise ForecastError(f"{where}, field date: {date_text!r} is not a date "
                                "(YYYY-MM-DD)") from None
        if not u_text.isdigit() or not 1 <= int(u_text) <= _PER_DAY:
            raise ForecastError(f"{where}, field u: {u_text!r} is not a six-minute "
                                f"interval 1..{_PER_DAY}")
        try:
            calls = float(calls_text)
        except ValueError:
            calls = float("nan")
        if not np.isfinite(calls) or calls < 0:
            raise ForecastError(f"{where}, field calls: {calls_text!r} is not a count "
                                "of calls (a number, 0 or more)")
        if weekday and weekday != day.strftime("%A"):
            raise ForecastError(f"{where}, field Day: {day} is a {day.strftime('%A')}, "
                                f"not a {weekday}")
        key = (day, int(u_text))
        if key in seen:
            raise ForecastError(f"{where}: {day} interval {u_text} again (first on line "
                                f"{seen[key]})")
        seen[key] = line
        calls_of[key] = calls
    if not seen:
        raise ForecastError(f"{path.name}: no arrivals in the file")
    first = min(d for d, _ in seen)
    days = (max(d for d, _ in seen) - first).days + 1
    six = np.full((days, _PER_DAY), np.nan)
    for (day, u), calls in calls_of.items():
        six[(day - first).days, u - 1] = calls
    # A 30-minute interval is known when all five of its six-minute ones are.
    counts = six.reshape(days, _PER_DAY // 5, 5).sum(axis=2)
    length = np.ones((days, _PER_DAY // 5), dtype=np.int8)
    return ContactHistory((BANK_SERIES,), first, 30, "UTC", counts[None], length,
                          source=path.name)
