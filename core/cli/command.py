"""A subcommand of `floorboard`: its name, its one-line summary and example, its
arguments and what it runs, declared together in the subcommand's own module."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.cli.context import Context


@dataclass(frozen=True)
class Command:
    name: str
    #: One line, for `floorboard --help` and the top of the command's own help.
    summary: str
    #: Command lines a user can paste (without the program's name).
    examples: tuple[str, ...]
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Context | None], int]
    #: Reads the database only: refuses one that does not exist, and opens it
    #: read-only (so it works in a folder the user cannot write to).
    reads_only: bool = False
    #: Given the loaded config (an error in it stops the command). The app loads its
    #: own: a broken file opens with the defaults, and it says so.
    loads_config: bool = True
