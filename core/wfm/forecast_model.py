"""What a forecast is made of: the contact history it learns from, the settings it
takes, the forecast with its 80 % band, and the figure of today so far. Definitions:
docs/wfm.md, "Forecast".

Days are the floor's local days; each day has the same wall-clock slots (96 of 15
minutes, 48 of 30). ``length`` says how many real intervals a slot of a day holds:
1 on an ordinary day, 0 for the slots that daylight saving skips, 2 for those of the
hour it repeats (both of its real intervals count into the one slot)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from core.errors import ForecastError
from core.model import Channel

#: The intervals a forecast is made in, minutes.
INTERVAL_MINUTES = (15, 30)
#: Under this many known days a forecast does not trust the history's shape.
MIN_HISTORY_DAYS = 14


@dataclass(frozen=True, slots=True)
class SeriesKey:
    """Whose contacts a series counts; ``queue_id`` None: every queue together."""

    channel: Channel
    language: str
    queue_id: int | None = None

    def label(self) -> str:
        tail = "" if self.queue_id is None else f" queue {self.queue_id}"
        return f"{self.channel.name.lower()} {self.language}{tail}"


@dataclass(frozen=True)
class ContactHistory:
    """Contacts per slot of each local day since ``first_day``, one series per key.

    ``counts[k, d, s]``: contacts of series k in slot s of day d; NaN where it is not
    known (a gap in the history, or a slot the day does not have). Zero is a known
    zero: a quiet night."""

    keys: tuple[SeriesKey, ...]
    first_day: dt.date
    interval_min: int
    timezone: str
    counts: np.ndarray  # float64 (series, days, slots)
    length: np.ndarray  # int8 (days, slots)
    #: The source, for messages ("store floor.sqlite", "arrivals_6min_1999.csv").
    source: str = ""

    @property
    def slots_per_day(self) -> int:
        return 1440 // self.interval_min

    @property
    def days(self) -> int:
        return self.length.shape[0]

    def day(self, d: int) -> dt.date:
        return self.first_day + dt.timedelta(days=d)

    def intervals_of_day(self, d: int) -> int:
        """Real intervals of day d: 92 of 15 minutes on a 23-hour day, 100 on 25."""
        return int(self.length[d].sum())

    def known(self) -> np.ndarray:
        """Per series and day: every slot the day has is known."""
        exists = self.length > 0
        return ~(np.isnan(self.counts) & exists).any(axis=2)

    def series(self, key: SeriesKey) -> int:
        try:
            return self.keys.index(key)
        except ValueError:
            raise KeyError(f"no series {key.label()} in {self.source or 'the history'}"
                           ) from None

    def until_day(self, days: int) -> ContactHistory:
        """The first ``days`` days only: the history as it stood at a past midnight."""
        return ContactHistory(self.keys, self.first_day, self.interval_min, self.timezone,
                              self.counts[:, :days], self.length[:days], self.source)


@dataclass(frozen=True)
class ForecastSettings:
    """What a forecast takes besides the history. ``country``: the floor's (ISO code,
    settings ``floor.region``) for public holidays, or None for none; ``special_days``:
    the floor's own (closures, campaigns) treated as holidays; ``december_uplift``: the
    December multiplier when the history has no past December to learn it from;
    ``holiday_factor``: a holiday's volume against an ordinary day when the history has
    no past holiday; ``hourly_shape``: the day's shape (24 values, any scale) used when
    the history is too short to learn it."""

    country: str | None = None
    special_days: tuple[dt.date, ...] = ()
    december_uplift: float = 1.0
    holiday_factor: float = 0.5
    hourly_shape: tuple[float, ...] | None = None
    #: Central coverage of the prediction band.
    band: float = 0.8

    def __post_init__(self) -> None:
        # Refused here, not where used: a December uplift of -1 would otherwise pass
        # unseen all year and only turn December's forecast negative.
        for name in ("december_uplift", "holiday_factor"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise ForecastError(f"{name}={value!r}: a multiplier above 0 (1 for none)")
        if not (0 < self.band < 1):
            raise ForecastError(f"band={self.band!r}: the share of contacts the band holds, "
                                "between 0 and 1 (0.8 for 80 %)")
        shape = self.hourly_shape
        if shape is not None and (len(shape) != 24 or not all(
                math.isfinite(v) and v >= 0 for v in shape) or sum(shape) <= 0):
            raise ForecastError("hourly_shape: 24 values of 0 or more, not all 0")


@dataclass(frozen=True)
class Forecast:
    """Contacts per slot of ``days`` days from ``first_day`` for each series, with the
    band's bounds (``low`` ≤ ``mean`` ≤ ``high``, all ≥ 0; 0 in slots a day does not
    have). ``reason`` is set when the history could not be trusted (too short):
    the forecast then comes from the configured shape and says so."""

    keys: tuple[SeriesKey, ...]
    first_day: dt.date
    interval_min: int
    timezone: str
    mean: np.ndarray  # float64 (series, days, slots)
    low: np.ndarray
    high: np.ndarray
    length: np.ndarray  # int8 (days, slots)
    holidays: dict[dt.date, str] = field(default_factory=dict)
    december_uplift: float = 1.0
    #: Where the uplift came from: "learned from December 2025" or "configured".
    uplift_source: str = "configured"
    reason: str | None = None

    @property
    def days(self) -> int:
        return self.length.shape[0]

    def day(self, d: int) -> dt.date:
        return self.first_day + dt.timedelta(days=d)

    def daily_totals(self) -> np.ndarray:
        """Per series and day."""
        return self.mean.sum(axis=2)


@dataclass(frozen=True, slots=True)
class TodaySoFar:
    """Today's contacts up to now against the forecast up to now, and the rest of the
    day as re-forecast from them."""

    actual: float
    forecast: float
    rest_forecast: float
    rest_reforecast: float

    @property
    def change(self) -> float | None:
        """actual / forecast − 1; None before anything was forecast."""
        return None if self.forecast <= 0 else self.actual / self.forecast - 1

    def text(self) -> str:
        """'today 2,310 so far; forecast by now 1,950 (+18 %)'."""
        head = f"today {self.actual:,.0f} so far; forecast by now {self.forecast:,.0f}"
        change = self.change
        return head if change is None else f"{head} ({change * 100:+.0f} %)"
