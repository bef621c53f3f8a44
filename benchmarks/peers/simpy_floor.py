"""The peer for the simulator benchmark: a scenario's floor as a SimPy model, the way
an analyst would write one — a process per contact, a process per shift, and a
dispatcher that gives each waiting contact the longest-idle eligible agent.

It takes the same contacts (arrival times, queues, handling times, patience: the same
draws from the same seeded generator as our simulator) and the same floor:
eligibility by language, skill proficiency (widened by the queue's overflow step),
blend profile and channel; chats up to the agent's capacity, a call takes the agent
whole (ROUTE-2); wrap-up after each conversation; contacts served by SLA deadline,
then arrival. What it leaves out of our router: the care/sales switch preference and
outbound gating (load scenarios have no outbound demand), phone lines and voicemail
(not in the load scenarios).
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field

import simpy

from core.clock import local_midnight_ms
from core.model import Channel
from core.model.floor_policy import VOICE_CHANNELS, FloorPolicy, may_do
from core.model.scenario import Scenario
from core.simulation.arrivals import Arrivals


@dataclass
class Agent:
    index: int
    cap: dict[int, int]
    load: dict[int, int] = field(default_factory=dict)
    on_shift: bool = False
    wrapping: bool = False
    last_activity: int = 0

    def voice_active(self) -> bool:
        return any(self.load.get(int(ch), 0) for ch in VOICE_CHANNELS)

    def can_take(self, ch: int) -> bool:
        if (not self.on_shift or self.wrapping or self.cap.get(ch, 0) <= 0
                or self.voice_active()):
            return False
        if ch in _VOICE:
            return self.load.get(int(Channel.CHAT), 0) == 0
        return self.load.get(ch, 0) < self.cap[ch]


_VOICE = {int(ch) for ch in VOICE_CHANNELS}


@dataclass
class Contact:
    index: int
    queue: int
    arrived: int
    deadline: int
    assigned: simpy.Event
    level: int = 0
    gone: bool = False


@dataclass
class Counts:
    answered: int = 0
    in_target: int = 0
    abandoned: int = 0

    @property
    def service_level(self) -> float | None:
        handled = self.answered + self.abandoned
        return self.in_target / handled if handled else None


def _eligible(floor: FloorPolicy) -> list[list[list[int]]]:
    """Per queue and overflow level, the agents who could ever take its work."""
    out = []
    for qp in floor.queues:
        q = qp.queue
        levels, prof = [], qp.min_proficiency
        for level in range(1 + len(qp.overflow)):
            if level:
                step = qp.overflow[level - 1]
                prof = step.min_proficiency or prof
            levels.append([
                i for i, a in enumerate(floor.agents)
                if q.language in a.languages and may_do(a.blend, qp.work)
                and a.capacity.get(q.channel, 0) > 0
                and (not qp.groups or a.team in qp.groups)
                and max((s.proficiency for s in a.skills if s.skill == q.skill), default=0)
                >= prof
            ])
        out.append(levels)
    return out


class FloorModel:
    def __init__(self, scenario: Scenario, arrivals: Arrivals) -> None:
        self.sc = scenario
        self.floor = scenario.floor
        self.arr = arrivals
        self.start = local_midnight_ms(scenario.start, scenario.timezone)
        self.end = local_midnight_ms(scenario.start + dt.timedelta(days=scenario.days),
                                     scenario.timezone)
        self.env = simpy.Environment(initial_time=self.start)
        self.agents = [Agent(i, {int(ch): c for ch, c in a.capacity.items()})
                       for i, a in enumerate(self.floor.agents)]
        self.eligible = _eligible(self.floor)
        self.waiting: list[deque[Contact]] = [deque() for _ in self.floor.queues]
        self.q_channel = [int(q.queue.channel) for q in self.floor.queues]
        self.q_target = [q.queue.sla_target_s * 1000 for q in self.floor.queues]
        self.q_after = [[0] + [s.after_s * 1000 for s in q.overflow] for q in self.floor.queues]
        self.wrap_ms = {int(ch): int(m.wrap_up_s * 1000) for ch, m in scenario.channels.items()}
        self.counts: dict[int, Counts] = {}

    # -- processes -----------------------------------------------------------------

    def arrivals(self):
        arr = self.arr
        for i, (t, q) in enumerate(zip(arr.arrived_ms.tolist(), arr.queue_index.tolist(),
                                       strict=True)):
            if t >= self.end:
                break
            yield self.env.timeout(t - self.env.now)
            self.env.process(self.contact(i, q))

    def contact(self, i: int, q: int):
        env, ch = self.env, self.q_channel[q]
        counts = self.counts.setdefault(ch, Counts())
        c = Contact(i, q, env.now, env.now + self.q_target[q], env.event())
        self.waiting[q].append(c)
        for level, after in enumerate(self.q_after[q][1:], start=1):
            env.process(self.overflow(c, level, after))
        self.dispatch()
        patience = int(self.arr.patience_ms[i])
        if patience >= 1 << 62:
            agent = yield c.assigned
        else:
            got = yield c.assigned | env.timeout(patience)
            if c.assigned not in got:
                c.gone = True
                self.waiting[q].remove(c)
                counts.abandoned += 1
                return
            agent = got[c.assigned]
        wait = env.now - c.arrived
        counts.answered += 1
        counts.in_target += wait <= self.q_target[q]
        yield env.timeout(int(self.arr.handle_ms[i]))
        agent.load[ch] -= 1
        agent.last_activity = env.now
        wrap = self.wrap_ms.get(ch, 0)
        if wrap and agent.on_shift:
            agent.wrapping = True
            yield env.timeout(wrap)
            agent.wrapping = False
            if agent.on_shift:
                agent.last_activity = env.now
        self.dispatch()

    def overflow(self, c: Contact, level: int, after: int):
        yield self.env.timeout(after)
        if not c.gone and not c.assigned.triggered:
            c.level = level
            self.dispatch()

    def shift(self, agent: Agent, start: int, end: int):
        env = self.env
        yield env.timeout(max(start, self.start) - env.now)
        agent.on_shift = True
        agent.last_activity = env.now
        self.dispatch()
        if end < self.end:
            yield env.timeout(end - env.now)
            agent.on_shift = False

    # -- the decision ----------------------------------------------------------------

    def dispatch(self) -> None:
        """Queue heads by SLA deadline; each gets the longest-idle eligible agent."""
        now = self.env.now
        while True:
            heads = sorted((w[0].deadline, w[0].arrived, w[0].index, q)
                           for q, w in enumerate(self.waiting) if w)
            for _, _, _, q in heads:
                c = self.waiting[q][0]
                ch = self.q_channel[q]
                best = None
                for a in self.eligible[q][c.level]:
                    agent = self.agents[a]
                    if agent.can_take(ch) and (best is None
                                               or agent.last_activity < best.last_activity):
                        best = agent
                if best is not None:
                    self.waiting[q].popleft()
                    best.load[ch] = best.load.get(ch, 0) + 1
                    best.last_activity = now
                    c.assigned.succeed(best)
                    break
            else:
                return

    def run(self) -> dict[int, Counts]:
        sc = self.sc
        for d in range(-1, sc.days):
            midnight = local_midnight_ms(sc.start + dt.timedelta(days=d), sc.timezone)
            for agent, spec in zip(self.agents, self.floor.agents, strict=True):
                h0, h1 = sc.shifts[spec.shift]
                start, end = midnight + int(h0 * 3_600_000), midnight + int(h1 * 3_600_000)
                if end > self.start and start < self.end:
                    self.env.process(self.shift(agent, start, end))
        self.env.process(self.arrivals())
        self.env.run(until=self.end)
        return self.counts


def run(scenario: Scenario, arrivals: Arrivals) -> dict[int, Counts]:
    """Service-level counts per channel code for the scenario's contacts."""
    if scenario.sick_rate or scenario.phone_lines:
        raise ValueError("the SimPy peer models floors without sick days and phone lines")
    return FloorModel(scenario, arrivals).run()
