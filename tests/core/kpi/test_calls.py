"""KPI-5 call analytics per agent (seed 003): calls, new clients, inbound/outbound,
number types, total against unique numbers, navigation against negotiation, and the
spread between comparable agents."""

from __future__ import annotations

import numpy as np
import pytest

from core.config.scenario import load_scenario
from core.kpi.calls import (
    CallSettings,
    agent_call_table,
    agent_calls,
    call_analytics,
    call_report,
)
from core.model import (
    Agent,
    AgentSkill,
    AgentState,
    Channel,
    Direction,
    EventKind,
    Interaction,
    NumberType,
    Outcome,
    Queue,
)
from core.model.floor_policy import VOICE_CHANNELS
from core.phone_numbers import NumberPlan
from core.simulation.engine import Simulation
from core.store import Store
from tests.core.kpi.call_streams import HOUR, MIDNIGHT, Floor, S

NINE = MIDNIGHT + 9 * HOUR
DAY = (MIDNIGHT, MIDNIGHT + 24 * HOUR)


def _agent(aid: int, team: str = "sales", shift: str = "early",
           skills: tuple[str, ...] = ("sales",)) -> Agent:
    return Agent(aid, f"A{aid}", ("en",), tuple(AgentSkill(s, 3) for s in skills),
                 {Channel.PHONE: 1}, shift, team=team)


def test_the_store_reads_interactions_as_columns(store: Store) -> None:
    store.add_queues([Queue(1, "care", Channel.PHONE, "care", "en", 20),
                      Queue(2, "dial", Channel.OUTBOUND_CALL, "sales", "en", 60)])
    store.add_interactions([
        Interaction(1, Channel.PHONE, Direction.INBOUND, "en", 1, 0, "+447700900123", 1_000),
        Interaction(2, Channel.OUTBOUND_CALL, Direction.OUTBOUND, "en", 2, 0, "", 2_000,
                    NumberType.LANDLINE),
        Interaction(3, Channel.CHAT, Direction.INBOUND, "en", 1, 0, "", 3_000)])
    cols = store.interaction_columns(1_500, 3_000)
    assert cols["id"].tolist() == [2]
    assert cols["direction"].tolist() == [int(Direction.OUTBOUND)]
    assert cols["customer_number"].tolist() == [None]
    assert cols["customer_number_type"].tolist() == [int(NumberType.LANDLINE)]
    assert cols["arrived_ms"].tolist() == [2_000]
    assert store.interaction_columns(0, 10_000)["customer_number"].tolist() == [
        "+447700900123", None, None]
    assert len(store.interaction_columns(5_000, 9_000)["id"]) == 0


def test_new_clients_are_numbers_no_earlier_interaction_had() -> None:
    f = Floor()
    f.contact(MIDNIGHT - 5 * 86_400_000, "+442079460018")  # a chat days before the range
    f.taken(2, NINE - HOUR, 200 * S, Outcome.RESOLVED, "+447700900001")  # inbound first
    known = f.dial(1, NINE, 90 * S, Outcome.NO_SALE, "020 7946 0018")  # same, other notation
    came_in = f.dial(1, NINE + HOUR, 90 * S, Outcome.NO_SALE, "+447700900001")
    first = f.dial(1, NINE + 2 * HOUR, 25 * S, number="+447700900002")
    again = f.dial(1, NINE + 3 * HOUR, 90 * S, Outcome.SALE, number="+44 7700 900002")
    calls = agent_calls(f.events(), f.interactions(), since_ms=DAY[0], until_ms=DAY[1])
    new = dict(zip(calls.interaction_id.tolist(), calls.new_number.tolist(), strict=True))
    assert {known: new[known], came_in: new[came_in], first: new[first],
            again: new[again]} == {known: False, came_in: False, first: True, again: False}
    table = agent_call_table(calls)
    assert table.outbound_new.tolist() == [1, 0]
    # Ties at one moment go by id: the earlier id is the first contact.
    g = Floor()
    a = g.dial(1, NINE, 90 * S, number="+447700900003")
    b = g.dial(2, NINE, 90 * S, number="+447700900003")
    # Arrival decides, not id: history imported later has higher ids.
    c = g.dial(1, NINE + HOUR, 90 * S, number="+447700900004")
    g.contact(NINE - 30 * 86_400_000, "+447700900004")
    calls = agent_calls(g.events(), g.interactions())
    assert dict(zip(calls.interaction_id.tolist(), calls.new_number.tolist(),
                    strict=True)) == {a: True, b: False, c: False}


