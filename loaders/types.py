"""Field types for row models: each normalises its value through ``ocgmap.normalise``.

A field of one of these types accepts the spellings formats.md allows and holds the clean
value; anything else fails validation with the normaliser's plain reason, and the row goes to
quarantine. Empty cells never reach a field: :class:`loaders.base.SourceRow` drops them, so a
required field that is empty reports "Field required".
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from ocgmap import normalise

__all__ = [
    "Code",
    "CompanyNumber",
    "Count",
    "Country",
    "Date",
    "Licence",
    "Locode",
    "Phone",
    "Postcode",
    "Text",
    "Timestamp",
    "TrailerId",
    "Vrm",
    "upper_code",
]


def _required(
    fn: Callable[[Any], Any], cache: bool = True, temporal: bool = False
) -> Callable[[Any], Any]:
    """Wrap a normaliser: text in (numbers from XLSX/JSON as text), clean value or error out.

    Identifier normalisers are cached: an export repeats the same few ports, hauliers and
    office phones on row after row.
    """
    clean = functools.lru_cache(maxsize=1 << 16)(fn) if cache else fn

    def check(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, dt.date):
            if temporal:
                return fn(value)
            raise ValueError(f"is a date ({value}), not a {fn.__name__.replace('_', ' ')}")
        result = clean(str(value))
        if result is None:
            raise ValueError("is empty")
        return result

    return check


def upper_code(value: Any) -> Any:
    """Upper-case and strip a code before it is matched against its allowed values."""
    return value.strip().upper() if isinstance(value, str) else value


def _text(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _count(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("+").isdigit():
        return int(value.strip())
    return value


Text = Annotated[str, BeforeValidator(_text), Field(max_length=5000)]
Vrm = Annotated[str, BeforeValidator(_required(normalise.vrm))]
TrailerId = Annotated[str, BeforeValidator(_required(normalise.trailer_id))]
Phone = Annotated[str, BeforeValidator(_required(normalise.phone))]
Locode = Annotated[str, BeforeValidator(_required(normalise.locode))]
Postcode = Annotated[str, BeforeValidator(_required(normalise.postcode))]
Country = Annotated[str, BeforeValidator(_required(normalise.country))]
CompanyNumber = Annotated[str, BeforeValidator(_required(normalise.company_number))]
Licence = Annotated[str, BeforeValidator(_required(normalise.operator_licence))]
Timestamp = Annotated[
    dt.datetime, BeforeValidator(_required(normalise.timestamp, cache=False, temporal=True))
]
Date = Annotated[dt.date, BeforeValidator(_required(normalise.date, cache=False, temporal=True))]
Count = Annotated[int, BeforeValidator(_count), Field(ge=0, strict=False)]


def Code(*allowed: str) -> Any:  # noqa: N802 - reads as a type in a model
    """A code from a fixed set, matched case-insensitively; holds the upper-case code."""

    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {{{', '.join(allowed)}}}; got {value!r}")
        return value

    return Annotated[str, BeforeValidator(upper_code), AfterValidator(check)]
