"""10M contacts' events for the batch KPI benchmark, generated once and cached.

A month of a large floor: 1,000 agents, 50 queues (phone, chat, e-mail), contacts
offered around the clock; 85% answered, 12% abandoned, 3% sent to voicemail. Each
agent works through a chain of contacts, one at a time, so the agents' states are
what a floor reports: BUSY when a contact is taken, WRAP_UP after a phone call,
AVAILABLE when ready again, with breaks and stretches away between contacts. Some
conversations are transferred; every end carries an outcome. Ordered by time, as
a store holds them."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.model import EVENT_DTYPE, AgentState, EventKind, Outcome

CONTACTS = 10_000_000
AGENTS = 1_000
QUEUES = 50
START_MS = 1_793_491_200_000  # 2026-11-01 00:00 UTC
MONTH_MS = 30 * 86_400_000
CACHE = Path(__file__).resolve().parents[1] / ".benchmarks"
VERSION = 2  # of the generator: a cache of another version is not reused
#: Queue q's channel: phone, chat, e-mail in turn.
CHANNEL_OF = {q: (1, 2, 4)[(q - 1) % 3] for q in range(1, QUEUES + 1)}
OUTCOMES = np.array([Outcome.RESOLVED] * 5 + [Outcome.SALE, Outcome.NO_SALE,
                                              Outcome.CALLBACK_SCHEDULED], dtype=np.int64)


def events(contacts: int = CONTACTS) -> np.ndarray:
    cache = CACHE / f"kpi_events_v{VERSION}_{contacts}.npy"
    if cache.exists():
        return np.load(cache)
    out = _generate(contacts)
    cache.parent.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob(f"kpi_events_*_{contacts}.npy"):
        old.unlink()
    np.save(cache, out)
    return out


def _generate(contacts: int) -> np.ndarray:
    rng = np.random.default_rng(42)
    agents = max(1, min(AGENTS, contacts // 100))
    n_ans = int(contacts * 0.85)
    n_miss = contacts - n_ans
    channel_of = np.array([0, *CHANNEL_OF.values()])
    # Answered contacts: each agent's chain of conversations, one after another.
    agent = np.repeat(np.arange(1, agents + 1), -(-n_ans // agents))[:n_ans]
    talk = rng.lognormal(np.log(200_000), 0.8, n_ans).astype(np.int64)
    queue = rng.integers(1, QUEUES + 1, n_ans)
    phone = channel_of[queue] == 1
    wrap = np.where(phone, rng.integers(5_000, 60_000, n_ans), 0)
    gap = rng.exponential(20_000, n_ans).astype(np.int64)
    pause = rng.random(n_ans)
    on_break = pause < 1 / 30  # a 15-minute break before the next contact
    away = (pause >= 1 / 30) & (pause < 1 / 30 + 1 / 100)  # away 5 minutes
    gap = gap + np.where(on_break, 900_000, 0) + np.where(away, 300_000, 0)
    step = talk + wrap + gap
    first = np.r_[True, agent[1:] != agent[:-1]]
    chain = np.cumsum(step) - step  # time before each conversation in its chain...
    chain = chain - np.maximum.accumulate(np.where(first, chain, 0))  # ...from its start
    answer = START_MS + rng.integers(0, 3_600_000, agents)[agent - 1] + chain
    wait = rng.exponential(25_000, n_ans).astype(np.int64)
    end = answer + talk
    ready = end + wrap
    outcome = OUTCOMES[rng.integers(0, len(OUTCOMES), n_ans)]
    transferred = rng.random(n_ans) < 0.04
    # Missed contacts: offered at random, abandoned or sent to voicemail.
    span = int(answer.max() - START_MS) + 1 if n_ans else MONTH_MS
    m_offered = START_MS + rng.integers(0, span, n_miss)
    m_queue = rng.integers(1, QUEUES + 1, n_miss)
    voicemail = rng.random(n_miss) < 0.2
    m_wait = np.where(voicemail, 300_000, rng.exponential(25_000, n_miss).astype(np.int64))
    # Interaction ids in the order contacts were offered.
    offered = np.concatenate([answer - wait, m_offered])
    iid = np.empty(contacts, dtype=np.int64)
    iid[np.argsort(offered, kind="stable")] = np.arange(1, contacts + 1)
    a_iid, m_iid = iid[:n_ans], iid[n_ans:]

    parts = []

    def part(ts, order, kind, ids, agents_, queues, value=-1):
        out = np.zeros(len(ts), dtype=EVENT_DTYPE)
        out["ts_ms"], out["kind"], out["interaction_id"] = ts, int(kind), ids
        out["agent_id"], out["queue_id"] = agents_, queues
        out["channel"] = np.where(np.asarray(ids) >= 0, channel_of[queues], -1)
        out["value"] = value
        out["seq"] = order  # the order of events at one moment; renumbered below
        parts.append(out)

    none = np.full(n_ans, -1)
    state = EventKind.AGENT_STATE
    part(answer - wait, 0, EventKind.ENQUEUED, a_iid, none, queue)
    part(answer, 1, EventKind.ACCEPTED, a_iid, agent, queue)
    part(answer, 2, state, none, agent, none, int(AgentState.BUSY))
    t = transferred
    part(answer[t] + talk[t] // 2, 3, EventKind.TRANSFERRED, a_iid[t], agent[t], queue[t])
    part(end, 4, EventKind.ENDED, a_iid, agent, queue, outcome)
    part(end[phone], 5, state, none[phone], agent[phone], none[phone],
         int(AgentState.WRAP_UP))
    # Ready again: available, or first a break or a stretch away.
    pausing = on_break | away
    part(ready[pausing], 6, state, none[pausing], agent[pausing], none[pausing],
         np.where(on_break[pausing], int(AgentState.BREAK), int(AgentState.AWAY)))
    back = ready + np.where(on_break, 900_000, 0) + np.where(away, 300_000, 0)
    part(back, 7, state, none, agent, none, int(AgentState.AVAILABLE))
    m_none = np.full(n_miss, -1)
    part(m_offered, 0, EventKind.ENQUEUED, m_iid, m_none, m_queue)
    part(m_offered + m_wait, 1, EventKind.ABANDONED, m_iid, m_none, m_queue)
    out = np.concatenate(parts)
    out["kind"][-n_miss:] = np.where(voicemail, int(EventKind.VOICEMAIL),
                                     int(EventKind.ABANDONED))
    out = out[np.lexsort((out["seq"], out["ts_ms"]))]
    out["seq"] = np.arange(1, len(out) + 1)
    return out
