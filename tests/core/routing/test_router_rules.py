"""Each routing rule on a small hand-made floor, with the answer worked out by hand."""

from __future__ import annotations

import pytest

from core.model import (
    Agent,
    AgentSkill,
    AgentState,
    BlendProfile,
    Channel,
    Direction,
    EventKind,
    Interaction,
    Queue,
    WorkMode,
)
from core.model.floor_policy import BlendPolicy, FloorPolicy, OverflowStep, QueuePolicy
from core.routing import Router

T = 1_000_000_000_000
P, C, E, TK, OUT = (Channel.PHONE, Channel.CHAT, Channel.EMAIL, Channel.TICKET,
                    Channel.OUTBOUND_CALL)
CARE, SALES, BL = BlendProfile.CARE_ONLY, BlendProfile.SALES_ONLY, BlendProfile.BLENDED


def q(qid, channel, language, skill="care", strategy="longest_idle", work=WorkMode.CARE,
      **kw) -> QueuePolicy:
    return QueuePolicy(Queue(qid, f"q{qid}", channel, skill, language, 20 if channel == P else
                             15 if channel == C else 14400, strategy), work=work, **kw)


def agent(aid, langs=("en",), care=3, sales=0, cap=None, blend=CARE, group="care") -> Agent:
    skills = tuple(AgentSkill(s, p) for s, p in (("care", care), ("sales", sales)) if p)
    return Agent(aid, f"a{aid}", langs, skills, cap or {P: 1, C: 3, E: 2, TK: 2}, "day",
                 blend, group)


def floor(queues, agents, threshold=1, switch_cost_s=600) -> FloorPolicy:
    return FloorPolicy("test", ("en", "uk", "ru"), ("care", "sales"), ("care", "sales"),
                       tuple(queues), tuple(agents), BlendPolicy(threshold, switch_cost_s))


def call(iid, qp: QueuePolicy, at, language=None, priority=0) -> Interaction:
    return Interaction(iid, qp.queue.channel, Direction.INBOUND,
                       language or qp.queue.language, qp.queue.id, priority, "", at)


def ready(router, *ids, at=T):
    for i in ids:
        assert router.set_agent_state(i, AgentState.AVAILABLE, at) is None


def test_language_is_hard_until_the_overflow_rule_says_so() -> None:
    uk = q(1, P, "uk", secondary_language="ru",
           overflow=(OverflowStep(20, secondary_language=True),))
    r = Router(floor([uk], [agent(1, ("en",)), agent(2, ("ru", "en"))]))
    ready(r, 1, 2)
    r.enqueue(call(10, uk, T))
    assert r.assign(T + 19_000) == []
    assert r.overflow_step(10) == 0
    assert r.assign(T + 20_000) == [(10, 2)]  # the Russian speaker, never the English one
    assert r.overflow_step(10) == 1
    steps = [e for e in r.take_events() if e["kind"] == EventKind.OVERFLOW_STEP]
    assert len(steps) == 1 and steps[0]["value"] == 1 and steps[0]["interaction_id"] == 10


def test_skill_floor_then_overflow_to_lower_proficiency() -> None:
    qp = q(1, P, "en", min_proficiency=4, overflow=(OverflowStep(30, min_proficiency=2),))
    r = Router(floor([qp], [agent(1, care=2), agent(2, care=1)]))
    ready(r, 1, 2)
    r.enqueue(call(10, qp, T))
    assert r.assign(T + 29_999) == []
    assert r.assign(T + 30_000) == [(10, 1)]


def test_a_call_takes_the_agent_whole_and_chats_fill_to_capacity() -> None:
    phone, chat, mail = q(1, P, "en"), q(2, C, "en"), q(3, E, "en")
    r = Router(floor([phone, chat, mail], [agent(1)]))
    ready(r, 1)
    for i in range(4):
        r.enqueue(call(20 + i, chat, T + i))
    r.enqueue(call(10, phone, T + 10))
    r.enqueue(call(30, mail, T + 10))
    got = r.assign(T + 100)
    # Three chats (capacity 3) and the e-mail; the call waits while chats are open.
    assert sorted(got) == [(20, 1), (21, 1), (22, 1), (30, 1)]
    for iid, _ in got:
        r.accept(1, iid, T + 200)
    for iid in (20, 21, 22):
        r.release(1, iid, T + 300)
    # The fourth chat has less SLA slack than the call (15 s vs 20 s target) and goes
    # first; while it is open the call still waits.
    assert r.assign(T + 400) == [(23, 1)]
    r.accept(1, 23, T + 401)
    r.release(1, 23, T + 402)
    assert r.assign(T + 403) == [(10, 1)]
    r.accept(1, 10, T + 404)
    r.enqueue(call(40, mail, T + 405))
    r.enqueue(call(24, chat, T + 405))
    assert r.assign(T + 500) == []  # on a call: no chat, no e-mail either


