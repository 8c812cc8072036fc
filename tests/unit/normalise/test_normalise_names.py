"""Tests for ocgmap.normalise.names."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocgmap.errors import NormaliseError
from ocgmap.normalise import company, person, person_key
from ocgmap.normalise.names import LEGAL_FORMS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Smith Haulage Ltd", "SMITH HAULAGE LTD"),  # formats.md: Ltd, Ltd., Limited -> LTD
        ("Smith Haulage Ltd.", "SMITH HAULAGE LTD"),
        ("Smith Haulage Limited", "SMITH HAULAGE LTD"),
        ("Trans-Pol sp. z o.o.", "TRANS POL SP ZOO"),  # formats.md
        ("Trans-Pol Sp. z o. o.", "TRANS POL SP ZOO"),
        ("TRANS-POL SP ZOO", "TRANS POL SP ZOO"),
        ("Trans-Pol Spółka z o.o.", "TRANS POL SP ZOO"),
        ("Rapid Cargo S.R.L.", "RAPID CARGO SRL"),  # formats.md
        ("M & S Logistics", "M AND S LOGISTICS"),  # formats.md: & -> AND
        ("Müller Spedition GmbH", "MULLER SPEDITION GMBH"),
        ("Van Dijk Transport B.V.", "VAN DIJK TRANSPORT BV"),
        ("Transportes García S.A.", "TRANSPORTES GARCIA SA"),
        ("Transports Dupont S.A.R.L.", "TRANSPORTS DUPONT SARL"),
        ("Transports Dupont S.à r.l.", "TRANSPORTS DUPONT SARL"),
        ("Logistique S.A.S.", "LOGISTIQUE SAS"),
        ("Balkan Trans EOOD", "BALKAN TRANS EOOD"),
        ("Duna Kft.", "DUNA KFT"),
        ("Vltava Trans s.r.o.", "VLTAVA TRANS SRO"),
        ("Baltic Cargo UAB", "BALTIC CARGO UAB"),
        ("Channel Freight P.L.C.", "CHANNEL FREIGHT PLC"),
        ("Channel Freight L.L.P.", "CHANNEL FREIGHT LLP"),
        ("O'Neill's  Transport", "ONEILLS TRANSPORT"),
        ("LIMITED EDITION LIMITED", "LIMITED EDITION LTD"),  # suffixes only at the end
        ("Kowalski Sp. z o.o. Sp.k.", "KOWALSKI SP ZOO SPK"),
        ("!OBAC UK LIMITED", "OBAC UK LTD"),  # a real Companies House name
    ],
)
def test_company(text: str, expected: str) -> None:
    assert company(text) == expected


def test_company_rejects_punctuation_only() -> None:
    with pytest.raises(NormaliseError) as info:
        company("-- . --")
    assert (info.value.kind, info.value.reason) == ("company", "has no letters or digits")


_SUFFIX_TOKENS = sorted(
    {token for _, spellings in LEGAL_FORMS for spelling in spellings for token in spelling.split()}
)


@settings(max_examples=200, deadline=None, database=None)
@given(tokens=st.lists(st.sampled_from([*_SUFFIX_TOKENS, "TRANS", "&", "."]), max_size=8))
def test_company_is_idempotent_on_suffix_soup(tokens: list[str]) -> None:
    try:
        once = company(" ".join(tokens))
    except NormaliseError:
        return
    if once is not None:
        assert company(once) == once


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Łukasz Wójcik", "LUKASZ WOJCIK"),  # the brief's example; Ł does not decompose
        ("Mrs Lan Thi Example", "LAN THI EXAMPLE"),  # real PSC name
        ("Dr. Søren Ærø", "SOREN AERO"),
        ("Đorđe Đukić", "DORDE DUKIC"),
        ("Hans Weiß", "HANS WEISS"),
        ("Jean-Luc  d'Ambrose", "JEAN-LUC D'AMBROSE"),
        ("o’brien, seán", "O'BRIEN SEAN"),
        ("Smith - Jones", "SMITH JONES"),
        ("Mr", "MR"),  # a title alone is kept
        ("MISS MR ANNA NOWAK", "ANNA NOWAK"),
    ],
)
def test_person(text: str, expected: str) -> None:
    assert person(text) == expected


def test_person_rejects_no_letters() -> None:
    with pytest.raises(NormaliseError) as info:
        person("12 --")
    assert (info.value.kind, info.value.reason) == ("person", "has no letters")


@pytest.mark.parametrize(
    ("name", "dob", "source", "expected"),
    [
        ("Łukasz Wójcik", dt.date(1980, 5, 14), None, "LUKASZ WOJCIK|1980-05-14"),
        ("Łukasz Wójcik", "1980-05-14", None, "LUKASZ WOJCIK|1980-05-14"),
        ("Łukasz Wójcik", "14/05/1980", "x", "LUKASZ WOJCIK|1980-05-14"),
        ("Mrs Lan Thi Example", "1977-02", None, "LAN THI EXAMPLE|1977-02"),
        ("Mrs Lan Thi Example", "2/1977", None, "LAN THI EXAMPLE|1977-02"),
        ("Jan Kowalski", None, "detections.csv", "JAN KOWALSKI|?detections.csv"),
        ("Jan Kowalski", "  ", " referrals.csv ", "JAN KOWALSKI|?referrals.csv"),
        (None, "1980-05-14", None, None),
    ],
)
def test_person_key(
    name: str | None, dob: str | dt.date | None, source: str | None, expected: str | None
) -> None:
    assert person_key(name, dob, source=source) == expected


def test_person_key_without_dob_needs_a_source() -> None:
    with pytest.raises(NormaliseError) as info:
        person_key("Jan Kowalski", None)
    assert info.value.kind == "person_key"
    assert "source" in info.value.reason


@pytest.mark.parametrize("dob", ["31/02/1980", "1980-13", "yesterday"])
def test_person_key_rejects_a_bad_dob(dob: str) -> None:
    with pytest.raises(NormaliseError):
        person_key("Jan Kowalski", dob, source="x")
