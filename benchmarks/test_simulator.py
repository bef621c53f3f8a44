"""Simulator speed and memory (issue 4). The load scenarios run with routing and
storing, as `floorboard simulate` does; the goal for load_10k is under 10 s."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from core.config.scenario import load_scenario
from core.simulation.engine import Simulation
from core.store import Store
from tests.conftest import REPO

GOAL_LOAD_10K_S = 10.0


@pytest.mark.parametrize("name", ["load_1k", "load_10k"])
def test_load_day_with_routing_and_store(benchmark, name: str) -> None:
    scenario = load_scenario(name)

    def setup():
        folder = Path(tempfile.mkdtemp(prefix="fb-sim-"))
        return (Store.open(folder / "floor.sqlite"),), {}

    results = []

    def run(store: Store) -> None:
        with store:
            sim = Simulation(scenario, store)
            results.append(sim.run())

    benchmark.pedantic(run, setup=setup, rounds=1, iterations=1)
    summary = results[-1]
    arrived = sum(s.arrived for s in summary.by_channel.values())
    assert arrived > 0.95 * scenario.interactions_per_day
    if benchmark.stats is not None:
        wall = benchmark.stats.stats.median
        print(f"\nSIM {name}: one day, {arrived:,} contacts, {summary.events:,} events "
              f"routed and stored in {wall:.1f} s ({arrived / wall:,.0f} contacts/s)")
        if name == "load_10k":
            verdict = "met" if wall < GOAL_LOAD_10K_S else "NOT MET yet"
            print(f"GOAL load_10k under {GOAL_LOAD_10K_S:g} s: {verdict}")


def test_memory_stays_flat_over_seven_days(benchmark) -> None:
    out = {}

    def run() -> None:
        text = subprocess.run([sys.executable, "-m", "benchmarks.sim_memory"], cwd=REPO,
                              check=True, capture_output=True, text=True).stdout
        out["mb"] = [int(line.split()[1]) for line in text.splitlines()]

    benchmark.pedantic(run, rounds=1, iterations=1)
    mb = out["mb"]
    assert len(mb) == 7
    print(f"\nMEMORY normal_day_28, 7 days at full speed: peak RSS {mb[0]} MB after day 1, "
          f"{mb[-1]} MB after day 7")
    assert mb[-1] <= 1.25 * mb[0]