def test_order_is_priority_then_sla_slack_then_arrival() -> None:
    phone, chat = q(1, P, "en"), q(2, C, "en")
    r = Router(floor([phone, chat], [agent(1, cap={P: 1, C: 1})]))
    r.enqueue(call(1, phone, T))  # deadline T+20s
    r.enqueue(call(2, chat, T + 2_000))  # deadline T+17s: less slack, first
    ready(r, 1, at=T + 3_000)
    assert r.assign(T + 3_000) == [(2, 1)]
    r2 = Router(floor([phone, chat], [agent(1, cap={P: 1, C: 1})]))
    r2.enqueue(call(1, phone, T))
    r2.enqueue(call(2, chat, T + 2_000))
    r2.enqueue(call(3, phone, T + 4_000, priority=2))
    ready(r2, 1, at=T + 5_000)
    assert r2.assign(T + 5_000)[0] == (3, 1)  # priority beats everything


@pytest.mark.parametrize(
    "strategy, expected",
    [("longest_idle", 2), ("highest_proficiency", 3), ("fewest_handled", 3),
     ("least_occupied", 3), ("round_robin", 2)],
)
def test_strategies_choose_among_eligible_agents(strategy, expected) -> None:
    chat = q(1, C, "en", strategy=strategy)
    agents = [agent(1, care=3), agent(2, care=2), agent(3, care=5)]
    r = Router(floor([chat], agents))
    ready(r, 3, at=T)        # 3 ready first ...
    ready(r, 1, at=T + 10)
    ready(r, 2, at=T + 5)    # ... 2 idle longer than 1
    # Warm-up: agent 1 takes one chat and has handled one; agent 2 gets idle longest.
    r.enqueue(call(50, chat, T + 20))
    first = r.assign(T + 20)
    assert len(first) == 1
    a = first[0][1]
    r.accept(a, 50, T + 21)
    r.enqueue(call(51, chat, T + 30))
    got = r.assign(T + 30)
    assert got and got[0][0] == 51
    expectations = {"longest_idle": (3, 2), "highest_proficiency": (3, 3),
                    # ties (agents 1 and 2 equal) go to the longest idle: agent 2
                    "fewest_handled": (3, 2), "least_occupied": (3, 2), "round_robin": (1, 2)}
    assert (a, got[0][1]) == expectations[strategy]


def test_outbound_only_while_inbound_is_quiet_and_only_to_sales_agents() -> None:
    phone, out = q(1, P, "en"), q(2, OUT, "en", skill="sales", work=WorkMode.SALES)
    agents = [agent(1, care=3), agent(2, sales=3, cap={OUT: 1}, blend=SALES),
              agent(3, care=1, cap={OUT: 1})]
    r = Router(floor([phone, out], agents, threshold=1))
    r.enqueue(call(1, phone, T))  # one live inbound contact waits: no dialling
    r.enqueue(call(2, out, T))
    ready(r, 2, 3)
    assert r.assign(T + 1) == []
    ready(r, 1)
    assert r.assign(T + 2) == [(1, 1)]  # inbound first
    r.enqueue(call(3, out, T + 3))
    assert sorted(r.assign(T + 4)) == [(2, 2)]  # queue quiet now; never the care-only agent 3


