"""`floorboard forecast`: the next days' contacts per channel and language from the
floor's history, or (--backtest) how well that forecast did over the last weeks
against two baselines, on the database or on the Anonymous Bank's file."""

from __future__ import annotations

import argparse
import datetime as dt

from core.cli.command import Command
from core.cli.context import Context
from core.cli.output import Output, emit
from core.cli.report_options import FORMATS
from core.clock import local_day
from core.errors import ForecastError
from core.store import Store
from core.wfm.backtest import backtest
from core.wfm.bank_csv import read_bank_csv
from core.wfm.forecast import forecast
from core.wfm.forecast_model import ContactHistory, ForecastSettings
from core.wfm.history import history_from_store

_BACKTEST_COLUMNS = (("horizon", "Horizon"), ("model", "Model"), ("intervals", "Intervals"),
                     ("contacts", "Contacts"), ("wape_text", "WAPE"), ("mape_text", "MAPE"),
                     ("coverage_text", "80 % band covers"))
_FORECAST_COLUMNS = (("day", "Day"), ("series", "Series"), ("contacts", "Forecast"),
                     ("low", "Low (10 %)"), ("high", "High (90 %)"), ("holiday", "Holiday"))


def store_history(store: Store, timezone: str, interval_min: int, by_queue: bool
                  ) -> ContactHistory:
    """Every whole local day the store has contacts for."""
    span = store.time_span()
    if span is None:
        raise ForecastError(f"{store.path.name} has no events: no history to forecast from")
    first = local_day(span.first_ms, timezone)
    last = local_day(span.last_ms, timezone)
    days = (last - first).days + 1
    return history_from_store(store, first, days, timezone, interval_min, by_queue)


def _pct(x: float | None) -> str:
    return "-" if x is None or x != x else f"{x * 100:.1f} %"


def backtest_output(history: ContactHistory, weeks: int, settings: ForecastSettings
                    ) -> Output:
    rows = [r.as_dict() for r in backtest(history, weeks, settings)]
    for r in rows:
        r["wape_text"], r["mape_text"] = _pct(r["wape"]), _pct(r["mape"])
        r["coverage_text"] = _pct(r["coverage_80"])
    return Output(
        title=f"Forecast backtest: {history.source}, the last {weeks} weeks, "
              f"{history.interval_min}-minute intervals",
        rows=rows, columns=_BACKTEST_COLUMNS, empty="Nothing to score.",
        notes=["WAPE = Σ|actual − forecast| / Σ actual; MAPE over the intervals with "
               "actual > 0; the band covers: share of intervals inside the 80 % band. "
               "Definitions: docs/wfm.md, Forecast."])


def forecast_output(history: ContactHistory, days: int, settings: ForecastSettings) -> Output:
    fc = forecast(history, days, settings)
    rows = []
    for j in range(fc.days):
        day = fc.day(j)
        for s, key in enumerate(fc.keys):
            rows.append({"day": day.isoformat(), "series": key.label(),
                         "contacts": round(float(fc.mean[s, j].sum())),
                         "low": round(float(fc.low[s, j].sum())),
                         "high": round(float(fc.high[s, j].sum())),
                         "holiday": fc.holidays.get(day, "")})
    notes = [f"December uplift ×{fc.december_uplift:.2f} ({fc.uplift_source}). Low and "
             "high add up the intervals' bounds: a day's own band is narrower."]
    if fc.reason:
        notes.insert(0, f"Note: {fc.reason}.")
    return Output(title=f"Forecast from {history.source} ({history.timezone})", rows=rows,
                  columns=_FORECAST_COLUMNS, empty="No series to forecast.", notes=notes)


def _settings(args: argparse.Namespace, country: str | None) -> ForecastSettings:
    try:
        special = tuple(dt.date.fromisoformat(d) for d in args.special_day)
    except ValueError as exc:
        raise ForecastError(f"--special-day: {exc}; give dates as 2026-12-24") from None
    return ForecastSettings(country=country, special_days=special,
                            december_uplift=args.december_uplift)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backtest", action="store_true",
                        help="score the forecast over the last weeks of the history")
    parser.add_argument("--weeks", type=int, default=4,
                        help="weeks of rolling origins in the backtest (default: 4)")
    parser.add_argument("--bank-csv", metavar="PATH",
                        help="the Anonymous Bank's arrivals_6min_1999.csv instead of the "
                        "database (its holidays: Israel's)")
    parser.add_argument("--days", type=int, default=7,
                        help="days to forecast (default: 7)")
    parser.add_argument("--interval", type=int, default=30, choices=(15, 30),
                        help="interval length in minutes (default: 30)")
    parser.add_argument("--by-queue", action="store_true",
                        help="one series per queue too, not just channel and language")
    parser.add_argument("--special-day", action="append", default=[], metavar="DATE",
                        help="a day of the floor's own to treat as a holiday (repeatable)")
    parser.add_argument("--december-uplift", type=float, default=1.0, metavar="X",
                        help="December's multiplier when the history has no past December "
                        "to learn it from (default: 1)")
    parser.add_argument("--format", default="table", choices=FORMATS,
                        help="table (default), csv or json")


def _run(args: argparse.Namespace, ctx: Context) -> int:
    if args.bank_csv:
        history = read_bank_csv(args.bank_csv, args.interval)
        settings = _settings(args, "IL")
    else:
        timezone = ctx.config.get("floor.timezone")
        with ctx.reader() as store:
            history = store_history(store, timezone, args.interval, args.by_queue)
        settings = _settings(args, ctx.config.get("floor.region"))
    out = (backtest_output(history, args.weeks, settings) if args.backtest
           else forecast_output(history, args.days, settings))
    return emit(out, args.format)


COMMAND = Command(
    "forecast", "contacts per interval for the next days from the floor's history, "
    "or how well that forecast did (--backtest)",
    ("forecast --days 7", "forecast --backtest --weeks 4",
     "forecast --backtest --bank-csv arrivals_6min_1999.csv --format csv"),
    _arguments, _run, reads_only=True)
