"""The simulator: scenarios, arrivals against real data, determinism, store writes."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from core.config.scenario import load_scenario, parse_scenario
from core.errors import ConfigError, StoreError
from core.model import Channel, EventKind
from core.model.scenario import BANK_1999_HOURLY
from core.simulation.arrivals import generate
from core.simulation.engine import Simulation
from core.store import Store
from tests.conftest import SHARED_DATA
from tests.core.simulation.scenario_text import BASE

BANK = SHARED_DATA / "anonymous_bank" / "arrivals_6min_1999.csv"


@pytest.mark.skipif(not BANK.exists(), reason="shared/data/anonymous_bank is not beside the "
                    "project (see shared/data/README.md)")
def test_the_daily_wave_comes_from_the_bank_data() -> None:
    import pandas as pd

    d = pd.read_csv(BANK, parse_dates=["date"])
    weekdays = d[d["date"].dt.day_of_week.isin([6, 0, 1, 2, 3])]  # Sunday-Thursday
    hourly = weekdays.groupby((weekdays["u"] - 1) // 10)["calls"].sum()
    hourly = (hourly / hourly.sum()).to_numpy()
    np.testing.assert_allclose(BANK_1999_HOURLY, hourly, atol=6e-5)


def test_arrivals_follow_the_wave_volume_and_season() -> None:
    sc = load_scenario("december_peak")
    assert sc.multiplier(dt.date(2026, 12, 1)) == pytest.approx(0.8)
    assert sc.multiplier(dt.date(2026, 12, 5)) == pytest.approx(1.0)
    assert sc.multiplier(dt.date(2026, 12, 20)) == pytest.approx(3.0)
    normal = dataclasses.replace(load_scenario("normal_day_28"), days=28)
    arr = generate(normal, np.random.default_rng(3))
    expected = sum(normal.interactions_per_day * w for w in normal.weekly) * 4
    assert len(arr) == pytest.approx(expected, rel=0.02)
    local_hour = ((arr.arrived_ms // 3_600_000) + 2) % 24  # Kyiv in November: UTC+2
    share = np.bincount(local_hour, minlength=24) / len(arr)
    shares = np.array([normal.queue_share[q.queue.id] for q in normal.floor.queues])
    np.testing.assert_allclose(share, shares @ normal.queue_waves(), atol=0.004)
    assert (np.diff(arr.arrived_ms) >= 0).all()
    # Each queue keeps its own wave: English calls, the largest queue.
    en_phone = [i for i, q in enumerate(normal.floor.queues) if q.queue.name == "care-en-phone"]
    mine = local_hour[arr.queue_index == en_phone[0]]
    np.testing.assert_allclose(np.bincount(mine, minlength=24) / len(mine),
                               normal.queue_waves()[en_phone[0]], atol=0.006)


def test_waves_move_with_the_customers_clock_and_the_channel() -> None:
    sc = load_scenario("normal_day_28")
    base = np.asarray(sc.hourly_shape) / sum(sc.hourly_shape)
    waves = {q.queue.name: w for q, w in zip(sc.floor.queues, sc.queue_waves(), strict=True)}
    # English customers are two hours behind Kyiv: their 10:00 peak is the floor's 12:00.
    np.testing.assert_allclose(waves["care-en-phone"], np.roll(base, 2), atol=1e-12)
    # Russian customers are an hour ahead, and chats peak an hour later: they cancel.
    np.testing.assert_allclose(waves["sales-ru-chat"], base, atol=1e-12)
    # E-mail: 40% of it spread evenly over the day.
    np.testing.assert_allclose(waves["care-en-email"], 0.6 * np.roll(base, 2) + 0.4 / 24,
                               atol=1e-12)
    # Half an hour: halfway between the hours.
    half = dataclasses.replace(sc, language_offset_h={}, channels={
        ch: dataclasses.replace(m, wave_shift_h=0.5, wave_flatness=0.0)
        for ch, m in sc.channels.items()})
    np.testing.assert_allclose(half.queue_waves()[0], (base + np.roll(base, 1)) / 2,
                               atol=1e-12)


def test_same_seed_same_run_other_seed_other_run(tmp_path) -> None:
    sc = load_scenario("normal_day_28")
    runs = []
    for i, seed in enumerate((1, 1, 2)):
        with Store.open(tmp_path / f"{i}.sqlite") as store:
            sim = Simulation(dataclasses.replace(sc, seed=seed), store)
            sim.run()
            runs.append(store.read_columns())
    assert len(runs[0]) > 10_000
    np.testing.assert_array_equal(runs[0], runs[1])
    assert len(runs[0]) != len(runs[2]) or (runs[0] != runs[2]).any()


def test_a_day_reaches_the_store_whole(tmp_path) -> None:
    sc = load_scenario("normal_day_28")
    with Store.open(tmp_path / "floor.sqlite") as store:
        sim = Simulation(sc, store)
        summary = sim.run()
        c = store.connection
        kinds = dict(c.execute("SELECT kind, count(*) FROM v_events GROUP BY kind").fetchall())
        assert kinds["ARRIVED"] == len(sim.arrivals) == c.execute(
            "SELECT count(*) FROM interactions").get
        phone = summary.channel(Channel.PHONE)
        assert kinds["ABANDONED"] == sum(s.abandoned for s in summary.by_channel.values())
        assert kinds["ACCEPTED"] == sum(s.answered for s in summary.by_channel.values())
        assert phone.answered + phone.missed <= phone.arrived
        assert store.stats().agents == 28 and sim.router.rejections == {}
        # Every call and chat has a classified customer number (chat clients leave it in
        # the pre-chat form); e-mails, tickets and web requests have none.
        types = dict(c.execute("SELECT channel, count(DISTINCT customer_number_type) FROM "
                               "v_interactions WHERE customer_number IS NOT NULL "
                               "GROUP BY channel").fetchall())
        assert types == {"PHONE": 2, "CHAT": 2, "OUTBOUND_CALL": 2}
        directions = dict(c.execute("SELECT channel, group_concat(DISTINCT direction) FROM "
                                    "v_interactions GROUP BY channel").fetchall())
        assert directions.pop("OUTBOUND_CALL") == "OUTBOUND"
        assert set(directions.values()) == {"INBOUND"}


def test_too_few_lines_block_calls(tmp_path) -> None:
    sc = dataclasses.replace(load_scenario("normal_day_28"), phone_lines=2)
    sim = Simulation(sc)
    phone = sim.run().channel(Channel.PHONE)
    assert phone.blocked > 100
    blocked = sim.router.take_events()
    assert (blocked["kind"] == EventKind.BLOCKED).sum() == 0  # the router never saw them




@pytest.mark.parametrize("old, new, message", [
    ("phone = 1.0", "fax = 1.0", r"line 6: demand.channels.fax: unknown channel 'fax'"),
    ("night = [22, 30]", "night = [22, 47]", r"line 10: shifts.night: give \[start hour"),
    ("interactions_per_day = 1000", "interactions_per_day = 0",
     r"line 4: demand.interactions_per_day: must be at least 1"),
    ("[shifts]", "[shift]", r"line 7: shift: unknown key \(did you mean 'shifts'\?\)"),
    ("phone = 1.0", "callback = 1.0", r"demand.channels.callback: demand on a channel no "
     r"queue of the floor takes"),
    ("phone = 1.0", "phone = 1.0\n  [demand.language_offset_h]\n  en = 14",
     r"line 8: demand.language_offset_h.en: hours from -12 to 12, not 14"),
    ("phone = 1.0", "phone = 1.0\n  [demand.language_offset_h]\n  xx = 1",
     r"line 8: demand.language_offset_h.xx: unknown language 'xx'"),
    ("[shifts]", "[channels.phone]\nwave_flatness = 2\n[shifts]",
     r"line 8: channels.phone.wave_flatness: 0 \(the wave itself\) to 1 \(flat\)"),
    ("[shifts]", "[complaints]\nrate = 1.5\n[shifts]",
     r"line 8: complaints.rate: a share \(0..1\), not 1.5"),
    ("[shifts]", "[complaints]\nserius_share = 0.1\n[shifts]",
     r"line 8: complaints.serius_share: unknown key \(did you mean 'serious_share'\?\)"),
])
def test_scenario_mistakes_name_line_and_key(tmp_path, old, new, message) -> None:
    assert old in BASE
    with pytest.raises(ConfigError, match=message):
        parse_scenario(BASE.replace(old, new), "load.toml", tmp_path)


def test_unknown_scenario_lists_the_shipped_ones() -> None:
    with pytest.raises(ConfigError, match="normal_day_28"):
        load_scenario("normal_dya")


def test_a_flush_is_stored_whole_or_not_at_all(store, monkeypatch) -> None:
    """A flush that fails while storing its events (a full disk) leaves none of its
    interactions, complaints or sales behind without them (issue 16, item 3)."""
    import apsw

    sim = Simulation(load_scenario("normal_day_28"), store)

    def full(*args, **kwargs):
        raise apsw.FullError("database or disk is full")

    monkeypatch.setattr(store, "append", full)
    with pytest.raises(StoreError, match="the disk holding the database is full"):
        sim.run()
    c = store.connection
    assert [c.execute(f"SELECT count(*) FROM {t}").get
            for t in ("events", "interactions", "complaints", "sales")] == [0, 0, 0, 0]
