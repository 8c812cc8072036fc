"""Free-text addresses, as lookup keys (no geocoding)."""

from __future__ import annotations

from ocgmap.errors import NormaliseError
from ocgmap.normalise._text import clean, key

__all__ = ["address"]


def address(text: str | None) -> str | None:
    """Normalise a free-text address into a key.

    Upper-cases, folds accents, drops apostrophes, folds other punctuation to spaces and
    collapses whitespace. Abbreviations are not expanded and nothing is geocoded.

    Parameters
    ----------
    text : str or None
        The address as written.

    Returns
    -------
    str or None
        The address key, or None for a missing value.

    Raises
    ------
    NormaliseError
        If the address has no letters or digits.

    Examples
    --------
    >>> address("Unit 9,  Berry Court Farm, St. John's Rd")
    'UNIT 9 BERRY COURT FARM ST JOHNS RD'
    """
    raw = clean(text)
    if raw is None:
        return None
    normalised = key(raw)
    if not normalised:
        raise NormaliseError("address", raw, "has no letters or digits")
    return normalised
