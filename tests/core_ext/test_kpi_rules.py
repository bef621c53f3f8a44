"""The rules both engines share, against their twins."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from core.model import EventKind
from core_ext import kpi_rules
from tests.core_ext import twins


@settings(deadline=None)
@given(st.sampled_from([EventKind.AGENT_STATE, EventKind.AGENT_LOGIN, EventKind.AGENT_LOGOUT]),
       st.integers(0, 7))
def test_the_state_of_an_agent_event(kind, value) -> None:
    assert kpi_rules.state_of(np.int16(kind), np.int64(value)) == twins.state_of(kind, value)


@settings(deadline=None)
@given(st.integers(-1, 11), st.integers(0, 3), st.integers(-1, 7),
       st.sampled_from([np.int8, np.int64]))
def test_resolved_first_time(outcome, transfers, channel, outcome_type) -> None:
    # An outcome as the facts hold it (int8) and as the live engine does (int64).
    got = kpi_rules.resolved_first_time(outcome_type(outcome), np.int16(transfers),
                                        np.int16(channel))
    assert bool(got) == twins.first_contact_resolved(outcome, transfers, channel)


@settings(deadline=None)
@given(st.one_of(st.integers(-1_000, 100_000_000),
                 st.sampled_from(twins.WAIT_EDGES_MS).flatmap(
                     lambda e: st.sampled_from([e - 1, e, e + 1]))))
def test_the_wait_bin(wait) -> None:
    assert kpi_rules.wait_bin(np.int64(wait)) == twins.wait_bin(wait)
