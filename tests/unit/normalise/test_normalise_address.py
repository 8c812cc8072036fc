"""Tests for ocgmap.normalise.address."""

from __future__ import annotations

import pytest

from ocgmap.errors import NormaliseError
from ocgmap.normalise import address


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Unit 9   Berry Court Farm, Bramley Road", "UNIT 9 BERRY COURT FARM BRAMLEY ROAD"),
        ("2 St. Andrews Road, Henley-On-Thames", "2 ST ANDREWS ROAD HENLEY ON THAMES"),
        ("Flat 3/1, 12 O'Connell St.", "FLAT 3 1 12 OCONNELL ST"),
        ("ul. Łódzka 5, Łódź", "UL LODZKA 5 LODZ"),
    ],
)
def test_address(text: str, expected: str) -> None:
    assert address(text) == expected


def test_address_rejects_punctuation_only() -> None:
    with pytest.raises(NormaliseError) as info:
        address(", ,")
    assert (info.value.kind, info.value.reason) == ("address", "has no letters or digits")