def test_numbers_are_classified_mobile_landline_internal() -> None:
    f = Floor()
    plan = NumberPlan("GB", internal_prefixes=("+44 20 7946 00",))
    f.dial(1, NINE, 90 * S, Outcome.NO_SALE, "07911 123456")  # mobile, national form
    f.dial(1, NINE + 1 * HOUR, 90 * S, Outcome.NO_SALE, "+44 20 7946 1234")  # landline
    f.dial(1, NINE + 2 * HOUR, 90 * S, Outcome.NO_SALE, "+44 20 7946 0042")  # our own DID
    f.dial(1, NINE + 3 * HOUR, 90 * S, Outcome.NO_SALE, "2041")  # an extension
    f.dial(1, NINE + 4 * HOUR, 90 * S, Outcome.NO_SALE, "+380 67 123 4567")  # foreign mobile
    f.dial(1, NINE + 5 * HOUR, 90 * S, Outcome.NO_SALE, "+1 800 555 0100")  # toll-free
    # A number that does not parse keeps the type the source stored with it.
    f.taken(1, NINE + 6 * HOUR, 90 * S, Outcome.NO_SALE, "+44202414498",
            Channel.OUTBOUND_CALL, Direction.OUTBOUND, number_type=NumberType.LANDLINE)
    f.taken(1, NINE + 7 * HOUR, 90 * S, Outcome.RESOLVED, "07911 123999")  # inbound
    calls = agent_calls(f.events(), f.interactions(), plan)
    assert [NumberType(x).name for x in calls.number_type] == [
        "MOBILE", "LANDLINE", "INTERNAL", "INTERNAL", "MOBILE", "TOLL_FREE", "LANDLINE",
        "MOBILE"]
    t = agent_call_table(calls)
    # Types count the calls the agent made, not those that came in.
    assert (t.to_mobile[0], t.to_landline[0], t.to_internal[0], t.to_other[0]) == (2, 2, 2, 1)
    # Without the configured block our own DID is just a London landline.
    plain = agent_calls(f.events(), f.interactions(), NumberPlan("GB"))
    assert NumberType(plain.number_type[2]) == NumberType.LANDLINE


def test_internal_prefixes() -> None:
    plan = NumberPlan("RU", internal_prefixes=("+7 495 100", "8"))
    assert plan.classify("+7 495 100 12 34") == NumberType.INTERNAL
    assert plan.classify("8 495 100 12 34") == NumberType.INTERNAL  # national notation
    assert plan.classify("81234567") == NumberType.INTERNAL  # a long extension
    # "8" is an extension range, not Russia's trunk prefix: a mobile stays a mobile.
    assert plan.classify("8 916 123 45 67") == NumberType.MOBILE
    with pytest.raises(ValueError, match="two-letter"):
        NumberPlan("Russia")
    with pytest.raises(ValueError, match="no digits"):
        NumberPlan("GB", internal_prefixes=("+",))


