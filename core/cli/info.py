"""`floorboard info`: where the database is, its schema, and what it holds."""

from __future__ import annotations

import argparse

from core.cli.command import Command
from core.cli.context import Context


def _run(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.reader() as store:
        s = store.stats()
    print(f"database:       {s.path}")
    print(f"schema version: {s.schema_version}")
    print(f"events:         {s.events}")
    print(f"agents:         {s.agents}")
    print(f"queues:         {s.queues}")
    print(f"interactions:   {s.interactions}")
    return 0


COMMAND = Command("info", "show the database's location, schema and counts",
                  ("info", "info --db ~/floors/december.sqlite"), lambda parser: None, _run,
                  reads_only=True)
