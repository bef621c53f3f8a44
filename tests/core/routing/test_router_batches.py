"""Batch calls (enqueue_many, accept_many, release_many) decide exactly as one call
per event does, and reject bad rows by reason while keeping the good ones."""

from __future__ import annotations

import random

import numpy as np

from core.model import INTERACTION_DTYPE, AgentState, Direction, Interaction
from core.routing import Router
from tests.core.routing.random_floor import random_floor


def _rows(floor, start_id: int, n: int, now: int, rng: random.Random) -> np.ndarray:
    arr = np.zeros(n, dtype=INTERACTION_DTYPE)
    for i in range(n):
        qp = rng.choice(floor.queues)
        arr[i] = (start_id + i, int(qp.queue.channel), int(Direction.INBOUND),
                  floor.languages.index(qp.queue.language), qp.queue.id, rng.randint(0, 2),
                  now - rng.randint(0, 30_000), 0)
    return arr


def _interaction(floor, row) -> Interaction:
    return Interaction(int(row["id"]), int(row["channel"]), Direction.INBOUND,
                       floor.languages[int(row["language"])], int(row["queue_id"]),
                       int(row["priority"]), "", int(row["arrived_ms"]))


def test_batches_decide_like_single_calls() -> None:
    for seed in range(40):
        rng = random.Random(seed)
        floor = random_floor(rng, n_agents=8)
        one, many = Router(floor), Router(floor)
        now = 1_000_000_000
        for a in floor.agents:
            one.set_agent_state(a.id, AgentState.AVAILABLE, now)
            many.set_agent_state(a.id, AgentState.AVAILABLE, now)
        next_id = 1
        for _ in range(30):
            now += rng.choice([1_000, 10_000, 40_000])
            rows = _rows(floor, next_id, rng.randint(0, 6), now, rng)
            next_id += len(rows)
            for row in rows:
                assert one.enqueue(_interaction(floor, row), now) is None
            assert many.enqueue_many(rows, now) == []
            got_one = one.assign(now)
            iids, aids = many.assign_arrays(now)
            assert got_one == list(zip(iids.tolist(), aids.tolist(), strict=True))
            for iid, aid in got_one:
                one.accept(aid, iid, now)
            assert many.accept_many(iids, aids, now) == []
            done = got_one[: rng.randint(0, len(got_one))]
            for iid, aid in done:
                one.release(aid, iid, now + 1)
            assert many.release_many(np.array([d[0] for d in done], dtype=np.int64),
                                     np.array([d[1] for d in done], dtype=np.int64),
                                     now + 1) == []
        ev1, ev2 = one.take_events(), many.take_events()
        assert sorted(map(tuple, ev1.tolist())) == sorted(map(tuple, ev2.tolist()))


def test_bad_rows_are_rejected_by_reason_and_good_rows_kept() -> None:
    floor = random_floor(random.Random(1), n_agents=3)
    r = Router(floor)
    rows = _rows(floor, 1, 6, 1_000_000, random.Random(2))
    rows[1]["queue_id"] = 999
    rows[2]["language"] = 99
    rows[3]["priority"] = 12
    rows[4]["channel"] = (rows[4]["channel"] % 7) + 1
    rows[5]["id"] = rows[0]["id"]  # duplicate of a good row
    rejected = r.enqueue_many(rows, 1_000_000)
    reasons = sorted(x.reason for x in rejected)
    assert reasons == sorted(["unknown queue", "unknown language", "priority out of range",
                              "channel differs from the queue's", "interaction already queued"])
    assert r.waiting == 1
    assert sum(r.rejections.values()) == 5
