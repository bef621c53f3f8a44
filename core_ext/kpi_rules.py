"""The small rules both engines apply per event or contact, compiled once for the
facts pass, the batch aggregation and the incremental engine alike: the state an
agent event puts the agent in, whether a contact was resolved in the first contact,
and the wait bin of a wait."""

from __future__ import annotations

import numpy as np
from numba import njit

from core_ext.kpi_layout import (
    AGENT_LOGOUT,
    AGENT_STATE,
    FIRST_CONTACT_OUTCOME,
    OUTBOUND_CALL,
    ST_AVAILABLE,
    ST_OFFLINE,
    WAIT_EDGES_MS,
)


@njit(cache=True)
def state_of(kind, value):
    """The state an agent event puts the agent in: a login makes them available."""
    if kind == AGENT_STATE:
        return value
    return ST_OFFLINE if kind == AGENT_LOGOUT else ST_AVAILABLE


@njit(cache=True)
def resolved_first_time(outcome, transfers, channel):
    """Resolved in this contact: an inbound contact with no transfer and an outcome
    that needs no follow-up (a dial is the agent's own: KPI-4's, not FCR's)."""
    # A table and ands without branches: outcomes come in no order a predictor learns.
    # The outcome widened first, as numba does anyway: without the JIT numpy refuses
    # 255 as an int8's operand.
    return ((channel != OUTBOUND_CALL) & (transfers == 0)
            & FIRST_CONTACT_OUTCOME[np.int64(outcome) & 255])


@njit(cache=True)
def wait_bin(wait):
    """The histogram bin of a wait: the first edge at or above it."""
    return np.searchsorted(WAIT_EDGES_MS, wait)
