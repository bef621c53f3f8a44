"""The routing workload of issue 3: 1,000 agents, 50 queues, 10,000 waiting
interactions with mixed channels, kept in a steady state of release -> arrive -> assign."""

from __future__ import annotations

import random
from collections import deque

from core.model import (
    Agent,
    AgentSkill,
    AgentState,
    BlendProfile,
    Channel,
    Direction,
    Interaction,
    Queue,
    WorkMode,
)
from core.routing.policy import BlendPolicy, FloorPolicy, OverflowStep, QueuePolicy

LANGS = ("en", "es", "it", "fr", "uk", "ru", "pl")
SKILLS = ("care", "sales", "billing")
GROUPS = ("care", "sales", "outbound", "web")
T0 = 1_764_000_000_000

# 50 queues: mostly phone and chat, as on the seeds' floor
_MIX = [Channel.PHONE] * 18 + [Channel.CHAT] * 16 + [Channel.EMAIL] * 8 + \
    [Channel.TICKET] * 4 + [Channel.WEB_REQUEST] * 2 + [Channel.OUTBOUND_CALL] * 2
_STRATEGIES = ["longest_idle", "least_occupied", "highest_proficiency", "fewest_handled",
               "round_robin"]


def big_floor(n_agents: int = 1000, seed: int = 3) -> FloorPolicy:
    rng = random.Random(seed)
    queues = []
    for i, ch in enumerate(_MIX):
        lang = LANGS[i % len(LANGS)]
        sales = ch == Channel.OUTBOUND_CALL or (ch == Channel.CHAT and i % 2 == 0)
        steps = (OverflowStep(30, min_proficiency=1),) if ch in (Channel.PHONE,
                                                                 Channel.CHAT) else ()
        queues.append(QueuePolicy(
            Queue(i + 1, f"q{i + 1}", ch, "sales" if sales else rng.choice(["care", "billing"]),
                  lang, 20, _STRATEGIES[i % len(_STRATEGIES)]),
            work=WorkMode.SALES if sales else WorkMode.CARE,
            min_proficiency=2,
            overflow=steps,
        ))
    agents = []
    for aid in range(1, n_agents + 1):
        langs = tuple(rng.sample(LANGS, rng.randint(2, 3)))
        skills = tuple(AgentSkill(s, rng.randint(1, 5)) for s in SKILLS)
        kind = rng.random()
        if kind < 0.4:
            cap = {Channel.PHONE: 1, Channel.EMAIL: 3, Channel.TICKET: 3}
        elif kind < 0.8:
            cap = {Channel.CHAT: rng.randint(3, 5), Channel.EMAIL: 3, Channel.WEB_REQUEST: 2}
        else:
            cap = {Channel.PHONE: 1, Channel.CHAT: 3, Channel.OUTBOUND_CALL: 1}
        agents.append(Agent(aid, f"a{aid}", langs, skills, cap, "day",
                            rng.choice(list(BlendProfile)), rng.choice(GROUPS)))
    return FloorPolicy("bench", LANGS, SKILLS, GROUPS, tuple(queues), tuple(agents),
                       BlendPolicy(outbound_inbound_threshold=50, switch_cost_s=600))


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
