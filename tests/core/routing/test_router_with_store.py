"""The router's decisions as stored events (STORE-1), and determinism (ROUTE-7)."""

from __future__ import annotations

import random

from core.config.floor import load_floor
from core.model import AgentState, Direction, Interaction
from core.routing import Router
from core.store import Store
from tests.core.routing.test_floor_file import SEED_FLOOR

T = 1_764_000_000_000


def _day(floor, seed: int):
    """A stretch of the seed floor: every agent logs in, interactions arrive, the
    router offers, agents accept and finish; returns decisions and events."""
    rng = random.Random(seed)
    r = Router(floor)
    for a in floor.agents:
        r.set_agent_state(a.id, AgentState.AVAILABLE, T)
    decisions, connected, now = [], [], T
    for i in range(400):
        now += rng.randint(100, 4_000)
        qp = rng.choice(floor.queues)
        r.enqueue(Interaction(i + 1, qp.queue.channel, Direction.INBOUND, qp.queue.language,
                              qp.queue.id, 0, "", now), now)
        made = r.assign(now)
        decisions += made
        for iid, aid in made:
            if rng.random() < 0.9:  # one in ten offers goes unanswered
                r.accept(aid, iid, now + 500)
                connected.append((iid, aid))
        if connected and rng.random() < 0.6:
            iid, aid = connected.pop(rng.randrange(len(connected)))
            r.release(aid, iid, now + 1_000)
    return decisions, r.take_events()


def test_same_inputs_same_decisions() -> None:
    floor = load_floor(SEED_FLOOR)
    d1, e1 = _day(floor, 7)
    d2, e2 = _day(floor, 7)
    assert d1 == d2 and (e1 == e2).all() and len(d1) > 100
    d3, _ = _day(floor, 8)
    assert d3 != d1


def test_router_events_go_into_the_store(tmp_path) -> None:
    floor = load_floor(SEED_FLOOR)
    decisions, events = _day(floor, 7)
    with Store.open(tmp_path / "floor.sqlite") as store:
        store.append(events)
        c = store.connection
        kinds = dict(c.execute("SELECT kind, count(*) FROM v_events GROUP BY kind").fetchall())
        assert kinds["OFFERED"] == len(decisions)
        assert kinds["ENQUEUED"] == 400
        assert kinds["NO_ANSWER"] > 0 and kinds["AGENT_STATE"] > 0
        offered = c.execute("SELECT interaction_id, agent_id FROM events WHERE kind = 3 "
                            "ORDER BY seq").fetchall()
        assert offered == decisions
