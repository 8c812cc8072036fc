"""Tests for ocgmap.reference: the shipped data files and their loaders."""

from __future__ import annotations

import dataclasses
import re

import pytest

from ocgmap import reference
from ocgmap.normalise import country, locode

# domain.md section 3.4: every code the brief requires.
DOMAIN_PORTS = {
    "GBDVR": "Dover", "GBFOL": "Folkestone", "GBPME": "Portsmouth", "GBSOU": "Southampton",
    "GBHUL": "Hull", "GBHRW": "Harwich", "GBPFT": "Purfleet", "GBTIL": "Tilbury",
    "GBLGP": "London Gateway Port", "GBTHP": "Thamesport", "GBSHS": "Sheerness",
    "GBRMG": "Ramsgate", "GBKGH": "Killingholme", "GBIMM": "Immingham", "GBHLY": "Holyhead",
    "GBCYN": "Cairnryan", "GBNHV": "Newhaven", "GBPOO": "Poole", "GBFXT": "Felixstowe",
    "GBTEE": "Teesport", "GBGSY": "Grimsby", "GBHYM": "Heysham", "GBLIV": "Liverpool",
    "GBBEL": "Belfast", "GBGOO": "Goole", "GBROY": "Rosyth", "GBFIS": "Fishguard",
    "GBPEM": "Pembroke", "GBPLY": "Plymouth", "FRCQF": "Calais", "FRCQS": "Coquelles",
    "FRDKK": "Dunkerque", "FRCER": "Cherbourg-en-Cotentin", "FRCFR": "Caen",
    "FROUI": "Ouistreham", "FRLEH": "Le Havre", "FRDPE": "Dieppe", "FRSML": "Saint-Malo",
    "FRROS": "Roscoff", "NLRTM": "Rotterdam", "NLEUR": "Europoort",
    "NLHVH": "Hoek van Holland", "NLVLI": "Vlissingen", "NLIJM": "IJmuiden",
    "NLMOE": "Moerdijk", "BEZEE": "Zeebrugge", "BEOST": "Oostende", "BEANR": "Antwerpen",
    "ESBIO": "Bilbao", "ESSDR": "Santander", "IEDUB": "Dublin", "IEROE": "Rosslare",
}  # fmt: skip
# Rough bounding box of the UK, Ireland and the near continent (Bilbao to IJmuiden).
LAT_RANGE = (43.0, 57.0)
LON_RANGE = (-7.0, 5.0)


def test_every_domain_port_is_present_with_its_name() -> None:
    ports = reference.ports()
    for code, name in DOMAIN_PORTS.items():
        assert ports[code].name == name


def test_ports_are_well_formed() -> None:
    for code, port in reference.ports().items():
        assert port.locode == code
        assert re.fullmatch(r"[A-Z]{2}[A-Z2-9]{3}", code)
        assert port.country == code[:2]
        assert port.country in reference.countries()
        assert (port.lat is None) == (port.lon is None)
        if port.lat is not None and port.lon is not None:
            assert LAT_RANGE[0] < port.lat < LAT_RANGE[1]
            assert LON_RANGE[0] < port.lon < LON_RANGE[1]


def test_port_is_frozen() -> None:
    port = reference.ports()["GBDVR"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        port.name = "Elsewhere"  # type: ignore[misc]


def test_loaders_are_cached_and_read_only() -> None:
    assert reference.ports() is reference.ports()
    assert reference.locode_aliases() is reference.locode_aliases()
    with pytest.raises(TypeError):
        reference.ports()["XXXXX"] = reference.ports()["GBDVR"]  # type: ignore[index]


def test_locode_aliases_point_at_reference_ports() -> None:
    aliases = reference.locode_aliases()
    assert aliases["GBPUF"] == "GBPFT"
    for alias, code in aliases.items():
        assert code in reference.ports(), alias


def test_locode_names_and_aliases_do_not_clash() -> None:
    # Every name and alias resolves to its own code, and no alias captures a real code,
    # or locode() would not be idempotent.
    for code, port in reference.ports().items():
        assert locode(code) == code
        assert locode(port.name) == code
    for alias, code in reference.locode_aliases().items():
        assert locode(alias) == code, alias
        assert locode(code) == code


def test_countries_are_iso_alpha2() -> None:
    codes = reference.countries()
    assert len(codes) == 250  # 249 ISO 3166-1 codes plus the user-assigned XK (Kosovo)
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in codes)
    assert "UK" not in codes and "GB" in codes
    assert codes["GB"] == "United Kingdom"


def test_country_aliases_point_at_countries() -> None:
    codes = reference.countries()
    for alias, code in reference.country_aliases().items():
        assert code in codes, alias


def test_country_codes_names_and_aliases_do_not_clash() -> None:
    for code, name in reference.countries().items():
        assert country(code) == code
        assert country(name) == code, name
    for alias, code in reference.country_aliases().items():
        assert country(alias) == code, alias
