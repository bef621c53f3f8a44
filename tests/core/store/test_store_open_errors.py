"""Bad database files: a clear error naming the file and what to do; nothing written."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import StoreError
from core.store import Store
from core.store.migrations import LATEST_VERSION
from tests.read_only import run_in_read_only_folder


def _fingerprint(path: Path) -> tuple[str, int, list[str]]:
    siblings = sorted(p.name for p in path.parent.iterdir())
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns, siblings


def _assert_refused(path: Path, *phrases: str) -> StoreError:
    before = _fingerprint(path)
    with pytest.raises(StoreError) as info:
        Store.open(path)
    message = str(info.value)
    assert str(path) in message
    for phrase in phrases:
        assert phrase in message
    assert _fingerprint(path) == before, "the file (or its folder) was changed"
    return info.value


def test_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "floor.sqlite"
    path.write_bytes(os.urandom(8192))
    _assert_refused(path, "not a Floorboard database", "Nothing was changed", "--db")


def test_text_file_with_sqlite_name(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("agent,calls\nOlena,93\n")
    _assert_refused(path, "not a Floorboard database")


def test_foreign_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "crm.sqlite"
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, phone TEXT)")
        c.execute("INSERT INTO customers (phone) VALUES ('+380671234567')")
    c.close()
    _assert_refused(path, "another program", "Nothing was changed")
    with sqlite3.connect(path) as c:
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    c.close()


def test_schema_newer_than_the_code(tmp_path: Path) -> None:
    path = tmp_path / "floor.sqlite"
    Store.open(path).close()
    with sqlite3.connect(path) as c:
        c.execute(f"PRAGMA user_version = {LATEST_VERSION + 3}")
    c.close()
    _assert_refused(path, "newer Floorboard", f"schema version {LATEST_VERSION + 3}",
                    "Upgrade Floorboard")


def test_folder_given_as_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        Store.open(tmp_path)


def test_empty_file_is_initialised(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    path.touch()
    with Store.open(path) as s:
        assert s.stats().schema_version == LATEST_VERSION


_OPEN_IN_RO = """
import sys
from core.errors import StoreError
from core.store import Store
try:
    Store.open(sys.argv[1]).close()
except StoreError as e:
    print(e)
    sys.exit(2)
print("opened")
"""


def _run_read_only(folder: Path, db: Path) -> subprocess.CompletedProcess:
    """Store.open(db) where ``folder`` is truly read-only for the process."""
    return run_in_read_only_folder(folder, [sys.executable, "-c", _OPEN_IN_RO, str(db)])


def test_read_only_location_for_a_new_database(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "floor.sqlite"
    result = _run_read_only(folder, db)
    assert result.returncode == 2, result.stdout + result.stderr
    assert str(db) in result.stdout and "read-only" in result.stdout
    assert "--db" in result.stdout
    assert list(folder.iterdir()) == []


def test_read_only_location_for_an_existing_database(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "floor.sqlite"
    Store.open(db).close()
    before = _fingerprint(db)
    result = _run_read_only(folder, db)
    assert result.returncode == 2, result.stdout + result.stderr
    assert str(db) in result.stdout and "read-only" in result.stdout
    assert _fingerprint(db) == before


def test_a_log_left_by_a_killed_writer_waits_for_a_connection_that_holds_it(
        tmp_path: Path) -> None:
    # The next start (a pager after a SIGKILL) while another connection has the file
    # locked, as one recovering the log does: it waits, not "database is locked".
    import threading
    import time

    import apsw

    path = tmp_path / "floor.sqlite"
    subprocess.run([sys.executable, "-c", (
        "import os, sys\n"
        "from core.model import Agent\n"
        "from core.store import Store\n"
        "s = Store.open(sys.argv[1])\n"
        "s.add_agents([Agent(1, 'Olena', ('uk',), (), {}, 'early')])\n"
        "os._exit(0)\n"), str(path)], check=True, cwd=Path(__file__).parents[3])
    assert Path(f"{path}-wal").stat().st_size > 0
    holder = apsw.Connection(str(path))
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")

    def release() -> None:
        time.sleep(0.5)
        holder.execute("COMMIT")
        holder.close()

    threading.Thread(target=release).start()
    with Store.open(path) as store:
        assert [a.name for a in store.agents()] == ["Olena"]
