"""10M contacts' events for the batch KPI benchmark, generated once and cached.

A month of a large floor: 1,000 agents, 50 queues (phone, chat, e-mail), contacts
offered around the clock; 85% answered (after a wait, then a conversation), 12%
abandoned, 3% sent to voicemail. Three events for an answered contact, two for the
others, ordered by time as a store holds them."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.model import EVENT_DTYPE, EventKind

CONTACTS = 10_000_000
AGENTS = 1_000
QUEUES = 50
START_MS = 1_793_491_200_000  # 2026-11-01 00:00 UTC
MONTH_MS = 30 * 86_400_000
CACHE = Path(__file__).resolve().parents[1] / ".benchmarks" / f"kpi_events_{CONTACTS}.npy"
#: Queue q's channel: phone, chat, e-mail in turn.
CHANNEL_OF = {q: (1, 2, 4)[(q - 1) % 3] for q in range(1, QUEUES + 1)}


def events(contacts: int = CONTACTS) -> np.ndarray:
    cache = CACHE.with_name(f"kpi_events_{contacts}.npy")
    if cache.exists():
        return np.load(cache)
    rng = np.random.default_rng(42)
    iid = np.arange(1, contacts + 1, dtype=np.int64)
    offered = START_MS + np.sort(rng.integers(0, MONTH_MS, contacts))
    queue = rng.integers(1, QUEUES + 1, contacts)
    channel = np.vectorize(CHANNEL_OF.get)(queue) if contacts < 1000 else \
        np.array([0, *CHANNEL_OF.values()])[queue]
    fate = rng.random(contacts)
    answered = fate < 0.85
    voicemail = fate >= 0.97
    wait = rng.exponential(25_000, contacts).astype(np.int64)
    talk = rng.lognormal(np.log(200_000), 0.8, contacts).astype(np.int64)
    agent = rng.integers(1, AGENTS + 1, contacts)
    parts = []

    def part(ts, kind, ids, agents, queues, channels, value=-1):
        out = np.zeros(len(ts), dtype=EVENT_DTYPE)
        out["ts_ms"], out["kind"], out["interaction_id"] = ts, int(kind), ids
        out["agent_id"], out["queue_id"], out["channel"] = agents, queues, channels
        out["value"] = value
        return out

    none = np.full(contacts, -1)
    parts.append(part(offered, EventKind.ENQUEUED, iid, none, queue, channel))
    a = answered
    parts.append(part(offered[a] + wait[a], EventKind.ACCEPTED, iid[a], agent[a], queue[a],
                      channel[a]))
    parts.append(part(offered[a] + wait[a] + talk[a], EventKind.ENDED, iid[a], agent[a],
                      queue[a], channel[a], 1))
    ab = ~answered & ~voicemail
    parts.append(part(offered[ab] + wait[ab], EventKind.ABANDONED, iid[ab], none[ab],
                      queue[ab], channel[ab]))
    parts.append(part(offered[voicemail] + 300_000, EventKind.VOICEMAIL, iid[voicemail],
                      none[voicemail], queue[voicemail], channel[voicemail]))
    out = np.concatenate(parts)
    out = out[np.argsort(out["ts_ms"], kind="stable")]
    out["seq"] = np.arange(1, len(out) + 1)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, out)
    return out
