"""Peak RSS after each day of a 7-day normal_day_28 run at full speed, with the store.
Run as a script so the figure is this run's alone."""

import dataclasses
import os
import resource
import tempfile
from pathlib import Path

from core.config.scenario import load_scenario
from core.simulation.engine import Simulation
from core.store import Store


def peak_rss_mb() -> int:
    """This process's peak RSS. ru_maxrss would do, but on Linux it survives exec and
    so can report the parent's peak; VmHWM belongs to this process image alone."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


if __name__ == "__main__":
    sc = dataclasses.replace(load_scenario("normal_day_28"), days=7)
    with tempfile.TemporaryDirectory() as d, Store.open(os.path.join(d, "f.sqlite")) as store:
        sim = Simulation(sc, store)
        for day in range(7):
            sim.run_until(sim.start_ms + (day + 1) * 86_400_000)
            sim.flush()
            print(day + 1, peak_rss_mb())
