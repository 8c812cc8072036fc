"""Identifier normalisers, one module per kind of identifier.

Every normaliser is a pure function ``f(text: str | None, ...) -> str | None`` that

- returns None for None, empty or whitespace-only input (a missing value);
- returns the normalised string for valid input, and is idempotent (``f(f(x)) == f(x)``);
- raises :class:`ocgmap.errors.NormaliseError` (a :class:`ValueError`, so pydantic validators
  turn it into a field error) for any other input, and never raises anything else.

:func:`timestamp`, :func:`date` return typed values instead of strings; they are idempotent on
their ISO form. Rules follow ``formats.md`` ("Normalisation").
"""

from __future__ import annotations

from ocgmap.normalise.address import address
from ocgmap.normalise.company_number import company_number
from ocgmap.normalise.country import country
from ocgmap.normalise.dates import date, partial_date, timestamp
from ocgmap.normalise.licence import operator_licence
from ocgmap.normalise.locode import locode
from ocgmap.normalise.names import company, person, person_key
from ocgmap.normalise.phone import phone
from ocgmap.normalise.postcode import postcode
from ocgmap.normalise.vrm import trailer_id, vrm

__all__ = [
    "address",
    "company",
    "company_number",
    "country",
    "date",
    "locode",
    "operator_licence",
    "partial_date",
    "person",
    "person_key",
    "phone",
    "postcode",
    "timestamp",
    "trailer_id",
    "vrm",
]
