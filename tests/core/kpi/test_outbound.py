"""KPI-4 outbound (seed 002): dials, reached calls, sales, meetings and plan %, and the
sabotage pattern: dials hung up before the callee could answer."""

from __future__ import annotations

import numpy as np
import pytest

from core.config.scenario import load_scenario
from core.kpi.calls import agent_calls
from core.kpi.outbound import OutboundSettings, outbound_kpis, outbound_report
from core.model import Channel, Direction, EventKind, Outcome
from core.simulation.engine import Simulation
from core.store import Store
from tests.core.kpi.call_streams import HOUR, MIDNIGHT, Floor, S

NINE = MIDNIGHT + 9 * HOUR


def _honest_day(floor: Floor, agent: int, dials: int = 40, quick: int = 0) -> list[int]:
    """A day of an honest telemarketer: most numbers ring out (25 s), some are reached,
    one in ten sells; ``quick`` dials end at once (a dead number fails fast)."""
    ids = []
    for i in range(dials):
        t = NINE + i * 300 * S
        if i < quick:
            ids.append(floor.dial(agent, t, 4 * S))
        elif i % 10 < 6:
            ids.append(floor.dial(agent, t, 25 * S))
        elif i % 10 < 9:
            ids.append(floor.dial(agent, t, 180 * S, Outcome.NO_SALE))
        else:
            ids.append(floor.dial(agent, t, 300 * S, Outcome.SALE))
    return ids


def _saboteur(floor: Floor, agent: int, short: int, honest: int) -> list[int]:
    """Dials, hangs up after 3 s on ``short`` of them (seed 002), then a few real ones."""
    ids = [floor.dial(agent, NINE + i * 60 * S, 3 * S) for i in range(short)]
    ids += [floor.dial(agent, NINE + 4 * HOUR + i * 300 * S, 25 * S) for i in range(honest)]
    return ids


def _report(floor: Floor, settings: OutboundSettings | None = None, **kw):
    calls = agent_calls(floor.events(), floor.interactions(), **kw)
    return outbound_kpis(calls, settings)


def test_a_saboteur_among_honest_agents_is_flagged_with_the_evidence() -> None:
    floor = Floor()
    for agent, quick in ((1, 0), (2, 0), (3, 1), (4, 5)):
        _honest_day(floor, agent, quick=quick)
    dials = _saboteur(floor, 5, short=28, honest=12)
    report = _report(floor)
    t = report.table
    assert t.agent_id.tolist() == [1, 2, 3, 4, 5]
    assert t.dials.tolist() == [40] * 5
    assert t.short_dials.tolist() == [0, 0, 1, 5, 28]
    [flag] = report.sabotage
    assert flag.agent_id == 5
    assert (flag.ended_dials, flag.short_dials) == (40, 28)
    assert flag.short_share == pytest.approx(0.7)
    assert flag.reach_share == 0.0
    assert flag.peers == 4
    # Peers' shares 0, 0, 1/40, 5/40: median 1/80 (the mean would be 3/80); the
    # margin decides here.
    assert flag.peer_median_short_share == pytest.approx(0.0125)
    assert flag.threshold_share == pytest.approx(0.0125 + 0.15)
    assert flag.peer_median_reach_share == pytest.approx(0.4)
    assert flag.short_dial_ms == 8_000
    assert flag.example_interaction_ids == tuple(dials[:5])


def test_a_few_dials_never_flag_anyone() -> None:
    def flags(short: int) -> list[int]:
        floor = Floor()
        for agent in (1, 2, 3):
            _honest_day(floor, agent)
        _saboteur(floor, 4, short=short, honest=0)
        return [f.agent_id for f in _report(floor).sabotage]

    assert flags(19) == []  # every dial hung up at once, but only 19 of them
    assert flags(20) == [4]


def test_the_baseline_is_the_peers_so_a_bad_list_flags_nobody() -> None:
    floor = Floor()
    # A stale list: half of every agent's numbers are dead and fail at once.
    for agent in (1, 2, 3):
        _honest_day(floor, agent, quick=20)
    # 70% quick ends against peers' 50%: above the median, but not twice it.
    _honest_day(floor, 4, quick=28)
    report = _report(floor)
    assert report.table.short_share.tolist() == [0.5, 0.5, 0.5, 0.7]
    assert report.sabotage == []
    # Without peers to compare with there is no judgement at all.
    alone = Floor()
    _saboteur(alone, 1, short=40, honest=0)
    _honest_day(alone, 2)
    assert _report(alone).sabotage == []
    assert [f.agent_id for f in _report(alone, OutboundSettings(min_peers=1)).sabotage] == [1]


