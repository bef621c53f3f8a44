"""`floorboard import`: call records of another system into the database."""

from __future__ import annotations

import argparse
from pathlib import Path

from core.cli.command import Command
from core.cli.context import Context
from core.ingest.bank_import import check_file, import_bank_file, summary_lines
from core.store.source_lock import SourceLock, command_line


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", choices=["anonymous-bank"],
                        help="the file's format: anonymous-bank (the Technion SEE Center's "
                        "Anonymous Bank call records, tab-separated)")
    parser.add_argument("file", type=Path, metavar="FILE")


def _run(args: argparse.Namespace, ctx: Context) -> int:
    # Before the store: a typo, a folder or a gzip file must not create a database.
    path = check_file(args.file)
    with ctx.writer() as store, SourceLock(store.path, command_line()):
        result = import_bank_file(store, path)
    print("\n".join(summary_lines(result, ctx.config.get("floor.timezone"))))
    return 0


COMMAND = Command("import", "import a file of call records into the database (created "
                  "when it does not exist)", ("import anonymous-bank calls-1999.txt",),
                  _arguments, _run)
