"""Tests for ocgmap.normalise.licence."""

from __future__ import annotations

import pytest

from ocgmap.errors import NormaliseError
from ocgmap.normalise import operator_licence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("OB1234567", "OB1234567"),  # formats.md
        ("ob1234567", "OB1234567"),
        ("OK 1234567", "OK1234567"),
        ("ON-1234567", "ON1234567"),
        ("om1234567", "OM1234567"),
    ],
)
def test_operator_licence(text: str, expected: str) -> None:
    assert operator_licence(text) == expected


@pytest.mark.parametrize("text", ["PB1234567", "O1234567", "OB", "OBX123", "1234567"])
def test_operator_licence_rejects_shape(text: str) -> None:
    with pytest.raises(NormaliseError) as info:
        operator_licence(text)
    assert info.value.kind == "operator_licence"
    assert info.value.reason.startswith("expected O, a traffic-area letter and digits")


def test_operator_licence_rejects_unknown_traffic_area() -> None:
    with pytest.raises(NormaliseError) as info:
        operator_licence("OA1234567")
    expected = "has traffic-area letter A; expected one of B, C, D, F, G, H, K, M, N"
    assert info.value.reason == expected
