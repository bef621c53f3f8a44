"""The batch aggregation against its twins, on random facts and groupings: the
contacts' measures per cell, the agents' time per state from the log and from the
quarter-hour records, and the cells that hold something."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from core_ext import kpi_aggregate, kpi_layout
from tests.core_ext import twins

SLOT = twins.SLOT_MS
N_SLOTS = 16
#: The values a dimension reads: channel, queue or answering agent, -1 (none) first.
VALUES = {kpi_aggregate.SRC_CHANNEL: range(-1, 8), kpi_aggregate.SRC_QUEUE: range(-1, 5),
          kpi_aggregate.SRC_AGENT: range(-1, 5)}
WIDTH = 9


@st.composite
def a_contact(draw) -> dict[str, int]:
    how = draw(st.integers(0, 3))
    offered = draw(st.sampled_from([-1, *range(0, N_SLOTS * SLOT, 7 * 60_000)]))
    wait = draw(st.sampled_from([0, 999, 1_000, 5_000, 20_000, 20_001, 600_000, 3_600_000]))
    resolved = -1 if how == 0 else max(offered, 0) + wait
    ended = -1
    if how == 1 and draw(st.booleans()):
        ended = resolved + draw(st.sampled_from([-1, 0, 60_000, 3 * SLOT]))
    return dict(offered=offered, resolved=resolved, ended=ended, how=how,
                acw=draw(st.sampled_from([-1, 0, 30_000])),
                agent=draw(st.integers(-1, 4)) if how == 1 else -1,
                queue=draw(st.integers(-1, 4)), channel=draw(st.integers(-1, 7)),
                outcome=draw(st.sampled_from([-1, 1, 2, 4, 8, 10, 11])),
                transfers=draw(st.integers(0, 2)))


@st.composite
def a_grouping(draw, sources):
    """(src, tab, tab_lo, size, iv_tab): up to two dimensions of ``sources``, the
    interval perhaps first; each value's code drawn at random (-1 where allowed)."""
    src = draw(st.lists(st.sampled_from(sources), max_size=2, unique=True))
    with_iv = draw(st.booleans())
    size = [draw(st.integers(1, 3)) for _ in src]
    lowest = -1 if sources == [kpi_aggregate.SRC_AGENT] else 0
    tab = np.full((len(src) + with_iv, WIDTH), -1, np.int64)
    for d, (s, n) in enumerate(zip(src, size, strict=True)):
        codes = draw(st.lists(st.integers(lowest, n - 1), min_size=len(VALUES[s]),
                              max_size=len(VALUES[s])))
        tab[d + with_iv, : len(codes)] = codes
    slots_per_iv = draw(st.sampled_from([1, 4]))
    iv_tab = np.arange(N_SLOTS + 8, dtype=np.int64) // slots_per_iv
    if with_iv:
        src, size = [kpi_aggregate.SRC_INTERVAL, *src], [int(iv_tab.max()) + 1, *size]
    return (np.array(src, np.int64), tab, np.full(len(src), -1, np.int64),
            np.array(size, np.int64), iv_tab)


