"""Fixtures of the desktop and command-line tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config.scenario import load_scenario
from core.simulation.engine import Simulation
from core.store import Store
from tests.desktop.report_floor import write_config


@pytest.fixture(scope="module")
def sim(tmp_path_factory) -> tuple[Path, Simulation]:
    """A simulated day of the seeds' floor, as `floorboard simulate` leaves it."""
    path = tmp_path_factory.mktemp("sim") / "floor.sqlite"
    with Store.open(path) as store:
        simulation = Simulation(load_scenario("normal_day_28"), store)
        simulation.run()
    write_config(path.parent)
    return path, simulation