def test_switch_cost_steers_sales_to_the_agent_who_did_not_just_switch() -> None:
    care, sales = q(1, C, "en"), q(2, C, "en", skill="sales", work=WorkMode.SALES)
    agents = [agent(1, care=3, sales=5, blend=BL), agent(2, care=3, sales=5, blend=BL)]
    r = Router(floor([care, sales], agents, switch_cost_s=600))
    ready(r, 1, 2)
    r.enqueue(call(1, sales, T))
    assert r.assign(T) == [(1, 1)]  # agent 1 switches care -> sales
    r.accept(1, 1, T)
    r.release(1, 1, T + 10)
    r.enqueue(call(2, care, T + 20))
    # Agent 2 is already in care mode: no switch needed, it gets the care chat.
    assert r.assign(T + 20) == [(2, 2)]
    r.accept(2, 2, T + 20)
    r.release(2, 2, T + 30)
    r.enqueue(call(3, care, T + 40))
    r.enqueue(call(4, sales, T + 40))
    got = dict(r.assign(T + 40))
    assert got == {3: 2, 4: 1}  # everybody stays in the mode they are in
    assert r.switch_counts() == {1: 1, 2: 0}


def test_within_the_switch_cost_an_agent_is_not_switched_again() -> None:
    # Both agents sit in care mode and must switch to take a sales chat. Agent 1
    # switched (sales and back) a moment ago, inside the 10-minute cost; agent 2 never
    # did. Longest idle alone would pick agent 1; the switch cost gives it to agent 2.
    care, sales = q(1, C, "en"), q(2, C, "en", skill="sales", work=WorkMode.SALES)
    agents = [agent(1, care=3, sales=5, blend=BL, cap={C: 1}),
              agent(2, care=3, sales=5, blend=BL, cap={C: 1})]
    r = Router(floor([care, sales], agents, switch_cost_s=600))
    ready(r, 1, at=T)
    ready(r, 2, at=T + 1)
    r.enqueue(call(1, sales, T + 2))
    assert r.assign(T + 2) == [(1, 1)]  # agent 1 -> sales
    r.accept(1, 1, T + 2)
    r.enqueue(call(2, care, T + 3))
    assert r.assign(T + 3) == [(2, 2)]
    r.accept(2, 2, T + 3)
    r.release(1, 1, T + 4)
    r.enqueue(call(3, care, T + 5))
    assert r.assign(T + 5) == [(3, 1)]  # agent 1 -> care again: the only one free
    r.accept(1, 3, T + 5)
    r.release(1, 3, T + 6)
    r.release(2, 2, T + 7)
    r.enqueue(call(4, sales, T + 8))
    assert r.assign(T + 8) == [(4, 2)]
    assert r.switch_counts() == {1: 2, 2: 1}
    modes = [(int(e["agent_id"]), int(e["value"])) for e in r.take_events()
             if e["kind"] == EventKind.AGENT_MODE]
    assert modes == [(1, WorkMode.SALES), (1, WorkMode.CARE), (2, WorkMode.SALES)]


def test_after_the_switch_cost_the_strategy_decides_again() -> None:
    care, sales = q(1, C, "en"), q(2, C, "en", skill="sales", work=WorkMode.SALES)
    agents = [agent(1, care=3, sales=5, blend=BL, cap={C: 1}),
              agent(2, care=3, sales=5, blend=BL, cap={C: 1})]
    r = Router(floor([care, sales], agents, switch_cost_s=60))
    ready(r, 1, at=T)
    ready(r, 2, at=T + 1)
    for iid, kind, at, who in [(1, sales, 2, 1), (2, care, 3, 2)]:
        r.enqueue(call(iid, kind, T + at))
        assert r.assign(T + at) == [(iid, who)]
        r.accept(who, iid, T + at)
    r.release(1, 1, T + 4)
    r.enqueue(call(3, care, T + 5))
    assert r.assign(T + 5) == [(3, 1)]
    r.accept(1, 3, T + 5)
    r.release(1, 3, T + 6)
    r.release(2, 2, T + 7)
    r.enqueue(call(4, sales, T + 61_000))  # agent 1's switch is a minute old: no penalty
    assert r.assign(T + 61_000) == [(4, 1)]


