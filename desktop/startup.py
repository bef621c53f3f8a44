"""Opening the app whatever the state of its inputs: a configuration file with an
error, a missing one, a database it cannot use. The app starts anyway, on defaults
or on a temporary database, and says in a dialog what is wrong and what to do."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core.config import Config, defaults
from core.errors import ConfigError, StoreError
from core.store import Store


@dataclass
class Startup:
    config: Config
    store: Store
    #: What went wrong and what to do, for the window to show once it is up.
    problems: list[str] = field(default_factory=list)


def open_for_app(load: Callable[[], Config], db_path: Callable[[Config], Path]) -> Startup:
    """``load`` reads the configuration; ``db_path`` says where the database is."""
    problems = []
    try:
        config = load()
    except ConfigError as exc:
        config = defaults()
        problems.append(f"{exc}\n\nFloorboard started with the default settings. Correct "
                        "the file (the line is named above) and start Floorboard again.")
    path = db_path(config)
    try:
        store = Store.open(path)
    except StoreError as exc:
        temp = Path(tempfile.mkdtemp(prefix="floorboard-")) / "floor.sqlite"
        store = Store.open(temp)
        problems.append(
            f"{exc}\n\nFloorboard opened a new database in a temporary folder instead "
            f"({temp}), so that you can work; it is not kept for you. The file above was "
            "not changed.")
    return Startup(config, store, problems)
