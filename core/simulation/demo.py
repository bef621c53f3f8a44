"""The floor the app shows when no PBX is connected: a scenario run on today's date
that carries on where the database's last run stopped."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo

from core.config.scenario import load_scenario
from core.simulation.arrivals import local_midnight_ms
from core.simulation.engine import Simulation
from core.store import Store

#: Days planned ahead; a floor left running longer is started again from its end.
DEMO_DAYS = 7


def resume_floor(store: Store, scenario: str, now_ms: int, *, days: int = DEMO_DAYS,
                 flush_events: int = 200) -> Simulation:
    """The demo floor from today's midnight, or from just after the last event already
    stored if that is later: restarting the app never writes a stretch of time twice
    (which would count its contacts twice in every report). Run it to ``now_ms`` to
    catch up, then keep pace."""
    sc = load_scenario(scenario)
    tz = zoneinfo.ZoneInfo(sc.timezone)
    begin = local_midnight_ms(dt.datetime.fromtimestamp(now_ms / 1000, tz).date(), sc.timezone)
    last = store.last_event_ms()
    if last is not None:
        begin = max(begin, last + 1)
    day = dt.datetime.fromtimestamp(begin / 1000, tz).date()
    sc = dataclasses.replace(sc, start=day, days=days)
    return Simulation(sc, store, flush_events=flush_events, begin_ms=begin)
