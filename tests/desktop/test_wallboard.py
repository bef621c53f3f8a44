"""The wallboard on a real (offscreen) Qt: the app on a temporary database with the
simulated floor running fast shows the KPI engine's numbers; thresholds recolour the
cards; TV mode goes full screen, cycles its pages and leaves on Esc; pausing the
simulator freezes the numbers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.config import defaults
from core.config.scenario import load_scenario
from core.kpi.batch import contact_kpis
from core.kpi.contacts import contact_facts
from core.kpi.missed_calls import MissedCallSettings, missed_calls_from_store
from core.model import Channel
from core.simulation.engine import Simulation
from core.store import Store
from core.wallboard.floor_view import floor_view_from_store
from core.wallboard.thresholds import Level, Thresholds
from desktop.main_window import MainWindow
from desktop.palette import LEVEL_COLOUR
from desktop.simulated_floor import SimulatedFloor

TZ = "Europe/Kyiv"


def _today_at(hour: int, minute: int = 0) -> int:
    tz = zoneinfo.ZoneInfo(TZ)
    return int(dt.datetime.combine(dt.datetime.now(tz).date(), dt.time(hour, minute),
                                   tz).timestamp() * 1000)


def _batch(store: Store, view_settings, board):
    events = store.read_columns()
    assert int(events["ts_ms"].max()) == board.at_ms, "the board is at the latest event"
    return contact_kpis(contact_facts(events), ("channel",), "hour", view_settings,
                        since_ms=board.day_start_ms, until_ms=board.at_ms + 1)


def test_the_wallboard_shows_the_kpi_engine_s_numbers_and_pausing_freezes_them(floor_of,
        qtbot, db_path) -> None:
    with Store.open(db_path) as store:
        # Caught up to 10:00, the morning peak, then 120x real time.
        floor = SimulatedFloor(floor_of(db_path), "normal_day_28", speed=120,
                               clock_ms=_today_at(10))
        window = MainWindow(floor_of(store.path), defaults(), floor)
        qtbot.addWidget(window)
        window.show()
        floor.start()
        try:
            board = window.wallboard

            def busy() -> bool:
                w = board.latest
                return w is not None and w.at_ms >= _today_at(10) and any(
                    c.waiting > 0 for c in w.channels) and w.missed is not None

            qtbot.waitUntil(busy, timeout=60_000)
            window.pause_button.setChecked(True)
            qtbot.waitUntil(lambda: "paused" in window.sim_status.text(), timeout=5_000)
            qtbot.wait(800)  # a few ticks after the pause
            frozen = board.latest
            qtbot.wait(1_200)
            after = board.latest
            # Paused: the same moment, the same figures (fresh snapshots keep coming).
            assert after is not frozen and after.at_ms == frozen.at_ms
            assert after.channels == frozen.channels and after.agents == frozen.agents

            view = floor_view_from_store(store, TZ)
            batch = _batch(store, view.settings, after)
            row = {int(c): i for i, c in enumerate(batch.keys["channel"].tolist())}
            for f in after.channels:
                i = row[int(f.channel)]
                assert (f.offered, f.answered, f.answered_in_target, f.abandoned) == (
                    batch.offered[i], batch.answered[i], batch.answered_in_target[i],
                    batch.abandoned[i])
                assert f.service_level == pytest.approx(batch.service_level[i], abs=1e-12)
                card = board.cards.cards[f.channel]
                assert card.value.text() == f"{100 * batch.service_level[i]:.0f}%"
            phone = next(c for c in after.channels if c.channel == Channel.PHONE)
            assert phone.offered > 100 and phone.service_level is not None
            # The heatmap's today row is KPI-5's missed calls by hour.
            missed = missed_calls_from_store(store, after.day_start_ms, after.at_ms + 1,
                                             MissedCallSettings(timezone=TZ)).by_hour()
            want = np.zeros(24, dtype=np.int64)
            np.add.at(want, (missed.hour_ms % 86_400_000) // 3_600_000, missed.missed)
            assert board.heatmap.counts[-1].tolist() == want.tolist()
            assert want.sum() > 0
        finally:
            window.close()
        assert not floor._thread.isRunning()


@pytest.fixture(scope="module")
def morning(tmp_path_factory):
    """A store with the seeds' floor up to 10:30, and its wallboard."""
    path = tmp_path_factory.mktemp("wall") / "floor.sqlite"
    with Store.open(path) as store:
        sc = load_scenario("normal_day_28")
        sim = Simulation(dataclasses.replace(sc, days=1), store)
        sim.run_until(sim.start_ms + 10 * 3_600_000 + 1_800_000)
        sim.flush()
        view = floor_view_from_store(store, TZ)
        view.apply(store.read_columns())
    return path, view.wallboard()


