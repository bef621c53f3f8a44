"""What every subcommand is given: its arguments, the config they name, and the
database, opened as the command needs it (a reader, or the one writer)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from core.config import Config, load_config
from core.floor.floor import Floor
from core.paths import default_config_path, default_db_path
from core.store import Store
from core.store.database import missing_database


def add_common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """--db and --config, on the main parser and (suppressed) on each subcommand, so
    they may come before or after the subcommand's name."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--db", type=Path, default=default,
                        help=f"database file (default: {default_db_path()})")
    parser.add_argument("--config", type=Path, default=default,
                        help=f"configuration TOML (default: {default_config_path()} when "
                        "it exists)")


def load_config_of(args: argparse.Namespace) -> Config:
    if args.config is not None:
        return load_config(args.config)
    default = default_config_path()
    return load_config(default if default.exists() else None)


def db_path_of(args: argparse.Namespace, config: Config) -> Path:
    if args.db is not None:
        return args.db
    configured = config.get("store.path")
    return Path(configured) if configured else default_db_path()


@dataclass
class Context:
    args: argparse.Namespace
    config: Config
    _db: Path | None = field(default=None, repr=False)

    @property
    def db_path(self) -> Path:
        if self._db is None:
            self._db = db_path_of(self.args, self.config)
        return self._db

    def reader(self) -> Store:
        """The database, read-only; StoreError if it does not exist (nothing is
        created at a mistyped path)."""
        return Store.open_reader(self.db_path)

    def writer(self) -> Store:
        """The database to write: created when it does not exist, and migrated."""
        return Store.open(self.db_path)

    def floor(self) -> Floor:
        """The database as a long-running command holds it (the pager): one writer
        thread, and readers."""
        return Floor(self.db_path)

    def existing_writer(self) -> Store:
        """The database to write, which must exist already (export, import into it)."""
        path = Path(self.db_path).expanduser().resolve()
        if not path.exists():
            raise missing_database(path)
        return Store.open(path)
