"""The `floorboard` command line: the subcommands' parsers built from their modules,
one error line (exit 2) for anything a user got wrong, never a traceback."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import apsw

from core.cli import (
    calls,
    export,
    forecast,
    import_file,
    info,
    kpi,
    missed,
    outbound,
    pager,
    sales,
)
from core.cli import simulate as simulate_command
from core.cli.command import Command
from core.cli.context import Context, add_common, load_config_of
from core.errors import FloorboardError
from core.store.database import damaged_database

#: Every subcommand that runs without a screen (and without Qt installed).
HEADLESS: tuple[Command, ...] = (
    kpi.COMMAND, calls.COMMAND, outbound.COMMAND, missed.COMMAND, sales.COMMAND,
    info.COMMAND, export.COMMAND, import_file.COMMAND, simulate_command.COMMAND,
    pager.COMMAND, forecast.COMMAND,
)


def program() -> str:
    """How the user started us (e.g. .venv/bin/floorboard), for hints they can paste."""
    return sys.argv[0] if os.path.basename(sys.argv[0]) == "floorboard" else "floorboard"


def build_parser(commands: Sequence[Command]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="floorboard", description="Supervisor toolkit for contact-center floors.",
        epilog="'floorboard COMMAND --help' tells more of each.")
    add_common(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for c in commands:
        examples = "\n".join(f"  floorboard {e}".rstrip() for e in c.examples)
        description = textwrap.fill(c.summary[0].upper() + c.summary[1:] + ".", 79)
        p = sub.add_parser(c.name, help=c.summary, description=description,
                           epilog=f"example{'s' if len(c.examples) > 1 else ''}:\n{examples}",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        add_common(p, suppress=True)
        c.add_arguments(p)
    return parser


def _value_options(parser: argparse.ArgumentParser) -> set[str]:
    return {s for a in parser._actions for s in a.option_strings if a.nargs != 0}


def _with_default(argv: list[str], parser: argparse.ArgumentParser, names: set[str],
                  default: str | None) -> list[str]:
    """``floorboard`` alone, or with only options, runs the default command; an option
    of the default command's given before another command is refused by name."""
    if default is None:
        return argv
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    own = _value_options(parser)
    takes_value = own | _value_options(sub.choices[default])
    default_only = {s for a in sub.choices[default]._actions for s in a.option_strings
                    } - {s for a in parser._actions for s in a.option_strings}
    seen: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help") or not arg.startswith("-"):
            if arg in names and arg != default:
                for opt in seen:
                    if opt.split("=")[0] in default_only:
                        parser.error(f"{opt.split('=')[0]} is an option of the app "
                                     f"(floorboard {default}), not of floorboard {arg}")
            return argv
        seen.append(arg)
        i += 2 if arg in takes_value else 1
    return [default, *argv]


def main(argv: Sequence[str] | None = None, commands: Sequence[Command] = HEADLESS,
         default: str | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser(commands)
    by_name = {c.name: c for c in commands}
    args = parser.parse_args(_with_default(list(sys.argv[1:] if argv is None else argv),
                                           parser, set(by_name), default))
    if args.command is None:
        parser.print_help()
        return 2
    ctx: Context | None = None
    try:
        command = by_name[args.command]
        if not command.loads_config:
            return command.run(args, None)
        ctx = Context(args, load_config_of(args))
        return command.run(args, ctx)
    except (apsw.CorruptError, apsw.NotADBError) as exc:
        # Found mid-command (a page overwritten inside a file whose header is sound).
        error = damaged_database(ctx.db_path if ctx else Path("the database"), exc)
        print(f"floorboard: error: {error}", file=sys.stderr)
        return error.exit_code
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
