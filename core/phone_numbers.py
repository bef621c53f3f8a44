"""Customer numbers: normalisation and line type (mobile, landline, internal, ...)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType

from core.model import NumberType

#: PBX extensions are short; anything of 2-6 digits without a '+' is internal.
_INTERNAL = re.compile(r"^\d{2,6}$")
_DIGITS = re.compile(r"[^\d+]")

_TYPE_MAP = {
    PhoneNumberType.MOBILE: NumberType.MOBILE,
    PhoneNumberType.FIXED_LINE: NumberType.LANDLINE,
    # Several numbering plans (US among them) cannot tell the two apart; such a
    # number is a landline for counting purposes only when we cannot do better.
    PhoneNumberType.FIXED_LINE_OR_MOBILE: NumberType.LANDLINE,
    PhoneNumberType.TOLL_FREE: NumberType.TOLL_FREE,
    PhoneNumberType.VOIP: NumberType.VOIP,
}


def _compact(number: str) -> str:
    return _DIGITS.sub("", number.strip())


#: Numbers remembered per region and function: a report of a week at 1,000 agents
#: meets some 400,000 numbers, and phonenumbers takes about 50 us a number (most of
#: a report's time); a floor's regulars and a second report of a range are then
#: free. Plain dicts of str and int, not functools' cache (whose keys are lists): the
#: collector does not look into such a dict, and a full collection stays short.
_CACHED = 1 << 18
_NORMAL: dict[str, dict[str, str]] = {}
_TYPED: dict[str, dict[str, int]] = {}


def _remembered(cache: dict[str, dict], region: str) -> dict:
    known = cache.setdefault(region, {})
    if len(known) >= _CACHED:
        known.clear()
    return known


def normalize_number(number: str, region: str) -> str:
    """E.164 form when the number parses for ``region``, else its bare digits."""
    known = _remembered(_NORMAL, region)
    out = known.get(number)
    if out is None:
        out = known[number] = _normalize(number, region)
    return out


def _normalize(number: str, region: str) -> str:
    """E.164 form when the number parses for ``region``, else its bare digits."""
    compact = _compact(number)
    if not compact or _INTERNAL.match(compact):
        return compact
    try:
        parsed = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        return compact
    if not phonenumbers.is_possible_number(parsed):
        return compact
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def classify_number(number: str, region: str) -> NumberType:
    """Line type of ``number`` as dialled on a floor in ``region`` (ISO 3166 code)."""
    known = _remembered(_TYPED, region)
    out = known.get(number)
    if out is None:
        # Kept as an int: a dict of str and int alone is one the collector skips.
        out = known[number] = int(_classify(number, region))
    return NumberType(out)


def _classify(number: str, region: str) -> NumberType:
    compact = _compact(number)
    if not compact:
        return NumberType.UNKNOWN
    if _INTERNAL.match(compact):
        return NumberType.INTERNAL
    try:
        parsed = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        return NumberType.UNKNOWN
    if not phonenumbers.is_valid_number(parsed):
        return NumberType.UNKNOWN
    return _TYPE_MAP.get(phonenumbers.number_type(parsed), NumberType.OTHER)


@dataclass(frozen=True)
class NumberPlan:
    """How a floor reads the numbers it dials: its default region (for numbers written
    without a country code) and which numbers are its own.

    ``internal_prefixes`` name the company's own lines beyond the PBX extensions of 2-6
    digits, which are always internal. With a '+' a prefix is a block of full numbers
    ("+44 20 7946 00": colleagues reached on their direct lines), matched against the
    E.164 form; without one it is a range of extensions ("8" for 8xxx), matched only
    against numbers that are not full numbers, so that a national "8 916 ..." (Russia's
    trunk prefix) stays a customer's.
    """

    region: str = "GB"
    internal_prefixes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Z]{2}", self.region):
            raise ValueError(f"region {self.region!r} is not a two-letter ISO country code "
                             "such as 'GB' or 'UA'")
        compact = tuple(_compact(p) for p in self.internal_prefixes)
        bad = [p for p, c in zip(self.internal_prefixes, compact, strict=True)
               if not c.lstrip("+")]
        if bad:
            raise ValueError(f"internal prefix {bad[0]!r} has no digits")
        object.__setattr__(self, "internal_prefixes", compact)

    def normalize(self, number: str) -> str:
        return normalize_number(number, self.region)

    def classify(self, number: str) -> NumberType:
        compact = _compact(number)
        if compact and self.internal_prefixes:
            normal = self.normalize(number)
            full = normal.startswith("+")
            if any(normal.startswith(p) if p.startswith("+") else not full and
                   compact.startswith(p) for p in self.internal_prefixes):
                return NumberType.INTERNAL
        return classify_number(number, self.region)
