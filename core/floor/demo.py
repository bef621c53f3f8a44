"""The floor the app shows when no PBX is connected: a scenario run on today's date
that carries on where the database's last run stopped."""

from __future__ import annotations

import dataclasses

from core.clock import DAY_MS, day_start_ms, local_day
from core.config.scenario import load_scenario, scenario_source
from core.floor.floor import Changes, Floor
from core.kpi.contacts import contact_facts
from core.model import AgentState, Event, EventKind, Outcome
from core.simulation.engine import Simulation
from core.store import Store
from core_ext import kpi_layout

#: Days planned ahead; a floor left running longer is started again from its end.
DEMO_DAYS = 7
#: How far back a stopped floor's open work is looked for (an e-mail waits days).
OPEN_WORK_LOOKBACK_MS = 7 * DAY_MS
#: What a simulated floor's writes change: its floor once, at start; then each flush.
FLOOR_SAVED = Changes(agents=True, queues=True)
FLUSHED = Changes(interactions=True, events=True, complaints=True)
#: Said in the detail of every event that closes a stopped floor's work.
STOPPED = {"reason": "floor stopped"}


def close_stopped_floor(store: Store, at_ms: int) -> int:
    """End what a stopped floor left open, at ``at_ms``: a contact still waiting was
    lost (ABANDONED, then ENDED as DROPPED), a conversation was cut off (ENDED as
    DROPPED), and an agent not logged out is (OFFLINE, AGENT_LOGOUT). Without this
    the old run's contacts would wait and its agents be busy in every KPI until the
    end of time. Every such event says so in its detail. Returns how many were
    written."""
    facts = contact_facts(store.read_time_range(at_ms - OPEN_WORK_LOOKBACK_MS, at_ms + 1))
    waiting = (facts.offered_ms >= 0) & (facts.how == 0)
    talking = (facts.how == kpi_layout.HOW_ANSWERED) & (facts.ended_ms < facts.resolved_ms)
    events: list[Event] = []
    for i in range(len(facts)):
        if not (waiting[i] or talking[i]):
            continue
        iid, queue = int(facts.interaction_id[i]), int(facts.queue_id[i])
        channel = int(facts.channel[i])
        common = dict(interaction_id=iid, queue_id=queue if queue >= 0 else None,
                      channel=channel if channel >= 0 else None, detail=STOPPED)
        agent = int(facts.agent_id[i]) if talking[i] else None
        if waiting[i]:
            events.append(Event(at_ms, EventKind.ABANDONED, **common))
        events.append(Event(at_ms, EventKind.ENDED, agent_id=agent,
                            value=int(Outcome.DROPPED), **common))
    last_state: dict[int, int] = {}
    for a, st in zip(facts.state_agent.tolist(), facts.state.tolist(), strict=True):
        last_state[a] = st
    for agent, st in sorted(last_state.items()):
        if st != AgentState.OFFLINE:
            events += [Event(at_ms, EventKind.AGENT_STATE, agent_id=agent,
                             value=int(AgentState.OFFLINE), detail=STOPPED),
                       Event(at_ms, EventKind.AGENT_LOGOUT, agent_id=agent, detail=STOPPED)]
    if events:
        store.append(events)
    return len(events)


def resume_floor(floor: Floor, scenario: str, now_ms: int, *, days: int = DEMO_DAYS,
                 flush_events: int = 200) -> Simulation:
    """The demo floor from today's midnight, or from just after the last event already
    stored if that is later: restarting the app never writes a stretch of time twice
    (which would count its contacts twice in every report). Run it to ``now_ms`` to
    catch up, then keep pace. Its writes go through the floor's writer."""
    sc = load_scenario(scenario)
    begin = day_start_ms(now_ms, sc.timezone)
    last = floor.read(lambda s: s.last_event_ms())
    if last is not None:
        # The run that wrote them stopped: what it left open ends where it stopped.
        floor.write(lambda s: close_stopped_floor(s, last + 1), Changes(events=True))
        begin = max(begin, last + 2)
    day = local_day(begin, sc.timezone)
    sc = dataclasses.replace(sc, start=day, days=days)
    return Simulation(sc, flush_events=flush_events, begin_ms=begin,
                      writes=lambda op, saves_floor: floor.write(
                          op, FLOOR_SAVED if saves_floor else FLUSHED),
                      floor_source=scenario_source(scenario))
