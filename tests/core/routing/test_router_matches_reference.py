"""The compiled router against the plain-Python reference: same decisions, same
events, on random floors and random event sequences; and the invariants."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from core.model import Channel, EventKind, Outcome
from core.model.floor_policy import VOICE_CHANNELS
from core.routing import Router
from tests.core.routing.random_floor import PRESENCE, interaction, random_floor
from tests.core.routing.reference_router import OFFERED, WAITING, ReferenceRouter


def _tuples(events) -> list[tuple]:
    return sorted(tuple(int(v) for v in (e["ts_ms"], e["kind"], e["interaction_id"],
                                         e["agent_id"], e["queue_id"], e["channel"],
                                         e["value"])) for e in events)


def _check_invariants(ref: ReferenceRouter, decisions, offered_before: set[int]) -> None:
    for a in ref.agents:
        voice = sum(a.load.get(int(c), 0) for c in VOICE_CHANNELS)
        assert voice <= 1, f"agent {a.id} holds {voice} calls"
        for ch, n in a.load.items():
            assert 0 <= n <= a.cap.get(ch, 0), f"agent {a.id} over capacity on {ch}"
        if voice:
            others = sum(n for ch, n in a.load.items()
                         if Channel(ch) not in VOICE_CHANNELS and
                         Channel(ch) == Channel.CHAT)
            assert others == 0, f"agent {a.id} chats during a call"
    seen = set()
    # An offer that went unanswered is back in the queue and may be offered again.
    requeued = {e[2] for e in ref.events if e[1] == int(EventKind.NO_ANSWER)}
    offered_before = offered_before - requeued
    for iid, aid in decisions:
        assert iid not in seen and iid not in offered_before, f"interaction {iid} assigned twice"
        seen.add(iid)
        item, agent = ref.items[iid], ref.by_id[aid]
        assert agent.ready, f"work offered to unavailable agent {aid}"
        min_prof, use2, anyl, groups = ref.pool(item)
        qp = item.qp
        assert (item.it.language in agent.languages or anyl
                or (use2 and qp.secondary_language in agent.languages)), "language violated"
        assert agent.prof.get(qp.queue.skill, 0) >= min_prof, "skill violated"
        assert not groups or agent.group in groups, "group violated"


def run(seed: int, steps: int = 150) -> dict:
    rng = random.Random(seed)
    floor = random_floor(rng)
    fast, ref = Router(floor, capacity=16), ReferenceRouter(floor)
    now, next_id = 1_000_000_000, 1
    stats = {"decisions": 0, "no_answer": 0, "overflow": 0, "voicemail": 0, "switch": 0}
    for _ in range(steps):
        now += rng.choice([0, 0, 100, 1_000, 5_000, 20_000, 70_000, 200_000])
        op = rng.random()
        if op < 0.25:
            it = interaction(rng, floor, next_id, now)
            next_id += 1
            assert fast.enqueue(it, now) is None
            ref.enqueue(it, now)
        elif op < 0.50:
            offered_before = {i for i, x in ref.items.items() if x.state == OFFERED}
            got = fast.assign(now)
            want = ref.assign(now)
            assert got == want, f"seed {seed}: decisions differ at {now}"
            _check_invariants(ref, want, offered_before)
            stats["decisions"] += len(got)
        elif op < 0.60:
            a = rng.choice(ref.agents)
            state = rng.choice(PRESENCE)
            assert fast.set_agent_state(a.id, state, now) is None
            ref.set_agent_state(a.id, state, now)
        elif op < 0.75:
            offered = [x for x in ref.items.values() if x.state == OFFERED]
            if offered:
                x = rng.choice(offered)
                assert fast.accept(x.agent.id, x.it.id, now) is None
                ref.accept(x.agent.id, x.it.id, now)
        elif op < 0.93:
            connected = [x for x in ref.items.values() if x.state not in (WAITING, OFFERED)]
            if connected:
                x = rng.choice(connected)
                outcome = rng.choice(list(Outcome))
                assert fast.release(x.agent.id, x.it.id, now, outcome) is None
                ref.release(x.agent.id, x.it.id, now, outcome)
        else:
            live = [x for x in ref.items.values() if x.state in (WAITING, OFFERED)]
            if live:
                x = rng.choice(live)
                assert fast.abandon(x.it.id, now) is None
                ref.abandon(x.it.id, now)
        got_events, want_events = _tuples(fast.take_events()), sorted(ref.take_events())
        assert got_events == want_events, f"seed {seed}: events differ at {now}"
        kinds = [e[1] for e in want_events]
        stats["no_answer"] += kinds.count(int(EventKind.NO_ANSWER))
        stats["overflow"] += kinds.count(int(EventKind.OVERFLOW_STEP))
        stats["voicemail"] += kinds.count(int(EventKind.VOICEMAIL))
        stats["switch"] += kinds.count(int(EventKind.AGENT_MODE))
    assert fast.waiting == sum(x.state == WAITING for x in ref.items.values())
    assert fast.switch_counts() == {a.id: a.switches for a in ref.agents}
    return stats


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_compiled_router_matches_reference(seed: int) -> None:
    run(seed)


def test_the_random_runs_exercise_every_rule() -> None:
    # Guard against a comparison that passes because nothing happens.
    total: dict[str, int] = {}
    for seed in range(60):
        for k, v in run(seed, steps=300).items():
            total[k] = total.get(k, 0) + v
    assert all(v > 100 for v in total.values()), total
