"""The facts pass against its twin: each contact's facts, the agents' quarter-hour
records and their state log, on the batch tests' random floors."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from core.model import EVENT_DTYPE, AgentState, EventKind
from core_ext import kpi_facts, kpi_layout
from tests.core.kpi.test_batch import MIDNIGHT, _stream, agent_states, contact
from tests.core_ext import twins

FACTS = ("offered", "resolved", "ended", "acw", "agent", "queue", "channel", "how",
         "outcome", "transfers")
#: As before any event (core.kpi.contacts allocates them so).
FILL = ((np.int64, -1), (np.int64, -1), (np.int64, -1), (np.int64, -1), (np.int32, -1),
        (np.int32, -1), (np.int8, -1), (np.int8, 0), (np.int8, -1), (np.int16, 0))
NEVER = np.iinfo(np.int64).min


def _late(events: np.ndarray, agent: int, at: int) -> np.ndarray:
    """``events`` and a state report of ``agent`` at the end, whatever its time."""
    late = np.zeros(1, dtype=EVENT_DTYPE)
    late["seq"] = len(events) + 1
    late["ts_ms"], late["kind"], late["agent_id"] = MIDNIGHT + at, EventKind.AGENT_STATE, agent
    late["interaction_id"], late["queue_id"], late["channel"] = -1, -1, -1
    late["value"] = int(AgentState.BREAK)
    return np.concatenate([events, late])


def _run(events: np.ndarray, dense: bool, open_until: int):
    """The kernel over the events' true span, as core.kpi.contacts calls it."""
    iid = events["interaction_id"]
    ids = np.unique(iid[iid >= 0])
    if dense:
        lo = int(ids[0]) if len(ids) else 0
        n = int(ids[-1]) - lo + 1 if len(ids) else 0
        slot, rows = np.zeros(0, np.int64), np.arange(lo, lo + n)
    else:
        lo, n, rows = 0, len(ids), ids
        slot = np.where(iid >= 0, np.searchsorted(ids, iid), -1).astype(np.int64)
    n_agents = int(events["agent_id"].max(initial=-1)) + 1
    columns = tuple(events[c] for c in ("ts_ms", "kind", "interaction_id", "agent_id",
                                        "queue_id", "channel", "value"))
    room = 1
    while True:
        facts = tuple(np.full(n, fill, dtype) for dtype, fill in FILL)
        records = np.zeros((room, kpi_layout.R_WIDTH), np.int32)
        n_rec, first, last, misses = kpi_facts.contact_facts(
            *columns, lo, slot, facts, records, n_agents, open_until)
        if n_rec <= room:
            return rows, facts, records[:n_rec], (first, last), misses
        room = n_rec


@settings(deadline=None)
@given(st.lists(contact, max_size=30), agent_states, st.booleans(),
       st.one_of(st.none(), st.integers(0, 8 * 3_600_000)),
       st.one_of(st.none(), st.tuples(st.integers(1, 4), st.integers(-3_600_000, 3_600_000))))
def test_contact_facts_equal_the_twin(contacts, states, dense, open_until, late) -> None:
    events = _stream(contacts, states)
    if late is not None:
        events = _late(events, *late)
    until = NEVER if open_until is None else MIDNIGHT + open_until
    rows, facts, records, (first, last), misses = _run(events, dense, until)
    want = twins.contact_facts(events)
    got = {int(i): dict(zip(FACTS, (int(f[r]) for f in facts), strict=True))
           for r, i in enumerate(rows.tolist())}
    assert {i: c for i, c in got.items() if i in want} == want
    # An id of the span that never occurs keeps the row as allocated.
    assert all(c == dict(zip(FACTS, (f for _, f in FILL), strict=True))
               for i, c in got.items() if i not in want)
    assert misses[:4].tolist() == [0, np.iinfo(np.int64).max, -1, -1]
    if len(events):
        assert (first, last) == (events["ts_ms"].min(), events["ts_ms"].max())
    log, _ = twins.state_log(events)
    assert misses[4] == (not twins.in_time_order_per_agent(log))
    if not misses[4]:
        end = max(int(events["ts_ms"].max()) if len(events) else NEVER, until)
        assert sorted(map(tuple, records.tolist())) == twins.state_records(log, end)


@settings(deadline=None)
@given(st.lists(contact, max_size=20), agent_states,
       st.one_of(st.none(), st.tuples(st.integers(1, 4), st.integers(-3_600_000, 3_600_000))))
def test_the_state_log_equals_the_twin(contacts, states, late) -> None:
    events = _stream(contacts, states)
    if late is not None:
        events = _late(events, *late)
    n = len(events)
    log = (np.empty(n, np.int64), np.empty(n, np.int32), np.empty(n, np.int8))
    n_log, in_order = kpi_facts.state_log(events["ts_ms"], events["kind"], events["agent_id"],
                                          events["value"], *log)
    want, want_in_order = twins.state_log(events)
    assert list(zip(*(x[:n_log].tolist() for x in log), strict=True)) == want
    assert in_order == want_in_order


@settings(deadline=None)
@given(st.integers(0, 50), st.integers(-10**12, 10**12))
def test_count_up_is_arange(n, start) -> None:
    got = kpi_facts.count_up(np.empty(n, np.int64), start)
    assert got.tolist() == list(range(start, start + n))
