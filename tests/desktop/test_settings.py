"""File → Settings on a real (offscreen) Qt with the floor running: targets and
thresholds are saved into the config file and applied at once; the wallboard and the
reports measure against the new targets; a value that would not load is refused."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from core.config import channel_targets_s, defaults, load_config
from core.kpi.batch import contact_kpis
from core.kpi.contacts import contact_facts
from core.model import Channel
from core.reports.kpi_rows import kpi_report, settings_from_store
from core.store import Store
from desktop.main_window import MainWindow
from desktop.palette import target_text
from desktop.simulated_floor import SimulatedFloor

TZ = "Europe/Kyiv"


def _today_at(hour: int) -> int:
    tz = zoneinfo.ZoneInfo(TZ)
    return int(dt.datetime.combine(dt.datetime.now(tz).date(), dt.time(hour), tz
                                   ).timestamp() * 1000)


@pytest.fixture
def running(floor_of, qtbot, db_path, tmp_path):
    config_path = tmp_path / "config.toml"
    config_path.write_text('# ours\n[floor]\ntimezone = "Europe/Kyiv"\n')
    config = load_config(config_path)
    with Store.open(db_path) as store:
        floor = SimulatedFloor(floor_of(db_path), "normal_day_28", speed=60,
                               clock_ms=_today_at(10), timezone=TZ)
        window = MainWindow(floor_of(store.path), config, floor)
        qtbot.addWidget(window)
        window.show()
        floor.start()
        qtbot.waitUntil(lambda: window.wallboard.latest is not None
                        and window.wallboard.latest.at_ms >= _today_at(10), timeout=60_000)
        window.pause_button.setChecked(True)
        try:
            yield window, store, config_path
        finally:
            window.close()


def _open_settings(qtbot, window):
    """File → Settings; the dialog opens once the floor's targets are read."""
    window.settings_dialog = None
    window.settings_action.trigger()
    qtbot.waitUntil(lambda: window.settings_dialog is not None, timeout=10_000)
    return window.settings_dialog


def _phone(window):
    return next(c for c in window.wallboard.latest.channels if c.channel == Channel.PHONE)


def test_saved_settings_are_in_the_file_and_the_wallboard_measures_by_them(
        qtbot, running) -> None:
    window, store, config_path = running
    assert window.settings_path == config_path
    assert _phone(window).target_s == 20  # the floor's own
    dialog = _open_settings(qtbot, window)
    phone = dialog.targets[Channel.PHONE]
    assert not phone.set_here.isChecked() and phone.seconds.value() == 20
    assert "each queue's own" in phone.words.text()
    phone.set_here.setChecked(True)
    phone.seconds.setValue(5)
    dialog.green.setValue(95)
    dialog.amber.setValue(90)
    dialog.tv_page.setValue(25)
    assert dialog.save()

    text = config_path.read_text()
    assert text.startswith("# ours\n") and 'timezone = "Europe/Kyiv"' in text
    saved = load_config(config_path)
    assert channel_targets_s(saved) == {Channel.PHONE: 5}
    assert (saved.get("wallboard.sl_green"), saved.get("wallboard.sl_amber"),
            saved.get("wallboard.tv_page_s")) == (0.95, 0.9, 25)
    # Applied at once: the thresholds, and today measured again against 5 s.
    assert (window.thresholds.green, window.thresholds.amber) == (0.95, 0.9)
    assert window.wallboard.thresholds.green == 0.95
    qtbot.waitUntil(lambda: _phone(window).target_s == 5, timeout=30_000)
    board = window.wallboard.latest
    card = window.wallboard.cards.cards[Channel.PHONE]
    assert "target 5 s" in card.target.text()
    events = store.read_columns()
    settings = settings_from_store(store, TZ, {Channel.PHONE: 5})
    batch = contact_kpis(contact_facts(events), ("channel",), "hour", settings,
                         since_ms=board.day_start_ms, until_ms=board.at_ms + 1)
    i = batch.keys["channel"].tolist().index(int(Channel.PHONE))
    assert _phone(window).answered_in_target == batch.answered_in_target[i]
    default = contact_kpis(contact_facts(events), ("channel",), "hour",
                           settings_from_store(store, TZ), since_ms=board.day_start_ms,
                           until_ms=board.at_ms + 1)
    assert batch.answered_in_target[i] < default.answered_in_target[i]  # it changed
    # The reports measure by it too.
    reports = window.reports
    reports.grouping.setCurrentIndex(4)  # channel
    with qtbot.waitSignal(reports.shown, timeout=30_000):
        reports.run_button.click()
    _, expected = kpi_report(store, ("channel",), "hour", *reports._range_ms(), TZ,
                             {Channel.PHONE: 5})
    _, before = kpi_report(store, ("channel",), "hour", *reports._range_ms(), TZ)
    got = [{k: v for k, v in r.items() if k != "flags"} for r in reports.report.rows]
    assert got == expected != before

    # Back to the floor's own: the key leaves the file.
    dialog = _open_settings(qtbot, window)
    assert dialog.targets[Channel.PHONE].set_here.isChecked()
    dialog.targets[Channel.PHONE].set_here.setChecked(False)
    assert dialog.save()
    assert "phone_s" not in config_path.read_text()
    qtbot.waitUntil(lambda: _phone(window).target_s == 20, timeout=30_000)


def test_a_setting_that_would_not_load_is_refused_and_the_file_kept(qtbot,
                                                                    running) -> None:
    window, _, config_path = running
    before = config_path.read_text()
    dialog = _open_settings(qtbot, window)
    dialog.green.setValue(50)
    dialog.amber.setValue(70)
    assert not dialog.save()
    assert dialog.isVisible()
    assert "Not saved" in dialog.status.text()
    assert "amber must not be above green" in dialog.status.text()
    assert str(config_path) in dialog.status.text()
    assert config_path.read_text() == before
    assert window.thresholds.green == defaults().get("wallboard.sl_green")
    dialog.reject()


@pytest.mark.parametrize("seconds, words", [(15, "15 s"), (14_400, "4 h"),
                                            (5_400, "1 h 30 min"), (90, "1 min 30 s")])
def test_targets_read_as_the_floor_says_them(seconds, words) -> None:
    assert target_text(seconds) == words
