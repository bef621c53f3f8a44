"""SIM-4: seed 004's December, run without playbook measures, collapses as it did:
about half of the calls missed in the peak week."""

from __future__ import annotations

import datetime as dt

from core.config.scenario import load_scenario
from core.model import Channel
from core.simulation.engine import Simulation

DAY_MS = 86_400_000


def _missed_by_day(sim: Simulation) -> list[tuple[int, int]]:
    out, before = [], (0, 0)
    for d in range(sim.scenario.days):
        sim.run_until(sim.start_ms + (d + 1) * DAY_MS)
        sim.flush()
        phone = sim.summary.channel(Channel.PHONE)
        now = (phone.arrived, phone.missed)
        out.append((now[0] - before[0], now[1] - before[1]))
        before = now
    return out


def test_the_peak_week_misses_about_half_of_the_calls() -> None:
    sc = load_scenario("december_peak")
    days = _missed_by_day(Simulation(sc))
    first = days[:4]  # Dec 1-4: below the forecast the floor was staffed for
    peak = days[13:20]  # Dec 14-20: two to three times the forecast
    share = lambda rows: sum(m for _, m in rows) / sum(a for a, _ in rows)  # noqa: E731
    print(f"\nDecember peak without playbook measures: {100 * share(first):.0f}% of calls "
          f"missed on Dec 1-4, {100 * share(peak):.0f}% in the peak week "
          f"({dt.date(2026, 12, 14):%d}-{dt.date(2026, 12, 20):%d %b}), "
          f"{sum(a for a, _ in peak):,} calls")
    assert share(first) < 0.30
    assert 0.40 <= share(peak) <= 0.65
