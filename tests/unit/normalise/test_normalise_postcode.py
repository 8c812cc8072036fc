"""Tests for ocgmap.normalise.postcode."""

from __future__ import annotations

import pytest

from ocgmap.errors import NormaliseError
from ocgmap.normalise import postcode


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("so14 3ql", "SO14 3QL"),  # formats.md
        ("SO143QL", "SO14 3QL"),
        (" SO14   3QL ", "SO14 3QL"),
        ("RG26 5AT", "RG26 5AT"),
        ("m1 1ae", "M1 1AE"),
        ("B338TH", "B33 8TH"),
        ("cr26xh", "CR2 6XH"),
        ("W1A 0AX", "W1A 0AX"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_postcode(text: str, expected: str) -> None:
    assert postcode(text) == expected


@pytest.mark.parametrize("text", ["SO14", "12345", "SO14 3Q1", "SO14-3QL", "ABCDE 1AA", "Q"])
def test_postcode_rejects(text: str) -> None:
    with pytest.raises(NormaliseError) as info:
        postcode(text)
    assert info.value.kind == "postcode"
    assert info.value.reason.startswith("is not a UK postcode")
