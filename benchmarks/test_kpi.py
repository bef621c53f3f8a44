"""KPI engines (issue 5). Incremental: events applied per second as the wallboard
would feed them (batches of 1,000, about a quarter second of a 10,000-agent floor);
goal at least 2M events/s. The batch benchmark against DuckDB and pandas over 10M
interactions is still to come."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from core.config.scenario import load_scenario
from core.kpi.batch import KpiSettings
from core.kpi.incremental import IncrementalKpis
from core.simulation.engine import Simulation
from core.store import Store

GOAL_EVENTS_PER_S = 2_000_000
BATCH = 1_000


@pytest.fixture(scope="module")
def day_of_load_1k():
    with Store.open(Path(tempfile.mkdtemp(prefix="fb-kpi-")) / "floor.sqlite") as store:
        Simulation(load_scenario("load_1k"), store).run()
        return store.read_columns(), {q: ch for q, _, ch, _, _ in store.queue_rows()}


def test_incremental_events_per_second(benchmark, day_of_load_1k) -> None:
    events, channel_of = day_of_load_1k

    def setup():
        return (IncrementalKpis(KpiSettings(timezone="Europe/Kyiv"), channel_of, "15min"),), {}

    def run(live: IncrementalKpis) -> None:
        for i in range(0, len(events), BATCH):
            live.apply(events[i:i + BATCH])

    benchmark.pedantic(run, setup=setup, rounds=3, iterations=1)
    if benchmark.stats is not None:
        rate = len(events) / benchmark.stats.stats.median
        print(f"\nKPI incremental: {len(events):,} events of the load_1k day in batches of "
              f"{BATCH:,}: {rate:,.0f} events/s (goal {GOAL_EVENTS_PER_S:,})")
        assert rate >= GOAL_EVENTS_PER_S
