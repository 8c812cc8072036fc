"""UK postcodes."""

from __future__ import annotations

import re
from typing import Final

from ocgmap.errors import NormaliseError
from ocgmap.normalise._text import clean, fold

__all__ = ["postcode"]

_POSTCODE: Final = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?|GIR)([0-9][A-Z]{2})")
_WHITESPACE: Final = re.compile(r"\s+")


def postcode(text: str | None) -> str | None:
    """Normalise a UK postcode.

    Upper-cases, removes spaces and puts a single space before the inward code (the last
    three characters). The shape is checked: an outward code of 2 to 4 characters (letter,
    optional letter, digit, optional letter or digit) and an inward code of a digit and two
    letters; ``GIR 0AA`` is allowed. Whether the postcode exists is not checked.

    Parameters
    ----------
    text : str or None
        The postcode as written.

    Returns
    -------
    str or None
        The postcode, e.g. ``"SO14 3QL"``, or None for a missing value.

    Raises
    ------
    NormaliseError
        If the text does not have the shape of a UK postcode.

    Examples
    --------
    >>> postcode("so14 3ql")
    'SO14 3QL'
    >>> postcode("SO143QL")
    'SO14 3QL'
    >>> postcode("ec1a1bb")
    'EC1A 1BB'
    """
    raw = clean(text)
    if raw is None:
        return None
    compact = _WHITESPACE.sub("", fold(raw))
    match = _POSTCODE.fullmatch(compact)
    if match is None:
        reason = "is not a UK postcode: expected an outward code such as SO14 and an inward code "
        raise NormaliseError("postcode", raw, reason + "such as 3QL")
    outward, inward = match.groups()
    return f"{outward} {inward}"
