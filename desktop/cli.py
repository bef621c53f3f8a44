"""The ``floorboard`` command: the desktop app by default, plus export, import, info,
simulate, and the reports kpi, calls, outbound, missed and sales."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from core.config import Config, channel_targets_s, load_config
from core.errors import FloorboardError
from core.paths import default_config_path, default_db_path, default_pseudonym_key_path

EXIT_NO_DISPLAY = 3


def _common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--db", type=Path, default=default,
        help=f"database file (default: {default_db_path()})",
    )
    parser.add_argument(
        "--config", type=Path, default=default,
        help=f"configuration TOML (default: {default_config_path()} when it exists)",
    )


def _report_args(parser: argparse.ArgumentParser) -> None:
    _common(parser, suppress=True)
    parser.add_argument("--from", dest="since", metavar="WHEN",
                        help="start, on the floor's clock: 2026-11-02 or 2026-11-02T14:00 "
                        "(default: the first event)")
    parser.add_argument("--to", dest="until", metavar="WHEN",
                        help="end, not included (default: after the last event)")
    parser.add_argument("--format", default="table", choices=["table", "csv", "json"],
                        help="table (default; some columns), csv or json (every column)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="floorboard", description="Supervisor toolkit for contact-center floors."
    )
    _common(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser("run", help="open the desktop app (the default)")
    _common(run, suppress=True)
    for p in (parser, run):
        default = argparse.SUPPRESS if p is run else None
        p.add_argument("--scenario", default=default,
                       help="the simulated floor to show (default: normal_day_28)")
        p.add_argument("--speed", type=float, default=default,
                       help="simulated seconds per second (default: 1, the wall clock)")
        p.add_argument("--no-simulation", action="store_true",
                       default=argparse.SUPPRESS if p is run else False,
                       help="open on the database alone, without a simulated floor")
    export = sub.add_parser(
        "export", help="write a consistent snapshot of the database for analysts"
    )
    _common(export, suppress=True)
    export.add_argument("out", type=Path, metavar="OUT.sqlite")
    export.add_argument(
        "--pseudonymize", action="store_true",
        help="replace customer numbers with keyed hashes (equality and number type kept)",
    )
    export.add_argument("--force", action="store_true", help="replace OUT if it exists")
    pager = sub.add_parser("pager", help="triage complaints and page the manager "
                           "(docs/escalation.md), until stopped")
    _common(pager, suppress=True)
    pager.add_argument("--listen-port", type=int, metavar="PORT",
                       help="port on 127.0.0.1 for delivery reports and replies "
                       "(default: [escalation.listener] port)")
    pager.add_argument("--loopback-only", action="store_true",
                       help="refuse gateways that are not on this machine (drills, tests)")
    info = sub.add_parser("info", help="show the database's location, schema and counts")
    _common(info, suppress=True)
    sim = sub.add_parser("simulate", help="run a simulated floor into the database")
    _common(sim, suppress=True)
    sim.add_argument("scenario", help="a name from assets/scenarios (normal_day_28, "
                     "december_peak, load_1k, load_10k) or a scenario file")
    sim.add_argument("--days", type=int, help="days to simulate (default: the scenario's)")
    sim.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    pace = sim.add_mutually_exclusive_group()
    pace.add_argument("--speed", type=float, help="run paced: X simulated seconds per second")
    pace.add_argument("--fast", action="store_true", help="as fast as possible (the default)")
    kpi = sub.add_parser("kpi", help="KPIs of a time range from the database (docs/kpi.md)")
    _report_args(kpi)
    kpi.add_argument("--by", default="channel",
                     help="agent, team, shift, language, channel, queue and/or interval, "
                     "comma-separated (default: channel)")
    kpi.add_argument("--interval", default="hour", choices=["15min", "hour", "day", "month"],
                     help="interval length when grouping by interval (default: hour)")
    floor_help = ("the floor the database was filled from: a shipped scenario's name "
                  "(normal_day_28), a scenario file or a floor file (default: the shipped "
                  "scenario whose floor matches the database, if one does)")
    calls = sub.add_parser("calls", help="calls per agent and the spread between comparable "
                           "agents (KPI-5, docs/call-analytics.md)")
    _report_args(calls)
    calls.add_argument("--floor", metavar="SCENARIO|FILE",
                       help=floor_help + "; compares agents by skills too")
    outbound = sub.add_parser("outbound", help="outbound dials per agent and dials that end "
                              "before anyone could answer (KPI-4, docs/call-analytics.md)")
    _report_args(outbound)
    missed = sub.add_parser("missed", help="missed calls by hour with their likely cause "
                            "(KPI-5, docs/call-analytics.md)")
    _report_args(missed)
    missed.add_argument("--floor", metavar="SCENARIO|FILE",
                        help=floor_help + "; only the agents who could take a call count")
    sales = sub.add_parser("sales", help="sales conversations, conversion for new and "
                           "existing clients, revenue per currency, partner sales and talk "
                           "per client (KPI-3, docs/kpi.md)")
    _report_args(sales)
    sales.add_argument("--by", default="agent",
                       help="agent (who ended the conversation), team, shift, queue or "
                       "language (default: agent)")
    sales.add_argument("--floor", metavar="SCENARIO|FILE",
                       help=floor_help + "; only its sales queues count")
    imp = sub.add_parser("import", help="import a file of call records into the database")
    _common(imp, suppress=True)
    imp.add_argument("source", choices=["anonymous-bank"],
                     help="the file's format: anonymous-bank (the Technion SEE Center's "
                     "Anonymous Bank call records, tab-separated)")
    imp.add_argument("file", type=Path, metavar="FILE")
    return parser


def _config(args: argparse.Namespace) -> Config:
    if args.config is not None:
        return load_config(args.config)
    default = default_config_path()
    return load_config(default if default.exists() else None)


def _db_path(args: argparse.Namespace, config: Config) -> Path:
    if args.db is not None:
        return args.db
    configured = config.get("store.path")
    return Path(configured) if configured else default_db_path()


def _has_display() -> bool:
    if sys.platform != "linux":
        return True
    return bool(
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    )


def _cmd_export(args: argparse.Namespace, config: Config) -> int:
    from core.store import Store
    from core.store.export import export_snapshot, load_or_create_key

    key = None
    if args.pseudonymize:
        key_file = config.get("export.pseudonym_key_file")
        key = load_or_create_key(Path(key_file) if key_file else default_pseudonym_key_path())
    with Store.open(_db_path(args, config)) as store:
        report = export_snapshot(
            store,
            args.out,
            pseudonymize_key=key,
            secrets=config.secret_values(),
            region=config.get("floor.region"),
            force=args.force,
        )
    print(
        f"Exported {report.events} events (up to #{report.last_seq}) and "
        f"{report.interactions} interactions to {report.path} "
        f"({report.size_bytes / 1e6:.1f} MB"
        + (f", {report.numbers_replaced} customer numbers pseudonymised" if key else "")
        + ")."
    )
    return 0


def _cmd_pager(args: argparse.Namespace, config: Config) -> int:
    import signal

    from core.escalation.pager import Pager

    pager = Pager(_db_path(args, config), config, args.listen_port, args.loopback_only)
    # SIGTERM stops it between rounds, as Ctrl+C does.
    signal.signal(signal.SIGTERM, lambda *_: pager._stop.set())
    print(f"floorboard pager: listening on {pager.listener.base_url}; "
          f"gateways: {', '.join(c.value for c in pager.gateways) or 'none'}", flush=True)
    try:
        pager.run()
    except KeyboardInterrupt:
        pass
    return 0


def _cmd_info(args: argparse.Namespace, config: Config) -> int:
    from core.store import Store

    with Store.open(_db_path(args, config)) as store:
        s = store.stats()
    print(f"database:       {s.path}")
    print(f"schema version: {s.schema_version}")
    print(f"events:         {s.events}")
    print(f"agents:         {s.agents}")
    print(f"queues:         {s.queues}")
    print(f"interactions:   {s.interactions}")
    return 0


def _cmd_simulate(args: argparse.Namespace, config: Config) -> int:
    from core.cli.simulate import simulate

    return simulate(args.scenario, _db_path(args, config), days=args.days, seed=args.seed,
                    speed=args.speed)


def _cmd_kpi(args: argparse.Namespace, config: Config) -> int:
    from core.cli.reports import kpi_command
    from core.store import Store

    with Store.open(_db_path(args, config)) as store:
        return kpi_command(store, args.by, args.interval, args.since, args.until,
                           args.format, config.get("floor.timezone"),
                           channel_targets_s(config))


def _cmd_calls(args: argparse.Namespace, config: Config) -> int:
    from core.cli.reports import calls_command
    from core.store import Store

    with Store.open(_db_path(args, config)) as store:
        return calls_command(store, args.since, args.until, args.format,
                             config.get("floor.timezone"), config.get("floor.region"),
                             args.floor)


def _cmd_outbound(args: argparse.Namespace, config: Config) -> int:
    from core.cli.reports import outbound_command
    from core.store import Store

    with Store.open(_db_path(args, config)) as store:
        return outbound_command(store, args.since, args.until, args.format,
                                config.get("floor.timezone"), config.get("floor.region"))


def _cmd_missed(args: argparse.Namespace, config: Config) -> int:
    from core.cli.reports import missed_command
    from core.store import Store

    with Store.open(_db_path(args, config)) as store:
        return missed_command(store, args.since, args.until, args.format,
                              config.get("floor.timezone"), args.floor)


def _cmd_sales(args: argparse.Namespace, config: Config) -> int:
    from core.cli.reports import sales_command
    from core.store import Store

    with Store.open(_db_path(args, config)) as store:
        return sales_command(store, args.since, args.until, args.format,
                             config.get("floor.timezone"), config.get("floor.region"),
                             args.by, args.floor)


def _cmd_import(args: argparse.Namespace, config: Config) -> int:
    from core.errors import IngestError
    from core.ingest.bank_import import import_bank_file, summary_lines
    from core.store import Store

    if not Path(args.file).is_file():  # before the store: a typo must not create a database
        raise IngestError(f"{args.file}: no such file; nothing was imported")
    with Store.open(_db_path(args, config)) as store:
        result = import_bank_file(store, args.file)
    print("\n".join(summary_lines(result, config.get("floor.timezone"))))
    return 0


def _program() -> str:
    """How the user started us (e.g. .venv/bin/floorboard), for hints they can paste."""
    return sys.argv[0] if os.path.basename(sys.argv[0]) == "floorboard" else "floorboard"


def _cmd_run(args: argparse.Namespace) -> int:
    if not _has_display():
        print(
            "floorboard: no display to open a window on (DISPLAY is not set).\n"
            f"To run it on a virtual screen:  xvfb-run -a {_program()} "
            + " ".join(sys.argv[1:]),
            file=sys.stderr,
        )
        return EXIT_NO_DISPLAY
    from desktop.app import run_app
    from desktop.startup import open_for_app

    start = open_for_app(lambda: _config(args), lambda config: _db_path(args, config))
    scenario = None if args.no_simulation else (args.scenario or "normal_day_28")
    # Settings are saved into the file the user named, even one that failed to load.
    return run_app(start.store, start.config, scenario, args.speed or 1.0, start.problems,
                   args.config or default_config_path())


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        if args.command is None:  # the app: it opens whatever is wrong, and says so
            return _cmd_run(args)
        config = _config(args)
        command = {"calls": _cmd_calls, "export": _cmd_export, "import": _cmd_import,
                   "info": _cmd_info, "kpi": _cmd_kpi, "missed": _cmd_missed,
                   "outbound": _cmd_outbound, "pager": _cmd_pager, "sales": _cmd_sales,
                   "simulate": _cmd_simulate}[args.command]
        return command(args, config)
    except FloorboardError as exc:
        print(f"floorboard: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # The reader stopped early (`floorboard kpi --format csv | head`): not an error.
        # Later writes, and the flush at exit, go nowhere instead of failing again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
