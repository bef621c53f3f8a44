"""Customer numbers: normalisation and line type (mobile, landline, internal, ...)."""

from __future__ import annotations

import re

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


def normalize_number(number: str, region: str) -> str:
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
