"""The wallboard's figures against the batch KPI engine and against counts made here
from the raw events, on a simulated day of the seeds' floor fed as the app feeds it
(a flush at a time)."""

from __future__ import annotations

import numpy as np
import pytest

from core.clock import MINUTE_MS, day_start_ms
from core.config.scenario import load_scenario
from core.kpi.batch import contact_kpis
from core.kpi.contacts import contact_facts
from core.kpi.missed_calls import MissedCallSettings, missed_calls
from core.model import AgentState, Channel, EventKind
from core.simulation.engine import Simulation
from core.store import Store
from core.wallboard.floor_view import TREND_MINUTES, floor_view_from_store
from core.wallboard.thresholds import Level, Thresholds

TZ = "Europe/Kyiv"


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    path = tmp_path_factory.mktemp("wallboard") / "floor.sqlite"
    store = Store.open(path)
    sim = Simulation(load_scenario("normal_day_28"), store)
    sim.run()
    yield store, store.read_columns(), sim
    store.close()


def _fed(store, events, upto_ms: int, chunk: int = 3_000):
    view = floor_view_from_store(store, TZ)
    part = events[events["ts_ms"] <= upto_ms]
    for i in range(0, len(part), chunk):
        view.apply(part[i:i + chunk])
    return view, part


@pytest.mark.parametrize("hour", [9.25, 14, 23.99])
def test_today_s_figures_are_the_batch_engine_s(day, hour) -> None:
    store, events, sim = day
    at = sim.start_ms + int(hour * 3_600_000)
    view, part = _fed(store, events, at)
    board = view.wallboard()
    assert board.at_ms == int(part["ts_ms"].max())
    assert board.day_start_ms == day_start_ms(at, TZ) == sim.start_ms
    batch = contact_kpis(contact_facts(part), ("channel",), "hour", view.settings,
                         since_ms=board.day_start_ms, until_ms=board.at_ms + 1)
    row = {int(c): i for i, c in enumerate(batch.keys["channel"].tolist())}
    shown = {f.channel for f in board.channels}
    assert Channel.PHONE in shown and Channel.OUTBOUND_CALL not in shown
    for f in board.channels:
        i = row[int(f.channel)]
        assert f.offered == batch.offered[i] > 0
        assert (f.answered, f.answered_in_target, f.abandoned, f.short_abandoned) == (
            batch.answered[i], batch.answered_in_target[i], batch.abandoned[i],
            batch.short_abandoned[i])
        assert f.service_level == pytest.approx(batch.service_level[i], abs=1e-12)
        assert f.abandon_rate == pytest.approx(batch.abandon_rate[i], abs=1e-12)
        assert f.asa_s == pytest.approx(batch.asa_s[i], abs=1e-12)


def _waiting_now(events: np.ndarray) -> dict[int, tuple[int, int]]:
    """Per channel: contacts offered and not yet answered, abandoned or sent to
    voicemail, and the longest wait, counted here from the raw events."""
    offered: dict[int, tuple[int, int]] = {}
    done: set[int] = set()
    for k, iid, ch, ts in zip(events["kind"].tolist(), events["interaction_id"].tolist(),
                              events["channel"].tolist(), events["ts_ms"].tolist(),
                              strict=True):
        if k == EventKind.ENQUEUED and iid not in offered:
            offered[iid] = (ch, ts)
        elif k in (EventKind.ACCEPTED, EventKind.ABANDONED, EventKind.VOICEMAIL):
            done.add(iid)
    now = int(events["ts_ms"].max())
    out: dict[int, tuple[int, int]] = {}
    for iid, (ch, ts) in offered.items():
        if iid in done or ch == Channel.OUTBOUND_CALL:
            continue
        n, longest = out.get(ch, (0, -1))
        out[ch] = (n + 1, max(longest, now - ts))
    return out


