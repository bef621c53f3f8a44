"""Contacts per interval from the store and from the Anonymous Bank's file: local
wall-clock intervals across daylight saving, quiet nights as zeros, gaps as unknown,
and bad input named by file, line and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from core.clock import at_wall_clock, local_midnight_ms
from core.errors import ForecastError
from core.model import Channel, Direction, Interaction, Queue
from core.store import Store
from core.wfm.bank_csv import read_bank_csv
from core.wfm.forecast import check_zone
from core.wfm.forecast_model import SeriesKey
from core.wfm.history import history_from_arrivals, history_from_store, interval_grid
from tests.conftest import SHARED_DATA

KYIV = "Europe/Kyiv"
PHONE_UK = SeriesKey(Channel.PHONE, "uk")
BANK = SHARED_DATA / "anonymous_bank" / "arrivals_6min_1999.csv"


@pytest.mark.parametrize("day, minutes, intervals", [
    (dt.date(2026, 3, 28), 15, 96), (dt.date(2026, 3, 29), 15, 92),
    (dt.date(2026, 10, 25), 15, 100), (dt.date(2026, 3, 29), 30, 46),
    (dt.date(2026, 10, 25), 30, 50)])
def test_a_daylight_saving_day_has_its_real_number_of_intervals(day, minutes, intervals
                                                                 ) -> None:
    _, _, _, length = interval_grid(day, 1, minutes, KYIV)
    assert int(length.sum()) == intervals


def test_the_skipped_hour_has_no_slot_and_the_repeated_hour_counts_twice() -> None:
    spring, autumn = dt.date(2026, 3, 29), dt.date(2026, 10, 25)
    _, _, _, length = interval_grid(spring, 1, 60 // 2, KYIV)
    assert length[0, 6:8].tolist() == [0, 0]  # 03:00-04:00 does not exist in Kyiv
    # 03:30 local happens twice on the autumn day: once in summer time, once in winter.
    first = at_wall_clock(dt.datetime(2026, 10, 25, 3, 30).replace(fold=0), KYIV)
    second = at_wall_clock(dt.datetime(2026, 10, 25, 3, 30).replace(fold=1), KYIV)
    assert second - first == 3_600_000
    h = history_from_arrivals(np.array([first, second, second + 60_000]), np.zeros(3),
                              [PHONE_UK], autumn, 1, KYIV, 30, gap_h=48)
    assert h.length[0, 7] == 2 and h.counts[0, 0, 7] == 3
    assert h.intervals_of_day(0) == 50


def test_quiet_nights_are_zeros_and_a_silent_stretch_is_unknown() -> None:
    first = dt.date(2026, 11, 2)
    times = []
    for d in (0, 1, 2, 5, 6):  # nothing at all on days 3 and 4
        for hour in range(8, 20):
            times.append(at_wall_clock(dt.datetime.combine(
                first + dt.timedelta(days=d), dt.time(hour, 10)), KYIV))
    h = history_from_arrivals(np.array(times), np.zeros(len(times)), [PHONE_UK], first, 7,
                              KYIV, 30)
    assert h.counts[0, 1, 4] == 0  # 02:00 on a day with contacts: a quiet night, known
    assert np.isnan(h.counts[0, 3]).all() and np.isnan(h.counts[0, 4]).all()
    # Day 2's evening and day 5's small hours lie inside the silent stretch too.
    assert h.known()[0].tolist() == [True, True, False, False, False, False, True]
    assert np.isnan(h.counts[0, 2, 39]) and h.counts[0, 2, 37] == 0
    assert np.isnan(h.counts[0, 5, 15]) and h.counts[0, 5, 16] == 1
    assert h.counts[0, 0, 16] == 1 and np.nansum(h.counts) == len(times)


def test_the_store_s_inbound_contacts_per_channel_and_language(tmp_path) -> None:
    day = dt.date(2026, 11, 2)
    at = local_midnight_ms(day, KYIV)
    rows = [(Channel.PHONE, Direction.INBOUND, "uk", 1, at + 60_000),
            (Channel.PHONE, Direction.INBOUND, "uk", 1, at + 31 * 60_000),
            (Channel.PHONE, Direction.INBOUND, "uk", 2, at + 31 * 60_000),
            (Channel.CHAT, Direction.INBOUND, "en", 3, at + 23 * 3_600_000),
            (Channel.OUTBOUND_CALL, Direction.OUTBOUND, "uk", None, at + 60_000),
            (Channel.PHONE, Direction.INBOUND, "uk", 1, at - 60_000)]  # the day before
    with Store.open(tmp_path / "floor.sqlite") as store:
        store.add_queues([Queue(q, f"q{q}", c, "general", lang, 20)
                          for q, c, lang in ((1, Channel.PHONE, "uk"), (2, Channel.PHONE, "uk"),
                                             (3, Channel.CHAT, "en"))])
        store.add_interactions([Interaction(i + 1, c, dr, lang, q, 0, "", t)
                                for i, (c, dr, lang, q, t) in enumerate(rows)])
        h = history_from_store(store, day, 1, KYIV, 30)
        by_queue = history_from_store(store, day, 1, KYIV, 30, by_queue=True)
    assert h.keys == (PHONE_UK, SeriesKey(Channel.CHAT, "en"))
    assert h.counts[0, 0, :2].tolist() == [1, 2] and h.counts[1, 0, 46] == 1
    assert np.nansum(h.counts) == 4
    assert SeriesKey(Channel.PHONE, "uk", 2) in by_queue.keys


def test_a_history_in_another_time_zone_is_refused() -> None:
    h = history_from_arrivals(np.array([0]), np.zeros(1), [PHONE_UK], dt.date(1970, 1, 1),
                              1, "Europe/London", 30, source="calls.csv")
    with pytest.raises(ForecastError, match=r"calls\.csv is counted in Europe/London, the "
                       "floor runs in Europe/Kyiv"):
        check_zone(h, KYIV)


@pytest.mark.skipif(not BANK.exists(), reason="shared/data/anonymous_bank is not beside "
                    "the project (see shared/data/README.md)")
def test_the_bank_file_makes_half_hours_of_its_six_minute_counts() -> None:
    h = read_bank_csv(BANK)
    assert h.days == 365 and h.counts.shape == (1, 365, 48)
    assert h.first_day == dt.date(1999, 1, 1) and h.first_day.weekday() == 4
    assert np.nansum(h.counts) == pytest.approx(445414.5)


def _bank_file(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "arrivals.csv"
    path.write_text("date,u,Day,Month,calls\n" + "\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("line, message", [
    ("1999-01-01,2,Friday,Jan,many", "arrivals.csv, line 3, field calls: 'many' is not a "
     "count"),
    ("1999-01-01,241,Friday,Jan,1", "arrivals.csv, line 3, field u: '241' is not a "
     "six-minute interval 1..240"),
    ("1999-13-01,2,Friday,Jan,1", "arrivals.csv, line 3, field date: '1999-13-01' is not "
     "a date"),
    ("1999-01-01,2,Monday,Jan,1", "arrivals.csv, line 3, field Day: 1999-01-01 is a "
     "Friday, not a Monday"),
    ("1999-01-01,1,Friday,Jan,1", "arrivals.csv, line 3: 1999-01-01 interval 1 again "
     "(first on line 2)"),
    ("1999-01-01,2,Friday,Jan", "arrivals.csv, line 3: 4 fields, expected 5"),
    ("1999-01-01,2,Friday,Jan,-1", "field calls: '-1' is not a count"),
])
def test_a_bad_line_of_the_bank_file_is_named(tmp_path, line, message) -> None:
    path = _bank_file(tmp_path, ["1999-01-01,1,Friday,Jan,2.0", line])
    with pytest.raises(ForecastError) as caught:
        read_bank_csv(path)
    assert message in str(caught.value)


def test_a_day_missing_from_the_bank_file_is_unknown(tmp_path) -> None:
    lines = [f"1999-01-0{d},{u},{dt.date(1999, 1, d).strftime('%A')},Jan,1"
             for d in (1, 3) for u in range(1, 241)]
    h = read_bank_csv(_bank_file(tmp_path, lines))
    assert h.days == 3 and h.known()[0].tolist() == [True, False, True]
    assert h.counts[0, 0, 0] == 5


def test_a_bank_file_that_is_not_utf8_is_named_with_its_line(tmp_path) -> None:
    path = tmp_path / "calls.csv"
    path.write_bytes(b"date,u,Day,Month,calls\n1999-01-01,1,Friday,Jan,2.0\n"
                     b"1999-01-01,2,Fr\xe9day,Jan,0.0\n")
    with pytest.raises(ForecastError, match=r"calls\.csv, line 3: not UTF-8 text \(byte 0xe9\)"):
        read_bank_csv(path)
