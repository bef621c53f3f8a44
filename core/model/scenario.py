"""What a simulated floor is asked to do: demand, handling, patience, shifts."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import numpy as np

from core.model import Channel
from core.model.floor_policy import FloorPolicy

#: Hourly share of a day's contacts (sums to 1). Derived from the "Anonymous Bank"
#: arrivals of 1999 (Sunday-Thursday average of 6-minute counts; Technion SEE Center,
#: shared/data): that center closed at night, so each night hour is raised to 1%
#: for a 24/7 floor and the whole is renormalised. tests/core/simulation checks it
#: against the data file.
BANK_1999_HOURLY = (
    0.0034, 0.0013, 0.0007, 0.0003, 0.0003, 0.0007, 0.0039, 0.0261, 0.0562, 0.0784,
    0.0894, 0.0778, 0.0696, 0.0732, 0.0773, 0.0771, 0.0738, 0.0594, 0.0509, 0.0416,
    0.0377, 0.0388, 0.0350, 0.0269,
)


def night_floored(shape: tuple[float, ...], floor: float = 0.01) -> tuple[float, ...]:
    raised = [max(x, floor) for x in shape]
    total = sum(raised)
    return tuple(x / total for x in raised)


@dataclass(frozen=True, slots=True)
class ChannelModel:
    """Handling and patience on one channel. Times in seconds."""

    handle_mean_s: float
    handle_cv: float = 1.0  # lognormal: heavy-tailed for cv >= 1
    handle_min_s: float = 30.0
    handle_max_s: float = 5400.0
    patience_mean_s: float = 0.0  # exponential; 0: customers never abandon
    wrap_up_s: float = 0.0
    handle_distribution: str = "lognormal"  # or "exponential" (the M/M/c textbook case)
    #: This channel's daily wave against the scenario's: its peak this many hours
    #: later (chats run into the evening), and this much of it spread evenly over the
    #: day (0: the wave itself, 1: flat; e-mail is written at any hour).
    wave_shift_h: float = 0.0
    wave_flatness: float = 0.0


@dataclass(frozen=True, slots=True)
class BreakPlan:
    """Breaks in every shift: short ones around a meal break in the middle, each
    near its share of the shift; the agents of a shift take it one after another
    over ``spread_min`` either side, each ``jitter_min`` early or late. Minutes."""

    short: int = 2
    short_min: float = 15.0
    meal: int = 1
    meal_min: float = 30.0
    spread_min: float = 60.0
    jitter_min: float = 10.0
    #: A break waits while it would leave a language with no agent at work (on
    #: shift and not on a break or away); False lets the last speaker go too.
    keep_languages_covered: bool = True


@dataclass(frozen=True, slots=True)
class AbsencePlan:
    """Agents who leave their desks (AWAY) for stretches at any hour, peaks
    included: the named ones, and each other agent with probability ``share``."""

    agent_ids: tuple[int, ...] = ()
    share: float = 0.0
    per_shift: float = 3.0  # stretches per shift, on average (Poisson)
    mean_min: float = 15.0  # length of a stretch: exponential, 2 min to max_min
    max_min: float = 60.0


@dataclass(frozen=True, slots=True)
class SabotagePlan:
    """Seed 002: outbound agents who hang up ``share`` of their dials after
    ``after_s`` (uniform between the two) instead of waiting for an answer."""

    agent_ids: tuple[int, ...] = ()
    share: float = 0.6
    after_s: tuple[float, float] = (2.0, 6.0)


@dataclass(frozen=True, slots=True)
class Product:
    """Something the floor sells: its mean amount (currency units) and its share of
    the sales that are not a featured partner's."""

    name: str
    mean: float
    share: float = 1.0


