"""The batch engine against the pandas reference on random event streams: out-of-order
completion, transfers, abandons at second 0, contacts spanning midnight and interval
borders, contacts still waiting, hang-ups in the IVR, busy signals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.kpi.batch import MEASURES, KpiSettings, contact_kpis
from core.kpi.contacts import contact_facts
from core.model import EVENT_DTYPE, AgentState, Outcome
from core.model import EventKind as K
from core_ext import kpi_layout
from tests.core.kpi import reference

TZ = "Europe/Kyiv"
MIDNIGHT = 1_795_989_600_000  # 2026-11-30 00:00 in Kyiv: intervals, days, a month end
LANG = {1: "en", 2: "uk", 3: "en", 4: "uk"}
QUEUE_CHANNEL = {1: 1, 2: 2, 3: 4, 4: 7}  # 4: outbound dials


contact = st.fixed_dictionaries({
    "start": st.integers(-3_600_000, 3_600_000),  # around midnight
    "ivr_ms": st.sampled_from([0, 0, 4_000, 30_000]),
    "queue": st.sampled_from([1, 2, 3, 4]),
    "fate": st.sampled_from(["answered", "answered", "abandoned", "abandoned_ringing",
                             "voicemail", "waiting", "ivr_hangup", "blocked"]),
    "wait_ms": st.sampled_from([0, 0, 1_000, 4_999, 5_000, 15_000, 20_000, 20_001, 600_000,
                                5 * 3_600_000]),
    "talk_ms": st.integers(0, 2 * 3_600_000),
    "no_answers": st.integers(0, 2),
    "transfers": st.integers(0, 2),
    "agent": st.integers(1, 4),
    "ended": st.booleans(),
    "outcome": st.sampled_from([int(o) for o in Outcome]),
    # After-call work: none, or a wrap-up reported before or after the end, at the
    # same moment; some cross an interval border.
    "wrap_ms": st.sampled_from([None, None, 0, 5_000, 30_000, 900_000]),
    "wrap_first": st.booleans(),
    # Ended, then transferred and ended again by the next agent this long after.
    "reopen_ms": st.sampled_from([None, None, None, 0, 60_000, 1_200_000]),
})
#: Agents' own state changes: (agent, ms from midnight, state).
agent_states = st.lists(st.tuples(st.integers(1, 4), st.integers(-3_600_000, 5 * 3_600_000),
                                  st.sampled_from([0, *(int(s) for s in AgentState), 7])),
                        max_size=12)


def _stream(contacts: list[dict], states: list[tuple[int, int, int]] = ()) -> np.ndarray:
    rows = []  # ts, order within the contact, kind, iid, agent, queue, channel, value
    for iid, c in enumerate(contacts, start=1):
        q, ch = c["queue"], QUEUE_CHANNEL[c["queue"]]
        t = MIDNIGHT + c["start"]
        ev = [(t, K.ARRIVED, -1, q)]
        if c["fate"] == "blocked":
            ev = [(t, K.BLOCKED, -1, q)]
        elif c["fate"] == "ivr_hangup":
            ev.append((t + c["ivr_ms"], K.ABANDONED, -1, q))
        else:
            tq = t + c["ivr_ms"]
            ev.append((tq, K.ENQUEUED, -1, q))
            end = tq + c["wait_ms"]
            for k in range(c["no_answers"]):
                at = tq + c["wait_ms"] * (k + 1) // (c["no_answers"] + 2)
                ev += [(at, K.OFFERED, c["agent"], q), (at, K.NO_ANSWER, c["agent"], q)]
            if c["fate"] == "answered":
                ev += [(end, K.OFFERED, c["agent"], q), (end, K.ACCEPTED, c["agent"], q)]
                tt = end
                for _ in range(c["transfers"]):
                    tt += c["talk_ms"] // 4
                    ev.append((tt, K.TRANSFERRED, c["agent"], q))
                if c["ended"]:
                    te = end + c["talk_ms"]
                    done = [(te, K.ENDED, c["agent"], q, c["outcome"])]
                    if c["wrap_ms"] is not None:
                        wrap = [(te, K.AGENT_STATE, c["agent"], -1, int(AgentState.WRAP_UP)),
                                (te + c["wrap_ms"], K.AGENT_STATE, c["agent"], -1,
                                 int(AgentState.AVAILABLE))]
                        done = wrap[:1] + done + wrap[1:] if c["wrap_first"] else done + wrap
                    ev += done
                    if c["reopen_ms"] is not None:
                        other = c["agent"] % 4 + 1
                        t2 = te + c["reopen_ms"]
                        ev += [(t2, K.TRANSFERRED, c["agent"], q),
                               (t2 + 1_000, K.ENDED, other, q, c["outcome"])]
                        if c["wrap_ms"] is not None:
                            ev += [(t2 + 1_000, K.AGENT_STATE, other, -1,
                                    int(AgentState.WRAP_UP)),
                                   (t2 + 1_000 + c["wrap_ms"] // 2, K.AGENT_STATE, other, -1,
                                    int(AgentState.AVAILABLE))]
            elif c["fate"] == "abandoned":
                ev.append((end, K.ABANDONED, -1, q))
            elif c["fate"] == "abandoned_ringing":  # hung up while an agent's phone rang
                ev += [(end, K.OFFERED, c["agent"], q), (end, K.ABANDONED, c["agent"], q)]
            elif c["fate"] == "voicemail":
                ev.append((end, K.VOICEMAIL, -1, q))
        for j, e in enumerate(ev):
            ts, kind, agent, queue = e[:4]
            value = e[4] if len(e) > 4 else -1
            own = kind != K.AGENT_STATE  # an agent's state is no contact's event
            rows.append((ts, j, int(kind), iid if own else -1, agent, queue,
                         ch if own else -1, value))
    for agent, at, state in states:
        # A state 0 stands for a login, 7 for a logout.
        kind = {0: K.AGENT_LOGIN, 7: K.AGENT_LOGOUT}.get(state, K.AGENT_STATE)
        rows.append((MIDNIGHT + at, 0, int(kind), -1, agent, -1, -1,
                     state if kind == K.AGENT_STATE else -1))
    # The floor's order: by time; a contact's own events in the order they happened.
    rows.sort(key=lambda r: (r[0], r[3] if r[3] >= 0 else 10**9, r[1]))
    out = np.zeros(len(rows), dtype=EVENT_DTYPE)
    if rows:
        a = np.array(rows, dtype=np.int64)
        out["seq"] = np.arange(1, len(rows) + 1)
        out["ts_ms"], out["kind"], out["interaction_id"] = a[:, 0], a[:, 2], a[:, 3]
        out["agent_id"], out["queue_id"], out["channel"] = a[:, 4], a[:, 5], a[:, 6]
        out["value"] = a[:, 7]
    return out


def _as_frame(table, by) -> pd.DataFrame:
    cols = {d: table.keys[d] for d in by} if by else {"_all": np.zeros(len(table), int)}
    frame = pd.DataFrame({**cols, **{m: getattr(table, m) for m in MEASURES}}).astype(np.int64)
    if table.wait_hist is not None:
        frame["wait_hist"] = pd.Series([tuple(h) for h in table.wait_hist.tolist()],
                                       dtype=object)
    return frame.set_index(list(cols)).sort_index()


TEAM = {1: "north", 2: "north", 3: "south"}  # agent 4 has none
SHIFT = {1: "early", 2: "late", 3: "late", 4: "early"}
KPI = KpiSettings(language=LANG, team=TEAM, shift=SHIFT, timezone=TZ)


@settings(max_examples=150, deadline=None)
@given(st.lists(contact, max_size=40), agent_states,
       st.sampled_from([(), ("channel",), ("queue", "interval"), ("agent",), ("interval",),
                        ("language", "interval"), ("channel", "agent", "interval"),
                        ("team", "interval"), ("shift", "agent")]),
       st.sampled_from(["15min", "hour", "day", "month"]), st.booleans())
def test_batch_equals_the_pandas_reference(contacts, states, by, interval, percentiles) -> None:
    events = _stream(contacts, states)
    got = contact_kpis(contact_facts(events), by, interval, KPI, percentiles=percentiles)
    want = reference.contact_kpis(events, by, interval, TZ, LANG, TEAM, SHIFT,
                                  percentiles=percentiles)
    want.index.names = list(by) or ["_all"]
    pd.testing.assert_frame_equal(_as_frame(got, by), want, check_names=False,
                                  check_index_type=False)


def test_an_agent_beyond_the_guessed_span_with_a_far_id_is_read() -> None:
    """The id span is guessed from both ends of the array; an event in the middle with
    both a larger agent and a far id must still be read (once crashed the rerun)."""
    n = 150_000  # more than both guessed ends
    events = np.zeros(n, dtype=EVENT_DTYPE)
    events["seq"] = np.arange(1, n + 1)
    events["ts_ms"] = MIDNIGHT + np.arange(n) * 1_000
    events["kind"], events["interaction_id"] = int(K.ENQUEUED), np.arange(1, n + 1)
    events["agent_id"], events["queue_id"], events["channel"], events["value"] = -1, 1, 1, -1
    middle = n // 2
    events[middle]["kind"], events[middle]["interaction_id"] = int(K.ACCEPTED), 10_000_000
    events[middle]["agent_id"] = 3_000
    facts = contact_facts(events)
    row = int(np.flatnonzero(facts.interaction_id == 10_000_000)[0])
    assert facts.agent_id[row] == 3_000 and facts.how[row] == kpi_layout.HOW_ANSWERED
    assert (facts.offered_ms >= 0).sum() == n - 1


def test_sparse_interaction_ids_give_the_same_measures() -> None:
    contacts = [dict(start=s * 60_000, ivr_ms=0, queue=1 + s % 3, fate=f, wait_ms=w,
                     talk_ms=90_000, no_answers=0, transfers=0, agent=1 + s % 4, ended=True,
                     outcome=1, wrap_ms=10_000, wrap_first=False, reopen_ms=None)
                for s, (f, w) in enumerate([("answered", 1_000), ("abandoned", 4_000),
                                            ("answered", 30_000), ("voicemail", 600_000)])]
    dense = _stream(contacts)
    sparse = dense.copy()
    sparse["interaction_id"] = dense["interaction_id"] * 10**12  # far apart: no id span
    kpi = KpiSettings(language=LANG, timezone=TZ)
    for by in [("queue", "interval"), ("agent",)]:
        pd.testing.assert_frame_equal(
            _as_frame(contact_kpis(contact_facts(sparse), by, "hour", kpi), by),
            _as_frame(contact_kpis(contact_facts(dense), by, "hour", kpi), by))
    assert contact_facts(sparse).interaction_id.tolist() == [10**12, 2 * 10**12,
                                                            3 * 10**12, 4 * 10**12]


#: A range's end: on a quarter hour (the agents' time summed from the quarter-hour
#: records) or anywhere (from their state log), or none.
range_end = st.one_of(st.none(), st.integers(-6, 24).map(lambda q: MIDNIGHT + q * 900_000),
                      st.integers(-3_600_000, 6 * 3_600_000).map(lambda ms: MIDNIGHT + ms))


@settings(max_examples=100, deadline=None)
@given(st.lists(contact, max_size=30), agent_states,
       st.sampled_from([(), ("agent",), ("agent", "interval"), ("team", "interval"),
                        ("shift", "agent"), ("queue", "interval")]),
       st.sampled_from(["15min", "hour", "day"]), range_end, range_end)
def test_a_range_equals_the_pandas_reference(contacts, states, by, interval, since,
                                             until) -> None:
    if since is not None and until is not None and since > until:
        since, until = until, since
    events = _stream(contacts, states)
    facts = contact_facts(events)
    want = reference.contact_kpis(events, by, interval, TZ, LANG, TEAM, SHIFT,
                                  since_ms=since, until_ms=until)
    want.index.names = list(by) or ["_all"]
    got = contact_kpis(facts, by, interval, KPI, since_ms=since, until_ms=until)
    pd.testing.assert_frame_equal(_as_frame(got, by), want, check_names=False,
                                  check_index_type=False)
    # The state log alone, as when reports came late, gives the same.
    facts.state_slots = None
    got = contact_kpis(facts, by, interval, KPI, since_ms=since, until_ms=until)
    pd.testing.assert_frame_equal(_as_frame(got, by), want, check_names=False,
                                  check_index_type=False)


def _states(rows: list[tuple[int, int, int]]) -> np.ndarray:
    """Agent state events (agent, ms from midnight, state) in the order given."""
    out = np.zeros(len(rows), dtype=EVENT_DTYPE)
    out["seq"] = np.arange(1, len(rows) + 1)
    out["kind"], out["interaction_id"], out["queue_id"], out["channel"] = (
        int(K.AGENT_STATE), -1, -1, -1)
    for i, (agent, at, state) in enumerate(rows):
        out[i]["ts_ms"], out[i]["agent_id"], out[i]["value"] = MIDNIGHT + at, agent, state
    return out


def test_a_late_state_report_is_summed_from_the_log_in_time_order() -> None:
    """An agent's break reported after their later states (a late report): the
    quarter-hour records cannot take it in, so the time comes from the log, sorted."""
    minute = 60_000
    av, busy, brk = int(AgentState.AVAILABLE), int(AgentState.BUSY), int(AgentState.BREAK)
    events = _states([(1, 0, av), (2, 0, av), (1, 20 * minute, busy), (2, 30 * minute, busy),
                      (1, 40 * minute, av), (2, 50 * minute, av),
                      (1, 10 * minute, brk)])  # agent 1's break, reported last
    facts = contact_facts(events)
    assert facts.state_slots is None
    got = contact_kpis(facts, ("agent",), "hour", KPI)
    want = reference.contact_kpis(events, ("agent",), "hour", TZ, LANG, TEAM, SHIFT)
    want.index.names = ["agent"]
    pd.testing.assert_frame_equal(_as_frame(got, ("agent",)), want, check_names=False,
                                  check_index_type=False)
    assert got.break_ms.tolist() == [10 * minute, 0]
    assert got.available_ms.tolist() == [10 * minute + 10 * minute, 30 * minute]


def test_more_quarter_hours_than_room_for_records_are_all_summed() -> None:
    """Long spells and few events: more quarter-hour records than the first guess of
    room (a tenth of the events), so the facts are read again with room for all."""
    hour = 3_600_000
    av, brk = int(AgentState.AVAILABLE), int(AgentState.BREAK)
    rows = [(agent, t * 3 * hour + agent * 60_000, av if t % 2 == 0 else brk)
            for t in range(80) for agent in range(1, 51)]
    events = _states(sorted(rows, key=lambda r: r[1]))
    facts = contact_facts(events)
    assert facts.state_slots is not None and len(facts.state_slots) > len(events) // 10 + 4096
    got = _as_frame(contact_kpis(facts, ("agent", "interval"), "day", KPI),
                    ("agent", "interval"))
    facts.state_slots = None
    from_log = _as_frame(contact_kpis(facts, ("agent", "interval"), "day", KPI),
                         ("agent", "interval"))
    pd.testing.assert_frame_equal(got, from_log)
    # Each agent is logged in from their first state to the last event.
    per_agent = got.groupby(level="agent")[["available_ms", "break_ms"]].sum().sum(axis=1)
    last = int(events["ts_ms"].max())
    assert per_agent.to_dict() == {a: last - (MIDNIGHT + a * 60_000) for a in range(1, 51)}


def test_a_range_from_before_the_first_event_counts_its_quarter_hour() -> None:
    """A range from 12:02 when the first state is at 12:05: no time is cut off, so the
    quarter-hour records serve, the first quarter hour with them."""
    minute = 60_000
    av, busy = int(AgentState.AVAILABLE), int(AgentState.BUSY)
    events = _states([(1, 5 * minute, av), (1, 9 * minute, busy), (1, 31 * minute, av),
                      (1, 44 * minute, busy)])
    facts = contact_facts(events)
    got = contact_kpis(facts, ("agent", "interval"), "15min", KPI,
                       since_ms=MIDNIGHT + 2 * minute, until_ms=MIDNIGHT + 45 * minute)
    assert got.available_ms.tolist() == [4 * minute, 0, 13 * minute]
    # Busy again at 12:44, the last event: an open state lasts until the latest event.
    assert got.busy_ms.tolist() == [6 * minute, 15 * minute, 1 * minute]


def test_states_open_at_the_end_last_until_what_is_known() -> None:
    """A report reads up to its range's end, and the store knows the agents stayed in
    their last states until then: the records hold that time, as the log does."""
    minute = 60_000
    av, brk = int(AgentState.AVAILABLE), int(AgentState.BREAK)
    events = _states([(1, 0, av), (2, 3 * minute, av), (1, 20 * minute, brk)])
    facts = contact_facts(events, open_until_ms=MIDNIGHT + 2 * 60 * minute)
    assert facts.last_ms == MIDNIGHT + 2 * 60 * minute
    got = _as_frame(contact_kpis(facts, ("agent", "interval"), "hour", KPI,
                                 since_ms=MIDNIGHT), ("agent", "interval"))
    assert got["break_ms"].tolist() == [40 * minute, 60 * minute, 0, 0]
    assert got["available_ms"].tolist() == [20 * minute, 0, 57 * minute, 60 * minute]
    facts.state_slots = None
    pd.testing.assert_frame_equal(got, _as_frame(contact_kpis(
        facts, ("agent", "interval"), "hour", KPI, since_ms=MIDNIGHT), ("agent", "interval")))


def test_a_dimension_given_twice_is_refused() -> None:
    facts = contact_facts(_states([(1, 0, int(AgentState.AVAILABLE))]))
    with pytest.raises(ValueError, match="'interval' twice"):
        contact_kpis(facts, ("interval", "agent", "interval"), "hour", KPI)
