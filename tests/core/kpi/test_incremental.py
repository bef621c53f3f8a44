"""Live equals batch: the incremental engine, fed the same events in batches of any
size, gives the batch engine's numbers (and so the pandas reference's), over all it
holds and over rolling windows; and it knows the floor now."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from core.kpi.batch import contact_kpis
from core.kpi.contacts import contact_facts
from core.kpi.incremental import IncrementalKpis
from core.kpi.intervals import interval_table
from core.model import AgentState
from core_ext import kpi_layout
from tests.core.kpi.test_batch import (
    KPI,
    QUEUE_CHANNEL,
    TZ,
    _as_frame,
    _stream,
    agent_states,
    contact,
)

GROUPINGS = [(), ("channel",), ("queue", "interval"), ("channel", "interval"), ("agent",),
             ("agent", "interval"), ("language", "interval"), ("team", "interval"),
             ("shift",), ("interval",)]


def _feed(events: np.ndarray, cuts: list[int], interval: str) -> IncrementalKpis:
    live = IncrementalKpis(KPI, QUEUE_CHANNEL, interval, window=10_000)
    start = 0
    for n in cuts * (len(events) // max(1, sum(cuts)) + 1):
        live.apply(events[start:start + n])
        start += n
        if start >= len(events):
            break
    return live


def _live_frame(live: IncrementalKpis, by, last=None) -> pd.DataFrame:
    table = live.table(by, last=last)
    # The live histograms are kept per queue: not for agent groupings.
    assert (table.wait_hist is None) == bool({"agent", "team", "shift"} & set(by))
    return _as_frame(table, by)


@settings(max_examples=150, deadline=None)
@given(st.lists(contact, max_size=40), agent_states, st.sampled_from(["15min", "hour", "day"]),
       st.lists(st.integers(1, 50), min_size=1, max_size=10))
def test_live_equals_batch(contacts, states, interval, cuts) -> None:
    events = _stream(contacts, states)
    live = _feed(events, cuts, interval)
    assert live.too_late == 0
    facts = contact_facts(events)
    for by in GROUPINGS:
        hist = not {"agent", "team", "shift"} & set(by)
        want = _as_frame(contact_kpis(facts, by, interval, KPI, percentiles=hist), by)
        pd.testing.assert_frame_equal(_live_frame(live, by), want, check_names=False,
                                      check_index_type=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(contact, min_size=1, max_size=40), agent_states, st.integers(1, 6))
def test_a_rolling_window_equals_the_batch_over_its_intervals(contacts, states, last) -> None:
    events = _stream(contacts, states)
    live = _feed(events, [7], "15min")
    # The window's first interval starts at this UTC moment.
    ivs = interval_table(int(events["ts_ms"].min()) - 86_400_000,
                         int(events["ts_ms"].max()) + 1, "15min", TZ)
    newest = int(ivs.of(np.array([events["ts_ms"].max()]))[0])
    first = newest - last + 1
    slots = np.flatnonzero(ivs.index >= first)
    since = (ivs.slot0 + int(slots[0])) * kpi_layout.SLOT_MS
    facts = contact_facts(events)
    for by in [("channel",), ("agent", "interval"), ()]:
        hist = "agent" not in by
        want = _as_frame(contact_kpis(facts, by, "15min", KPI, since_ms=since,
                                      percentiles=hist), by)
        pd.testing.assert_frame_equal(_live_frame(live, by, last=last), want,
                                      check_names=False, check_index_type=False)


@settings(max_examples=100, deadline=None)
@given(st.lists(contact, max_size=40), agent_states,
       st.lists(st.integers(1, 50), min_size=1, max_size=10))
def test_the_floor_now(contacts, states, cuts) -> None:
    events = _stream(contacts, states)
    now = _feed(events, cuts, "hour").now()
    assert now.at_ms == (int(events["ts_ms"].max()) if len(events) else -1)
    # Waiting: offered and not yet answered, abandoned or sent to voicemail.
    facts = contact_facts(events)
    waiting = (facts.offered_ms >= 0) & (facts.how == 0) & (facts.channel != 7)  # no dials
    want_count, want_oldest = {}, {}
    for q, t in zip(facts.queue_id[waiting].tolist(), facts.offered_ms[waiting].tolist(),
                    strict=True):
        want_count[q] = want_count.get(q, 0) + 1
        want_oldest[q] = min(want_oldest.get(q, t), t)
    assert now.waiting == want_count
    assert now.oldest_waiting_ms == want_oldest
    for q, t in want_oldest.items():
        assert now.longest_wait_ms(q) == now.at_ms - t
    # Each agent's latest state (a login: available; a logout: offline).
    last: dict[int, AgentState] = {}
    for _ts, a, s in sorted(zip(facts.state_ms.tolist(), facts.state_agent.tolist(),
                               facts.state.tolist(), strict=True), key=lambda x: x[0]):
        last[a] = AgentState(s)
    assert now.agent_state == last
    assert sum(now.agents_by_state().values()) == len(last)


def test_a_queue_not_named_at_the_start_gets_its_channel_and_target() -> None:
    contacts = [dict(start=0, ivr_ms=0, queue=q, fate="answered", wait_ms=10_000,
                     talk_ms=60_000, no_answers=0, transfers=0, agent=1, ended=True,
                     outcome=1, wrap_ms=None, wrap_first=False, reopen_ms=None)
                for q in (1, 3)]
    events = _stream(contacts)
    live = IncrementalKpis(KPI, {1: 1}, "hour")  # queue 3 (e-mail) added to the floor later
    live.apply(events)
    got = _as_frame(live.table(("queue",)), ("queue",))
    want = _as_frame(contact_kpis(contact_facts(events), ("queue",), "hour", KPI,
                                  percentiles=True), ("queue",))
    pd.testing.assert_frame_equal(got, want, check_names=False, check_index_type=False)
    assert live.table(("channel",)).keys["channel"].tolist() == [1, 4]


def test_an_agent_state_reported_late_is_counted_as_too_late() -> None:
    """The batch engine puts a late state in time order; the live one cannot split the
    time it already split again, so it says so rather than drop it unseen."""
    events = _stream([], [(1, 0, int(AgentState.AVAILABLE)), (1, 600_000, int(AgentState.BUSY))])
    late = _stream([], [(1, 300_000, int(AgentState.BREAK))])
    live = IncrementalKpis(KPI, QUEUE_CHANNEL, "hour")
    live.apply(events)
    live.apply(late)
    assert live.too_late == 1


def test_moments_older_than_the_ring_are_counted_not_misfiled() -> None:
    contacts = [dict(start=s, ivr_ms=0, queue=1, fate="abandoned", wait_ms=1_000,
                     talk_ms=0, no_answers=0, transfers=0, agent=1, ended=False, outcome=1,
                     wrap_ms=None, wrap_first=False, reopen_ms=None)
                for s in (0, 3 * 3_600_000, 60_000)]  # the last comes after the ring moved
    events = _stream(contacts)
    order = np.argsort(events["interaction_id"], kind="stable")  # contact 3 arrives last
    live = IncrementalKpis(KPI, QUEUE_CHANNEL, "hour", window=2)
    live.apply(events[order])
    assert live.too_late == 1
    assert live.table(()).offered.tolist() == [1]  # only the latest hour is still held
