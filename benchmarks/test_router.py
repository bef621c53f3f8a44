"""Routing speed (issue 3): sustained decisions/s on 1,000 agents, 50 queues and
10,000 waiting interactions, against the plain-Python reference router on the same
workload; and the latency of one enqueue -> assign."""

from __future__ import annotations

import time

import numpy as np
import pytest

from benchmarks.router_workload import BatchSteadyFloor, SteadyFloor, big_floor
from core.model import Direction, Interaction
from core.routing import Router
from tests.core.routing.reference_router import ReferenceRouter

FLOOR = big_floor()
RELEASES = 100  # conversations ending per round (1 s of floor time)
ROUNDS = 2_000  # ours: ~200,000 decisions
REF_ROUNDS = 3  # the reference takes seconds per round
TARGET_DECISIONS_PER_S = 500_000
TARGET_P99_US = 20.0
WORKLOAD = "route_1000agents_50queues_10000waiting"


def _enabled(benchmark) -> bool:
    return benchmark.stats is not None


def test_router_throughput_ours(benchmark, record_time) -> None:
    made = []

    def setup():
        return (BatchSteadyFloor(Router(FLOOR, capacity=16_384), FLOOR),), {}

    def run(floor: BatchSteadyFloor) -> None:
        made.append(sum(floor.round(RELEASES) for _ in range(ROUNDS)))

    benchmark.pedantic(run, setup=setup, rounds=3, iterations=1)
    decisions = made[-1]
    assert decisions > 0.9 * ROUNDS * RELEASES  # the floor stayed busy: a real workload
    if _enabled(benchmark):
        per_round = benchmark.stats.stats.median / ROUNDS
        record_time(WORKLOAD, "ours", per_round)
        rate = decisions / benchmark.stats.stats.median
        print(f"\nours: {rate:,.0f} decisions/s sustained ({decisions:,} decisions, "
              f"{benchmark.stats.stats.median / decisions * 1e6:.2f} us each, "
              "including release, arrival and accept)")
        assert rate >= TARGET_DECISIONS_PER_S, f"{rate:,.0f} decisions/s < target"


def test_router_throughput_reference(benchmark, record_time) -> None:
    made = []

    def setup():
        return (SteadyFloor(ReferenceRouter(FLOOR), FLOOR),), {}

    def run(floor: SteadyFloor) -> None:
        made.append(sum(floor.round(RELEASES) for _ in range(REF_ROUNDS)))

    benchmark.pedantic(run, setup=setup, rounds=1, iterations=1)
    assert made[-1] > 0.9 * REF_ROUNDS * RELEASES
    if _enabled(benchmark):
        record_time(WORKLOAD, "reference router (plain Python)",
                    benchmark.stats.stats.median / REF_ROUNDS)


def _latencies(router: Router, busy: bool, samples: int = 20_000) -> np.ndarray:
    """Time one enqueue() + assign() through the public API; the release that frees an
    agent (busy floor) and the accept/release that follow are not timed."""
    if busy:
        floor = SteadyFloor(router, FLOOR)
    else:
        floor = SteadyFloor(router, FLOOR, waiting=0)
    out = np.zeros(samples)
    queues = FLOOR.queues
    for i in range(samples):
        floor.now += 10
        if busy:
            iid, aid = floor.connected.popleft()
            router.release(aid, iid, floor.now)
        qp = queues[i % len(queues)].queue
        it = Interaction(10**8 + i, qp.channel, Direction.INBOUND, qp.language, qp.id, 0, "",
                         floor.now)
        t = time.perf_counter_ns()
        router.enqueue(it, floor.now)
        decisions = router.assign(floor.now)
        out[i] = (time.perf_counter_ns() - t) / 1000
        for iid, aid in decisions:
            router.accept(aid, iid, floor.now)
            if busy:
                floor.connected.append((iid, aid))
            else:
                router.release(aid, iid, floor.now + 1)
    return out


@pytest.mark.parametrize("busy", [False, True], ids=["idle-floor", "busy-floor-10000-waiting"])
def test_enqueue_to_assign_latency(benchmark, busy: bool) -> None:
    result = {}

    def run():
        result["lat"] = _latencies(Router(FLOOR, capacity=16_384), busy)

    benchmark.pedantic(run, rounds=1, iterations=1)
    lat = result["lat"]
    p50, p99 = np.percentile(lat, 50), np.percentile(lat, 99)
    if _enabled(benchmark):
        name = "busy floor, 10,000 waiting" if busy else "idle floor"
        print(f"\nLATENCY enqueue->assign, 1,000 agents, {name}: p50 {p50:.1f} us, "
              f"p99 {p99:.1f} us, max {lat.max():.0f} us ({len(lat):,} samples)")
        assert p99 < TARGET_P99_US, f"p99 {p99:.1f} us >= {TARGET_P99_US} us"
