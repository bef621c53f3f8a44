"""Benchmarks compare Floorboard with the peer a user would pick instead, in one run,
and print `RATIO <workload> vs <peer>: <N>x` (N = peer time / our time)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# workload -> {"ours": seconds, peer name: seconds}
TIMES: dict[str, dict[str, float]] = {}


@pytest.fixture
def record_time():
    def record(workload: str, who: str, benchmark) -> None:
        if benchmark.stats is not None:  # None under --benchmark-disable (smoke run)
            TIMES.setdefault(workload, {})[who] = benchmark.stats.stats.median
    return record


def pytest_terminal_summary(terminalreporter) -> None:
    for workload, times in TIMES.items():
        ours = times.get("ours")
        for who, t in times.items():
            if who != "ours" and ours:
                terminalreporter.write_line(f"RATIO {workload} vs {who}: {t / ours:.2f}x")
