"""Live equals batch: the incremental engine, fed the same events in batches of any
size, gives the batch engine's numbers (and so the pandas reference's)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from core.kpi.batch import KpiSettings, contact_kpis
from core.kpi.contacts import contact_facts
from core.kpi.incremental import IncrementalKpis
from tests.core.kpi.test_batch import LANG, QUEUE_CHANNEL, TZ, _as_frame, _stream, contact

GROUPINGS = [(), ("channel",), ("queue", "interval"), ("channel", "interval"), ("agent",),
             ("agent", "interval"), ("language", "interval")]


@settings(max_examples=150, deadline=None)
@given(st.lists(contact, max_size=40), st.sampled_from(["15min", "hour", "day"]),
       st.lists(st.integers(1, 50), min_size=1, max_size=10))
def test_live_equals_batch(contacts, interval, cuts) -> None:
    events = _stream(contacts)
    kpi_settings = KpiSettings(language=LANG, timezone=TZ)
    live = IncrementalKpis(kpi_settings, QUEUE_CHANNEL, interval, window=10_000)
    start = 0
    for n in cuts * (len(events) // max(1, sum(cuts)) + 1):
        live.apply(events[start:start + n])
        start += n
        if start >= len(events):
            break
    assert live.too_late == 0
    facts = contact_facts(events)
    for by in GROUPINGS:
        want = _as_frame(contact_kpis(facts, by, interval, kpi_settings), by)
        pd.testing.assert_frame_equal(_as_frame(live.table(by), by), want, check_names=False,
                                      check_index_type=False)


def test_moments_older_than_the_ring_are_counted_not_misfiled() -> None:
    contacts = [dict(start=s, ivr_ms=0, queue=1, fate="abandoned", wait_ms=1_000,
                     talk_ms=0, no_answers=0, transfers=0, agent=1, ended=False)
                for s in (0, 3 * 3_600_000, 60_000)]  # the last comes after the ring moved
    events = _stream(contacts)
    order = np.argsort(events["interaction_id"], kind="stable")  # contact 3 arrives last
    live = IncrementalKpis(KpiSettings(timezone=TZ), QUEUE_CHANNEL, "hour", window=2)
    live.apply(events[order])
    assert live.too_late == 1
    assert live.table(()).offered.tolist() == [1]  # only the latest hour is still held