@dataclass(frozen=True, slots=True)
class SalesModel:
    """What a sale sells and for how much (KPI-3). Amounts are lognormal around the
    product's mean; ``partner_share`` of sales are a featured partner's service
    (seed 000), the partner drawn evenly from ``partners``."""

    currency: str = "EUR"
    products: tuple[Product, ...] = (Product("sale", 100.0),)
    amount_cv: float = 0.8
    partner_share: float = 0.0
    partners: tuple[str, ...] = ()
    partner_mean: float = 40.0


@dataclass(frozen=True, slots=True)
class SeasonPoint:
    day: dt.date
    multiplier: float


@dataclass(frozen=True)
class Scenario:
    name: str
    floor: FloorPolicy
    start: dt.date
    days: int
    seed: int
    interactions_per_day: float
    #: Share of demand per queue id (sums to 1).
    queue_share: dict[int, float]
    hourly_shape: tuple[float, ...] = field(default_factory=lambda:
                                            night_floored(BANK_1999_HOURLY))
    #: Monday..Sunday multipliers.
    weekly: tuple[float, ...] = (1.0,) * 7
    season: tuple[SeasonPoint, ...] = ()
    channels: dict[Channel, ChannelModel] = field(default_factory=dict)
    #: shift name -> (start hour, end hour) in the floor's local day; end may pass 24.
    shifts: dict[str, tuple[float, float]] = field(default_factory=dict)
    sick_rate: float = 0.0
    #: Phone lines: calls beyond this many (waiting + talking) get a busy signal.
    phone_lines: int = 0  # 0: unlimited
    conversion: float = 0.17  # of sales interactions that are not pranks
    prank_share: float = 0.0  # time-wasters and pranks among inbound contacts
    #: Of served contacts that are not pranks: how many complain, and of those how
    #: many about something serious (harm, a billing error, a legal threat, repeated
    #: failure). Pranksters complain at their own rate, about anything.
    complaint_rate: float = 0.0
    serious_complaint_share: float = 0.0
    prank_complaint_rate: float = 0.0
    timezone: str = "UTC"
    #: Customers' local time minus the floor's, by language (hours): their day, and
    #: so their wave, falls that much earlier or later on the floor's clock.
    language_offset_h: dict[str, float] = field(default_factory=dict)
    #: AGENT_LOGIN and AGENT_LOGOUT at each shift's start and end.
    logins: bool = True
    breaks: BreakPlan | None = None
    absence: AbsencePlan | None = None
    sabotage: SabotagePlan | None = None
    sales: SalesModel = field(default_factory=SalesModel)

    def queue_waves(self) -> np.ndarray:
        """Per queue of the floor (rows, in floor order), the share of its day's contacts
        in each hour of the floor's local day: the scenario's wave, flattened and moved
        for the queue's channel, moved for its language's customers."""
        base = np.asarray(self.hourly_shape, dtype=float)
        base = base / base.sum()
        hours = np.arange(24, dtype=float)
        rows = []
        for qp in self.floor.queues:
            model = self.channels.get(qp.queue.channel)
            shift = model.wave_shift_h if model else 0.0
            flat = model.wave_flatness if model else 0.0
            # Floor hour h is the customer's hour h + offset; the channel's wave is
            # the base one `shift` hours later.
            x = (hours + self.language_offset_h.get(qp.queue.language, 0.0) - shift) % 24
            lo = np.floor(x).astype(int)
            frac = x - lo
            wave = (1 - frac) * base[lo] + frac * base[(lo + 1) % 24]
            wave = (1 - flat) * wave + flat / 24
            rows.append(wave / wave.sum())
        return np.array(rows).reshape(len(rows), 24)

    def multiplier(self, day: dt.date) -> float:
        """Seasonal volume multiplier: geometric between the season's points."""
        points = self.season
        if not points:
            return 1.0
        if day <= points[0].day:
            return points[0].multiplier
        for a, b in itertools.pairwise(points):
            if a.day <= day <= b.day:
                span = (b.day - a.day).days
                x = (day - a.day).days / span if span else 1.0
                return a.multiplier * (b.multiplier / a.multiplier) ** x
        return points[-1].multiplier
