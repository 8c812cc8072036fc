"""Company (haulier) names, person names and the Person node key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Final

from ocgmap.errors import NormaliseError
from ocgmap.normalise._text import APOSTROPHE, HYPHEN, clean, fold
from ocgmap.normalise.dates import partial_date

__all__ = ["LEGAL_FORMS", "TITLES", "company", "person", "person_key"]

# Legal-form suffixes: the unified form, then the spellings that mean it, written as they read
# once punctuation is folded to spaces ("S.R.L." reads "S R L"). Matched at the end of a name.
LEGAL_FORMS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("LTD", ("LTD", "LIMITED")),
    ("PLC", ("PLC", "P L C", "PUBLIC LIMITED COMPANY")),
    ("LLP", ("LLP", "L L P", "LIMITED LIABILITY PARTNERSHIP")),
    ("LLC", ("LLC", "L L C")),
    ("INC", ("INC", "INCORPORATED")),
    ("CIC", ("CIC", "C I C", "COMMUNITY INTEREST COMPANY")),
    ("GMBH", ("GMBH", "G M B H", "GESMBH", "GES M B H")),
    ("AG", ("AG", "A G")),
    ("KG", ("KG", "K G")),
    ("BV", ("BV", "B V")),
    ("NV", ("NV", "N V")),
    ("BVBA", ("BVBA", "B V B A")),
    ("SA", ("SA", "S A")),
    ("SAS", ("SAS", "S A S")),
    ("SARL", ("SARL", "S A R L", "S AR L")),
    ("SRL", ("SRL", "S R L")),
    ("SPA", ("SPA", "S P A")),
    ("SL", ("SL", "S L")),
    ("SLU", ("SLU", "S L U")),
    ("SRO", ("SRO", "S R O")),
    ("AS", ("AS", "A S")),
    ("SP ZOO", ("SP ZOO", "SP Z O O", "SP Z OO", "SPOLKA Z O O")),
    ("SPK", ("SPK", "SP K")),
    ("SPJ", ("SPJ", "SP J")),
    ("UAB", ("UAB", "U A B")),
    ("SIA", ("SIA",)),
    ("OU", ("OU", "O U")),
    ("EOOD", ("EOOD", "E O O D")),
    ("OOD", ("OOD", "O O D")),
    ("EAD", ("EAD", "E A D")),
    ("KFT", ("KFT", "K F T")),
    ("ZRT", ("ZRT", "Z R T")),
    ("DOO", ("DOO", "D O O")),
    ("DOOEL", ("DOOEL", "D O O E L")),
)
TITLES: Final = frozenset({"MR", "MRS", "MS", "MISS", "MX", "DR"})


@cache
def _suffix_patterns() -> tuple[tuple[tuple[str, ...], str], ...]:
    """Every spelling as a token tuple with its unified form, longest first."""
    patterns = [
        (tuple(spelling.split()), unified)
        for unified, spellings in LEGAL_FORMS
        for spelling in spellings
    ]
    return tuple(sorted(patterns, key=lambda pattern: -len(pattern[0])))


def _unify_suffixes(tokens: Sequence[str]) -> list[str]:
    """Replace legal-form suffixes at the end of ``tokens`` by their unified forms."""
    name = list(tokens)
    suffixes: list[str] = []
    matched = True
    while matched:
        matched = False
        for pattern, unified in _suffix_patterns():
            if len(name) >= len(pattern) and tuple(name[-len(pattern) :]) == pattern:
                del name[-len(pattern) :]
                suffixes.insert(0, unified)
                matched = True
                break
    return name + suffixes


def company(text: str | None) -> str | None:
    """Normalise a company or haulier name.

    Upper-cases, folds accents, turns ``&`` into ``AND``, drops apostrophes, folds other
    punctuation to spaces, collapses whitespace and unifies legal-form suffixes at the end of
    the name (:data:`LEGAL_FORMS`).

    Parameters
    ----------
    text : str or None
        The name as written.

    Returns
    -------
    str or None
        The normalised name, or None for a missing value.

    Raises
    ------
    NormaliseError
        If the name has no letters or digits.

    Examples
    --------
    >>> company("Smith & Sons Haulage Limited")
    'SMITH AND SONS HAULAGE LTD'
    >>> company("Trans-Pol sp. z o.o.")
    'TRANS POL SP ZOO'
    >>> company("Rapid Cargo S.R.L.")
    'RAPID CARGO SRL'
    """
    raw = clean(text)
    if raw is None:
        return None
    folded = fold(raw).replace("&", " AND ")
    chars = ("" if ch == APOSTROPHE else ch if ch.isalnum() else " " for ch in folded)
    tokens = "".join(chars).split()
    if not tokens:
        raise NormaliseError("company", raw, "has no letters or digits")
    return " ".join(_unify_suffixes(tokens))


def person(text: str | None) -> str | None:
    """Normalise a person's name.

    Upper-cases and folds accents (``Ł``, ``ø``, ``đ``, ``ß``, ``æ``, ``œ`` included), removes
    punctuation other than hyphens and apostrophes, collapses whitespace and drops leading
    titles (MR, MRS, MS, MISS, MX, DR). Name order is kept as written.

    Parameters
    ----------
    text : str or None
        The name as written.

    Returns
    -------
    str or None
        The normalised name, or None for a missing value.

    Raises
    ------
    NormaliseError
        If the name has no letters.

    Examples
    --------
    >>> person("Łukasz Wójcik")
    'LUKASZ WOJCIK'
    >>> person("Mrs Lan Thi Example")
    'LAN THI EXAMPLE'
    >>> person("o’brien,  seán")
    "O'BRIEN SEAN"
    """
    raw = clean(text)
    if raw is None:
        return None
    keep = (APOSTROPHE, HYPHEN)
    chars = (ch if ch.isalnum() or ch in keep else " " for ch in fold(raw))
    tokens = [token.strip("".join(keep)) for token in "".join(chars).split()]
    tokens = [token for token in tokens if token]
    while len(tokens) > 1 and tokens[0] in TITLES:
        del tokens[0]
    if not any(ch.isalpha() for token in tokens for ch in token):
        raise NormaliseError("person", raw, "has no letters")
    return " ".join(tokens)


def person_key(
    name: str | None, dob: str | dt.date | None, source: str | None = None
) -> str | None:
    """Build the key of a Person node.

    ``<NORMALISED NAME>|<yyyy-mm-dd or yyyy-mm>`` when a date of birth is known; otherwise
    ``<NORMALISED NAME>|?<source>``, so the same name from different sources is never merged
    on the name alone.

    Parameters
    ----------
    name : str or None
        The name as written; normalised with :func:`person`.
    dob : str, datetime.date or None
        Date of birth: a date, ``yyyy-mm-dd``, ``dd/mm/yyyy``, or the month and year only
        (``yyyy-mm`` or ``mm/yyyy``, as Companies House publishes for PSCs).
    source : str, optional
        Where the record comes from; required when there is no date of birth.

    Returns
    -------
    str or None
        The key, or None when the name is missing.

    Raises
    ------
    NormaliseError
        If the name or date of birth cannot be normalised, or there is neither a date of
        birth nor a source.

    Examples
    --------
    >>> person_key("Łukasz Wójcik", "14/05/1980")
    'LUKASZ WOJCIK|1980-05-14'
    >>> person_key("Mrs Lan Thi Example", "1977-02")
    'LAN THI EXAMPLE|1977-02'
    >>> person_key("Jan Kowalski", None, source="detections.csv")
    'JAN KOWALSKI|?detections.csv'
    """
    normalised = person(name)
    if normalised is None:
        return None
    born = partial_date(dob)
    if born is not None:
        return f"{normalised}|{born}"
    origin = clean(source)
    if origin is None:
        reason = "has no date of birth, so a source is needed to key it"
        raise NormaliseError("person_key", str(name), reason)
    return f"{normalised}|?{origin}"