def test_queues_and_agents_now_are_the_events(day) -> None:
    store, events, sim = day
    at = sim.start_ms + int(10.1 * 3_600_000)  # the morning peak: people waiting
    view, part = _fed(store, events, at)
    board = view.wallboard()
    want = _waiting_now(part)
    assert sum(n for n, _ in want.values()) > 0
    for f in board.channels:
        assert (f.waiting, f.longest_wait_ms) == want.get(int(f.channel), (0, -1))
    assert sum(q.waiting for q in board.queues) == sum(n for n, _ in want.values())
    # Agents: the state of their latest state event, and the contacts they hold.
    last_state: dict[int, int] = {}
    holding: dict[int, int] = {}
    for k, a, v, iid in zip(part["kind"].tolist(), part["agent_id"].tolist(),
                            part["value"].tolist(), part["interaction_id"].tolist(),
                            strict=True):
        if k == EventKind.AGENT_STATE:
            last_state[a] = v
        elif k == EventKind.AGENT_LOGIN:
            last_state[a] = AgentState.AVAILABLE
        elif k == EventKind.AGENT_LOGOUT:
            last_state[a] = AgentState.OFFLINE
        elif k == EventKind.ACCEPTED:
            holding[iid] = a
        elif k in (EventKind.ENDED, EventKind.TRANSFERRED):
            holding.pop(iid, None)
    assert len(board.agents) == 28
    for tile in board.agents:
        assert tile.state == last_state.get(tile.id, AgentState.OFFLINE), tile.name
        held = sum(1 for a in holding.values() if a == tile.id)
        assert len(tile.channels) == (held if tile.state != AgentState.OFFLINE else 0)
        assert tile.languages, tile.name
    assert sum(board.agents_by_state.values()) == 28
    assert board.agents_by_state[AgentState.BUSY] > 0


def test_the_trend_has_a_sample_per_minute_for_the_last_two_hours(day) -> None:
    store, events, sim = day
    at = sim.start_ms + 15 * 3_600_000 + 30_000
    view, part = _fed(store, events, at, chunk=997)
    trend = view.wallboard().trend
    assert len(trend.at_ms) == TREND_MINUTES
    assert (np.diff(trend.at_ms) == MINUTE_MS).all()
    assert trend.at_ms[-1] == at // MINUTE_MS * MINUTE_MS
    # Each sample is the queue as the events before that minute leave it.
    for j in (0, 57, TREND_MINUTES - 1):
        before = part[part["ts_ms"] < trend.at_ms[j]]
        assert trend.waiting[j] == sum(n for n, _ in _waiting_now(before).values())
    assert np.isfinite(trend.service_level).all() and (trend.service_level <= 1).all()


def test_thresholds_colour_a_service_level() -> None:
    t = Thresholds(green=0.8, amber=0.6)
    assert [t.level(x) for x in (None, 0.95, 0.8, 0.79, 0.6, 0.1)] == [
        Level.NONE, Level.GREEN, Level.GREEN, Level.AMBER, Level.AMBER, Level.RED]
    with pytest.raises(ValueError, match="amber"):
        Thresholds(green=0.5, amber=0.7)


def test_missed_calls_by_hour_followed_live_are_kpi_5_s(day) -> None:
    """The heatmap's live rows against the missed-calls report on the same events,
    fed a flush at a time; a contact enqueued only after it was lost still counts."""
    store, events, sim = day
    view, part = _fed(store, events, sim.start_ms + 20 * 3_600_000, chunk=500)
    report = missed_calls(part, MissedCallSettings(timezone=TZ)).by_hour()
    want = np.zeros(24, dtype=np.int64)
    np.add.at(want, (report.hour_ms % 86_400_000) // 3_600_000, report.missed)
    heat = view.wallboard().missed
    assert heat.counts.shape == (8, 24)
    assert heat.counts[-1].tolist() == want.tolist() and want.sum() > 10
    assert not heat.counts[:-1].any()  # no earlier days in this store
    # Out of order: the loss reported before the contact's ENQUEUED.
    lost = part[(part["kind"] == EventKind.ABANDONED) & (part["channel"] == Channel.PHONE)
                & (part["interaction_id"] >= 0)][0]
    iid = lost["interaction_id"]
    mine = part[part["interaction_id"] == iid]
    others = part[part["interaction_id"] != iid]
    enq = mine[mine["kind"] == EventKind.ENQUEUED]
    rest = mine[mine["kind"] != EventKind.ENQUEUED]
    swapped = np.concatenate([others, rest, enq])
    late = floor_view_from_store(store, TZ)
    late.apply(swapped)
    assert late.wallboard().missed.counts[-1].tolist() == want.tolist()
