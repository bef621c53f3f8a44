"""The read commands open the database as readers: read-only, no migration of a
current file, no write lock, and they work in a folder the user cannot write to."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import apsw
import pytest

from core.errors import StoreError
from core.store import Store, migrations
from tests import floor_data
from tests.read_only import run_in_read_only_folder


def _fingerprint(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


def _read_only_run(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """`floorboard ARGS` where ``folder`` is truly read-only."""
    return run_in_read_only_folder(folder, [sys.executable, "-m", "desktop.cli", *args])


def test_reports_work_in_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "floor.sqlite"
    with Store.open(db) as s:
        floor_data.populate(s)
    before = _fingerprint(folder)
    for args in (["info"], ["kpi", "--by", "agent"], ["calls"], ["missed", "--format", "csv"]):
        r = _read_only_run(folder, *args, "--db", str(db))
        assert r.returncode == 0, (args, r.stderr)
        assert "cannot write" not in r.stderr
    assert _fingerprint(folder) == before


def test_a_reader_takes_no_write_lock_and_cannot_write(tmp_path: Path) -> None:
    db = tmp_path / "floor.sqlite"
    with Store.open(db) as writer, Store.open_reader(db) as reader:
        floor_data.populate(writer)
        reader.connection.execute("BEGIN")
        assert reader.stats().interactions == 8  # a read transaction is open...
        writer.audit("test", "write while a reader reads")  # ...and the writer writes
        reader.connection.execute("COMMIT")
        with pytest.raises(apsw.ReadOnlyError):
            reader.audit("test", "a reader writes")


def test_an_older_database_is_brought_up_to_date_once_then_read(tmp_path: Path,
                                                                 monkeypatch) -> None:
    db = tmp_path / "floor.sqlite"
    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:-1])
        m.setattr(migrations, "LATEST_VERSION", migrations.LATEST_VERSION - 1)
        Store.open(db).close()
    with Store.open_reader(db) as reader:
        assert reader.stats().schema_version == migrations.LATEST_VERSION


def test_a_reader_refuses_an_empty_file_and_creates_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    with pytest.raises(StoreError, match="an empty database"):
        Store.open_reader(empty)
    with pytest.raises(StoreError, match="no such database; nothing was created"):
        Store.open_reader(tmp_path / "missing.sqlite")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.sqlite"]
