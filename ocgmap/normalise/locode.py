"""UN/LOCODEs of ports and terminals."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Final

from ocgmap import reference
from ocgmap.errors import NormaliseError
from ocgmap.normalise._text import clean, fold, key

__all__ = ["locode"]

_LOCODE: Final = re.compile(r"[A-Z]{2}[A-Z2-9]{3}")
_SEPARATORS: Final = re.compile(r"[\s\-]+")


@cache
def _lookup() -> Mapping[str, str]:
    """Lookup key -> UN/LOCODE, from the reference port names and the curated aliases."""
    table = {key(port.name): code for code, port in reference.ports().items()}
    table.update({key(alias): code for alias, code in reference.locode_aliases().items()})
    return table


def locode(text: str | None) -> str | None:
    """Normalise a UN/LOCODE.

    A port name or curated alias from :mod:`ocgmap.reference` gives its code (``Dover``,
    ``Eurotunnel Folkestone``). Otherwise the text is upper-cased and its spaces removed,
    and must then be 2 letters followed by 3 letters or digits 2-9; a known wrong code is
    replaced by the right one (``GBPUF`` -> ``GBPFT``). A well-formed code that is not in
    the reference list is accepted as it is.

    Parameters
    ----------
    text : str or None
        The code or port name as written.

    Returns
    -------
    str or None
        The 5-character UN/LOCODE, or None for a missing value.

    Raises
    ------
    NormaliseError
        If the text is neither a known name nor shaped like a UN/LOCODE.

    Examples
    --------
    >>> locode("GB DVR")
    'GBDVR'
    >>> locode("gbdvr")
    'GBDVR'
    >>> locode("GBPUF")
    'GBPFT'
    >>> locode("Eurotunnel Folkestone")
    'GBFOL'
    """
    raw = clean(text)
    if raw is None:
        return None
    known = _lookup().get(key(raw))
    if known is not None:
        return known
    compact = _SEPARATORS.sub("", fold(raw))
    if _LOCODE.fullmatch(compact) is None:
        reason = "expected 2 letters then 3 letters or digits 2-9, e.g. GBDVR, or a known port"
        raise NormaliseError("locode", raw, reason)
    return _lookup().get(compact, compact)
