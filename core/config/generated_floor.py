"""Floors made by rule, for load scenarios (1,000 and 10,000 agents)."""

from __future__ import annotations

import random

from core.model import Agent, AgentSkill, BlendProfile, Channel, Queue, WorkMode
from core.model.floor_policy import (
    DEFAULT_SLA_S,
    BlendPolicy,
    FloorPolicy,
    OverflowStep,
    QueuePolicy,
)

LANGS = ("en", "es", "it", "fr", "uk", "ru", "pl")
SKILLS = ("care", "sales", "billing")
GROUPS = ("care", "sales", "outbound", "web")

# 50 queues: mostly phone and chat, as on the seeds' floor
_MIX = [Channel.PHONE] * 18 + [Channel.CHAT] * 16 + [Channel.EMAIL] * 8 + \
    [Channel.TICKET] * 4 + [Channel.WEB_REQUEST] * 2 + [Channel.OUTBOUND_CALL] * 2
_STRATEGIES = ["longest_idle", "least_occupied", "highest_proficiency", "fewest_handled",
               "round_robin"]


def generated_floor(n_agents: int = 1000, seed: int = 3) -> FloorPolicy:
    """A large floor for load scenarios: 50 queues (phone and chat most), seven
    languages, agents with two or three languages and mixed channel profiles."""
    rng = random.Random(seed)
    queues = []
    for i, ch in enumerate(_MIX):
        lang = LANGS[i % len(LANGS)]
        sales = ch == Channel.OUTBOUND_CALL or (ch == Channel.CHAT and i % 2 == 0)
        steps = (OverflowStep(30, min_proficiency=1),) if ch in (Channel.PHONE,
                                                                 Channel.CHAT) else ()
        queues.append(QueuePolicy(
            Queue(i + 1, f"q{i + 1}", ch, "sales" if sales else rng.choice(["care", "billing"]),
                  lang, DEFAULT_SLA_S[ch], _STRATEGIES[i % len(_STRATEGIES)]),
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
        shift = ("early", "late", "night")[aid % 3]
        agents.append(Agent(aid, f"Agent {aid}", langs, skills, cap, shift,
                            rng.choice(list(BlendProfile)), rng.choice(GROUPS)))
    return FloorPolicy("bench", LANGS, SKILLS, GROUPS, tuple(queues), tuple(agents),
                       BlendPolicy(outbound_inbound_threshold=50, switch_cost_s=600))
