"""KPI engines (issue 5). Incremental: events applied per second as the wallboard
would feed them (batches of 1,000, about a quarter second of a 10,000-agent floor);
goal at least 2M events/s. Batch: every KPI-1/KPI-2 measure over 10M contacts and
their agents' states, against DuckDB and pandas computing the same."""

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
        return store.read_columns(), {q.id: q.channel for q in store.queue_rows()}


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


def _ours(events):
    from core.kpi.batch import contact_kpis
    from core.kpi.contacts import contact_facts

    settings = KpiSettings(timezone="UTC")
    facts = contact_facts(events)
    return (contact_kpis(facts, ("agent", "interval"), "hour", settings),
            contact_kpis(facts, ("queue", "interval"), "15min", settings))


def _report(events) -> None:
    _ours(events)


#: Our measure -> the peers' column.
_PEER_COLUMN = {"offered": "offered", "answered": "answered",
                "answered_in_target": "in_target", "abandoned": "abandoned",
                "short_abandoned": "short", "voicemail": "voicemail",
                "wait_answered_ms": "wait_answered", "longest_wait_ms": "longest",
                "talked": "talked", "talk_ms": "talk", "acw_ms": "acw",
                "transferred": "transferred", "transfers": "transfers",
                "first_contact_resolved": "first_contact",
                "inbound_conversations": "inbound", "available_ms": "available",
                "busy_ms": "busy", "wrap_up_ms": "wrap_up", "away_ms": "away",
                "break_ms": "break_"}


def _same(table, key: str, peer) -> None:
    import numpy as np

    peer = peer.reset_index() if key not in peer.columns and "k" not in peer.columns else peer
    k = peer["k"] if "k" in peer.columns else peer[key]
    order = np.lexsort((peer["iv"].to_numpy(), k.to_numpy()))
    mine = np.lexsort((table.keys["interval"], table.keys[key]))
    assert len(mine) == len(order), f"{len(mine)} groups, the peer has {len(order)}"
    for ours, theirs in _PEER_COLUMN.items():
        np.testing.assert_array_equal(getattr(table, ours)[mine],
                                      peer[theirs].to_numpy()[order].astype(np.int64), ours)
    np.testing.assert_array_equal(table.keys["interval"][mine], peer["iv"].to_numpy()[order])
    np.testing.assert_array_equal(table.keys[key][mine], k.to_numpy()[order])


def test_batch_10m_contacts_against_duckdb_and_pandas(benchmark, record_time) -> None:
    """Every measure by (agent, hour) and (queue, 15 min) over 10M contacts and their
    agents' states (49M events): ours on one core, DuckDB on one thread, pandas; the
    results are compared row by row. Goal: under 1.5 s and at least 2x DuckDB. A
    smoke run (make test) uses 100,000 contacts."""
    import os
    import time

    from benchmarks import kpi_workload
    from benchmarks.peers.duckdb_kpis import duckdb_kpis, pandas_kpis

    n = kpi_workload.CONTACTS if not benchmark.disabled else 100_000
    events = kpi_workload.events(n)
    _ours(events[:1000])  # compile outside the clock
    cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cpus)})  # the goal is for one core
    try:
        # Five rounds, the median: the first takes its memory from the system (about
        # 0.9 GB; on this VM first touching it is slow and varies a lot), the later
        # ones find it kept from the round before (core.kpi.buffers), as a report
        # run again within a minute in the app does. The first is printed apart.
        # Each round lets its tables go (pytest-benchmark would hold a round's
        # result through the next one, which then could not reuse its memory).
        benchmark.pedantic(_report, args=(events,), rounds=5, iterations=1)
    finally:
        os.sched_setaffinity(0, cpus)
    tables = _ours(events)  # to compare with the peers' (not timed)
    peers = {}
    for name, peer in (("DuckDB (1 thread)", duckdb_kpis), ("pandas", pandas_kpis)):
        t0 = time.perf_counter()
        peers[name] = peer(events)
        peers[name + " s"] = time.perf_counter() - t0
    for name in ("DuckDB (1 thread)", "pandas"):
        _same(tables[0], "agent", peers[name][0])
        _same(tables[1], "queue", peers[name][1])
    if benchmark.stats is None:
        return
    ours = benchmark.stats.stats.median
    workload = f"kpi_batch_{n // 1_000_000}M_contacts_agent_hour_queue_15min"
    record_time(workload, "ours", ours)
    for name in ("DuckDB (1 thread)", "pandas"):
        record_time(workload, name, peers[name + " s"])
    duck = peers["DuckDB (1 thread) s"]
    best = benchmark.stats.stats.min
    # The first round also takes the memory from the system; the others find it kept
    # (core.kpi.buffers), as a second report in the app does.
    first = benchmark.stats.stats.data[0]
    print(f"\nKPI batch, {n:,} contacts ({len(events):,} events): ours {ours:.2f} s (best "
          f"{best:.2f} s, first round {first:.2f} s), DuckDB "
          f"{duck:.2f} s ({duck / ours:.1f}x), pandas {peers['pandas s']:.2f} s "
          f"({peers['pandas s'] / ours:.1f}x); goal < 1.5 s and >= 2x DuckDB: "
          f"{'met' if ours < 1.5 and duck >= 2 * ours else 'NOT MET'}")
    assert ours < 1.5 and duck >= 2 * ours
