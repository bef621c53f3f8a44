"""The heatmap's earlier days, counted from the store, against the missed-calls report."""

from __future__ import annotations

import dataclasses

import numpy as np

from core.clock import day_start_ms
from core.config.scenario import load_scenario
from core.kpi.missed_calls import MissedCallSettings, missed_calls_from_store
from core.simulation.engine import Simulation
from core.store import Store
from core.wallboard.days import day_starts
from core.wallboard.missed import missed_by_hour

TZ = "Europe/Kyiv"


def test_earlier_days_are_the_report_s_hours(tmp_path) -> None:
    with Store.open(tmp_path / "floor.sqlite") as store:
        sc = dataclasses.replace(load_scenario("normal_day_28"), days=3)
        sim = Simulation(sc, store)
        sim.run()
        last = day_start_ms(sim.end_ms - 1, TZ)
        days = day_starts(last, 4, TZ)  # the day before the run, and its three
        counts = missed_by_hour(store, days[0], sim.end_ms, TZ, days)
        assert not counts[0].any()
        for row, start in enumerate(days[1:], start=1):
            end = days[row + 1] if row + 1 < len(days) else sim.end_ms
            report = missed_calls_from_store(store, start, end,
                                             MissedCallSettings(timezone=TZ)).by_hour()
            want = np.zeros(24, dtype=np.int64)
            np.add.at(want, (report.hour_ms % 86_400_000) // 3_600_000, report.missed)
            assert counts[row].tolist() == want.tolist() and want.sum() > 0
