"""The compiled simulation loop makes the same run as the plain-Python reference
loop: the same events in the same order, the same interactions, the same counts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.config.scenario import load_scenario
from core.model import Channel
from core.model.scenario import (
    AbsencePlan,
    BreakPlan,
    ChannelModel,
    SabotagePlan,
    Scenario,
)
from core.simulation.engine import Simulation
from core.store import Store
from tests.core.routing.random_floor import random_floor
from tests.core.simulation.reference_loop import ReferenceLoop


class ReferenceSimulation(Simulation):
    loop_class = ReferenceLoop


def _run(cls: type[Simulation], scenario: Scenario, path: Path):
    with Store.open(path) as store:
        sim = cls(scenario, store, flush_events=5_000)
        summary = sim.run()
        events = store.read_columns()
        interactions = store.connection.execute(
            "SELECT * FROM interactions ORDER BY id").fetchall()
    return summary, events, interactions


def _assert_same_run(scenario: Scenario, tmp: Path) -> int:
    ours = _run(Simulation, scenario, tmp / "compiled.sqlite")
    ref = _run(ReferenceSimulation, scenario, tmp / "reference.sqlite")
    np.testing.assert_array_equal(ours[1], ref[1])
    assert ours[2] == ref[2]
    assert ours[0] == ref[0]
    return len(ours[1])


def test_shipped_scenarios_run_the_same(tmp_path: Path) -> None:
    normal = load_scenario("normal_day_28")
    # Two December days past the peak's start: busy signals, abandonment, wrap-up.
    peak = dataclasses.replace(load_scenario("december_peak"), start=dt.date(2026, 12, 16),
                               days=2)
    for i, sc in enumerate((normal, peak)):
        (tmp_path / str(i)).mkdir()
        assert _assert_same_run(sc, tmp_path / str(i)) > 10_000


def random_scenario(seed: int) -> Scenario:
    """A random floor (overflow, voicemail, no-answer, blending, groups) under random
    demand, handling, patience, wrap-up, shifts, sick days, phone lines, logins,
    breaks (held back for languages or not), absent agents and saboteurs."""
    rng = random.Random(seed)
    floor = random_floor(rng, rng.randint(2, 15))
    shares = [rng.random() + 0.05 for _ in floor.queues]
    channels = {}
    for ch in Channel:
        channels[ch] = ChannelModel(
            handle_mean_s=rng.choice([30, 120, 600]), handle_cv=rng.choice([0.5, 1.5]),
            handle_min_s=rng.choice([0, 10]),
            patience_mean_s=rng.choice([0, 30, 300]),
            wrap_up_s=rng.choice([0, 0, 15]),
            handle_distribution=rng.choice(["exponential", "lognormal"]))
    early = rng.choice([0.0, 6.0])
    ids = [a.id for a in floor.agents]
    breaks = rng.choice([None, BreakPlan(
        short=rng.randint(0, 3), short_min=rng.choice([1, 15]), meal=rng.randint(0, 1),
        meal_min=rng.choice([5, 45]), spread_min=rng.choice([0, 60]),
        jitter_min=rng.choice([0, 30]), keep_languages_covered=rng.random() < 0.7)])
    absence = rng.choice([None, AbsencePlan(
        agent_ids=tuple(rng.sample(ids, rng.randint(0, 2))), share=rng.choice([0.0, 0.3]),
        per_shift=rng.choice([1.0, 6.0]), mean_min=rng.choice([2.0, 20.0]), max_min=60.0)])
    sabotage = rng.choice([None, SabotagePlan(
        agent_ids=tuple(rng.sample(ids, rng.randint(1, len(ids)))),
        share=rng.choice([0.3, 1.0]), after_s=(2.0, rng.choice([2.0, 6.0])))])
    return Scenario(
        name=f"random {seed}", floor=floor, start=dt.date(2026, 3, 2),
        days=rng.choice([1, 2]), seed=seed, interactions_per_day=rng.choice([100, 800, 2000]),
        queue_share={q.queue.id: s / sum(shares) for q, s in zip(floor.queues, shares,
                                                                 strict=True)},
        channels=channels,
        shifts={"early": (early, early + rng.choice([8, 12, 24])),
                "late": (rng.choice([12.0, 14.0]), rng.choice([22.0, 30.0]))},
        sick_rate=rng.choice([0.0, 0.2]),
        phone_lines=rng.choice([0, 0, 2, 5]),
        prank_share=rng.choice([0.0, 0.1]),
        logins=rng.random() < 0.8,
        breaks=breaks,
        absence=absence,
        sabotage=sabotage,
    )


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**31))
def test_random_floors_run_the_same(tmp_path_factory, seed: int) -> None:
    _assert_same_run(random_scenario(seed), tmp_path_factory.mktemp("run"))
