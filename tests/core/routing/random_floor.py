"""Random floors and event sequences for comparing the routers."""

from __future__ import annotations

import random

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
from core.model.floor_policy import BlendPolicy, FloorPolicy, OverflowStep, QueuePolicy, Strategy

LANGS = ["en", "es", "uk", "ru", "pl"]
SKILLS = ["care", "sales", "billing"]
GROUPS = ["g0", "g1", "g2"]


def random_floor(rng: random.Random, n_agents: int | None = None) -> FloorPolicy:
    langs = LANGS[: rng.randint(1, len(LANGS))]
    skills = SKILLS[: rng.randint(1, len(SKILLS))]
    groups = GROUPS[: rng.randint(0, len(GROUPS))]
    queues = []
    for qid in range(1, rng.randint(1, 6) + 1):
        ch = rng.choice(list(Channel))
        work = WorkMode.SALES if ch == Channel.OUTBOUND_CALL else rng.choice(list(WorkMode))
        min_prof = rng.choice([1, 1, 2, 3])
        secondary = rng.choice([None, *langs])
        steps, after, floor_prof = [], 0, min_prof
        for _ in range(rng.randint(0, 3)):
            after += rng.choice([5, 20, 60])
            lower = rng.random() < 0.5 and floor_prof > 1
            if lower:
                floor_prof = rng.randint(1, floor_prof - 1)
            use2 = secondary is not None and rng.random() < 0.5
            add = tuple(rng.sample(groups, rng.randint(0, len(groups)))) if groups else ()
            anyl = rng.random() < 0.1
            if not (lower or use2 or add or anyl):
                anyl = True
            steps.append(OverflowStep(after, floor_prof if lower else None, use2, add, anyl))
        queues.append(QueuePolicy(
            queue=Queue(qid, f"q{qid}", ch, rng.choice(skills), rng.choice(langs),
                        rng.choice([15, 20, 60, 3600]),
                        rng.choice([s.name.lower() for s in Strategy])),
            work=work,
            groups=tuple(rng.sample(groups, rng.randint(0, len(groups)))) if groups else (),
            min_proficiency=min_prof,
            secondary_language=secondary,
            no_answer_s=rng.choice([0, 0, 10, 30]),
            voicemail_after_s=rng.choice([0, 90]) if ch == Channel.PHONE else 0,
            overflow=tuple(steps),
        ))
    agents = []
    for aid in range(1, (n_agents or rng.randint(2, 12)) + 1):
        channels = rng.sample(list(Channel), rng.randint(1, 4))
        cap = {c: 1 if c in (Channel.PHONE, Channel.CALLBACK, Channel.OUTBOUND_CALL)
               else rng.randint(1, 5) for c in channels}
        agents.append(Agent(
            aid, f"a{aid}", tuple(rng.sample(langs, rng.randint(1, len(langs)))),
            tuple(AgentSkill(s, rng.randint(1, 5))
                  for s in rng.sample(skills, rng.randint(1, len(skills)))),
            cap, rng.choice(["early", "late"]),
            rng.choice([*BlendProfile, BlendProfile.BLENDED, BlendProfile.BLENDED]),
            rng.choice(groups) if groups else "",
        ))
    return FloorPolicy("random", tuple(langs), tuple(skills), tuple(groups), tuple(queues),
                       tuple(agents),
                       BlendPolicy(rng.randint(0, 3), rng.choice([0, 60, 600])))


PRESENCE = [AgentState.AVAILABLE] * 5 + [AgentState.AWAY, AgentState.BREAK,
                                          AgentState.WRAP_UP, AgentState.OFFLINE]


def interaction(rng: random.Random, floor: FloorPolicy, iid: int, now: int) -> Interaction:
    qp = rng.choice(floor.queues)
    lang = qp.queue.language if rng.random() < 0.8 else rng.choice(floor.languages)
    arrived = now - (rng.choice([0, 0, 0, 5_000, 40_000]))
    return Interaction(iid, qp.queue.channel, Direction.INBOUND, lang, qp.queue.id,
                       rng.choice([0, 0, 1, 2]), "", arrived)
