"""The `floorboard` command as installed: the desktop app (`floorboard`, or
`floorboard run`) beside every headless subcommand of core.cli. Qt is imported only
when the app starts, so the other subcommands run where Qt cannot be imported."""

from __future__ import annotations

import argparse
import os
import sys

from core.cli.command import Command
from core.cli.context import Context, db_path_of, load_config_of
from core.cli.main import HEADLESS, program
from core.cli.main import main as cli_main
from core.cli.simulate import positive_speed
from core.config.scenario import load_scenario
from core.paths import default_config_path

EXIT_NO_DISPLAY = 3


def _has_display() -> bool:
    if sys.platform != "linux":
        return True
    return bool(
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    )


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenario", help="the simulated floor to show (default: "
                        "normal_day_28)")
    parser.add_argument("--speed", type=positive_speed, help="simulated seconds per second "
                        "(default: 1, the wall clock)")
    parser.add_argument("--no-simulation", action="store_true",
                        help="open on the database alone, without a simulated floor")


def _run(args: argparse.Namespace, ctx: Context | None) -> int:
    if not _has_display():
        print(
            "floorboard: no display to open a window on (DISPLAY is not set).\n"
            f"To run it on a virtual screen:  xvfb-run -a {program()} "
            + " ".join(sys.argv[1:]),
            file=sys.stderr,
        )
        return EXIT_NO_DISPLAY
    scenario = None if args.no_simulation else (args.scenario or "normal_day_28")
    if scenario is not None:
        load_scenario(scenario)  # a mistyped name stops here, with the shipped ones named
    from desktop.app import run_app
    from desktop.startup import open_for_app

    # The app opens whatever is wrong with the config or the database, and says so.
    start = open_for_app(lambda: load_config_of(args), lambda config: db_path_of(args, config))
    # Settings are saved into the file the user named, even one that failed to load.
    return run_app(start.store, start.config, scenario, args.speed or 1.0, start.problems,
                   args.config or default_config_path())


RUN = Command("run", "open the desktop app on the database, with a simulated floor (the "
              "default when no command is given)",
              ("", "--scenario december_peak --speed 60", "--no-simulation --db floor.sqlite"),
              _arguments, _run, loads_config=False)


def main(argv: list[str] | None = None) -> int:
    return cli_main(argv, (RUN, *HEADLESS), default="run")


if __name__ == "__main__":
    sys.exit(main())
