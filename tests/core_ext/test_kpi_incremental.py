"""The incremental engine's kernels, fed the batch tests' random floors in batches of
any size, against the pandas reference: per queue and per agent, per UTC quarter
hour, every measure and wait histogram; and the span of ids and times."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from core.model import Channel, EventKind
from core_ext import kpi_incremental, kpi_layout
from tests.core.kpi import reference
from tests.core.kpi.test_batch import LANG, QUEUE_CHANNEL, _stream, agent_states, contact

SLOT = kpi_layout.SLOT_MS
WINDOW = 256  # quarter hours held: more than a random floor spans


def _feed(events: np.ndarray, cuts: list[int]) -> dict[str, np.ndarray]:
    """The engine's state after the events, given in batches of the cuts' sizes, with
    every agent's open state counted up to the latest event (as core.kpi.incremental
    does when asked for a table)."""
    iid = events["interaction_id"]
    base = int(iid[iid >= 0].min(initial=0))
    n_q = max(QUEUE_CHANNEL) + 2  # row = queue id + 1; row 0: none
    target = np.zeros(n_q, np.int64)
    for q, ch in QUEUE_CHANNEL.items():
        target[q + 1] = reference.DEFAULT_TARGET_MS[ch]
    n_agents = int(events["agent_id"].max(initial=-1)) + 2
    slot0 = int(events["ts_ms"].min(initial=0)) // SLOT - 1
    iv_tab = np.arange(slot0, int(events["ts_ms"].max(initial=0)) // SLOT + 2, dtype=np.int64)
    s = dict(
        cs=np.tile(kpi_incremental.CONTACT_FILL, (int(iid.max(initial=0)) - base + 1, 1)),
        ag=np.tile(kpi_incremental.AGENT_FILL, (n_agents, 1)),
        ring=np.full(WINDOW, -1, np.int64),
        acc_q=np.zeros((WINDOW, n_q, kpi_layout.N_MEASURES), np.int64),
        acc_a=np.zeros((WINDOW, n_agents, kpi_layout.N_MEASURES), np.int64),
        hist_q=np.zeros((WINDOW, n_q, kpi_layout.N_WAIT_BINS), np.int32),
        newest=np.array([-1, 0, -1], np.int64), waiting_q=np.zeros(n_q, np.int64))
    start = 0
    while start < len(events):
        for n in cuts:
            b = events[start:start + n]
            kpi_incremental.apply_events(
                b["kind"], b["interaction_id"], b["ts_ms"], b["agent_id"], b["queue_id"],
                b["channel"], b["value"], base, target, 5_000, iv_tab, slot0, s["cs"],
                s["ag"], s["ring"], s["acc_q"], s["acc_a"], s["hist_q"], s["newest"],
                s["waiting_q"])
            start += n
    state = s["ag"][:, kpi_incremental.G_STATE]
    since = s["ag"][:, kpi_incremental.G_SINCE]
    now = int(s["newest"][2])
    for row in np.flatnonzero((since >= 0) & (since < now)):
        col = kpi_layout.STATE_COLUMN[state[row]]
        if col > 0:
            kpi_incremental.state_time(s["acc_q"], s["acc_a"], s["hist_q"], s["ring"],
                                       s["newest"][0], row, col, since[row], now, iv_tab,
                                       slot0, WINDOW, s["newest"][1:2])
    return s


def _cells(acc: np.ndarray, ring: np.ndarray, hist: np.ndarray | None,
           side: str) -> pd.DataFrame:
    """The accumulators' cells that hold something, as the reference's frame."""
    rows = []
    for r in np.flatnonzero(ring >= 0).tolist():
        for row, m in enumerate(acc[r].tolist()):
            if (m[kpi_layout.A_OFFERED] or m[kpi_layout.A_TALKED]
                    or sum(m[kpi_layout.A_AVAILABLE:])):
                extra = {} if hist is None else {"wait_hist": tuple(hist[r, row].tolist())}
                rows.append({side: row - 1, "interval": int(ring[r]) * SLOT,
                             **dict(zip(reference.MEASURES, m, strict=True)), **extra})
    columns = [side, "interval", *reference.MEASURES, *(() if hist is None else ("wait_hist",))]
    frame = pd.DataFrame(rows, columns=columns)
    frame[list(reference.MEASURES)] = frame[list(reference.MEASURES)].astype(np.int64)
    return frame.set_index([side, "interval"]).sort_index()


@settings(deadline=None)
@given(st.lists(contact, max_size=30), agent_states,
       st.lists(st.integers(1, 50), min_size=1, max_size=6))
def test_apply_events_equals_the_reference(contacts, states, cuts) -> None:
    events = _stream(contacts, states)
    s = _feed(events, cuts)
    assert s["newest"][1] == 0  # nothing too late for the ring
    for side, acc, hist in (("queue", s["acc_q"], s["hist_q"]), ("agent", s["acc_a"], None)):
        want = reference.contact_kpis(events, (side, "interval"), "15min", "UTC", LANG,
                                      percentiles=hist is not None)
        pd.testing.assert_frame_equal(_cells(acc, s["ring"], hist, side), want,
                                      check_names=False, check_index_type=False)
    # Waiting now: offered, not yet answered, abandoned or sent to voicemail.
    waiting: dict[int, int] = {}
    for q in _waiting_queues(events):
        waiting[q + 1] = waiting.get(q + 1, 0) + 1
    assert {q: n for q, n in enumerate(s["waiting_q"].tolist()) if n} == waiting


def _waiting_queues(events: np.ndarray) -> list[int]:
    """The queue of each contact offered and still waiting (dials wait for no one)."""
    ev = pd.DataFrame(events[["kind", "interaction_id", "queue_id", "channel"]])
    ev = ev[ev["interaction_id"] >= 0]
    out = []
    for _, g in ev.groupby("interaction_id"):
        kinds = set(g["kind"].tolist())
        enq = g[g["kind"] == EventKind.ENQUEUED]
        if (len(enq) and not kinds & {EventKind.ACCEPTED, EventKind.ABANDONED,
                                      EventKind.VOICEMAIL}
                and g["channel"][g["channel"] >= 0].iloc[0] != Channel.OUTBOUND_CALL):
            out.append(int(enq["queue_id"].iloc[0]))
    return out


@settings(deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 10**12), st.integers(-1, 3_000),
                          st.integers(-10**15, 10**15)), min_size=1, max_size=30))
def test_id_span(rows) -> None:
    iid, agent, ts = (np.array(x, np.int64) for x in zip(*rows, strict=True))
    ids = [i for i in iid.tolist() if i >= 0]
    want = (min(ids, default=-1), max(ids, default=-1), max(agent.tolist()), min(ts.tolist()),
            max(ts.tolist()))
    assert tuple(int(x) for x in kpi_incremental.id_span(iid, agent.astype(np.int32), ts)) \
        == want