def test_calls_directions_and_unique_numbers_per_agent() -> None:
    f = Floor()
    for i in range(6):  # agent 1: six calls in, four from one number
        number = "+447700900100" if i < 4 else f"+44770090020{i}"
        f.taken(1, NINE + i * 600 * S, 120 * S, Outcome.RESOLVED, number)
    for i in range(3):  # and three out
        f.dial(1, NINE + HOUR + i * 600 * S, 25 * S, number=f"+44770090030{i}")
    f.taken(2, NINE, 120 * S, Outcome.RESOLVED, None)  # no number shown
    f.taken(2, NINE + HOUR, 120 * S, Outcome.RESOLVED, "+447700900100", Channel.CHAT)  # chat
    t = agent_call_table(agent_calls(f.events(), f.interactions()))
    assert t.agent_id.tolist() == [1, 2]
    assert t.calls.tolist() == [9, 1]
    assert t.inbound.tolist() == [6, 1]
    assert t.outbound.tolist() == [3, 0]
    assert t.inbound_outbound_ratio[0] == 2.0 and np.isnan(t.inbound_outbound_ratio[1])
    assert t.numbered.tolist() == [9, 0]
    assert t.unique_numbers.tolist() == [6, 0]
    assert t.calls_per_number[0] == pytest.approx(1.5)


def test_navigation_and_negotiation_calls() -> None:
    f = Floor()
    f.taken(1, NINE, 59_999, Outcome.RESOLVED)  # a wrong number: navigation
    f.taken(1, NINE + HOUR, 60 * S, Outcome.RESOLVED)  # at the threshold: negotiation
    f.taken(1, NINE + 2 * HOUR, 40 * S, Outcome.SALE)  # short, but a sale
    f.taken(1, NINE + 3 * HOUR, 85 * S, Outcome.PRANK)  # a prank is never business
    f.dial(1, NINE + 4 * HOUR, 25 * S)  # not reached: no conversation at all
    f.taken(1, NINE + 5 * HOUR, None, Outcome.RESOLVED)  # still talking
    calls = agent_calls(f.events(), f.interactions())
    t = agent_call_table(calls)
    assert (t.calls[0], t.conversations[0], t.navigation[0], t.negotiation[0]) == (6, 4, 2, 2)
    t = agent_call_table(calls, CallSettings(navigation_max_s=90))
    assert (t.navigation[0], t.negotiation[0]) == (3, 1)


def test_calls_without_an_interaction_row_still_count() -> None:
    f = Floor()
    f.dial(1, NINE, 25 * S, number="+447911123456")
    f.taken(1, NINE + HOUR, 90 * S, Outcome.RESOLVED, "+447911123457")
    f.taken(2, NINE, 90 * S, Outcome.RESOLVED, channel=Channel.CHAT)  # not a call
    f.items = []  # events from a source that sent no interaction rows
    t = agent_call_table(agent_calls(f.events(), f.interactions()))
    assert t.agent_id.tolist() == [1]
    assert (t.calls[0], t.inbound[0], t.outbound[0], t.numbered[0]) == (2, 1, 1, 0)
    assert t.to_other[0] == 1  # the dial's number is unknown


def _calls(f: Floor, agent: int, n: int) -> None:
    for i in range(n):
        f.taken(agent, NINE + i * 60 * S, 30 * S, Outcome.RESOLVED, f"+4477009{i:05d}")


def test_spread_between_comparable_agents_is_flagged_above_25_percent() -> None:
    f = Floor()
    _calls(f, 1, 100)
    _calls(f, 2, 74)  # (100 - 74) / 100 = 26%: flagged
    _calls(f, 3, 100)
    _calls(f, 4, 76)  # 24%: not
    _calls(f, 5, 10)  # agent 1's team and skills, another shift: not comparable
    _calls(f, 6, 10)  # agent 3's team and shift, other skills: not comparable
    agents = [_agent(1), _agent(2), _agent(3, "care"), _agent(4, "care"),
              _agent(5, shift="late"), _agent(6, "care", skills=("care",))]
    report = call_analytics(f.events(), f.interactions(), agents)
    [flag] = [x for x in report.spread if x.measure == "calls"]
    assert (flag.team, flag.shift, flag.skills) == ("sales", "early", ("sales",))
    assert flag.agent_ids == (1, 2) and flag.values == (100, 74)
    assert (flag.lowest_agent, flag.highest_agent) == (2, 1)
    assert flag.spread == pytest.approx(0.26)
    strict = call_analytics(f.events(), f.interactions(), agents,
                            CallSettings(spread_threshold=0.2))
    assert {x.agent_ids for x in strict.spread if x.measure == "calls"} == {(1, 2), (3, 4)}