def _codes(src, tab, tab_lo, iv_tab, values: dict[int, int], t: int) -> list[int] | None:
    out = []
    for d, s in enumerate(src.tolist()):
        if s == kpi_aggregate.SRC_INTERVAL:
            out.append(int(iv_tab[t // SLOT]))
            continue
        j = values[s] - tab_lo[d]
        code = int(tab[d, j]) if 0 <= j < tab.shape[1] else -1
        if code < 0:
            return None
        out.append(code)
    return out


def _fresh(size) -> np.ndarray:
    acc = np.zeros((int(np.prod(size)), kpi_layout.N_MEASURES), np.int64)
    acc[:, kpi_layout.A_LONGEST] = -1
    return acc


def _aggregate_twin(contacts, src, tab, tab_lo, size, iv_tab, target_q, target_ch, short_ms,
                    since, until):
    acc = _fresh(size)
    hist = np.zeros((len(acc), kpi_layout.N_WAIT_BINS), np.int64)
    L = kpi_layout
    for c in contacts:
        values = {kpi_aggregate.SRC_CHANNEL: c["channel"], kpi_aggregate.SRC_QUEUE: c["queue"],
                  kpi_aggregate.SRC_AGENT: c["agent"]}
        r, e = c["resolved"], c["ended"]
        if (c["offered"] >= 0 and since <= r < until
                and c["channel"] != L.OUTBOUND_CALL):
            cell = acc[twins.cell_index(_codes(src, tab, tab_lo, iv_tab, values, r), size)]
            wait = r - c["offered"]
            target = target_q.get(c["queue"], target_ch[max(c["channel"], 0)])
            cell[L.A_OFFERED] += 1
            cell[L.A_LONGEST] = max(cell[L.A_LONGEST], wait)
            if c["how"] == L.HOW_ANSWERED:
                cell[L.A_ANSWERED] += 1
                cell[L.A_WAIT] += wait
                cell[L.A_IN_TARGET] += wait <= target
                hist[twins.cell_index(_codes(src, tab, tab_lo, iv_tab, values, r), size),
                     twins.wait_bin(wait)] += 1
            elif c["how"] == L.HOW_ABANDONED:
                cell[L.A_ABANDONED] += 1
                cell[L.A_SHORT] += wait < short_ms
            else:
                cell[L.A_VOICEMAIL] += 1
        if c["how"] == L.HOW_ANSWERED and e >= r and since <= e < until:
            cell = acc[twins.cell_index(_codes(src, tab, tab_lo, iv_tab, values, e), size)]
            cell[L.A_TALKED] += 1
            cell[L.A_TALK] += e - r
            cell[L.A_ACW] += max(c["acw"], 0)
            cell[L.A_TRANSFERRED] += c["transfers"] > 0
            cell[L.A_TRANSFERS] += c["transfers"]
            cell[L.A_FIRST_CONTACT] += twins.first_contact_resolved(
                c["outcome"], c["transfers"], c["channel"])
            cell[L.A_INBOUND_TALKED] += c["channel"] != L.OUTBOUND_CALL
    return acc, hist


@settings(deadline=None)
@given(st.lists(a_contact(), max_size=30),
       a_grouping([kpi_aggregate.SRC_CHANNEL, kpi_aggregate.SRC_QUEUE,
                   kpi_aggregate.SRC_AGENT]),
       st.integers(0, N_SLOTS * SLOT), st.integers(0, N_SLOTS * SLOT), st.booleans(),
       st.dictionaries(st.integers(1, 4), st.integers(0, 60_000), max_size=2))
def test_aggregate_equals_the_twin(contacts, grouping, since, until, with_hist,
                                   queue_targets) -> None:
    src, tab, tab_lo, size, iv_tab = grouping
    since, until = min(since, until), max(since, until) + 1
    target_ch = np.array([20_000, 20_000, 15_000, 14_400_000, 14_400_000, 3_600_000,
                          14_400_000, 86_400_000], np.int64)
    # By queue from 1; -1: the channel's.
    target_q = np.array([queue_targets.get(q, -1) for q in range(1, 5)], np.int64)
    facts = [np.array([c[k] for c in contacts], dtype) for k, dtype in (
        ("offered", np.int64), ("resolved", np.int64), ("ended", np.int64),
        ("acw", np.int64), ("agent", np.int32), ("queue", np.int32), ("channel", np.int8),
        ("how", np.int8), ("outcome", np.int8), ("transfers", np.int16))]
    acc = kpi_aggregate.fresh_cells(np.full((int(np.prod(size)), kpi_layout.N_MEASURES), 7))
    hist = np.zeros((len(acc) if with_hist else 0, kpi_layout.N_WAIT_BINS), np.int32)
    kpi_aggregate.aggregate(*facts, target_q, 1, target_ch, 5_000, src, tab, tab_lo, size,
                            iv_tab, 0, since, until, acc, hist)
    want, want_hist = _aggregate_twin(contacts, src, tab, tab_lo, size, iv_tab,
                                      queue_targets, target_ch, 5_000, since, until)
    assert acc.tolist() == want.tolist()
    if with_hist:
        assert hist.tolist() == want_hist.tolist()


#: An agents' state log: (time, agent, state), in time order.
a_log = st.lists(st.tuples(st.integers(0, N_SLOTS * SLOT), st.integers(0, 4),
                           st.integers(0, 7)), max_size=25).map(sorted)


def _state_time_twin(log, src, tab, tab_lo, size, iv_tab, since, until):
    acc = _fresh(size)
    for agent, col, t0, t1 in twins.spells(log, until):
        t0, t1 = max(t0, since), min(t1, until)
        for q, ms in twins.quarter_hours(t0, t1):
            codes = _codes(src, tab, tab_lo, iv_tab, {kpi_aggregate.SRC_AGENT: agent},
                           q * SLOT)
            if codes is not None:
                acc[twins.cell_index(codes, size), kpi_layout.A_AVAILABLE + col] += ms
    return acc


@settings(deadline=None)
@given(a_log, a_grouping([kpi_aggregate.SRC_AGENT]), st.integers(0, N_SLOTS + 2),
       st.integers(0, N_SLOTS + 2), st.booleans())
def test_agent_state_time_equals_the_twin(log, grouping, since, until, on_quarter) -> None:
    src, tab, tab_lo, size, iv_tab = grouping
    since, until = min(since, until), max(since, until)
    # A range on quarter hours, as the records need, or cutting them.
    since, until = (since * SLOT, until * SLOT) if on_quarter else (
        since * SLOT + 61_000, until * SLOT + 7_000)
    want = _state_time_twin(log, src, tab, tab_lo, size, iv_tab, since, until)
    acc = _fresh(size)
    ts, agent, state = (np.array(x, dtype) for x, dtype in zip(
        zip(*log, strict=True) if log else ([], [], []), (np.int64, np.int32, np.int8),
        strict=True))
    kpi_aggregate.agent_state_time(ts, agent, state, src, tab, tab_lo, size, iv_tab, 0,
                                   since, until, acc)
    assert acc.tolist() == want.tolist()
    if on_quarter:
        # The quarter hours' records, the last state open until the range's end, sum
        # to the same.
        records = np.array(twins.state_records(log, until), np.int32).reshape(
            -1, kpi_layout.R_WIDTH)
        acc = _fresh(size)
        kpi_aggregate.recorded_state_time(records, src, tab, tab_lo, size, iv_tab, 0, since,
                                          until, acc)
        assert acc.tolist() == want.tolist()


@settings(deadline=None)
@given(st.lists(st.integers(1, 3), min_size=1, max_size=3).flatmap(
    lambda size: st.tuples(
        st.just(size), st.permutations(range(len(size))),
        st.lists(st.tuples(st.sampled_from([kpi_layout.A_OFFERED, kpi_layout.A_TALKED,
                                            kpi_layout.A_WAIT, kpi_layout.A_BREAK]),
                           st.integers(0, int(np.prod(size)) - 1)), max_size=6))))
def test_used_cells_equals_the_twin(case) -> None:
    size, user_axes, filled = case
    acc = kpi_aggregate.fresh_cells(np.empty((int(np.prod(size)), kpi_layout.N_MEASURES),
                                             np.int64))
    for col, cell in filled:
        acc[cell, col] += 1
    n_dims = len(size)
    out, cells = np.empty_like(acc), np.empty(len(acc), np.int64)
    coords = np.empty((len(acc), n_dims), np.int64)
    n = kpi_aggregate.used_cells(acc, np.array(size, np.int64), np.array(user_axes, np.int64),
                                 out, cells, coords)
    # The user's dimensions in order, the last fastest; a cell is used when it holds
    # a contact, a conversation or agent time.
    want = []
    for idx in itertools.product(*(range(size[a]) for a in user_axes)):
        codes = [0] * n_dims
        for i, a in enumerate(user_axes):
            codes[a] = idx[i]
        cell = twins.cell_index(codes, size)
        row = acc[cell]
        if (row[kpi_layout.A_OFFERED] > 0 or row[kpi_layout.A_TALKED] > 0
                or row[kpi_layout.A_AVAILABLE:].sum() > 0):
            want.append((cell, list(idx)))
    assert [(c, k) for c, k in zip(cells[:n].tolist(), coords[:n].tolist(), strict=True)] \
        == want
    assert out[:n].tolist() == acc[cells[:n]].tolist()
