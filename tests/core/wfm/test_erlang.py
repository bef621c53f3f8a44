"""Erlang C and Erlang A against the plain birth–death reference (birth_death.py) on
random cases, hand-checked textbook cases, the edges the issue names (no traffic,
understaffed, 100,000 Erlangs) and bad input."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import StaffingError
from core.wfm.erlang import queue_figure_columns, queue_figures, staff_interval, staff_intervals
from core.wfm.model import ServiceTarget
from core_ext import erlang_kernels as kernels
from tests.core.wfm import birth_death

REL = 1e-9
KEYS = ("service_level", "p_wait", "asa", "abandonment", "occupancy")


def _kernel_c(a: float, n: int, tau: float) -> dict[str, float]:
    sl, pw, asa, occ = kernels.erlang_c_figures(np.array([a]), np.array([n]), np.array([tau]))
    return dict(zip(KEYS, (sl[0], pw[0], asa[0], 0.0, occ[0]), strict=True))


def _kernel_a(a: float, nu: float, n: int, tau: float) -> dict[str, float]:
    return dict(zip(KEYS, kernels.erlang_a_point(a, nu, n, tau), strict=True))


def _same(ours: dict[str, float], ref: dict[str, float]) -> None:
    for k in KEYS:
        assert ours[k] == pytest.approx(ref[k], rel=REL, abs=1e-300), k


@settings(deadline=None, max_examples=40)
@given(n=st.integers(1, 30), rho=st.floats(0.01, 0.98), tau=st.floats(0, 3))
def test_erlang_c_matches_the_birth_death_chain(n: int, rho: float, tau: float) -> None:
    """Occupancy up to 98 %: nearer 1 the reference's geometric tail runs to millions
    of states."""
    a = rho * n
    _same(_kernel_c(a, n, tau), birth_death.figures(a, 0.0, n, tau))


@settings(deadline=None, max_examples=30)
@given(a=st.floats(0.01, 12), nu=st.floats(0.5, 4), n=st.integers(1, 20),
       tau=st.floats(0, 3))
def test_erlang_a_matches_the_birth_death_chain(a: float, nu: float, n: int,
                                                tau: float) -> None:
    """Below, at and above the load: with abandonment every n has a steady state."""
    _same(_kernel_a(a, nu, n, tau), birth_death.figures(a, nu, n, tau))


def test_erlang_a_tends_to_erlang_c_as_patience_grows() -> None:
    for a, n, tau in ((10.0, 13, 0.11), (48.0, 55, 0.0625), (0.5, 1, 2.0)):
        c = _kernel_c(a, n, tau)
        for nu, tol in ((1e-4, 1e-2), (1e-7, 1e-5), (1e-10, 1e-8)):
            ours = _kernel_a(a, nu, n, tau)
            for k in ("service_level", "p_wait", "asa", "occupancy"):
                assert ours[k] == pytest.approx(c[k], rel=tol), (nu, k)
            assert ours["abandonment"] < 10 * nu


def test_textbook_m_m_1_and_m_m_2() -> None:
    """Kleinrock, Queueing Systems I (1975), ch. 3 (M/M/1, M/M/m): M/M/1 waits with probability
    ρ, P(W > t) = ρ e^{-(1-ρ) t/h}, mean wait ρ h / (1 - ρ); M/M/2 waits with
    probability 2ρ² / (1 + ρ), ρ = A / 2."""
    for rho in (0.1, 0.5, 0.9, 0.99):
        f = queue_figures(rho * 900 / 120, 120, 1, 30)
        assert f.p_wait == pytest.approx(rho, rel=1e-12)
        assert f.service_level == pytest.approx(1 - rho * math.exp(-(1 - rho) * 30 / 120))
        assert f.asa_s == pytest.approx(rho * 120 / (1 - rho))
        f2 = queue_figures(2 * rho * 900 / 120, 120, 2, 30)
        assert f2.p_wait == pytest.approx(2 * rho**2 / (1 + rho), rel=1e-12)


def test_westbay_worked_example_exactly() -> None:
    """The case of the worked example in Westbay Engineers' "The Erlang-C formula"
    (erlang.com; the same case in many call-centre primers): 360 calls per half hour
    of 4 minutes, 55 agents, target 15 s, so 48 Erlangs. Checked by hand against the
    textbook formula C = (A^N/N! · N/(N-A)) / (Σ_{k<N} A^k/k! + A^N/N! · N/(N-A)) in
    exact fractions: P(wait) 0.2387, service level 84.59 %, ASA 8.18 s, occupancy
    87.27 %."""
    a, n = Fraction(48), 55
    top = a**n / math.factorial(n) * n / (n - a)
    c = top / (sum(a**k / math.factorial(k) for k in range(n)) + top)
    f = queue_figures(360, 240, 55, 15, interval_s=1800)
    assert f.load_erlangs == 48
    assert f.p_wait == pytest.approx(float(c), rel=1e-13)
    assert round(f.p_wait, 4) == 0.2387
    assert f.service_level == pytest.approx(1 - float(c) * math.exp(-7 * 15 / 240), rel=1e-13)
    assert round(f.service_level, 4) == 0.8459
    assert f.asa_s == pytest.approx(float(c) * 240 / 7, rel=1e-13)
    assert f.occupancy == pytest.approx(48 / 55)


def test_erlang_a_with_patience_equal_to_handle_time_is_an_infinite_server_queue() -> None:
    """With θ = μ every one of the k in the system leaves at rate μ (served or hanging
    up), so their number is Poisson(A) (Mandelbaum & Zeltyn, "Service engineering in
    action: the Palm/Erlang-A queue", 2007): P(wait) = P(N >= n), occupancy
    E[min(N, n)] / n and abandonment Σ_{k>=n} P(N=k) (k-n+1) / (k+1)."""
    a, n = 9.0, 10
    pk = [math.exp(-a)]
    for k in range(1, 120):
        pk.append(pk[-1] * a / k)
    f = queue_figures(a * 900 / 200, 200, n, 20, patience_s=200)
    assert f.p_wait == pytest.approx(sum(pk[n:]), rel=1e-12)
    assert f.occupancy == pytest.approx(sum(p * min(k, n) for k, p in enumerate(pk)) / n,
                                        rel=1e-12)
    assert f.abandonment == pytest.approx(
        sum(p * (k - n + 1) / (k + 1) for k, p in enumerate(pk) if k >= n), rel=1e-12)


@settings(deadline=None, max_examples=60)
@given(a=st.floats(0.05, 200), share=st.floats(0.05, 0.99), tau=st.floats(0, 2),
       nu=st.one_of(st.just(0.0), st.floats(0.05, 5)), cap=st.floats(0.5, 1))
def test_the_least_n_meets_the_target_and_one_fewer_does_not(a, share, tau, nu, cap) -> None:
    handle = 300.0
    patience = math.inf if nu == 0 else handle / nu
    got = staff_interval(a * 900 / handle, handle, ServiceTarget(share, tau * handle, cap),
                         patience_s=patience)
    f = got.figures
    assert f.service_level >= share and f.occupancy <= cap * (1 + 1e-12)
    fewer = queue_figures(a * 900 / handle, handle, got.agents - 1, tau * handle,
                          patience_s=patience)
    assert fewer.service_level < share or fewer.occupancy > cap * (1 + 1e-12)


def test_erlang_a_staffs_below_the_load_when_customers_hang_up() -> None:
    """Impatient customers (a 60 s mean against 300 s calls) who hang up leave the
    agents free: 80 % within 20 s at 100 Erlangs takes fewer than 100 agents. The
    abandonment at that n is reported, not capped."""
    got = staff_interval(300, 300, ServiceTarget(0.8, 20), patience_s=60)
    assert got.agents < 100
    assert got.figures.service_level >= 0.8 and got.figures.abandonment > 0.1
    assert staff_interval(300, 300, ServiceTarget(0.8, 20)).agents > 100  # Erlang C


def test_an_abandonment_cap_is_a_rule_of_its_own() -> None:
    """The 80/20 answer at 100 Erlangs with 60 s patience loses more than 10 % of the
    callers; capping abandonment at 5 % takes more agents, and the least such n."""
    free = staff_interval(300, 300, ServiceTarget(0.8, 20), patience_s=60)
    capped = staff_interval(300, 300, ServiceTarget(0.8, 20, abandonment_cap=0.05),
                            patience_s=60)
    assert free.figures.abandonment > 0.1 and capped.figures.abandonment <= 0.05
    assert capped.agents > free.agents
    fewer = queue_figures(300, 300, capped.agents - 1, 20, patience_s=60)
    assert fewer.abandonment > 0.05
    assert staff_interval(30, 300, ServiceTarget(0.0, 20, abandonment_cap=0.5),
                          patience_s=60).agents > 0
    with pytest.raises(StaffingError, match="abandonment_cap of interval 0: 0 is not"):
        staff_interval(30, 300, ServiceTarget(0.8, 20, abandonment_cap=0), patience_s=60)


def test_a_zero_target_needs_nobody_only_where_customers_hang_up() -> None:
    assert staff_interval(30, 300, ServiceTarget(0.0, 20), patience_s=60).agents == 0
    # Erlang C has no steady state at or below the load, so it staffs just above it.
    assert staff_interval(30, 300, ServiceTarget(0.0, 20)).agents == 11


def test_no_traffic_needs_nobody() -> None:
    for patience in (math.inf, 60.0):
        got = staff_interval(0, 300, ServiceTarget(0.8, 20, 0.85), patience_s=patience,
                             shrinkage=0.3)
        assert (got.agents, got.scheduled) == (0, 0)
        f = got.figures
        assert (f.service_level, f.p_wait, f.asa_s, f.abandonment, f.occupancy) == (
            1, 0, 0, 0, 0)


def test_an_understaffed_interval_waits_for_sure_and_is_busy_at_most_all_the_time() -> None:
    f = queue_figures(100, 180, 8, 20, interval_s=1800)  # 10 Erlangs, 8 agents
    assert (f.p_wait, f.occupancy, f.service_level, f.asa_s) == (1.0, 1.0, 0.0, math.inf)
    assert queue_figures(100, 180, 10, 20, interval_s=1800).p_wait == 1.0  # n = A
    f = queue_figures(100, 180, 0, 20, interval_s=1800)
    assert (f.p_wait, f.occupancy, f.service_level) == (1.0, 0.0, 0.0)
    f = queue_figures(100, 180, 8, 20, interval_s=1800, patience_s=60)
    assert 0 < f.p_wait <= 1 and 0 < f.occupancy <= 1 and 0 < f.abandonment < 1


def test_100000_erlangs_without_overflow() -> None:
    contacts = 100_000 * 900 / 300
    got = staff_interval(contacts, 300, ServiceTarget(0.8, 20))
    assert 100_001 <= got.agents < 100_100
    cols = queue_figure_columns([contacts] * 3, 300, [99_000, 100_001, 101_000], 20)
    a_cols = queue_figure_columns([contacts] * 3, 300, [50_000, 100_001, 101_000], 20,
                                  patience_s=600)
    for col in (cols, a_cols):
        for v in (col.service_level, col.p_wait, col.abandonment, col.occupancy):
            assert np.all(np.isfinite(v)) and np.all((v >= 0) & (v <= 1))
        assert np.all(np.diff(col.service_level) > 0)
    got = staff_interval(contacts, 300, ServiceTarget(0.8, 20), patience_s=60)
    assert got.figures.service_level >= 0.8 and got.agents < 100_000


def test_the_search_starts_at_the_first_n_that_can_be_the_answer() -> None:
    """At 10.6 Erlangs 11 agents give 17.3 % within 20 s; a target of 15 % takes 11,
    where pyworkforce starts at round(A + 1) = 12 and answers 12."""
    got = staff_interval(106, 180, ServiceTarget(0.15, 20), interval_s=1800)
    assert got.agents == 11 and got.figures.service_level == pytest.approx(0.17257, abs=1e-5)
    # A long target (e-mail in Erlang C: 4 h against 10 min handling): floor(A) + 1.
    got = staff_intervals([57.7, 3.5, 0.2], 600, 0.8, 4 * 3600)
    assert got.agents.tolist() == [39, 3, 1]


def test_caps_and_shrinkage_do_not_cost_an_agent_to_float_noise() -> None:
    """48 calls of 3 minutes in a quarter hour are 9.6 Erlangs: at an 80 % cap 12 agents
    are exactly 80 % busy (pyworkforce: 13, ceil(9.600000000000001 / 0.8)). 21 agents
    at 30 % shrinkage: 30 scheduled leave 21 (pyworkforce: 31, ceil(21 / 0.7))."""
    got = staff_interval(48, 180, ServiceTarget(0.1, 600, 0.8))
    assert got.agents == 12 and got.figures.occupancy == pytest.approx(0.8)
    got = staff_interval(20.2 * 3, 300, ServiceTarget(0.01, 3600), shrinkage=0.3)
    assert (got.agents, got.scheduled) == (21, 30)
    got = staff_intervals([21.5 * 3], 300, 0.01, 3600, shrinkage=0.3)
    assert got.agents[0] == 22 and got.scheduled[0] == 32  # 31 * 0.7 = 21.7 < 22


def test_100_percent_is_refused_not_met_by_rounding() -> None:
    """10 Erlangs, 100 % within 20 s: no n meets it (P(wait) > 0 for every n), though
    at 44 agents 1 - 2.2e-15 rounds to 1.0 (pyworkforce answers 44)."""
    assert queue_figures(100, 180, 44, 20, interval_s=1800).p_wait > 0
    with pytest.raises(StaffingError, match="no number of agents answers 100 %"):
        staff_interval(100, 180, ServiceTarget(1.0, 20), interval_s=1800)


def test_columns_mix_erlang_c_and_erlang_a() -> None:
    got = staff_intervals([300, 300, 0], 300, [0.8, 0.8, 0.9], 20,
                          patience_s=[math.inf, 60, 60])
    one = [staff_interval(300, 300, ServiceTarget(0.8, 20)).agents,
           staff_interval(300, 300, ServiceTarget(0.8, 20), patience_s=60).agents, 0]
    assert got.agents.tolist() == one


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"contacts": -1}, "contacts of interval 0: -1 is not a count of contacts"),
    ({"contacts": math.nan}, "contacts of interval 0: not a number"),
    ({"handle_s": 0}, "handle_s of interval 0: 0 is not a mean handle time"),
    ({"share": 1.0}, "no number of agents answers 100 %"),
    ({"share": 1.5}, "is not a share between 0 and 1"),
    ({"answer_s": -5}, "answer_s of interval 0: -5 is not a time to answer"),
    ({"patience_s": 0}, "patience_s of interval 0: 0 is not a mean patience"),
    ({"occupancy_cap": 0}, "occupancy_cap of interval 0: 0 is not a share above 0"),
    ({"shrinkage": 1}, "shrinkage of interval 0: 1 is not a share of paid time"),
])
def test_bad_input_names_the_input(kwargs, message) -> None:
    args = {"contacts": 100, "handle_s": 180, "share": 0.8, "answer_s": 20} | kwargs
    contacts = args.pop("contacts")
    with pytest.raises(StaffingError, match=message.replace("(", r"\(")) as e:
        staff_intervals([contacts], args.pop("handle_s"), args.pop("share"),
                        args.pop("answer_s"), **args)
    assert isinstance(e.value, ValueError)


def test_100_percent_is_fine_with_no_contacts_and_bad_agents_are_refused() -> None:
    assert staff_intervals([0], 180, 1.0, 0).agents.tolist() == [0]
    with pytest.raises(StaffingError, match=r"agents of interval 0: 2\.5 is not a whole"):
        queue_figure_columns([10], 180, [2.5], 20)
    with pytest.raises(StaffingError, match="interval_s"):
        staff_intervals([10], 180, 0.8, 20, interval_s=0)
