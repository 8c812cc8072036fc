"""Goods vehicle operator licence numbers (Great Britain and Northern Ireland)."""

from __future__ import annotations

import re
from typing import Final

from ocgmap.errors import NormaliseError
from ocgmap.normalise._text import clean

__all__ = ["TRAFFIC_AREAS", "operator_licence"]

TRAFFIC_AREAS: Final = frozenset("BCDFGHKMN")
_LICENCE: Final = re.compile(r"O([A-Z])([0-9]{1,10})")
_SEPARATORS: Final = re.compile(r"[\s\-/]+")


def operator_licence(text: str | None) -> str | None:
    """Normalise a goods vehicle operator licence number.

    Upper-cases and removes spaces, dashes and slashes. The number is ``O``, a traffic-area
    letter (B, C, D, F, G, H, K, M or N) and digits; the digits are kept as written.

    Parameters
    ----------
    text : str or None
        The licence number as written.

    Returns
    -------
    str or None
        The licence number, e.g. ``"OB1234567"``, or None for a missing value.

    Raises
    ------
    NormaliseError
        If the text is not ``O`` + traffic-area letter + digits.

    Examples
    --------
    >>> operator_licence("ob1234567")
    'OB1234567'
    >>> operator_licence("OK 1234567")
    'OK1234567'
    """
    raw = clean(text)
    if raw is None:
        return None
    compact = _SEPARATORS.sub("", raw).upper()
    match = _LICENCE.fullmatch(compact)
    if match is None:
        reason = "expected O, a traffic-area letter and digits, e.g. OB1234567"
        raise NormaliseError("operator_licence", raw, reason)
    if match.group(1) not in TRAFFIC_AREAS:
        areas = ", ".join(sorted(TRAFFIC_AREAS))
        reason = f"has traffic-area letter {match.group(1)}; expected one of {areas}"
        raise NormaliseError("operator_licence", raw, reason)
    return compact
