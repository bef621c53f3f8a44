"""core.clock: UTC ms to the floor's clock and back, across DST changes."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.clock import (
    DAY_MS,
    HOUR_MS,
    MINUTE_MS,
    SECOND_MS,
    at_wall_clock,
    day_start_ms,
    format_local,
    from_local,
    local_day,
    local_midnight_ms,
    parse_local,
    to_local,
    to_utc,
    utc_offset_ms,
    wall_clock,
    zone,
)

ZONES = ("Europe/Kyiv", "America/New_York", "UTC", "Asia/Kolkata")
# 1990 to 2040: the floors' years, and tzdata's rules both sides of them.
moments = st.integers(631_152_000_000, 2_208_988_800_000)
zones = st.sampled_from(ZONES)
days = st.dates(dt.date(1990, 1, 1), dt.date(2040, 1, 1))


def _utc(*args: int) -> int:
    return from_local(dt.datetime(*args, tzinfo=dt.UTC))


def test_the_units() -> None:
    assert (SECOND_MS, MINUTE_MS, HOUR_MS, DAY_MS) == (1_000, 60_000, 3_600_000, 86_400_000)


@given(moments, zones)
def test_a_moment_comes_back_from_the_local_clock(ms: int, tz: str) -> None:
    local = to_local(ms, tz)
    assert local.utcoffset() is not None
    assert from_local(local) == ms
    assert from_local(to_utc(ms)) == ms
    assert to_local(ms, zone(tz)) == local


@given(moments, zones)
def test_whole_seconds_give_what_timestamp_gave(ms: int, tz: str) -> None:
    # The call sites' old arithmetic, for the inputs they had (midnights, clocks).
    local = to_local(ms // SECOND_MS * SECOND_MS, tz)
    assert from_local(local) == int(local.timestamp() * 1000)


@given(moments, zones)
def test_the_offset_is_the_local_clock_minus_utc(ms: int, tz: str) -> None:
    local = to_local(ms, tz).replace(tzinfo=None)
    assert utc_offset_ms(ms, tz) == (local - wall_clock(ms)) // dt.timedelta(milliseconds=1)


@given(st.integers(-10**13, 10**13))
def test_wall_clock_ms_are_exact(local_ms: int) -> None:
    assert (wall_clock(local_ms) - wall_clock(0)) // dt.timedelta(milliseconds=1) == local_ms


@given(days, zones)
def test_a_day_starts_at_its_midnight_and_holds_until_the_next(day: dt.date, tz: str) -> None:
    start = local_midnight_ms(day, tz)
    end = local_midnight_ms(day + dt.timedelta(days=1), tz)
    assert end - start in (23 * HOUR_MS, DAY_MS, 25 * HOUR_MS)
    assert to_local(start, tz).replace(tzinfo=None) == dt.datetime.combine(day, dt.time())
    for ms in (start, (start + end) // 2, end - 1):
        assert local_day(ms, tz) == day
        assert day_start_ms(ms, tz) == start
    assert local_day(start - 1, tz) == day - dt.timedelta(days=1)


@given(moments, zones)
def test_the_day_holding_a_moment(ms: int, tz: str) -> None:
    start = day_start_ms(ms, tz)
    assert start <= ms < local_midnight_ms(local_day(ms, tz) + dt.timedelta(days=1), tz)


@pytest.mark.parametrize(("tz", "day", "hours"), [
    ("Europe/Kyiv", dt.date(2026, 3, 29), 23),
    ("Europe/Kyiv", dt.date(2026, 10, 25), 25),
    ("America/New_York", dt.date(2026, 3, 8), 23),
    ("America/New_York", dt.date(2026, 11, 1), 25),
    ("Europe/Kyiv", dt.date(2026, 11, 2), 24),
])
def test_dst_days_have_23_or_25_hours(tz: str, day: dt.date, hours: int) -> None:
    start = local_midnight_ms(day, tz)
    assert local_midnight_ms(day + dt.timedelta(days=1), tz) - start == hours * HOUR_MS
    # Midnight of a DST day is an ordinary midnight: the change comes later that night.
    before = utc_offset_ms(local_midnight_ms(day - dt.timedelta(days=1), tz), tz)
    assert utc_offset_ms(start, tz) == before


def test_kyiv_springs_forward_at_three() -> None:
    tz = "Europe/Kyiv"
    change = _utc(2026, 3, 29, 1, 0)  # 03:00 EET
    assert format_local(change - 1, tz, "%H:%M:%S.%f") == "02:59:59.999000"
    assert format_local(change, tz) == "2026-03-29 04:00:00"
    assert utc_offset_ms(change - 1, tz) == 2 * HOUR_MS
    assert utc_offset_ms(change, tz) == 3 * HOUR_MS
    # 03:30 does not exist there: read with the offset before the change (fold 0).
    assert parse_local("2026-03-29T03:30", tz) == change + 30 * MINUTE_MS


def test_kyiv_falls_back_at_four() -> None:
    tz = zoneinfo.ZoneInfo("Europe/Kyiv")
    first = _utc(2026, 10, 25, 0, 30)  # 03:30 EEST
    second = first + HOUR_MS  # 03:30 EET
    assert to_local(first, tz).replace(tzinfo=None) == to_local(second, tz).replace(tzinfo=None)
    assert (to_local(first, tz).fold, to_local(second, tz).fold) == (0, 1)
    assert from_local(to_local(second, tz)) == second
    naive = dt.datetime(2026, 10, 25, 3, 30)
    assert at_wall_clock(naive, tz) == first
    assert at_wall_clock(naive.replace(fold=1), tz) == second


def test_new_york_springs_forward_and_falls_back() -> None:
    tz = "America/New_York"
    spring = _utc(2026, 3, 8, 7, 0)  # 02:00 EST
    assert format_local(spring - 1, tz, "%H:%M") == "01:59"
    assert format_local(spring, tz, "%H:%M %Z") == "03:00 EDT"
    fall = _utc(2026, 11, 1, 6, 0)  # 02:00 EDT, back to 01:00 EST
    assert format_local(fall - 1, tz, "%H:%M %Z") == "01:59 EDT"
    assert format_local(fall, tz, "%H:%M %Z") == "01:00 EST"
    assert parse_local("2026-11-01T01:30", tz) == fall - 30 * MINUTE_MS  # the first
    assert local_day(fall, tz) == dt.date(2026, 11, 1)


def test_a_skipped_midnight_starts_the_day_when_the_clocks_jump() -> None:
    # Santiago moved its clocks from 00:00 to 01:00 on 2023-09-03.
    tz = "America/Santiago"
    start = local_midnight_ms(dt.date(2023, 9, 3), tz)
    assert format_local(start, tz) == "2023-09-03 01:00:00"
    assert local_day(start - 1, tz) == dt.date(2023, 9, 2)


def test_parse_local_reads_the_floor_s_clock() -> None:
    assert parse_local("2026-11-02", "Europe/Kyiv") == _utc(2026, 11, 1, 22, 0)
    assert parse_local("2026-11-02T14:00", "Europe/Kyiv") == _utc(2026, 11, 2, 12, 0)
    assert parse_local("2026-11-02T14:00:00.250", "UTC") == _utc(2026, 11, 2, 14, 0) + 250
    assert parse_local("2026-11-02T14:00+00:00", "Europe/Kyiv") == _utc(2026, 11, 2, 14, 0)
    with pytest.raises(ValueError):
        parse_local("2 Nov", "Europe/Kyiv")


@given(moments, zones)
def test_parse_local_reads_what_format_local_writes(ms: int, tz: str) -> None:
    whole = ms // SECOND_MS * SECOND_MS
    text = format_local(whole, tz, "%Y-%m-%dT%H:%M:%S")
    # A repeated hour reads as its first time: the text does not say which.
    assert parse_local(text, tz) in (whole, whole - HOUR_MS)
    assert parse_local(text, tz) == whole or to_local(whole, tz).fold == 1


def test_from_local_wants_an_aware_time() -> None:
    with pytest.raises(TypeError):
        from_local(dt.datetime(2026, 11, 2))
