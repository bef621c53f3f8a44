"""A small, fixed floor for tests: queues, agents, interactions with real-looking
numbers of every type, and their lifecycle events."""

from __future__ import annotations

from core.model import (
    Agent,
    AgentSkill,
    AgentState,
    BlendProfile,
    Channel,
    Direction,
    Event,
    EventKind,
    Interaction,
    Outcome,
    Queue,
)
from core.store import Store

T0 = 1_764_000_000_000  # 2025-11-24T16:00:00Z

QUEUES = [
    Queue(1, "care-en-phone", Channel.PHONE, "care", "en", 20),
    Queue(2, "sales-uk-chat", Channel.CHAT, "sales", "uk", 15, "highest_proficiency"),
    Queue(3, "care-pl-email", Channel.EMAIL, "care", "pl", 4 * 3600),
]

AGENTS = [
    Agent(1, "Olena", ("uk", "ru", "en"), (AgentSkill("sales", 5), AgentSkill("care", 3)),
          {Channel.PHONE: 1, Channel.CHAT: 4}, "early", BlendProfile.BLENDED, "A"),
    Agent(2, "Marco", ("it", "en", "es"), (AgentSkill("care", 4),),
          {Channel.PHONE: 1, Channel.EMAIL: 3}, "late", BlendProfile.CARE_ONLY, "B"),
]

# Mobile and landline numbers written in different notations; 2 repeat callers.
NUMBERS = [
    "+380 67 123 4567",   # UA mobile
    "+380671234567",      # the same mobile, other notation
    "+44 20 7946 0018",   # GB landline
    "020 7946 0018",      # the same landline, national notation
    "+48 512 345 678",    # PL mobile
    "2041",               # internal extension
    "+39 06 6988 1234",   # IT landline
    "",                   # withheld
]


def interactions() -> list[Interaction]:
    out = []
    for i, number in enumerate(NUMBERS, start=1):
        q = QUEUES[i % len(QUEUES)]
        out.append(Interaction(i, q.channel, Direction.INBOUND, q.language, q.id, i % 3,
                               number, T0 + i * 60_000))
    return out


def events() -> list[Event]:
    ev = [Event(T0, EventKind.AGENT_STATE, agent_id=a.id, value=AgentState.AVAILABLE)
          for a in AGENTS]
    for it in interactions():
        t = it.arrived_ms
        agent = 1 + it.id % 2
        ev += [
            Event(t, EventKind.ARRIVED, it.id, channel=it.channel, queue_id=it.queue_id),
            Event(t + 1, EventKind.ENQUEUED, it.id, queue_id=it.queue_id, channel=it.channel),
        ]
        if it.id % 4 == 0:
            ev.append(Event(t + 30_000, EventKind.ABANDONED, it.id, queue_id=it.queue_id))
            continue
        ev += [
            Event(t + 5_000, EventKind.OFFERED, it.id, agent, it.queue_id, it.channel),
            Event(t + 8_000, EventKind.ACCEPTED, it.id, agent, it.queue_id, it.channel),
            Event(t + 8_000, EventKind.AGENT_STATE, agent_id=agent, value=AgentState.BUSY),
            Event(t + 200_000, EventKind.ENDED, it.id, agent, it.queue_id, it.channel,
                  value=Outcome.SALE if agent == 1 else Outcome.RESOLVED,
                  detail={"note": "customer asked for the spring tariff"}),
            Event(t + 200_000, EventKind.AGENT_STATE, agent_id=agent,
                  value=AgentState.AVAILABLE),
        ]
    return ev


def populate(store: Store, region: str = "GB") -> None:
    store.add_queues(QUEUES)
    store.add_agents(AGENTS)
    store.add_interactions(interactions(), region=region)
    store.append(events())
