"""Tests for ocgmap.normalise.locode."""

from __future__ import annotations

import pytest

from ocgmap import reference
from ocgmap.errors import NormaliseError
from ocgmap.normalise import locode


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GBDVR", "GBDVR"),  # formats.md: GBDVR, GB DVR and gbdvr all mean Dover
        ("GB DVR", "GBDVR"),
        ("gbdvr", "GBDVR"),
        ("GB  DVR  ", "GBDVR"),
        ("BE  ZEE  ", "BEZEE"),  # space-padded, as in the UNECE CSV
        ("GBPUF", "GBPFT"),  # domain.md 3.4: Purfleet is GBPFT, not PUF
        ("GB PUF", "GBPFT"),
        ("Dover", "GBDVR"),
        ("CALAIS", "FRCQF"),
        ("Eurotunnel Folkestone", "GBFOL"),
        ("Eurotunnel Coquelles", "FRCQS"),
        ("Caen (Ouistreham)", "FROUI"),
        ("Saint-Malo", "FRSML"),
        ("St. Malo", "FRSML"),
        ("Hook of Holland", "NLHVH"),
        ("ijmuiden", "NLIJM"),
        ("Poole", "GBPOO"),  # a 5-letter name is a name, not a code
        ("USNYC", "USNYC"),  # well-formed but not in the reference list: kept
        ("DE HAM", "DEHAM"),
        ("XZ 2A9", "XZ2A9"),
    ],
)
def test_locode(text: str, expected: str) -> None:
    assert locode(text) == expected


@pytest.mark.parametrize("text", ["GBDV", "GBDVR1", "G1DVR", "GBDV1", "GB/DVR", "Atlantis"])
def test_locode_rejects(text: str) -> None:
    with pytest.raises(NormaliseError) as info:
        locode(text)
    assert info.value.kind == "locode"
    assert "2 letters then 3 letters or digits 2-9" in info.value.reason


def test_every_reference_port_and_alias_normalises_to_itself_or_its_target() -> None:
    for code, port in reference.ports().items():
        assert locode(code) == code
        assert locode(port.name) == code
    for alias, code in reference.locode_aliases().items():
        assert locode(alias) == code
