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
    def record(workload: str, who: str, seconds_or_benchmark) -> None:
        """Record a median time (seconds, or a finished benchmark's median)."""
        t = seconds_or_benchmark
        if not isinstance(t, float):
            if t.stats is None:  # None under --benchmark-disable (smoke run)
                return
            t = t.stats.stats.median
        TIMES.setdefault(workload, {})[who] = t
    return record


def pytest_terminal_summary(terminalreporter) -> None:
    for workload, times in TIMES.items():
        ours = times.get("ours")
        for who, t in times.items():
            if who != "ours" and ours:
                terminalreporter.write_line(f"RATIO {workload} vs {who}: {t / ours:.2f}x")
