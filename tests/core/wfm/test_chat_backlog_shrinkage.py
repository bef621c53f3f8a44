"""Chat with concurrency, backlog staffing for written channels, and shrinkage."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.config.scenario import load_scenario
from core.errors import StaffingError
from core.model.scenario import BreakPlan
from core.wfm.backlog import first_replies_in_time, staff_backlog
from core.wfm.chat import SIMULATOR_SLOWDOWN, ChatConcurrency, staff_chat_intervals
from core.wfm.erlang import queue_figures, staff_intervals
from core.wfm.shrinkage import Shrinkage, break_share, scheduled_for


def test_one_chat_at_a_time_is_erlang_c() -> None:
    got = staff_chat_intervals([120, 0], 420, 0.8, 15, ChatConcurrency(1))
    plain = staff_intervals([120, 0], 420, 0.8, 15)
    assert got.staffing.agents.tolist() == plain.agents.tolist()
    assert got.chats_at_once.tolist() == [1, 1]


def test_three_chats_at_once_without_slowdown_staff_slots() -> None:
    """Without a slowdown (the simulator's model) an agent is three slots: the slots
    Erlang C needs, over three, rounded up."""
    slots = staff_intervals([120], 420, 0.8, 15).agents[0]
    got = staff_chat_intervals([120], 420, 0.8, 15, ChatConcurrency(3))
    assert got.staffing.agents[0] == -(-slots // 3)
    assert got.chats_at_once[0] == 3
    f = got.staffing.row(0).figures
    assert f.service_level >= 0.8 and f.occupancy <= 1


def test_a_strong_slowdown_makes_fewer_chats_at_once_worth_it() -> None:
    """At 3x per extra chat, two chats at once carry two thirds of what one does: one
    at a time needs fewest agents. Each k is tried; the fewest agents win."""
    got = staff_chat_intervals([120], 420, 0.8, 15, ChatConcurrency(3, slowdown=3.0))
    assert got.chats_at_once[0] == 1
    for slowdown in (1.0, 1.3, 2.0, 3.0):
        got = staff_chat_intervals([120], 420, 0.8, 15, ChatConcurrency(3, slowdown))
        each = [-(-staff_intervals([120], 420 * slowdown ** (k - 1), 0.8, 15).agents[0] // k)
                for k in (1, 2, 3)]
        assert got.staffing.agents[0] == min(each)
        assert got.chats_at_once[0] == each.index(min(each)) + 1
    mild = staff_chat_intervals([120], 420, 0.8, 15, ChatConcurrency(3, slowdown=1.1))
    assert mild.chats_at_once[0] == 3


def test_chat_capacity_from_the_floor_file_and_the_simulators_slowdown() -> None:
    floor = load_scenario("normal_day_28").floor
    c = ChatConcurrency.from_floor(floor)
    assert c.capacity == 3 and c.slowdown == SIMULATOR_SLOWDOWN == 1.0
    with pytest.raises(StaffingError, match="takes chats"):
        ChatConcurrency.from_floor(floor, language="xx")
    with pytest.raises(StaffingError, match="chat slowdown"):
        ChatConcurrency(2, slowdown=0.5)


@settings(deadline=None, max_examples=40)
@given(items=st.lists(st.floats(0, 60), min_size=1, max_size=120),
       handle=st.floats(60, 1200), hours=st.integers(1, 8))
def test_backlog_staffing_answers_every_item_in_time(items, handle, hours) -> None:
    items = np.round(np.array(items), 1)
    got = staff_backlog(items, handle, reply_within_s=hours * 3600)
    assert first_replies_in_time(items, handle, got.agents, reply_within_s=hours * 3600)
    assert got.agents.min() >= 0


def test_backlog_spreads_a_burst_over_its_reply_window() -> None:
    """400 e-mails of 6 minutes at 09:00 are 40 hours of work: over the 4-hour window
    that is 10 agents for each of its 16 quarter hours, not 160 in the first."""
    items = np.zeros(32)
    items[0] = 400
    got = staff_backlog(items, 360.0)
    assert got.agents[:16].tolist() == [10] * 16 and got.agents[16:].sum() == 0
    assert first_replies_in_time(items, 360.0, got.agents)
    fewer = got.agents.copy()
    fewer[15] -= 1
    assert not first_replies_in_time(items, 360.0, fewer)
    assert staff_backlog(np.zeros(8), 360.0).agents.sum() == 0


def test_backlog_bad_input() -> None:
    with pytest.raises(StaffingError, match="items of interval 2: -1 is not a count"):
        staff_backlog(np.array([1, 2, -1]), 300.0)
    with pytest.raises(StaffingError, match=r"reply_within_s.*Erlang C"):
        staff_backlog(np.array([1.0]), 300.0, reply_within_s=60)


def test_shrinkage_defaults_from_the_scenario() -> None:
    """normal_day_28: two 15-minute breaks and a 30-minute meal in 8-hour shifts are an
    eighth of paid time (as the scenario's comment says); 3 % of agents off sick."""
    sc = load_scenario("normal_day_28")
    s = Shrinkage.from_scenario(sc, training=0.05)
    assert s.breaks == pytest.approx(0.125) and s.sickness == 0.03 and s.training == 0.05
    assert s.total == pytest.approx(1 - 0.875 * 0.97 * 0.95)
    assert break_share(dataclasses.replace(sc, breaks=None)) == 0
    short = dataclasses.replace(sc, breaks=BreakPlan(short=0, meal=1, meal_min=60))
    assert break_share(short) == pytest.approx(1 / 8)
    with pytest.raises(StaffingError, match="shrinkage sickness"):
        Shrinkage(sickness=1.0)


def test_scheduled_covers_the_agents_after_shrinkage() -> None:
    agents = np.arange(0, 200)
    for s in (0.0, 0.15125, 0.3, 0.55):
        got = scheduled_for(agents, s)
        assert np.all(got * (1 - s) >= agents * (1 - 1e-12))
        assert np.all((got - 1) * (1 - s) < agents * (1 - 1e-12) - 1e-9) or s == 0
    assert scheduled_for(np.array([21]), 0.3).tolist() == [30]
    assert scheduled_for(np.array([9]), 0.55).tolist() == [20]  # 9 / 0.45 = 20.000000000000004


def test_shrinkage_feeds_staffing() -> None:
    s = Shrinkage.from_scenario(load_scenario("normal_day_28"))
    got = staff_intervals([300], 300, 0.8, 20, shrinkage=s.total)
    assert got.scheduled[0] == math.ceil(got.agents[0] / (1 - s.total) - 1e-9)
    assert queue_figures(300, 300, int(got.agents[0]), 20).service_level >= 0.8