def _window(floor_of, qtbot, path, board) -> MainWindow:
    store = Store.open(path)
    window = MainWindow(floor_of(store.path), defaults(), None)
    qtbot.addWidget(window)
    window.show()
    window.show_wallboard(board)
    window.destroyed.connect(store.close)
    return window


def test_thresholds_recolour_the_cards(floor_of, qtbot, morning) -> None:
    path, board = morning
    window = _window(floor_of, qtbot, path, board)
    cards = window.wallboard.cards.cards
    phone = next(c for c in board.channels if c.channel == Channel.PHONE)
    sl = phone.service_level
    assert 0 < sl < 1
    for thresholds, level in [(Thresholds(0.0, 0.0), Level.GREEN),
                              (Thresholds(1.0, 1.0), Level.RED),
                              (Thresholds(min(1.0, sl + 0.01), sl - 0.01), Level.AMBER),
                              (Thresholds(sl, sl), Level.GREEN)]:
        window.set_thresholds(thresholds)
        assert cards[Channel.PHONE].level == level
        assert LEVEL_COLOUR[level].name() in cards[Channel.PHONE].styleSheet()
    window.close()


def test_thresholds_come_from_the_config_file(floor_of, qtbot, morning, tmp_path) -> None:
    from core.config import load_config

    path, board = morning
    config = tmp_path / "config.toml"
    config.write_text("[wallboard]\nsl_green = 0.99\nsl_amber = 0.98\ntv_page_s = 7\n")
    store = Store.open(path)
    window = MainWindow(floor_of(store.path), load_config(config), None)
    qtbot.addWidget(window)
    window.show_wallboard(board)
    assert window.thresholds == Thresholds(0.99, 0.98)
    assert window.wallboard.cards.cards[Channel.PHONE].level == Level.RED
    window.tv_action.trigger()
    assert window.tv.cycle.interval() == 7_000
    window.close()
    store.close()


def test_tv_mode_is_full_screen_cycles_pages_and_esc_leaves(floor_of, qtbot, morning) -> None:
    path, board = morning
    window = _window(floor_of, qtbot, path, board)
    window.tv_action.trigger()  # the menu item; F11 is its shortcut
    tv = window.tv
    assert tv is not None and window.tv_action.isChecked()
    qtbot.waitUntil(lambda: tv.isVisible() and tv.isFullScreen(), timeout=3_000)
    # The same numbers, larger.
    phone = tv.board.cards.cards[Channel.PHONE]
    assert phone.value.text() == window.wallboard.cards.cards[Channel.PHONE].value.text()
    assert phone.value.font().pointSizeF() > \
        window.wallboard.cards.cards[Channel.PHONE].value.font().pointSizeF() * 1.5
    headings = []
    for _ in range(3):
        headings.append(tv.heading.text())
        tv.next_page()
    assert headings == ["Service level and queues", "Agents", "Trends and missed calls"]
    assert tv.heading.text() == headings[0]  # round again
    # Every page fits a 1920-pixel screen, with the complaints badge at its widest.
    tv.board.show_complaints(12, 3)
    for _ in range(3):
        tv.next_page()
        assert tv.minimumSizeHint().width() <= 1920, tv.heading.text()
    qtbot.keyClick(tv, Qt.Key.Key_Escape)
    assert window.tv is None and not window.tv_action.isChecked()
    window.tv_action.trigger()
    assert window.tv is not None
    window.tv_action.trigger()  # and off from the menu
    assert window.tv is None
    window.close()
