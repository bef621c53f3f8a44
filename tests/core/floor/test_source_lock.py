"""Issue 16, item 4: one source of interactions per database: the app's simulated
floor and `floorboard simulate` refuse to run beside another (which would hand out
the same interaction ids), and the lock goes with its holder."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import StoreError
from core.floor.demo import resume_floor
from core.floor.floor import Floor
from core.store.source_lock import lock_path


def test_a_second_floor_source_is_refused_until_the_first_closes(tmp_path: Path) -> None:
    db = tmp_path / "floor.sqlite"
    with Floor(db) as first:
        first.claim_source("floorboard simulate normal_day_28")
        first.claim_source("again: the holder may ask twice")
        with Floor(db) as second:
            with pytest.raises(StoreError) as err:
                resume_floor(second, "normal_day_28", 1_790_000_000_000)
            assert "floorboard simulate normal_day_28" in str(err.value)
            assert str(db) in str(err.value)
            # Refused before anything was written: the first's open work is not
            # closed as if it had stopped.
            assert second.read(lambda s: s.last_event_ms()) is None
    with Floor(db) as later:
        later.claim_source("the next one")
    assert lock_path(db).exists()


def test_a_closed_floor_leaves_its_data_in_the_database_file(tmp_path: Path) -> None:
    import shutil
    import sqlite3

    db = tmp_path / "floor.sqlite"
    with Floor(db) as floor:
        floor.claim_source("test")
        sim = resume_floor(floor, "normal_day_28", 1_790_000_000_000, days=1)
        sim.run_until(sim.begin_ms + 3_600_000)
        sim.flush()
        assert floor.read(lambda s: s.last_event_ms()) is not None  # a reader was used
    # The readers closed before the writer, which folded the WAL in: a copy of the
    # main file alone, as a user makes one, holds the events.
    assert not Path(f"{db}-wal").exists()
    copy = tmp_path / "copy.sqlite"
    shutil.copy(db, copy)
    with sqlite3.connect(copy) as c:
        assert c.execute("SELECT count(*) FROM events").fetchone()[0] > 0


def test_a_holder_whose_command_line_is_not_utf8_is_still_named(tmp_path: Path) -> None:
    import os

    from core.store.source_lock import SourceLock

    db = tmp_path / "floor.sqlite"
    name = os.fsdecode(b"calls-\xff.tsv")  # a file name kept as a surrogate
    with SourceLock(db, f"floorboard import anonymous-bank {name}"):
        with pytest.raises(StoreError) as err:
            SourceLock(db, "floorboard simulate normal_day_28").acquire()
    assert "calls-\\xff.tsv" in str(err.value)
