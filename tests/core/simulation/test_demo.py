"""The app's demo floor carries on after the database's last run: restarting the app
never writes a stretch of floor time twice."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

from core.model import EventKind
from core.simulation.demo import resume_floor
from core.store import Store

TZ = zoneinfo.ZoneInfo("Europe/Kyiv")  # normal_day_28's


def _ms(hour: int, minute: int = 0) -> int:
    return int(dt.datetime(2026, 11, 24, hour, minute, tzinfo=TZ).timestamp() * 1000)


def _run(db: Path, now_ms: int) -> tuple[int | None, int]:
    with Store.open(db) as store:
        sim = resume_floor(store, "normal_day_28", now_ms)
        sim.run_until(now_ms)
        sim.flush()
        return store.last_event_ms(), sim.begin_ms


def test_restarts_carry_on_and_never_repeat_time(tmp_path: Path) -> None:
    db = tmp_path / "floor.sqlite"
    last1, begin1 = _run(db, _ms(10))
    assert begin1 == _ms(0) and _ms(9) < last1 <= _ms(10)
    last2, begin2 = _run(db, _ms(10, 30))
    assert begin2 == last1 + 1 and last1 < last2 <= _ms(10, 30)
    # The app ran ahead (a fast speed) and is started again "earlier": nothing new yet.
    last3, begin3 = _run(db, _ms(10, 15))
    assert begin3 == last2 + 1 and last3 == last2
    with Store.open(db) as store:
        events = store.read_columns()
        arrived = events[events["kind"] == int(EventKind.ARRIVED)]["interaction_id"]
        ids = [r[0] for r in store.connection.execute("SELECT id FROM interactions")]
    assert len(set(arrived.tolist())) == len(arrived) == len(ids)
    assert sorted(ids) == list(range(1, len(ids) + 1))
    # Time in the log only moves on from one run to the next.
    second = events[events["ts_ms"] > last1]
    assert len(second) and (events["ts_ms"][: len(events) - len(second)] <= last1).all()


def test_a_new_day_starts_at_midnight_whatever_ran_before(tmp_path: Path) -> None:
    db = tmp_path / "floor.sqlite"
    _run(db, _ms(10))
    next_day = _ms(10) + 86_400_000
    with Store.open(db) as store:
        sim = resume_floor(store, "normal_day_28", next_day)
    assert sim.begin_ms == _ms(0) + 86_400_000
