"""The floor's clock: moments are UTC epoch milliseconds everywhere in the core; this
module alone turns them into the floor's local time and back.

Local times come from ``fromtimestamp(ms / 1000, tz)``, as the call sites always did;
the way back is integer arithmetic on timedeltas, not ``int(timestamp() * 1000)``,
whose float product drops a millisecond for some moments with a fraction of a second
(for whole seconds, all the call sites had, the two agree). Zones may be given by name
or as a ``tzinfo`` (a caller that converts often keeps its ``ZoneInfo``). The core_ext
kernels do not use this: they work on raw integers.
"""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from typing import overload

SECOND_MS = 1_000
MINUTE_MS = 60 * SECOND_MS
HOUR_MS = 60 * MINUTE_MS
#: A calendar day of 24 hours: a local day of the floor may have 23 or 25
#: (``local_midnight_ms`` of consecutive dates says which).
DAY_MS = 24 * HOUR_MS

Zone = str | dt.tzinfo

_EPOCH = dt.datetime(1970, 1, 1)
_EPOCH_UTC = _EPOCH.replace(tzinfo=dt.UTC)
_MS = dt.timedelta(milliseconds=1)


@overload
def zone(tz: str) -> zoneinfo.ZoneInfo: ...


@overload
def zone(tz: dt.tzinfo) -> dt.tzinfo: ...


def zone(tz: Zone) -> dt.tzinfo:
    """The ``tzinfo`` of a zone name ('Europe/Kyiv'), or ``tz`` itself. Raises
    zoneinfo.ZoneInfoNotFoundError (or ValueError) for a name that is no zone."""
    return zoneinfo.ZoneInfo(tz) if isinstance(tz, str) else tz


def now_ms() -> int:
    """The wall clock now, as UTC ms (truncated)."""
    return int(time.time() * 1000)


def to_local(ms: int, tz: Zone) -> dt.datetime:
    """The moment ``ms`` on the zone's clock (aware; ``fold`` set in a repeated hour)."""
    return dt.datetime.fromtimestamp(ms / 1000, zone(tz))


def to_utc(ms: int) -> dt.datetime:
    """The moment ``ms`` in UTC (aware)."""
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC)


def wall_clock(local_ms: int) -> dt.datetime:
    """Local wall-clock ms since 1970-01-01 (how the KPI engines number interval starts
    and days: core.kpi.intervals) as the naive wall-clock time they stand for. Exact:
    integer arithmetic, no float seconds."""
    return _EPOCH + dt.timedelta(milliseconds=local_ms)


def from_local(moment: dt.datetime) -> int:
    """An aware datetime as UTC ms (a fraction of a millisecond is dropped: floor). A
    wall-clock time that falls twice is the one its ``fold`` says; one that does not
    exist (skipped by DST) is read with the offset its ``fold`` says, the one before
    the change for fold 0, as ``datetime.timestamp`` does."""
    return (moment - _EPOCH_UTC) // _MS


def at_wall_clock(moment: dt.datetime, tz: Zone) -> int:
    """A naive wall-clock time on the zone's clock as UTC ms (an aware one keeps its
    own zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(tz))
    return from_local(moment)


def parse_local(text: str, tz: Zone) -> int:
    """'2026-11-02', '2026-11-02T14:00' (any ISO 8601 date and time) on the zone's
    clock as UTC ms; a time with its own offset keeps it. Raises ValueError."""
    return at_wall_clock(dt.datetime.fromisoformat(text), tz)


def format_local(ms: int, tz: Zone, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """The moment ``ms`` on the zone's clock, written with ``strftime``'s ``fmt``."""
    return to_local(ms, tz).strftime(fmt)


def local_day(ms: int, tz: Zone) -> dt.date:
    """The zone's date at the moment ``ms``."""
    return to_local(ms, tz).date()


def local_midnight_ms(day: dt.date, tz: Zone) -> int:
    """The start of the zone's date ``day``, as UTC ms. A midnight that DST skips is
    read with the offset before the change (``from_local``): the moment the clocks
    jump, when that day begins."""
    return from_local(dt.datetime.combine(day, dt.time(0), tzinfo=zone(tz)))


def day_start_ms(ms: int, tz: Zone) -> int:
    """The start (UTC ms) of the zone's day that holds the moment ``ms``."""
    return local_midnight_ms(local_day(ms, tz), tz)


def utc_offset_ms(ms: int, tz: Zone) -> int:
    """How far the zone's clock is ahead of UTC at the moment ``ms`` (whole seconds)."""
    return int(to_local(ms, tz).utcoffset().total_seconds()) * 1000
