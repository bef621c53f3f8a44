"""Number types for KPI-5 and pseudonymisation: classified from the number itself."""

from __future__ import annotations

import pytest

from core.model import NumberType
from core.phone_numbers import classify_number, normalize_number


@pytest.mark.parametrize(
    "number, region, expected",
    [
        ("+380 67 123 4567", "GB", NumberType.MOBILE),
        ("067 123 4567", "UA", NumberType.MOBILE),
        ("+380 44 123 4567", "GB", NumberType.LANDLINE),
        ("020 7946 0018", "GB", NumberType.LANDLINE),
        ("+48 512 345 678", "PL", NumberType.MOBILE),
        ("+1 800 555 0100", "GB", NumberType.TOLL_FREE),
        ("2041", "GB", NumberType.INTERNAL),
        ("", "GB", NumberType.UNKNOWN),
        ("not a number", "GB", NumberType.UNKNOWN),
    ],
)
def test_classify(number: str, region: str, expected: NumberType) -> None:
    assert classify_number(number, region) == expected


def test_notations_normalise_to_one_form() -> None:
    forms = {"+44 20 7946 0018", "020 7946 0018", "+44 (0)20-7946-0018", "+442079460018"}
    assert {normalize_number(f, "GB") for f in forms} == {"+442079460018"}
    assert normalize_number("2041", "GB") == "2041"
