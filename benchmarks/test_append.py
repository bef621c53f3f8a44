"""Event append: 1M events in batches of 1,000 into a WAL database, durable per batch.

Ours: Store.append() of EVENT_DTYPE arrays (Cython codec, multi-row INSERTs).
Peer: plain executemany of the same rows as Python tuples, built before timing
starts (the peer is not charged for making its tuples).
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

from benchmarks.peers.executemany_append import append_apsw, append_sqlite3
from core.model import EVENT_DTYPE, NONE, EventKind
from core.store import Store

N_EVENTS = 1_000_000
BATCH = 1_000
WORKLOAD = "append_1M_events_batch1000_wal"
ROUNDS = 3


def _floor_events(n: int, seed: int = 1) -> np.ndarray:
    """A day-like stream: time moves forward, interactions interleave, ~half the
    optional fields are NULL as in real lifecycle and agent-state events."""
    rng = np.random.default_rng(seed)
    arr = np.zeros(n, dtype=EVENT_DTYPE)
    arr["ts_ms"] = 1_764_000_000_000 + np.cumsum(rng.integers(0, 200, n))
    arr["kind"] = rng.choice([int(k) for k in EventKind], n)
    agent_event = np.isin(arr["kind"], [int(EventKind.AGENT_STATE), int(EventKind.AGENT_MODE)])
    arr["interaction_id"] = np.where(agent_event, NONE, np.arange(n) // 6)
    arr["agent_id"] = np.where(rng.random(n) < 0.6, rng.integers(1, 1000, n), NONE)
    arr["queue_id"] = np.where(agent_event, NONE, rng.integers(1, 50, n))
    arr["channel"] = np.where(agent_event, NONE, rng.integers(1, 8, n))
    arr["value"] = np.where(rng.random(n) < 0.3, rng.integers(1, 10, n), NONE)
    return arr


EVENTS = _floor_events(N_EVENTS)


def _as_tuples(arr: np.ndarray) -> list[list[tuple]]:
    rows = [
        (i + 1, *[None if v == NONE else v for v in rec[1:]], None)
        for i, rec in enumerate(arr.tolist())
    ]
    return [rows[i:i + BATCH] for i in range(0, len(rows), BATCH)]


@pytest.fixture(scope="module")
def workdir():
    d = Path(tempfile.mkdtemp(prefix="fb-bench-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


_counter = itertools.count()


def _fresh_db(workdir: Path) -> Path:
    """An empty database with Floorboard's schema (indexes and all), for either side."""
    path = workdir / f"db{next(_counter)}.sqlite"
    Store.open(path).close()
    return path


def _check(path: Path) -> None:
    with Store.open(path) as s:
        assert s.last_seq() == N_EVENTS


def test_append_ours(benchmark, workdir, record_time) -> None:
    batches = [EVENTS[i:i + BATCH].copy() for i in range(0, N_EVENTS, BATCH)]

    def run(path: Path) -> None:
        with Store.open(path) as store:
            for b in batches:
                store.append(b)

    paths: list[Path] = []

    def setup():
        paths.append(_fresh_db(workdir))
        return (paths[-1],), {}

    benchmark.pedantic(run, setup=setup, rounds=ROUNDS, iterations=1)
    _check(paths[-1])
    record_time(WORKLOAD, "ours", benchmark)
    if benchmark.stats is not None:
        rate = N_EVENTS / benchmark.stats.stats.median
        print(f"\nours: {rate:,.0f} events/s")


@pytest.mark.parametrize("peer", [append_apsw, append_sqlite3],
                         ids=["executemany-apsw", "executemany-sqlite3"])
def test_append_peer(benchmark, workdir, record_time, peer) -> None:
    batches = _as_tuples(EVENTS)
    paths: list[Path] = []

    def setup():
        paths.append(_fresh_db(workdir))
        return (paths[-1], batches), {}

    benchmark.pedantic(peer, setup=setup, rounds=ROUNDS, iterations=1)
    _check(paths[-1])
    name = "executemany (apsw)" if peer is append_apsw else "executemany (sqlite3)"
    record_time(WORKLOAD, name, benchmark)
    if benchmark.stats is not None:
        print(f"\n{name}: {N_EVENTS / benchmark.stats.stats.median:,.0f} events/s")
