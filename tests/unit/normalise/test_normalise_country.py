"""Tests for ocgmap.normalise.country."""

from __future__ import annotations

import pytest

from ocgmap.errors import NormaliseError
from ocgmap.normalise import country


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pl", "PL"),
        ("GB", "GB"),
        ("UK", "GB"),
        ("Poland", "PL"),
        ("polish", "PL"),
        ("Romania", "RO"),
        ("Romanian", "RO"),
        ("Bulgaria", "BG"),
        ("Bulgarian", "BG"),
        ("Lithuania", "LT"),
        ("Lithuanian", "LT"),
        ("Latvia", "LV"),
        ("Hungary", "HU"),
        ("Czechia", "CZ"),
        ("Czech Republic", "CZ"),
        ("Slovakia", "SK"),
        ("Netherlands", "NL"),
        ("The Netherlands", "NL"),
        ("Dutch", "NL"),
        ("Belgium", "BE"),
        ("Belgian", "BE"),
        ("France", "FR"),
        ("French", "FR"),
        ("Germany", "DE"),
        ("German", "DE"),
        ("Spain", "ES"),
        ("Spanish", "ES"),
        ("Italy", "IT"),
        ("Italian", "IT"),
        ("Ireland", "IE"),
        ("Irish", "IE"),
        ("United Kingdom", "GB"),
        ("British", "GB"),
        ("England", "GB"),
        ("Scotland", "GB"),
        ("Wales", "GB"),
        ("Northern Ireland", "GB"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("Turkish", "TR"),
        ("Ukraine", "UA"),
        ("Albania", "AL"),
        ("Albanian", "AL"),
        ("Vietnam", "VN"),
        ("Vietnamese", "VN"),  # the real PSC sample's nationality
        ("Iran", "IR"),
        ("Iranian", "IR"),
        ("Iraq", "IQ"),
        ("Iraqi", "IQ"),
        ("Eritrea", "ER"),
        ("Eritrean", "ER"),
        ("Sudan", "SD"),
        ("Sudanese", "SD"),
        ("Afghanistan", "AF"),
        ("Afghan", "AF"),
        ("Syria", "SY"),
        ("Syrian", "SY"),
        ("POL", "PL"),
        ("Côte d'Ivoire", "CI"),
        ("  united   kingdom ", "GB"),
    ],
)
def test_country(text: str, expected: str) -> None:
    assert country(text) == expected


def test_country_rejects_unassigned_code() -> None:
    with pytest.raises(NormaliseError) as info:
        country("XX")
    assert (info.value.kind, info.value.reason) == ("country", "is not an ISO 3166-1 alpha-2 code")


@pytest.mark.parametrize("text", ["Kurdish", "Kurdistan", "Atlantis", "N/A"])
def test_country_rejects_unknown_names(text: str) -> None:
    with pytest.raises(NormaliseError) as info:
        country(text)
    assert info.value.reason == "is not a known country code or English country name"
