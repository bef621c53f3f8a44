"""Shared fixtures. Tests never touch the user's real data or config folders."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Qt aborts without a display unless told to draw offscreen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# platformdirs reads these on each call; subprocesses inherit them.
_HOME = Path(tempfile.mkdtemp(prefix="floorboard-tests-"))
os.environ["XDG_DATA_HOME"] = str(_HOME / "data")
os.environ["XDG_CONFIG_HOME"] = str(_HOME / "config")

from core.store import Store  # noqa: E402
from tests.floor_data import populate  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "floor.sqlite"


@pytest.fixture
def store(db_path: Path):
    with Store.open(db_path) as s:
        yield s


@pytest.fixture
def populated_store(store: Store) -> Store:
    populate(store)
    return store


@pytest.fixture
def populated_db(db_path: Path) -> Path:
    """A closed database file holding the small floor of tests/floor_data.py."""
    with Store.open(db_path) as s:
        populate(s)
    return db_path


@pytest.fixture
def floor_of():
    """``floor_of(path)``: the Floor on ``path`` for this test (one per path), closed
    after it. Tests may keep a Store of their own on the same file to look with."""
    from core.floor.floor import Floor

    floors: dict[Path, Floor] = {}

    def get(path: Path | str) -> Floor:
        key = Path(path).expanduser().resolve()
        if key not in floors:
            floors[key] = Floor(key)
        return floors[key]

    yield get
    for floor in floors.values():
        floor.close()


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    """A simulated day of the seeds' floor, as `floorboard simulate` leaves it, with
    the floor's clock in a config file beside it: (database, the Simulation)."""
    from core.config.scenario import load_scenario
    from core.simulation.engine import Simulation
    from tests.report_floor import write_config

    path = tmp_path_factory.mktemp("sim") / "floor.sqlite"
    with Store.open(path) as store:
        simulation = Simulation(load_scenario("normal_day_28"), store,
                                floor_source="the floor of scenario normal_day_28")
        simulation.run()
    write_config(path.parent)
    return path, simulation
