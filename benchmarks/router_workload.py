"""The routing workload of issue 3: 1,000 agents, 50 queues, 10,000 waiting
interactions with mixed channels, kept in a steady state of release -> arrive -> assign."""

from __future__ import annotations

import random
from collections import deque

from core.config.generated_floor import generated_floor as big_floor
from core.model import AgentState, Direction, Interaction
from core.model.floor_policy import FloorPolicy

__all__ = ["T0", "BatchSteadyFloor", "SteadyFloor", "big_floor"]

T0 = 1_764_000_000_000


class SteadyFloor:
    """Drives any router with the same calls: enqueue, assign, accept, release."""

    def __init__(self, router, floor: FloorPolicy, waiting: int = 10_000, seed: int = 5):
        self.r = router
        self.floor = floor
        self.rng = random.Random(seed)
        self.now = T0
        self.next_id = 1
        self.connected: deque[tuple[int, int]] = deque()
        for a in floor.agents:
            router.set_agent_state(a.id, AgentState.AVAILABLE, self.now)
        for _ in range(waiting):
            self.arrive()
        self.decide()

    def arrive(self) -> None:
        qp = self.floor.queues[self.rng.randrange(len(self.floor.queues))]
        self.r.enqueue(Interaction(self.next_id, qp.queue.channel, Direction.INBOUND,
                                   qp.queue.language, qp.queue.id, self.rng.randint(0, 2), "",
                                   self.now))
        self.next_id += 1

    def decide(self) -> int:
        decisions = self.r.assign(self.now)
        for iid, aid in decisions:
            self.r.accept(aid, iid, self.now)
            self.connected.append((iid, aid))
        return len(decisions)

    def round(self, releases: int) -> int:
        """Release the oldest `releases` conversations, let as many arrive, assign."""
        self.now += 1000
        for _ in range(min(releases, len(self.connected))):
            iid, aid = self.connected.popleft()
            self.r.release(aid, iid, self.now)
            self.arrive()
        return self.decide()


class BatchSteadyFloor:
    """The same steady state fed through the router's batch calls, as a live adapter
    or the simulator does: per round, release the oldest conversations, let as many
    new interactions arrive, assign, and accept the offers."""

    def __init__(self, router, floor: FloorPolicy, waiting: int = 10_000, seed: int = 5):
        import numpy as np

        from core.model import INTERACTION_DTYPE

        self.np = np
        self.r = router
        self.now = T0
        rng = np.random.default_rng(seed)
        # Arrivals drawn up front so the timed loop measures the router, not the dice.
        total = waiting + 2_000_000
        q = rng.integers(0, len(floor.queues), total)
        self.rows = np.zeros(total, dtype=INTERACTION_DTYPE)
        self.rows["id"] = np.arange(1, total + 1)
        self.rows["channel"] = np.array([int(qp.queue.channel) for qp in floor.queues])[q]
        self.rows["language"] = np.array(
            [floor.languages.index(qp.queue.language) for qp in floor.queues])[q]
        self.rows["queue_id"] = np.array([qp.queue.id for qp in floor.queues])[q]
        self.rows["priority"] = rng.integers(0, 3, total)
        self.next = 0
        self.events = 0
        self.conn_i = np.zeros(0, dtype=np.int64)
        self.conn_a = np.zeros(0, dtype=np.int64)
        for a in floor.agents:
            router.set_agent_state(a.id, AgentState.AVAILABLE, self.now)
        self.arrive(waiting)
        self.decide()

    def arrive(self, n: int) -> None:
        rows = self.rows[self.next:self.next + n]
        rows["arrived_ms"] = self.now
        self.next += n
        self.r.enqueue_many(rows, self.now)

    def decide(self) -> int:
        iids, aids = self.r.assign_arrays(self.now)
        self.r.accept_many(iids, aids, self.now)
        self.conn_i = self.np.concatenate([self.conn_i, iids])
        self.conn_a = self.np.concatenate([self.conn_a, aids])
        return len(iids)

    def round(self, releases: int) -> int:
        self.now += 1000
        k = min(releases, len(self.conn_i))
        self.r.release_many(self.conn_i[:k], self.conn_a[:k], self.now)
        self.conn_i, self.conn_a = self.conn_i[k:], self.conn_a[k:]
        self.arrive(k)
        made = self.decide()
        self.events += len(self.r.take_events())  # the store writer drains them each tick
        return made
