"""The staffing kernels against the plain birth–death reference
(tests/core/wfm/birth_death.py), compiled and (test_without_jit.py) as plain Python:
Erlang C's figures and search, Erlang A's figures and search."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core_ext import erlang_kernels as kernels
from tests.core.wfm import birth_death


@settings(deadline=None)
@given(n=st.integers(1, 20), rho=st.floats(0.01, 0.98), tau=st.floats(0, 2))
def test_erlang_c_figures(n: int, rho: float, tau: float) -> None:
    a = rho * n  # nearer 1 the reference's tail runs to millions of states
    sl, pw, asa, occ = kernels.erlang_c_figures(np.array([a]), np.array([n]), np.array([tau]))
    ref = birth_death.figures(a, 0.0, n, tau)
    for ours, key in ((sl, "service_level"), (pw, "p_wait"), (asa, "asa"), (occ, "occupancy")):
        assert ours[0] == pytest.approx(ref[key], rel=1e-9), key


@settings(deadline=None)
@given(a=st.floats(0.01, 8), nu=st.floats(0.5, 4), n=st.integers(1, 12), tau=st.floats(0, 2))
def test_erlang_a_point(a: float, nu: float, n: int, tau: float) -> None:
    ours = kernels.erlang_a_point(a, nu, n, tau)
    ref = birth_death.figures(a, nu, n, tau)
    for v, key in zip(ours, ("service_level", "p_wait", "asa", "abandonment", "occupancy"),
                      strict=True):
        assert v == pytest.approx(ref[key], rel=1e-9), key


# Subnormal loads left out: there 1/B overflows to inf on purpose (B is 0 to a
# double's precision, the right answer), which numpy without the JIT warns about.
@settings(deadline=None)
@given(a=st.floats(0.0, 30, allow_subnormal=False), share=st.floats(0.05, 0.95),
       tau=st.floats(0, 2), nu=st.floats(0.2, 3))
def test_staffing_searches_find_the_least_n(a: float, share: float, tau: float,
                                            nu: float) -> None:
    one = np.array([a])
    n_c, sl_c, *_ = kernels.erlang_c_staffing(one, np.array([tau]), np.array([share]),
                                             np.zeros(1, np.int64))
    n_a = kernels.erlang_a_staffing(one, np.array([nu]), np.array([tau]),
                                    np.array([share]), np.ones(1), np.ones(1))
    if a == 0:
        assert n_c[0] == n_a[0] == 0
        return
    assert sl_c[0] >= share
    assert n_c[0] == math.floor(a) + 1 or kernels.erlang_c_figures(
        one, n_c - 1, np.array([tau]))[0][0] < share
    assert kernels.erlang_a_point(a, nu, int(n_a[0]), tau)[0] >= share
    assert kernels.erlang_a_point(a, nu, int(n_a[0]) - 1, tau)[0] < share
