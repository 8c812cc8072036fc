"""Tests for ocgmap.normalise.phone."""

from __future__ import annotations

import pytest

from ocgmap.errors import NormaliseError
from ocgmap.normalise import phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07700 900123", "+447700900123"),  # formats.md
        ("+44 7700 900123", "+447700900123"),  # formats.md
        ("0048 601 234 567", "+48601234567"),  # formats.md
        ("+447700900123", "+447700900123"),
        ("(01632) 960 123", "+441632960123"),
        ("+44 (0)7700 900123", "+447700900123"),
        ("+48 601-234-567", "+48601234567"),
    ],
)
def test_phone(text: str, expected: str) -> None:
    assert phone(text) == expected


def test_phone_other_default_region() -> None:
    assert phone("601 234 567", region="PL") == "+48601234567"
    assert phone("601 234 567", region="pl") == "+48601234567"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("unknown", "has no digits"),
        ("999", "has the wrong number of digits for its country"),
        ("+999 1234 5678", "has no valid country code"),
        ("1" * 300, "is too long"),
        ("ext 12 and 3", "does not look like a phone number"),
    ],
)
def test_phone_rejects(text: str, reason: str) -> None:
    with pytest.raises(NormaliseError) as info:
        phone(text)
    assert info.value.kind == "phone"
    assert info.value.reason == reason


def test_phone_without_country_code_and_unknown_region() -> None:
    with pytest.raises(NormaliseError, match="has no valid country code"):
        phone("601 234 567", region="ZZ")
