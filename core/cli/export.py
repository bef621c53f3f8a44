"""`floorboard export`: a consistent snapshot of the database for analysts."""

from __future__ import annotations

import argparse
from pathlib import Path

from core.cli.command import Command
from core.cli.context import Context
from core.paths import default_pseudonym_key_path
from core.store.export import export_snapshot, load_or_create_key


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, metavar="OUT.sqlite")
    parser.add_argument("--pseudonymize", action="store_true",
                        help="replace customer numbers with keyed hashes (equality and "
                        "number type kept)")
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")


def _run(args: argparse.Namespace, ctx: Context) -> int:
    config = ctx.config
    key = None
    if args.pseudonymize:
        key_file = config.get("export.pseudonym_key_file")
        key = load_or_create_key(Path(key_file) if key_file else default_pseudonym_key_path())
    # The writer: the export is recorded in the database's audit trail.
    with ctx.existing_writer() as store:
        report = export_snapshot(store, args.out, pseudonymize_key=key,
                                 secrets=config.secret_values(),
                                 region=config.get("floor.region"), force=args.force)
    print(f"Exported {report.events} events (up to #{report.last_seq}) and "
          f"{report.interactions} interactions to {report.path} "
          f"({report.size_bytes / 1e6:.1f} MB"
          + (f", {report.numbers_replaced} customer numbers pseudonymised" if key else "")
          + ").")
    return 0


COMMAND = Command(
    "export", "write a consistent snapshot of the database for analysts (SQLite, with "
    "views)", ("export floor-copy.sqlite", "export for-analysts.sqlite --pseudonymize"),
    _arguments, _run)
