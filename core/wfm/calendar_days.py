"""The days a forecast treats apart: public holidays of the floor's country (the
``holidays`` package) and the floor's own special days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import holidays

from core.errors import ForecastError


def holiday_names(country: str | None, first: dt.date, last: dt.date,
                  special_days: Iterable[dt.date] = ()) -> dict[dt.date, str]:
    """Holidays from ``first`` to ``last`` (both included), with their names; the
    floor's special days are named "special day". ``country``: an ISO code, with a
    region after a hyphen where holidays differ by region ("GB-ENG": England's)."""
    out: dict[dt.date, str] = {}
    if country:
        try:
            code, _, region = country.upper().partition("-")
            calendar = holidays.country_holidays(code, subdiv=region or None,
                                                 years=range(first.year, last.year + 1))
        except NotImplementedError:
            raise ForecastError(f"country {country!r}: the holidays package has no "
                                "calendar for it (settings floor.region)") from None
        out.update({d: str(name) for d, name in calendar.items() if first <= d <= last})
    for d in special_days:
        if first <= d <= last:
            out.setdefault(d, "special day")
    return out
