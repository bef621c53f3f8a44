"""Issue 16, item 11: a database with overwritten pages (its header sound, so it
opens) gives every command one line naming the file and what to do, never a
traceback."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PAGE = 4096


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("damaged")
    good = folder / "good.sqlite"
    subprocess.run([sys.executable, "-m", "desktop.cli", "simulate", "normal_day_28",
                    "--fast", "--days", "2", "--db", str(good)], cwd=REPO, check=True,
                   capture_output=True)
    with sqlite3.connect(good) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db = folder / "floor.sqlite"
    shutil.copy(good, db)
    pages = db.stat().st_size // PAGE
    rnd = random.Random(16)
    with db.open("r+b") as f:
        # Not page 1 (the header: that is "not a Floorboard database", tested elsewhere).
        for page in rnd.sample(range(2, pages), 12):
            f.seek(page * PAGE)
            f.write(os.urandom(PAGE))
    return db


@pytest.mark.parametrize("command", [
    ["kpi"], ["calls"], ["missed"], ["sales"], ["outbound"],
    ["simulate", "normal_day_28", "--fast"],
])
def test_every_command_on_a_damaged_database_says_so_in_one_line(
        damaged: Path, tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "floor.sqlite"
    shutil.copy(damaged, db)
    r = subprocess.run([sys.executable, "-m", "desktop.cli", *command, "--db", str(db)],
                       cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "database file is damaged" in lines[0]
    assert str(db) in lines[0] and ".recover" in lines[0]
