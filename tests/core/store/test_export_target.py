"""Issue 16, item 1: an export never replaces the database it reads, nor any part
of an open SQLite database (its main file, -wal or -shm)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.errors import ExportError
from core.store import Store
from core.store.export import export_snapshot
from tests import floor_data


def _intact(db: Path) -> tuple[int, list[str]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        events = c.execute("SELECT count(*) FROM events").fetchone()[0]
        numbers = [r[0] for r in c.execute(
            "SELECT customer_number FROM interactions ORDER BY id")]
    return events, numbers


@pytest.mark.parametrize("target", ["", "-wal", "-shm", "-journal"])
@pytest.mark.parametrize("pseudonymize", [False, True])
def test_export_onto_its_own_database_is_refused_and_the_database_kept(
        populated_db: Path, target: str, pseudonymize: bool) -> None:
    before = _intact(populated_db)
    out = Path(f"{populated_db}{target}")
    with Store.open(populated_db) as store, pytest.raises(ExportError) as err:
        export_snapshot(store, out, force=True,
                        pseudonymize_key=bytes(range(32)) if pseudonymize else None)
    assert str(populated_db) in str(err.value) and "never replaces" in str(err.value)
    assert _intact(populated_db) == before
    assert before[0] > 0 and any(before[1])


def test_export_through_another_name_of_the_database_is_refused(populated_db: Path) -> None:
    link = populated_db.with_name("alias.sqlite")
    link.symlink_to(populated_db)
    before = _intact(populated_db)
    with Store.open(populated_db) as store, pytest.raises(ExportError, match="being exported"):
        export_snapshot(store, link, force=True)
    assert _intact(populated_db) == before


def test_export_over_another_open_database_is_refused(populated_db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with Store.open(other) as held:
        floor_data.populate(held)
        before = _intact(other)
        assert Path(f"{other}-wal").exists()
        with Store.open(populated_db) as store:
            with pytest.raises(ExportError, match="open or was left mid-write"):
                export_snapshot(store, other, force=True)
            with pytest.raises(ExportError, match="belongs to the SQLite database"):
                export_snapshot(store, Path(f"{other}-wal"), force=True)
        assert _intact(other) == before


def test_a_closed_earlier_export_is_still_replaced_with_force(populated_db: Path,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "for-analysts.sqlite"
    with Store.open(populated_db) as store:
        export_snapshot(store, out)
        with pytest.raises(ExportError, match="already exists"):
            export_snapshot(store, out)
        report = export_snapshot(store, out, force=True)
    assert report.events == _intact(populated_db)[0]


def test_the_command_refuses_in_one_line(populated_db: Path) -> None:
    from tests.cli.test_cli import floorboard

    before = _intact(populated_db)
    r = floorboard("export", str(populated_db), "--force", "--db", str(populated_db))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "is the database being exported" in r.stderr
    assert _intact(populated_db) == before
