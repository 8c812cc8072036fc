"""Tests for ocgmap.normalise.company_number."""

from __future__ import annotations

import pytest

from ocgmap.errors import NormaliseError
from ocgmap.normalise import company_number

SHAPE = "expected digits with an optional 2-letter prefix, e.g. 08209948 or SC012345"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8209948", "08209948"),
        ("08209948", "08209948"),
        ("07687209", "07687209"),  # a real Companies House number
        ("sc12345", "SC012345"),
        ("SC 012345", "SC012345"),
        ("NI123", "NI000123"),
        ("OC300001", "OC300001"),
        ("R0000123", "R0000123"),
        ("1", "00000001"),
    ],
)
def test_company_number(text: str, expected: str) -> None:
    assert company_number(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("123456789", "is longer than 8 characters"),
        ("SC1234567", "is longer than 8 characters"),
        ("SC", "has no digits"),
        ("ABC123", SHAPE),
        ("8209948.0", SHAPE),
    ],
)
def test_company_number_rejects(text: str, reason: str) -> None:
    with pytest.raises(NormaliseError) as info:
        company_number(text)
    assert (info.value.kind, info.value.reason) == ("company_number", reason)


def test_company_number_is_never_an_int() -> None:
    assert isinstance(company_number("0001"), str)
