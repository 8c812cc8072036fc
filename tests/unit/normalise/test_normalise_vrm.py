"""Tests for ocgmap.normalise.vrm."""

from __future__ import annotations

import pytest

from ocgmap.errors import NormaliseError
from ocgmap.normalise import trailer_id, vrm


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ab12 cde", "AB12CDE"),  # formats.md
        ("AB12CDE", "AB12CDE"),
        ("  ab-12.cde ", "AB12CDE"),
        ("WGM 1234X", "WGM1234X"),
        ("ＡＢ１２ＣＤＥ", "AB12CDE"),  # full-width
        ("СА 1234 ВХ", "CA1234BX"),  # Bulgarian plate typed in Cyrillic
        ("ab\u201312", "AB12"),  # en dash
    ],
)
def test_vrm(text: str, expected: str) -> None:
    assert vrm(text) == expected


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_vrm_missing(blank: str | None) -> None:
    assert vrm(blank) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("- . -", "has no letters or digits"),
        ("AB12/CDE", "has characters other than A-Z and 0-9: '/'"),
        ("A" * 16, "is longer than 15 characters"),
    ],
)
def test_vrm_rejects(text: str, reason: str) -> None:
    with pytest.raises(NormaliseError) as info:
        vrm(text)
    assert info.value.kind == "vrm"
    assert info.value.reason == reason
    assert isinstance(info.value, ValueError)


def test_trailer_id_follows_vrm_rules() -> None:
    assert trailer_id("c-123 456") == "C123456"
    assert trailer_id(None) is None
    with pytest.raises(NormaliseError) as info:
        trailer_id("#")
    assert info.value.kind == "trailer_id"
