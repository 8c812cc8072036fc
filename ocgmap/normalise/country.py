"""Countries, as ISO 3166-1 alpha-2 codes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Final

from ocgmap import reference
from ocgmap.errors import NormaliseError
from ocgmap.normalise._text import clean, key

__all__ = ["country"]

_ALPHA2: Final = re.compile(r"[A-Z]{2}")


@cache
def _lookup() -> Mapping[str, str]:
    """Lookup key -> alpha-2 code; codes win over names, names over aliases."""
    table = {key(alias): code for alias, code in reference.country_aliases().items()}
    table.update({key(name): code for code, name in reference.countries().items()})
    table.update({code: code for code in reference.countries()})
    return table


def country(text: str | None) -> str | None:
    """Normalise a country to its ISO 3166-1 alpha-2 code.

    Accepts an alpha-2 code in any case, ``UK`` (for ``GB``), the English names in
    :func:`ocgmap.reference.countries`, and the aliases in
    :func:`ocgmap.reference.country_aliases`: ISO alpha-3 codes, other English names
    (England, Scotland, Holland...) and nationality adjectives (Polish, British...).

    Parameters
    ----------
    text : str or None
        The country as written.

    Returns
    -------
    str or None
        The alpha-2 code, or None for a missing value.

    Raises
    ------
    NormaliseError
        If the text names no known country (an ethnicity such as "Kurdish" is not one).

    Examples
    --------
    >>> country("pl")
    'PL'
    >>> country("UK")
    'GB'
    >>> country("Romanian")
    'RO'
    >>> country("Türkiye")
    'TR'
    """
    raw = clean(text)
    if raw is None:
        return None
    folded = key(raw)
    code = _lookup().get(folded)
    if code is not None:
        return code
    if _ALPHA2.fullmatch(folded):
        raise NormaliseError("country", raw, "is not an ISO 3166-1 alpha-2 code")
    raise NormaliseError("country", raw, "is not a known country code or English country name")
