"""Vehicle registration marks (VRM) and trailer identifiers."""

from __future__ import annotations

import re
import string
from typing import Final

from ocgmap.errors import NormaliseError
from ocgmap.normalise._text import clean, fold

__all__ = ["trailer_id", "vrm"]

_MAX_LENGTH: Final = 15
_ALLOWED: Final = frozenset(string.ascii_uppercase + string.digits)
_SEPARATORS: Final = re.compile(r"[\s.\-]+")
# Cyrillic and Greek capitals that plates use as Latin look-alikes (Bulgarian, Ukrainian,
# Greek registrations typed with a local keyboard).
_LOOKALIKES: Final = str.maketrans(
    "АВЕКМНОРСТУХІЈΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "ABEKMHOPCTYXIJABEZHIKMNOPTYX",
)


def _plate(kind: str, text: str | None) -> str | None:
    """Normalise a registration-like identifier; shared by :func:`vrm` and :func:`trailer_id`."""
    raw = clean(text)
    if raw is None:
        return None
    compact = _SEPARATORS.sub("", fold(raw).translate(_LOOKALIKES))
    if not compact:
        raise NormaliseError(kind, raw, "has no letters or digits")
    bad = sorted(set(compact) - _ALLOWED)
    if bad:
        shown = ", ".join(repr(ch) for ch in bad[:5])
        raise NormaliseError(kind, raw, f"has characters other than A-Z and 0-9: {shown}")
    if len(compact) > _MAX_LENGTH:
        raise NormaliseError(kind, raw, f"is longer than {_MAX_LENGTH} characters")
    return compact


def vrm(text: str | None) -> str | None:
    """Normalise a vehicle registration mark.

    Upper-cases, folds accents, and removes spaces, dashes and dots.

    Parameters
    ----------
    text : str or None
        The registration as written.

    Returns
    -------
    str or None
        The compact registration, or None for a missing value.

    Raises
    ------
    NormaliseError
        If nothing but separators is left, other characters than A-Z and 0-9 remain, or the
        result is longer than 15 characters.

    Examples
    --------
    >>> vrm("ab12 cde")
    'AB12CDE'
    >>> vrm("WGM-1234.X")
    'WGM1234X'
    >>> vrm("  ") is None
    True
    """
    return _plate("vrm", text)


def trailer_id(text: str | None) -> str | None:
    """Normalise a trailer registration or number, with the same rules as :func:`vrm`.

    Parameters
    ----------
    text : str or None
        The trailer identifier as written.

    Returns
    -------
    str or None
        The compact identifier, or None for a missing value.

    Raises
    ------
    NormaliseError
        As for :func:`vrm`.

    Examples
    --------
    >>> trailer_id("c-123 456")
    'C123456'
    """
    return _plate("trailer_id", text)
