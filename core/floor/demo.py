"""A simulated floor that carries on where the database's last run stopped: the one
the app shows when no PBX is connected (a scenario run on today's date), and the one
`floorboard simulate` runs."""

from __future__ import annotations

import dataclasses
import datetime as dt

from core.clock import DAY_MS, day_start_ms, local_day, local_midnight_ms
from core.config.scenario import load_scenario, scenario_source
from core.floor.floor import Changes, Floor
from core.kpi.contacts import contact_facts
from core.model import AgentState, Event, EventKind, Outcome
from core.model.scenario import Scenario
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
    stored if that is later (see ``carry_on``). Run it to ``now_ms`` to catch up, then
    keep pace."""
    sc = load_scenario(scenario)
    return carry_on(floor, dataclasses.replace(sc, days=days),
                    day_start_ms(now_ms, sc.timezone), flush_events=flush_events,
                    floor_source=scenario_source(scenario),
                    what=f"simulated floor {scenario}")


def carry_on(floor: Floor, sc: Scenario, begin_ms: int, *, flush_events: int,
             floor_source: str, what: str) -> Simulation:
    """``sc`` run from ``begin_ms``, or from just after the last event already stored
    if that is later: a run started again (after a stop, a crash or a kill) never
    writes a stretch of time twice, which would count its contacts twice in every
    report, and what the stopped run left open is closed where it stopped. If that is
    past the scenario's last day, its days start on the day it carries on from. Its
    writes go through the floor's writer, and the floor becomes the database's one
    source (``what`` names it to a second one, which is refused)."""
    # Before anything is closed as stopped: a floor another process runs is not.
    floor.claim_source(what)
    begin = begin_ms
    last = floor.read(lambda s: s.last_event_ms())
    if last is not None:
        floor.write(lambda s: close_stopped_floor(s, last + 1), Changes(events=True))
        begin = max(begin, last + 2)
    if begin >= _end_ms(sc):
        sc = dataclasses.replace(sc, start=local_day(begin, sc.timezone))
    return Simulation(sc, flush_events=flush_events, begin_ms=begin,
                      writes=lambda op, saves_floor: floor.write(
                          op, FLOOR_SAVED if saves_floor else FLUSHED),
                      floor_source=floor_source)


#: The audit entry that records what a `floorboard simulate` run set out to do.
PLANNED = "simulate-planned"
FINISHED = "simulate-finished"


def planned_run(floor: Floor, sc: Scenario, *, flush_events: int, floor_source: str,
                what: str) -> Simulation:
    """``sc`` as `floorboard simulate` runs it: its days from its first day, or, when
    the database holds events of that time or later, either the rest of the run that
    was stopped (the one planned last, if its events end before its end) or the
    scenario's days from the next midnight after the last stored event."""
    last = floor.read(lambda s: s.last_event_ms())
    plan, done = floor.read(lambda s: (s.last_audit(PLANNED), s.last_audit(FINISHED)))
    begin = local_midnight_ms(sc.start, sc.timezone)
    if last is not None and last >= begin:
        stopped = plan is not None and (done is None or done.id < plan.id)
        detail = plan.detail if stopped else None
        if (isinstance(detail, dict) and detail.get("scenario") == sc.name
                and detail["from_ms"] <= last < detail["to_ms"]):
            sc = dataclasses.replace(sc, start=local_day(detail["from_ms"], sc.timezone),
                                     days=detail["days"], seed=detail["seed"])
        else:
            sc = dataclasses.replace(sc, start=local_day(last, sc.timezone)
                                     + dt.timedelta(days=1))
            begin = local_midnight_ms(sc.start, sc.timezone)
    sim = carry_on(floor, sc, begin, flush_events=flush_events, floor_source=floor_source,
                   what=what)
    if sim.begin_ms == local_midnight_ms(sc.start, sc.timezone):
        floor.write(lambda s: s.audit(what, PLANNED, sc.name, {
            "scenario": sc.name, "seed": sc.seed, "days": sc.days, "from_ms": sim.start_ms,
            "to_ms": sim.end_ms}), Changes(audit=True))
    return sim


def finish_planned(floor: Floor, sim: Simulation, what: str) -> None:
    """Record that the planned run ran to its end (so the next starts a new one)."""
    if sim.now >= sim.end_ms:
        floor.write(lambda s: s.audit(what, FINISHED, sim.scenario.name,
                                      {"to_ms": sim.end_ms}), Changes(audit=True))


def _end_ms(sc: Scenario) -> int:
    return local_midnight_ms(sc.start + dt.timedelta(days=sc.days), sc.timezone)
