"""What every fault test checks after the fault: the database is sound, each flush
that landed is whole, and nothing half-written remains."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import REPO


@contextmanager
def read_only(db: Path) -> Iterator[sqlite3.Connection]:
    """Closed at the end of the block (sqlite3's own ``with`` only commits): a
    connection left open would keep the writer from removing its WAL at close."""
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        yield c
    finally:
        c.close()


def assert_whole(db: Path) -> dict[str, int]:
    """integrity_check passes; every stored interaction has its arrival and every
    event's interaction is stored (a flush lands whole or not at all); every sale and
    complaint belongs to a stored interaction. Returns the table counts."""
    with read_only(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # IN (subquery): SQLite indexes the subquery once; the events table has no
        # index on interaction_id for a correlated EXISTS to use.
        without_arrival = c.execute(
            "SELECT count(*) FROM interactions WHERE id NOT IN"
            " (SELECT interaction_id FROM events WHERE kind = 1)").fetchone()[0]
        assert without_arrival == 0, f"{without_arrival} interactions without their events"
        for table in ("events", "sales", "complaints"):
            orphans = c.execute(
                f"SELECT count(*) FROM {table} WHERE interaction_id IS NOT NULL AND"
                " interaction_id NOT IN (SELECT id FROM interactions)").fetchone()[0]
            assert orphans == 0, f"{orphans} {table} rows of interactions never stored"
        return {t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("events", "interactions", "sales", "complaints")}


def floorboard(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "desktop.cli", *args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def wait_for_events(db: Path, process: subprocess.Popen, at_least: int = 1,
                    timeout_s: float = 60) -> int:
    """Wait until ``db`` holds ``at_least`` events (the writer has committed a flush)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        if db.exists():
            try:
                with read_only(db) as c:
                    n = c.execute("SELECT count(*) FROM events").fetchone()[0]
                if n >= at_least:
                    return n
            except sqlite3.OperationalError:
                pass  # not created or not migrated yet
        time.sleep(0.05)
    raise AssertionError(f"no events in {db} after {timeout_s} s")
