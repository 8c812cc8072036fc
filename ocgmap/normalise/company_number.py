"""Companies House company numbers."""

from __future__ import annotations

import re
from typing import Final

from ocgmap.errors import NormaliseError
from ocgmap.normalise._text import clean

__all__ = ["company_number"]

_LENGTH: Final = 8
_NUMBER: Final = re.compile(r"([A-Z]{0,2})([0-9]*)")
_WHITESPACE: Final = re.compile(r"\s+")


def company_number(text: str | None) -> str | None:
    """Normalise a Companies House company number to its 8-character form.

    Upper-cases and removes spaces. The digits are zero-padded so the number has 8
    characters, keeping a letter prefix (``SC``, ``NI``, ``OC``, ``SO``, ``NC``, ``FC``,
    ``LP``, ``SL``, ``R0``...). The number is never cast to an integer.

    Parameters
    ----------
    text : str or None
        The number as written.

    Returns
    -------
    str or None
        The 8-character company number, or None for a missing value.

    Raises
    ------
    NormaliseError
        If the text is not an optional 1-2 letter prefix followed by digits, or is longer
        than 8 characters.

    Examples
    --------
    >>> company_number("8209948")
    '08209948'
    >>> company_number("sc12345")
    'SC012345'
    >>> company_number("R0000123")
    'R0000123'
    """
    raw = clean(text)
    if raw is None:
        return None
    compact = _WHITESPACE.sub("", raw).upper()
    match = _NUMBER.fullmatch(compact)
    if match is None:
        reason = "expected digits with an optional 2-letter prefix, e.g. 08209948 or SC012345"
        raise NormaliseError("company_number", raw, reason)
    prefix, digits = match.groups()
    if not digits:
        raise NormaliseError("company_number", raw, "has no digits")
    if len(compact) > _LENGTH:
        raise NormaliseError("company_number", raw, f"is longer than {_LENGTH} characters")
    return prefix + digits.zfill(_LENGTH - len(prefix))
