"""A KPI report made while the window runs (issue 6): the KPI reports tab makes it on
a worker thread, and the window's thread must not wait for it more than 50 ms at a
time (the wallboard's stall goal). Two days of `load_1k` (1,000 agents, about 200,000
interactions), by agent with the spread and sabotage flags, as the tab asks for it;
the first report of a range and the same again."""

from __future__ import annotations

import dataclasses
import gc
import sys
import threading
import time

import pytest

from core.config.scenario import load_scenario
from core.reports.flagged_report import flagged_report
from core.simulation.engine import Simulation
from core.store import Store
from desktop.simulated_floor import GIL_SWITCH_S

GOAL_STALL_S = 0.050
PROBE_S = 0.002


def _while_probing(work) -> tuple[float, float]:
    """Run ``work`` on a thread; (its time, the longest the probing thread waited
    beyond its sleep)."""
    took = []

    def run() -> None:
        t0 = time.perf_counter()
        work()
        took.append(time.perf_counter() - t0)

    worker = threading.Thread(target=run)
    worker.start()
    worst, last = 0.0, time.perf_counter()
    while worker.is_alive():
        time.sleep(PROBE_S)
        now = time.perf_counter()
        worst = max(worst, now - last - PROBE_S)
        last = now
    worker.join()
    return took[0], worst


@pytest.mark.filterwarnings("ignore::pytest_benchmark.logger.PytestBenchmarkWarning")
def test_a_report_on_a_worker_leaves_the_window_free(benchmark, tmp_path) -> None:
    scenario = "load_1k" if not benchmark.disabled else "normal_day_28"
    db = tmp_path / "floor.sqlite"
    with Store.open(db) as store:
        Simulation(dataclasses.replace(load_scenario(scenario), days=2), store).run()
        span = store.time_span()
    # As the app runs: what start-up built frozen out of the collector's way (the
    # floor thread does so once caught up), the interpreter handed between threads
    # every 1 ms.
    gc.collect()
    gc.freeze()
    before = sys.getswitchinterval()
    sys.setswitchinterval(GIL_SWITCH_S)
    try:
        runs = []
        for _ in range(2):
            with Store.open(db) as store:
                runs.append(_while_probing(lambda s=store: flagged_report(
                    s, ("agent",), "hour", span.first_ms, span.last_ms + 1, "Europe/Kyiv")))
    finally:
        sys.setswitchinterval(before)
        gc.unfreeze()
    (first, stall1), (again, stall2) = runs
    print(f"\nKPI report with flags, 2 days of {scenario}, on a worker thread: first "
          f"{first:.2f} s, the same range again {again:.2f} s; the window's thread waited "
          f"at most {1000 * stall1:.0f} ms and {1000 * stall2:.0f} ms "
          f"(goal {1000 * GOAL_STALL_S:.0f} ms)")
    if not benchmark.disabled:
        assert max(stall1, stall2) <= GOAL_STALL_S
