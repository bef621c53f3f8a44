"""`floorboard simulate`: run a scenario into a database, with progress and a summary."""

from __future__ import annotations

import argparse
import dataclasses
import math
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from core.cli.command import Command
from core.cli.context import Context
from core.cli.stop_requests import stop_requests
from core.clock import format_local
from core.config.scenario import load_scenario, scenario_source
from core.floor.demo import finish_planned, planned_run
from core.floor.floor import Floor
from core.kpi.batch import KpiTable
from core.reports.kpi_rows import kpi_report
from core.simulation.engine import Summary
from core.store.source_lock import command_line

#: Events a fast run keeps in memory before storing them (days of a small floor).
FAST_FLUSH_EVENTS = 50_000
#: A paced run stores what happened at every tick, or sooner when this many pile up.
PACED_FLUSH_EVENTS = 200
PACED_TICK_S = 0.2


def summary_table(summary: Summary, title: str, kpis: KpiTable | None = None) -> Table:
    """The run's counts per channel; service level, ASA and abandonment from the KPI
    engine (``kpis`` by channel), so that they are the numbers `floorboard kpi` gives."""
    table = Table(title=title)
    for col in ("channel", "arrived", "answered", "abandoned", "no line", "voicemail",
                "missed %", "service level %", "ASA s", "abandon %"):
        table.add_column(col, justify="left" if col == "channel" else "right")
    row_of = {} if kpis is None else {int(c): i for i, c in enumerate(kpis.keys["channel"])}

    def measure(values: np.ndarray | None, ch: int, scale: float) -> str:
        i = row_of.get(ch)
        if values is None or i is None or np.isnan(values[i]):
            return "-"
        return f"{scale * values[i]:.1f}"

    sl, asa, ab = ((kpis.service_level, kpis.asa_s, kpis.abandon_rate) if kpis is not None
                   else (None, None, None))
    for ch, c in sorted(summary.by_channel.items()):
        table.add_row(
            ch.name.lower(), f"{c.arrived:,}", f"{c.answered:,}", f"{c.abandoned:,}",
            f"{c.blocked:,}", f"{c.voicemail:,}",
            f"{100 * c.missed / c.arrived:.1f}" if c.arrived else "-",
            measure(sl, int(ch), 100), measure(asa, int(ch), 1), measure(ab, int(ch), 100))
    return table


def simulate(scenario: str, db: Path, days: int | None = None, seed: int | None = None,
             speed: float | None = None, console: Console | None = None) -> int:
    if console is None:
        console = Console()
        if not console.is_terminal:
            # Piped to a file or a CI log: rich would squeeze the table into 80 columns.
            console = Console(width=120)
    sc = load_scenario(scenario)
    sc = dataclasses.replace(sc, days=days or sc.days, seed=sc.seed if seed is None else seed)
    started = time.perf_counter()
    with Floor(db) as floor, stop_requests() as stop:
        sim = planned_run(floor, sc,
                          flush_events=PACED_FLUSH_EVENTS if speed else FAST_FLUSH_EVENTS,
                          floor_source=scenario_source(scenario), what=command_line())
        if sim.begin_ms > sim.start_ms or sim.scenario.start != sc.start:
            at = format_local(sim.begin_ms, sc.timezone, "%Y-%m-%d %H:%M")
            console.print(f"Carrying on at {at}, after what {db} holds already "
                          f"({sim.scenario.days} day(s) from {sim.scenario.start}).")
        sc = sim.scenario
        if speed:
            console.print(f"Running {sc.name} at {speed:g}x: Ctrl+C stops.")
            wall0 = time.monotonic()
            while sim.now < sim.end_ms and not stop.requested:
                sim.run_until(sim.begin_ms + int((time.monotonic() - wall0) * speed * 1000))
                # Stored as it goes, as the app's floor is: a kill loses one tick.
                sim.flush()
                time.sleep(PACED_TICK_S)
        else:
            with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                          console=console, transient=True,
                          disable=not console.is_terminal) as progress:
                task = progress.add_task(f"{sc.name}: {len(sim.arrivals):,} contacts",
                                         total=1.0)
                sim.run(lambda done: progress.update(task, completed=done),
                        stop=lambda: stop.requested)
        sim.finish()
        finish_planned(floor, sim, command_line())
        if stop.requested:
            at = format_local(sim.now, sc.timezone, "%Y-%m-%d %H:%M")
            console.print(f"Stopped ({stop.requested}) at {at}: "
                          "everything up to there is stored; `simulate` again carries on.")
        wall = time.perf_counter() - started
        until = min(max(sim.now, sim.begin_ms + 1), sim.end_ms)  # Ctrl+C: as far as run
        kpis, _ = floor.read(lambda store: kpi_report(
            store, ("channel",), "day", sim.begin_ms, until, timezone=sc.timezone))
    console.print(summary_table(sim.summary, f"{sc.name}, {sc.days} day(s), seed {sc.seed}",
                                kpis))
    console.print("missed %: abandoned, no line and voicemail, of arrived. Service level, "
                  "ASA and abandon %: as `floorboard kpi` (docs/kpi.md; short abandons "
                  "left out, dials are no contacts).")
    if sim.summary.complaints:
        console.print(f"{sim.summary.complaints:,} complaints raised, "
                      f"{sim.summary.serious_complaints:,} of them in the serious categories "
                      "(harm, billing error, legal threat, repeated failure); triage decides "
                      "which are valid.")
    if sim.summary.sales:
        console.print(f"{sim.summary.sales:,} sales for {sim.summary.revenue_cents / 100:,.2f} "
                      f"{sc.sales.currency}.")
    console.print(f"{sim.summary.events:,} events written to {db} in {wall:.1f} s; "
                  f"{sim.summary.still_waiting:,} still waiting at the end.")
    return 0


def _positive_days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if days < 1:
        raise argparse.ArgumentTypeError(f"{days}: give 1 day or more")
    return days


def positive_speed(text: str) -> float:
    """--speed as the app and `simulate` take it: simulated seconds per second."""
    try:
        speed = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(speed) or speed <= 0:
        raise argparse.ArgumentTypeError(f"{text}: give a speed above 0, such as 60 (a "
                                         "simulated minute each second)")
    return speed


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", help="a name from assets/scenarios (normal_day_28, "
                        "december_peak, load_1k, load_10k) or a scenario file")
    parser.add_argument("--days", type=_positive_days,
                        help="days to simulate (default: the scenario's)")
    parser.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    pace = parser.add_mutually_exclusive_group()
    pace.add_argument("--speed", type=positive_speed,
                      help="run paced: X simulated seconds per second")
    pace.add_argument("--fast", action="store_true", help="as fast as possible (the default)")


def _run(args: argparse.Namespace, ctx: Context) -> int:
    return simulate(args.scenario, ctx.db_path, days=args.days, seed=args.seed,
                    speed=args.speed)


COMMAND = Command(
    "simulate", "run a simulated floor into the database (it carries on from what is "
    "stored)", ("simulate normal_day_28 --days 7", "simulate december_peak --fast --seed 3",
                "simulate normal_day_28 --speed 60"),
    _arguments, _run)
