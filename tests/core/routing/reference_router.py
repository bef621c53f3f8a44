"""A plain-Python router that makes the same decisions as core.routing.Router.

Written for clarity, not speed: every assign() tries every waiting interaction in
order (priority, SLA deadline, arrival) against every agent. The compiled router
must agree with it decision by decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.model import AgentState, BlendProfile, Channel, EventKind, Interaction, Outcome
from core.model.floor_policy import (
    LIVE_INBOUND_CHANNELS,
    VOICE_CHANNELS,
    FloorPolicy,
    QueuePolicy,
    Strategy,
    may_do,
)

WAITING, OFFERED, CONNECTED = 1, 2, 3


@dataclass
class RefAgent:
    index: int
    id: int
    languages: set[str]
    prof: dict[str, int]
    cap: dict[int, int]
    blend: BlendProfile
    group: str
    ready: bool = False
    shown: AgentState = AgentState.OFFLINE
    mode: int = 1
    last_switch: int = -(1 << 62)
    switches: int = 0
    last_activity: int = 0
    handled: int = 0
    load: dict[int, int] = field(default_factory=dict)


@dataclass
class RefItem:
    it: Interaction
    qp: QueuePolicy
    seq: int
    state: int = WAITING
    level: int = 0
    agent: RefAgent | None = None
    offered_at: int = 0


class ReferenceRouter:
    def __init__(self, floor: FloorPolicy) -> None:
        self.floor = floor
        self.queues = {q.queue.id: q for q in floor.queues}
        self.agents = [
            RefAgent(i, a.id, set(a.languages), {s.skill: s.proficiency for s in a.skills},
                     {int(c): n for c, n in a.capacity.items()}, a.blend, a.team,
                     mode=2 if a.blend == BlendProfile.SALES_ONLY else 1)
            for i, a in enumerate(floor.agents)
        ]
        self.by_id = {a.id: a for a in self.agents}
        self.items: dict[int, RefItem] = {}
        self.seq = 0
        self.events: list[tuple] = []
        self.rr: dict[int, int] = {}

    # -- helpers ------------------------------------------------------------------

    def emit(self, ts, kind, iid=-1, aid=-1, qid=-1, ch=-1, value=-1) -> None:
        self.events.append((ts, int(kind), iid, aid, qid, ch, value))

    @staticmethod
    def load(a: RefAgent, ch: int) -> int:
        return a.load.get(ch, 0)

    def can_take(self, a: RefAgent, ch: int) -> bool:
        if a.cap.get(ch, 0) <= 0:
            return False
        if any(self.load(a, int(v)) for v in VOICE_CHANNELS):
            return False
        if Channel(ch) in VOICE_CHANNELS:
            return self.load(a, int(Channel.CHAT)) == 0
        return self.load(a, ch) < a.cap[ch]

    def is_open(self, a: RefAgent) -> bool:
        return a.ready and any(self.can_take(a, ch) for ch in range(1, 8))

    def report(self, a: RefAgent, presence: AgentState, now: int) -> None:
        shown = presence
        if presence == AgentState.AVAILABLE and sum(a.load.values()) > 0:
            shown = AgentState.BUSY
        if shown != a.shown:
            a.shown = shown
            self.emit(now, EventKind.AGENT_STATE, aid=a.id, value=int(shown))

    def pool(self, item: RefItem):
        """The widening of each overflow step, taken up to the item's level."""
        qp = item.qp
        min_prof, use2, anyl = qp.min_proficiency, False, False
        groups = set(qp.groups)
        for step in qp.overflow[: item.level]:
            if step.min_proficiency:
                min_prof = step.min_proficiency
            use2 |= step.secondary_language
            anyl |= step.any_language
            groups |= set(step.groups)
        return min_prof, use2, anyl, (groups if qp.groups else set())

    def eligible(self, a: RefAgent, item: RefItem, now: int, gate_open: bool) -> bool:
        qp = item.qp
        ch = int(qp.queue.channel)
        if qp.queue.channel == Channel.OUTBOUND_CALL and not gate_open:
            return False
        if not self.can_take(a, ch) or not may_do(a.blend, qp.work):
            return False
        min_prof, use2, anyl, groups = self.pool(item)
        speaks = (anyl or item.it.language in a.languages
                  or (use2 and qp.secondary_language in a.languages))
        return (speaks and a.prof.get(qp.queue.skill, 0) >= min_prof
                and (not groups or a.group in groups))

    def rank(self, a: RefAgent, item: RefItem, now: int) -> tuple:
        qp = item.qp
        tier = 0
        if a.blend == BlendProfile.BLENDED and a.mode != int(qp.work):
            tier = 2 if now - a.last_switch < self.floor.blend.switch_cost_s * 1000 else 1
        strategy = qp.strategy
        if strategy == Strategy.LONGEST_IDLE:
            primary = a.last_activity
        elif strategy == Strategy.LEAST_OCCUPIED:
            primary = sum(self.load(a, c) * 1000 // a.cap[c] for c in range(1, 8)
                          if a.cap.get(c, 0) > 0)
        elif strategy == Strategy.HIGHEST_PROFICIENCY:
            primary = -a.prof.get(qp.queue.skill, 0)
        elif strategy == Strategy.FEWEST_HANDLED:
            primary = a.handled
        else:
            primary = (a.index - self.rr.get(qp.queue.id, -1) - 1) % len(self.agents)
        return (tier, primary, a.last_activity, a.index)

    # -- the API (same as core.routing.Router, minus input checks) -------------------

    def enqueue(self, it: Interaction, now: int | None = None) -> None:
        self.seq += 1
        qp = self.queues[it.queue_id]
        self.items[it.id] = RefItem(it, qp, self.seq)
        self.emit(it.arrived_ms if now is None else now, EventKind.ENQUEUED, it.id,
                  qid=qp.queue.id, ch=int(qp.queue.channel))

    def set_agent_state(self, agent_id: int, state: AgentState, now: int) -> None:
        a = self.by_id[agent_id]
        ready = state == AgentState.AVAILABLE
        if ready and not a.ready:
            a.last_activity = now
        a.ready = ready
        self.report(a, state, now)

    def accept(self, agent_id: int, iid: int, now: int) -> None:
        item = self.items[iid]
        a = self.by_id[agent_id]
        assert item.state == OFFERED and item.agent is a
        item.state = CONNECTED
        a.handled += 1
        self.emit(now, EventKind.ACCEPTED, iid, a.id, item.qp.queue.id,
                  int(item.qp.queue.channel))

    def release(self, agent_id: int, iid: int, now: int, outcome=Outcome.RESOLVED) -> None:
        item = self.items.pop(iid)
        a = self.by_id[agent_id]
        assert item.state == CONNECTED and item.agent is a
        ch = int(item.qp.queue.channel)
        a.load[ch] -= 1
        a.last_activity = now
        self.emit(now, EventKind.ENDED, iid, a.id, item.qp.queue.id, ch, int(outcome))
        self.report(a, AgentState.AVAILABLE if a.ready else a.shown, now)

    def abandon(self, iid: int, now: int) -> None:
        item = self.items.pop(iid)
        a = item.agent
        assert item.state in (WAITING, OFFERED)
        if item.state == OFFERED:
            a.load[int(item.qp.queue.channel)] -= 1
        self.emit(now, EventKind.ABANDONED, iid, a.id if a else -1, item.qp.queue.id,
                  int(item.qp.queue.channel))
        if a is not None:
            self.report(a, AgentState.AVAILABLE if a.ready else a.shown, now)

    def run_timers(self, now: int) -> None:
        for item in sorted(self.items.values(), key=lambda x: x.seq):
            qp = item.qp
            if item.state == OFFERED and qp.no_answer_s and \
                    now - item.offered_at >= qp.no_answer_s * 1000:
                a = item.agent
                a.load[int(qp.queue.channel)] -= 1
                item.state, item.agent = WAITING, None
                self.emit(now, EventKind.NO_ANSWER, item.it.id, a.id, qp.queue.id,
                          int(qp.queue.channel))
                a.ready = False
                self.report(a, AgentState.AWAY, now)
        for item in sorted(self.items.values(), key=lambda x: x.seq):
            if item.state != WAITING:
                continue
            qp = item.qp
            waited = now - item.it.arrived_ms
            if qp.voicemail_after_s and waited >= qp.voicemail_after_s * 1000:
                del self.items[item.it.id]
                self.emit(now, EventKind.VOICEMAIL, item.it.id, qid=qp.queue.id,
                          ch=int(qp.queue.channel))
                continue
            while item.level < len(qp.overflow) and \
                    waited >= qp.overflow[item.level].after_s * 1000:
                item.level += 1
                self.emit(now, EventKind.OVERFLOW_STEP, item.it.id, qid=qp.queue.id,
                          ch=int(qp.queue.channel), value=item.level)

    def assign(self, now: int) -> list[tuple[int, int]]:
        self.run_timers(now)
        waiting = [x for x in self.items.values() if x.state == WAITING]
        live = sum(x.qp.queue.channel in LIVE_INBOUND_CHANNELS for x in waiting)
        gate_open = live < self.floor.blend.outbound_inbound_threshold
        waiting.sort(key=lambda x: (-x.it.priority,
                                    x.it.arrived_ms + x.qp.queue.sla_target_s * 1000, x.seq))
        decisions = []
        # Offers only ever take room, so the agents open at the start are the only ones
        # that can be open later in this pass.
        open_agents = [a for a in self.agents if self.is_open(a)]
        for item in waiting:
            candidates = [a for a in open_agents if self.eligible(a, item, now, gate_open)]
            if not candidates:
                continue
            a = min(candidates, key=lambda c: self.rank(c, item, now))
            self.offer(item, a, now)
            decisions.append((item.it.id, a.id))
            if not self.is_open(a):
                open_agents.remove(a)
        return decisions

    def offer(self, item: RefItem, a: RefAgent, now: int) -> None:
        qp = item.qp
        work = int(qp.work)
        if a.blend == BlendProfile.BLENDED and a.mode != work:
            a.mode, a.switches, a.last_switch = work, a.switches + 1, now
            self.emit(now, EventKind.AGENT_MODE, aid=a.id, value=work)
        ch = int(qp.queue.channel)
        a.load[ch] = self.load(a, ch) + 1
        a.last_activity = now
        item.state, item.agent, item.offered_at = OFFERED, a, now
        self.rr[qp.queue.id] = a.index
        self.emit(now, EventKind.OFFERED, item.it.id, a.id, qp.queue.id, ch)
        self.report(a, AgentState.AVAILABLE, now)

    def take_events(self) -> list[tuple]:
        out, self.events = self.events, []
        return out