def test_an_agent_logged_in_without_calls_is_compared_too() -> None:
    f = Floor()
    _calls(f, 1, 40)
    f.state(NINE - HOUR, 2, AgentState.AVAILABLE)  # on shift all day, took nothing
    f.state(NINE + 8 * HOUR, 2, AgentState.OFFLINE)
    f.state(NINE - HOUR, 3, AgentState.OFFLINE)  # off all day: not on the floor
    report = call_analytics(f.events(), f.interactions(), [_agent(1), _agent(2), _agent(3)],
                            since_ms=NINE, until_ms=NINE + 10 * HOUR)
    t = report.table
    assert t.agent_id.tolist() == [1, 2]
    assert t.calls.tolist() == [40, 0]
    assert t.logged_in_ms[1] == 8 * HOUR
    [flag] = [x for x in report.spread if x.measure == "calls"]
    assert flag.agent_ids == (1, 2) and flag.spread == 1.0


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="cannot compare agents by 'mood'"):
        CallSettings(spread_measures=("calls", "mood"))
    with pytest.raises(ValueError, match="spread_threshold"):
        CallSettings(spread_threshold=25)


def test_a_simulated_day_is_self_consistent(store: Store) -> None:
    scenario = load_scenario("normal_day_28")
    sim = Simulation(scenario, store)
    sim.run()
    report = call_report(store, sim.start_ms, sim.end_ms, scenario.floor.agents)
    t, calls = report.table, report.calls
    ev = store.read_columns()
    voice = [int(c) for c in VOICE_CHANNELS]
    taken = ev[(ev["kind"] == EventKind.ACCEPTED) & np.isin(ev["channel"], voice)]
    assert t.calls.sum() == len(calls) == len(np.unique(taken["interaction_id"])) > 0
    for aid in t.agent_id.tolist():
        mine = taken[taken["agent_id"] == aid]
        assert t.calls[t.agent_id == aid][0] == len(np.unique(mine["interaction_id"]))
    assert (t.inbound + t.outbound == t.calls).all()
    assert (t.to_mobile + t.to_landline + t.to_internal + t.to_other == t.outbound).all()
    assert (t.outbound_new <= t.outbound).all()
    assert (t.unique_numbers <= t.numbered).all() and (t.numbered <= t.calls).all()
    assert (t.navigation + t.negotiation == t.conversations).all()
    assert (t.conversations <= t.calls).all()
    # Every agent on shift that day has a row; a sick one has none.
    assert set(t.agent_id.tolist()) <= {a.id for a in scenario.floor.agents}
    assert (t.logged_in_ms > 0).all()
    # The simulator calls every customer from one number; types agree with its own.
    stored = store.interaction_columns(sim.start_ms, sim.end_ms)
    kind = dict(zip(stored["id"].tolist(), stored["customer_number_type"].tolist(),
                    strict=True))
    assert all(kind[i] == k for i, k in zip(calls.interaction_id.tolist(),
                                             calls.number_type.tolist(), strict=True))


def test_logged_in_time_stops_at_what_is_known() -> None:
    """A range reaching past the latest event counts an open state up to that event,
    never into the future (a report of today, run at noon)."""
    f = Floor()
    f.state(NINE, 1, AgentState.AVAILABLE)
    f.state(NINE + HOUR, 1, AgentState.BUSY)
    until = NINE + 24 * HOUR
    known = call_analytics(f.events(), f.interactions(), [_agent(1)], since_ms=NINE,
                           until_ms=until, known_until_ms=NINE + HOUR + 1)
    assert known.table.logged_in_ms.tolist() == [HOUR + 1]
    unknown = call_analytics(f.events(), f.interactions(), [_agent(1)], since_ms=NINE,
                             until_ms=until)
    assert unknown.table.logged_in_ms.tolist() == [24 * HOUR]
