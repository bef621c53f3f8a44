"""Issue 16's harness for the export: killed at any moment, it leaves the database
whole and no half-written file at the target; what a killed export left aside is
removed by the next one, which succeeds."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.faults.whole import assert_whole, floorboard


@pytest.fixture(scope="module")
def floor_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("export") / "floor.sqlite"
    subprocess.run([sys.executable, "-m", "desktop.cli", "simulate", "normal_day_28",
                    "--fast", "--days", "14", "--db", str(db)], cwd=REPO, check=True,
                   capture_output=True)
    return db


@pytest.mark.parametrize("seed", range(4))
def test_an_export_killed_at_a_random_moment_leaves_nothing_half_written(
        floor_db: Path, tmp_path: Path, seed: int) -> None:
    before = assert_whole(floor_db)
    out = tmp_path / "for-analysts.sqlite"
    rnd = random.Random(seed)
    p = floorboard("export", str(out), "--db", str(floor_db))
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".*partial*")) and p.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(rnd.uniform(0, 1.0))  # somewhere in the copy, the clean-up, the rename
    p.send_signal(rnd.choice([signal.SIGKILL, signal.SIGTERM]))
    p.communicate(timeout=60)
    assert assert_whole(floor_db) == before
    if out.exists():  # it finished first: then it is whole
        with sqlite3.connect(f"file:{out}?mode=ro", uri=True) as c:
            assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = subprocess.run([sys.executable, "-m", "desktop.cli", "export", str(out),
                            "--force", "--db", str(floor_db)], cwd=REPO,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert [p.name for p in tmp_path.iterdir()] == [out.name]
    with sqlite3.connect(f"file:{out}?mode=ro", uri=True) as c:
        assert c.execute("SELECT count(*) FROM events").fetchone()[0] == before["events"]
