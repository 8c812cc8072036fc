"""Reference data shipped with ocgmap, one loader function per file.

The files sit beside this module and are read with :mod:`importlib.resources` the first time a
loader is called (never at import time); each loader caches its result.

- ``unlocode.csv``: UN/LOCODEs of UK, Irish and near-continent ferry and tunnel ports
  (``locode,name,country,lat,lon``; coordinates are approximate, to 2 decimals).
- ``locode_aliases.csv``: curated aliases (``alias,locode,note``): wrong codes seen in data
  (``GBPUF`` for Purfleet) and plain or English names (``Eurotunnel Folkestone``, ``Dunkirk``).
- ``countries.csv``: ISO 3166-1 alpha-2 codes with an English short name (``alpha2,name``),
  plus the user-assigned ``XK`` (Kosovo).
- ``country_aliases.csv``: other ways data names a country (``alias,alpha2,note``): ``UK``,
  ISO alpha-3 and vehicle codes, other English names and nationality adjectives.

Aliases are returned as written in the files (stripped); :mod:`ocgmap.normalise` folds them
into lookup keys.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

__all__ = ["Port", "countries", "country_aliases", "locode_aliases", "ports"]


@dataclass(frozen=True, slots=True)
class Port:
    """A port or terminal with its UN/LOCODE.

    Parameters
    ----------
    locode : str
        The UN/LOCODE, 5 characters without a space, e.g. ``"GBDVR"``.
    name : str
        The name as listed, e.g. ``"Dover"``.
    country : str
        ISO 3166-1 alpha-2 code of the country.
    lat, lon : float or None
        Approximate WGS84 coordinates, or None where not known.
    """

    locode: str
    name: str
    country: str
    lat: float | None
    lon: float | None


def _rows(filename: str) -> list[dict[str, str]]:
    """Read a shipped CSV file into stripped rows."""
    text = resources.files(__name__).joinpath(filename).read_text(encoding="utf-8-sig")
    return [
        {key.strip(): (value or "").strip() for key, value in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    ]


def _float_or_none(text: str) -> float | None:
    return float(text) if text else None


@cache
def ports() -> Mapping[str, Port]:
    """Return the reference ports keyed by UN/LOCODE.

    Returns
    -------
    Mapping[str, Port]
        A read-only mapping from UN/LOCODE to :class:`Port`.

    Examples
    --------
    >>> ports()["GBPFT"].name
    'Purfleet'
    >>> ports()["FRCQS"].country
    'FR'
    """
    table = {
        row["locode"]: Port(
            locode=row["locode"],
            name=row["name"],
            country=row["country"],
            lat=_float_or_none(row["lat"]),
            lon=_float_or_none(row["lon"]),
        )
        for row in _rows("unlocode.csv")
    }
    return MappingProxyType(table)


@cache
def locode_aliases() -> Mapping[str, str]:
    """Return the curated UN/LOCODE aliases, alias as written -> UN/LOCODE.

    Returns
    -------
    Mapping[str, str]
        A read-only mapping, e.g. ``"GBPUF" -> "GBPFT"``.

    Examples
    --------
    >>> locode_aliases()["GBPUF"]
    'GBPFT'
    >>> locode_aliases()["Eurotunnel Folkestone"]
    'GBFOL'
    """
    return MappingProxyType({row["alias"]: row["locode"] for row in _rows("locode_aliases.csv")})


@cache
def countries() -> Mapping[str, str]:
    """Return ISO 3166-1 alpha-2 codes with their English short names.

    Returns
    -------
    Mapping[str, str]
        A read-only mapping from alpha-2 code to name.

    Examples
    --------
    >>> countries()["PL"]
    'Poland'
    >>> "UK" in countries()
    False
    """
    return MappingProxyType({row["alpha2"]: row["name"] for row in _rows("countries.csv")})


@cache
def country_aliases() -> Mapping[str, str]:
    """Return other names for countries, alias as written -> ISO 3166-1 alpha-2.

    Returns
    -------
    Mapping[str, str]
        A read-only mapping, e.g. ``"UK" -> "GB"``, ``"Polish" -> "PL"``.

    Examples
    --------
    >>> country_aliases()["UK"]
    'GB'
    >>> country_aliases()["Polish"]
    'PL'
    """
    return MappingProxyType({row["alias"]: row["alpha2"] for row in _rows("country_aliases.csv")})
