"""STORE-1: a batch that append() returned from survives SIGKILL of the writer."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import apsw
import pytest

from tests.conftest import REPO
from tests.core.store.append_child import batch_size
from tests.core.store.block_map import check_block_map

CHILD = [sys.executable, "-m", "tests.core.store.append_child"]


def _run_and_kill(db: Path, first_batch: int, rng: random.Random) -> list[int]:
    """Start a writer, let it commit for a random while, SIGKILL it; return the
    batches it reported committed."""
    proc = subprocess.Popen(
        [*CHILD, str(db), str(first_batch), "100000"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    committed: list[int] = []
    # Wait for the first commit so every cycle kills a writer in full flight, then
    # a random few more, and kill at a random moment between two commits.
    target = rng.randint(1, 25)
    assert proc.stdout is not None
    for line in proc.stdout:
        committed.append(int(line.split()[1]))
        if len(committed) >= target:
            break
    if not committed:
        proc.wait()
        pytest.fail(f"writer died before its first commit: {proc.stderr.read()}")
    time.sleep(rng.uniform(0, 0.02))
    os.kill(proc.pid, signal.SIGKILL)
    # Lines printed between our last read and the kill are also commits.
    rest, _ = proc.communicate()
    committed += [int(line.split()[1]) for line in rest.splitlines() if line.startswith("commit")]
    assert proc.returncode == -signal.SIGKILL
    return committed


def _check(db: Path, reported: set[int]) -> int:
    conn = apsw.Connection(str(db))
    try:
        assert conn.execute("PRAGMA integrity_check").get == "ok"
        rows = conn.execute(
            "SELECT value, count(*), min(seq), max(seq) FROM events GROUP BY value"
        ).fetchall()
        stored = {b: (n, lo, hi) for b, n, lo, hi in rows}
        missing = reported - stored.keys()
        assert not missing, f"batches reported committed but lost: {sorted(missing)[:10]}"
        for b, (n, lo, hi) in stored.items():
            assert n == batch_size(b), f"batch {b} is torn: {n} of {batch_size(b)} events"
            assert hi - lo + 1 == n, f"batch {b} is not contiguous"
        total, max_seq = conn.execute("SELECT count(*), max(seq) FROM events").fetchone()
        assert total == max_seq, "sequence numbers have a gap"
        check_block_map(conn)
        return total
    finally:
        conn.close()


def _cycles(tmp_path: Path, kills: int, seed: int) -> None:
    rng = random.Random(seed)
    db = tmp_path / "floor.sqlite"
    reported: set[int] = set()
    next_batch = 0
    last_total = 0
    for _ in range(kills):
        got = _run_and_kill(db, next_batch, rng)
        reported.update(got)
        next_batch = max(reported) + 1000  # never reuse a batch id across runs
        total = _check(db, reported)
        assert total >= last_total
        last_total = total


def test_committed_batches_survive_sigkill(tmp_path: Path) -> None:
    _cycles(tmp_path, kills=20, seed=20261124)


@pytest.mark.slow
def test_committed_batches_survive_many_sigkills(tmp_path: Path) -> None:
    _cycles(tmp_path, kills=100, seed=7)
