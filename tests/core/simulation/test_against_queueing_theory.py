"""The simulator against queueing theory, not against itself.

Erlang C (M/M/c): the probability of waiting is
    C(c, a) = [a^c / c! * c / (c - a)] / [sum_{k<c} a^k / k! + a^c / c! * c / (c - a)]
with offered load a = lambda / mu, and ASA = C(c, a) / (c * mu - lambda)
(A. K. Erlang 1917; e.g. D. Gross, C. M. Harris, "Fundamentals of Queueing Theory",
3rd ed., Wiley 1998, section 2.3).

Erlang A (M/M/c+M, Palm 1943): a birth-death process with birth rate lambda and
death rate min(n, c) * mu + max(n - c, 0) * theta (theta = 1 / mean patience).
Its stationary distribution, solved here numerically on a truncated state space,
gives P(wait) = P(N >= c) by PASTA and P(abandon) = theta * E[(N - c)+] / lambda
(O. Garnett, A. Mandelbaum, M. Reiman, "Designing a call center with impatient
customers", Manufacturing & Service Operations Management 4(3), 2002).
Both are written here from those sources, independently of the simulator.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from core.model import Agent, AgentSkill, BlendProfile, Channel, Queue
from core.model.floor_policy import BlendPolicy, FloorPolicy, QueuePolicy
from core.model.scenario import ChannelModel, Scenario
from core.simulation.engine import Simulation


def erlang_c(c: int, lam: float, mu: float) -> tuple[float, float]:
    a = lam / mu
    top = a**c / math.factorial(c) * c / (c - a)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait, p_wait / (c * mu - lam)


def erlang_a(c: int, lam: float, mu: float, theta: float, states: int = 400):
    weights = [1.0]
    for n in range(1, states):
        death = min(n, c) * mu + max(n - c, 0) * theta
        weights.append(weights[-1] * lam / death)
    total = sum(weights)
    p = [w / total for w in weights]
    p_wait = sum(p[c:])
    p_abandon = theta * sum((n - c) * p[n] for n in range(c, states)) / lam
    return p_wait, p_abandon


def mmc_scenario(c: int, lam_per_h: float, handle_s: float, patience_s: float,
                 days: int, seed: int) -> Scenario:
    queue = QueuePolicy(Queue(1, "q", Channel.PHONE, "care", "en", 20, "longest_idle"))
    agents = tuple(Agent(i, f"a{i}", ("en",), (AgentSkill("care", 3),), {Channel.PHONE: 1},
                         "all", BlendProfile.CARE_ONLY) for i in range(1, c + 1))
    floor = FloorPolicy("mmc", ("en",), ("care",), (), (queue,), agents, BlendPolicy(0, 0))
    return Scenario(
        name="M/M/c", floor=floor, start=dt.date(2026, 1, 5), days=days, seed=seed,
        interactions_per_day=lam_per_h * 24, queue_share={1: 1.0},
        hourly_shape=(1 / 24,) * 24,
        channels={Channel.PHONE: ChannelModel(handle_s, 1.0, 0.0, 1e9,
                                              patience_mean_s=patience_s,
                                              handle_distribution="exponential")},
        shifts={"all": (0.0, 24.0)},
    )


def _replicate(scenario_args: dict, seeds: range) -> list:
    out = []
    for seed in seeds:
        sim = Simulation(mmc_scenario(**scenario_args, seed=seed))
        sim.run()
        out.append(sim.summary.channel(Channel.PHONE))
    return out


def test_mmc_matches_erlang_c() -> None:
    # 5 agents, 1-minute calls, 70% load; 8 independent 20-day runs (~800,000 calls).
    c, handle_s, lam_h = 5, 60, 210.0
    p_wait, asa = erlang_c(c, lam_h / 3600, 1 / handle_s)
    runs = _replicate(dict(c=c, lam_per_h=lam_h, handle_s=handle_s, patience_s=0.0, days=20),
                      range(1, 9))
    answered = sum(r.answered for r in runs)
    got_p_wait = sum(r.answered_after_wait for r in runs) / answered
    got_asa = sum(r.wait_ms_total for r in runs) / answered / 1000
    print(f"\nErlang C: P(wait) {p_wait:.4f} sim {got_p_wait:.4f}; ASA {asa:.2f} s sim "
          f"{got_asa:.2f} s ({answered:,} calls)")
    assert got_p_wait == pytest.approx(p_wait, rel=0.03)
    assert got_asa == pytest.approx(asa, rel=0.03)


def test_mmc_with_patience_matches_erlang_a() -> None:
    # 8 agents at 100% offered load, 3-minute calls, 2-minute mean patience.
    c, handle_s, patience_s, lam_h = 8, 180, 120, 160.0
    p_wait, p_abandon = erlang_a(c, lam_h / 3600, 1 / handle_s, 1 / patience_s)
    runs = _replicate(dict(c=c, lam_per_h=lam_h, handle_s=handle_s, patience_s=patience_s,
                           days=20), range(1, 5))
    total = sum(r.answered + r.abandoned for r in runs)
    got_wait = sum(r.answered_after_wait + r.abandoned for r in runs) / total
    got_abandon = sum(r.abandoned for r in runs) / total
    print(f"\nErlang A: P(wait) {p_wait:.4f} sim {got_wait:.4f}; P(abandon) {p_abandon:.4f} "
          f"sim {got_abandon:.4f} ({total:,} calls)")
    assert got_wait == pytest.approx(p_wait, rel=0.05)
    assert got_abandon == pytest.approx(p_abandon, rel=0.05)