def test_no_answer_requeues_at_the_original_place_and_sets_the_agent_away() -> None:
    phone = q(1, P, "en", no_answer_s=15)
    r = Router(floor([phone], [agent(1), agent(2)]))
    ready(r, 1)
    r.enqueue(call(1, phone, T))
    assert r.assign(T) == [(1, 1)]
    r.enqueue(call(2, phone, T + 5_000))
    ready(r, 2, at=T + 20_000)
    r.take_events()
    # Agent 1 did not pick up: call 1 goes back ahead of call 2 and to agent 2.
    assert r.assign(T + 20_000) == [(1, 2)]
    kinds = [(int(e["kind"]), int(e["agent_id"]), int(e["value"])) for e in r.take_events()]
    assert (EventKind.NO_ANSWER, 1, -1) in kinds
    assert (EventKind.AGENT_STATE, 1, AgentState.AWAY) in kinds
    assert r.accept(1, 1, T + 21_000) is not None  # too late for agent 1


def test_phone_calls_go_to_voicemail_after_the_queue_limit() -> None:
    phone = q(1, P, "en", voicemail_after_s=60)
    r = Router(floor([phone], [agent(1)]))
    r.enqueue(call(1, phone, T))
    assert r.assign(T + 59_999) == []
    r.take_events()
    r.assign(T + 60_000)
    ev = r.take_events()
    assert [int(e["kind"]) for e in ev] == [EventKind.VOICEMAIL] and r.waiting == 0
    ready(r, 1, at=T + 61_000)
    assert r.assign(T + 61_000) == []


def test_bad_events_are_rejected_counted_and_harmless() -> None:
    phone = q(1, P, "en")
    r = Router(floor([phone], [agent(1)]))
    assert r.enqueue(call(1, phone, T)) is None
    rejections = [
        r.enqueue(call(1, phone, T)),  # duplicate
        r.enqueue(Interaction(2, P, Direction.INBOUND, "en", 99, 0, "", T)),
        r.enqueue(Interaction(3, C, Direction.INBOUND, "en", 1, 0, "", T)),
        r.enqueue(Interaction(4, P, Direction.INBOUND, "de", 1, 0, "", T)),
        r.release(1, 1, T),  # not connected yet
        r.release(7, 1, T),
        r.accept(1, 12345, T),
        r.set_agent_state(42, AgentState.AVAILABLE, T),
        r.set_agent_state(1, AgentState.BUSY, T),
        r.abandon(777, T),
    ]
    assert all(x is not None for x in rejections)
    assert sum(r.rejections.values()) == len(rejections)
    assert r.rejections["unknown agent"] == 2
    ready(r, 1)
    assert r.assign(T + 1) == [(1, 1)]  # still routing


def test_agent_load_reports_what_the_agent_holds() -> None:
    chat, mail = q(1, C, "en"), q(2, E, "en")
    r = Router(floor([chat, mail], [agent(1)]))
    ready(r, 1)
    r.enqueue(call(1, chat, T))
    r.enqueue(call(2, chat, T))
    r.enqueue(call(3, mail, T))
    r.assign(T)
    assert r.agent_load(1) == {C: 2, E: 1}


def test_policies_the_file_would_refuse_are_refused_in_code_too() -> None:
    import dataclasses

    phone = q(1, P, "en")
    with pytest.raises(ValueError, match="group 'night' is not one of the floor's"):
        Router(floor([phone], [dataclasses.replace(agent(1), team="night")]))
    with pytest.raises(ValueError, match="times must be"):
        Router(floor([dataclasses.replace(phone, voicemail_after_s=10**13)], [agent(1)]))


def test_a_repeated_language_is_still_that_language() -> None:
    en, es = q(1, P, "en"), q(2, P, "es")
    floor_ = FloorPolicy("t", ("en", "es"), ("care",), ("care",), (en, es),
                         (agent(1, langs=("en", "en")),), BlendPolicy())
    r = Router(floor_)
    ready(r, 1)
    r.enqueue(call(10, es, T))
    r.enqueue(call(11, en, T + 1))
    assert r.assign(T + 2) == [(11, 1)]


def test_batch_arrays_must_match_and_outcomes_be_known() -> None:
    import numpy as np

    phone = q(1, P, "en")
    r = Router(floor([phone], [agent(1)]))
    with pytest.raises(ValueError, match="differ in length"):
        r.accept_many(np.array([1, 2, 3]), np.array([1]), T)
    with pytest.raises(ValueError, match="differ in length"):
        r.release_many(np.array([1]), np.array([1]), T, np.array([], dtype=np.int32))
    assert r.release(1, 1, T, 999) == ("unknown outcome",)
    assert r.set_agent_state(1, 99, T) is not None
