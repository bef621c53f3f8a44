"""The kernels' tests once more with numba's JIT off: the same code as plain Python
over numpy scalars, which is what a debugger or coverage sees. numpy's rules differ
from numba's (an int8 with 255 is an error, not a widening; an overflow warns, not
wraps), so code that only the compiler accepts fails here, and any wraparound a
kernel relies on is an error (-W error::RuntimeWarning)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import types

import pytest

from core_ext import (
    erlang_kernels,
    forecast_kernels,
    kpi_aggregate,
    kpi_facts,
    kpi_incremental,
    kpi_rules,
)
from tests.conftest import REPO

THIS = "tests/core_ext/test_without_jit.py"
NO_JIT = os.environ.get("NUMBA_DISABLE_JIT") == "1"


@pytest.mark.skipif(NO_JIT, reason="the run without the JIT itself")
def test_the_kernel_tests_pass_without_the_jit() -> None:
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1", "FLOORBOARD_KERNEL_PROFILE": "no-jit"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W",
         "error::RuntimeWarning", "tests/core_ext",
         f"--deselect={THIS}::test_the_kernel_tests_pass_without_the_jit"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    passed = re.search(r"(\d+) passed", done.stdout)
    assert passed and int(passed.group(1)) >= 10, done.stdout[-2000:]


@pytest.mark.skipif(not NO_JIT, reason="only in the run without the JIT")
def test_the_kernels_ran_as_plain_python() -> None:
    for kernel in (kpi_rules.wait_bin, kpi_facts.contact_facts, kpi_aggregate.aggregate,
                   kpi_incremental.apply_events, erlang_kernels.erlang_c_staffing,
                   erlang_kernels.erlang_a_point, forecast_kernels.smooth_days):
        assert isinstance(kernel, types.FunctionType)
