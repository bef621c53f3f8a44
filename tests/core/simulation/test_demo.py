"""The app's demo floor carries on after the database's last run: restarting the app
never writes a stretch of floor time twice, and what the stopped run left open ends
where it stopped."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import numpy as np

from core.floor.demo import STOPPED, resume_floor
from core.floor.floor import Floor
from core.kpi.batch import KpiSettings
from core.kpi.contacts import contact_facts
from core.kpi.incremental import IncrementalKpis
from core.model import AgentState, EventKind, Outcome
from core.store import Store

TZ = zoneinfo.ZoneInfo("Europe/Kyiv")  # normal_day_28's


def _ms(hour: int, minute: int = 0) -> int:
    return int(dt.datetime(2026, 11, 24, hour, minute, tzinfo=TZ).timestamp() * 1000)


def _run(db: Path, now_ms: int) -> tuple[int | None, int]:
    with Floor(db) as floor:
        sim = resume_floor(floor, "normal_day_28", now_ms)
        sim.run_until(now_ms)
        sim.flush()
        return floor.read(lambda s: s.last_event_ms()), sim.begin_ms


def test_restarts_carry_on_and_never_repeat_time(tmp_path: Path) -> None:
    db = tmp_path / "floor.sqlite"
    last1, begin1 = _run(db, _ms(10))
    assert begin1 == _ms(0) and _ms(9) < last1 <= _ms(10)
    last2, begin2 = _run(db, _ms(10, 30))
    # The first run's open work was closed at last1 + 1; the second began after it.
    assert begin2 == last1 + 2 and last1 < last2 <= _ms(10, 30)
    # The app ran ahead (a fast speed) and is started again "earlier": nothing new yet
    # but the close of the second run's open work.
    last3, begin3 = _run(db, _ms(10, 15))
    assert begin3 == last2 + 2 and last3 == last2 + 1
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
    with Floor(db) as floor:
        sim = resume_floor(floor, "normal_day_28", next_day)
    assert sim.begin_ms == _ms(0) + 86_400_000


def test_a_stopped_run_leaves_nothing_waiting_or_busy(tmp_path: Path) -> None:
    db = tmp_path / "floor.sqlite"
    last1, _ = _run(db, _ms(10))
    with Store.open(db) as store:
        before = contact_facts(store.read_columns())
        waiting = int(((before.offered_ms >= 0) & (before.how == 0)).sum())
        talking = int(((before.how == 1) & (before.ended_ms < before.resolved_ms)).sum())
        assert waiting + talking > 0  # a floor at 10:00 is busy
        with Floor(db) as floor:
            resume_floor(floor, "normal_day_28", _ms(10, 30))  # closes, writes nothing else
        events, details = store.read_columns(), store.load_events()
        closing = events[events["ts_ms"] == last1 + 1]
        assert all(e.detail == STOPPED for e in details if e.ts_ms == last1 + 1)
        after = contact_facts(events)
        live = IncrementalKpis(KpiSettings(), {q.id: q.channel for q in store.queue_rows()})
        live.apply(events)
    assert ((after.offered_ms >= 0) & (after.how == 0)).sum() == 0
    assert ((after.how == 1) & (after.ended_ms < after.resolved_ms)).sum() == 0
    dropped = closing[closing["kind"] == EventKind.ENDED]
    assert len(dropped) == waiting + talking and (dropped["value"] == Outcome.DROPPED).all()
    assert (closing["kind"] == EventKind.ABANDONED).sum() == waiting
    # Nobody waits and every agent is logged out, as the live engine sees it.
    now = live.now()
    assert now.waiting == {} and set(now.agent_state.values()) == {AgentState.OFFLINE}
    assert np.isin(closing["kind"], [EventKind.ABANDONED, EventKind.ENDED,
                                     EventKind.AGENT_STATE, EventKind.AGENT_LOGOUT]).all()