def test_the_short_dial_threshold_is_configurable() -> None:
    floor = Floor()
    for agent in (1, 2, 3):
        _honest_day(floor, agent)
    for i in range(30):  # hangs up after 12 s: before a 15 s threshold, not an 8 s one
        floor.dial(4, NINE + i * 60 * S, 12 * S)
    assert _report(floor).sabotage == []
    [flag] = _report(floor, OutboundSettings(short_dial_s=15)).sabotage
    assert (flag.agent_id, flag.short_dials, flag.short_dial_ms) == (4, 30, 15_000)


def test_dials_reached_sales_meetings_and_plan() -> None:
    floor = Floor()
    floor.dial(1, NINE, 25 * S)
    floor.dial(1, NINE + HOUR, 200 * S, Outcome.SALE)
    floor.dial(1, NINE + 2 * HOUR, 100 * S, Outcome.MEETING_SET)
    floor.dial(1, NINE + 3 * HOUR, 100 * S, Outcome.MEETING_SET)
    floor.dial(1, NINE + 4 * HOUR, 60 * S, Outcome.NO_SALE)
    floor.dial(1, NINE + 5 * HOUR, None)  # still ringing: a dial, not ended
    # A manual outbound call on the phone channel is a dial too.
    floor.taken(2, NINE, 90 * S, Outcome.SALE, channel=Channel.PHONE,
                direction=Direction.OUTBOUND)
    floor.taken(2, NINE + HOUR, 90 * S, Outcome.SALE)  # inbound: not a dial
    floor.dial(3, NINE - 2 * HOUR, 90 * S, Outcome.SALE)  # before the range
    settings = OutboundSettings(plan={1: 4.0}, default_plan=2.0)
    t = _report(floor, settings, since_ms=NINE - HOUR, until_ms=NINE + 6 * HOUR).table
    assert t.agent_id.tolist() == [1, 2]
    assert t.dials.tolist() == [6, 1]
    assert t.ended.tolist() == [5, 1]
    assert t.reached.tolist() == [4, 1]
    assert t.sales.tolist() == [1, 1]
    assert t.meetings.tolist() == [2, 0]
    assert t.target.tolist() == [3, 1]
    assert t.plan_pct.tolist() == [75.0, 50.0]
    assert t.reach_share.tolist() == [0.8, 1.0]
    sales_only = OutboundSettings(target_outcomes=frozenset({Outcome.SALE}))
    t = _report(floor, sales_only, since_ms=NINE - HOUR, until_ms=NINE + 6 * HOUR).table
    assert t.target.tolist() == [1, 1]
    assert np.isnan(t.plan_pct).all()


@pytest.mark.parametrize("bad, message", [
    ({"short_dial_s": -1}, "short_dial_s"), ({"min_dials": 0}, "min_dials"),
    ({"peer_ratio": 0.5}, "peer_ratio"), ({"plan": {3: 0}}, "agent 3"),
    ({"default_plan": -2}, "default_plan")])
def test_settings_are_checked(bad: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OutboundSettings(**bad)


def test_a_simulated_day_is_self_consistent(store: Store) -> None:
    scenario = load_scenario("normal_day_28")
    sim = Simulation(scenario, store)
    sim.run()
    report = outbound_report(store, sim.start_ms, sim.end_ms)
    t = report.table
    ev = store.read_columns()
    taken = ev[(ev["kind"] == EventKind.ACCEPTED) & (ev["channel"] == Channel.OUTBOUND_CALL)]
    assert t.dials.sum() == len(np.unique(taken["interaction_id"])) > 0
    assert (t.ended <= t.dials).all() and (t.reached <= t.ended).all()
    assert (t.target == t.sales + t.meetings).all()
    # Unreached dials ring out for 25 s in the simulator; only the scenario's saboteur
    # hangs up early (a day is too few dials to flag her).
    saboteur = np.isin(t.agent_id, scenario.sabotage.agent_ids)
    assert t.short_dials[~saboteur].sum() == 0 and t.short_dials[saboteur].sum() > 0
    assert report.sabotage == []
