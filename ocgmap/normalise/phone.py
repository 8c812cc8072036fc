"""Telephone numbers, as E.164 via :mod:`phonenumbers`."""

from __future__ import annotations

from typing import Final

import phonenumbers

from ocgmap.errors import NormaliseError
from ocgmap.normalise._text import clean

__all__ = ["phone"]

_E164: Final = phonenumbers.PhoneNumberFormat.E164
_PARSE_REASONS: Final = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "has no valid country code",
    phonenumbers.NumberParseException.NOT_A_NUMBER: "does not look like a phone number",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "is too short after the 00 prefix",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "is too short",
    phonenumbers.NumberParseException.TOO_LONG: "is too long",
}


def _e164(raw: str, region: str) -> str:
    """Parse ``raw`` and format it as E.164, or raise :class:`NormaliseError`."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        reason = _PARSE_REASONS.get(exc.error_type, "could not be parsed")
        raise NormaliseError("phone", raw, reason) from exc
    if not phonenumbers.is_possible_number(number):
        raise NormaliseError("phone", raw, "has the wrong number of digits for its country")
    return str(phonenumbers.format_number(number, _E164))


def phone(text: str | None, region: str = "GB") -> str | None:
    """Normalise a telephone number to E.164.

    Numbers without an international prefix are read as numbers of ``region``; the ``00``
    international prefix is understood. A number is accepted if it is *possible* (right
    length for its country), not only if it is allocated, so Ofcom drama ranges such as
    07700 900xxx pass. Extensions are dropped.

    Parameters
    ----------
    text : str or None
        The number in any common format.
    region : str, default "GB"
        ISO 3166-1 alpha-2 region for numbers written without a country code.

    Returns
    -------
    str or None
        The number in E.164 form (``+`` and digits), or None for a missing value.

    Raises
    ------
    NormaliseError
        If the text has no digits, cannot be parsed, or is not a possible number.

    Examples
    --------
    >>> phone("07700 900123")
    '+447700900123'
    >>> phone("+44 7700 900123")
    '+447700900123'
    >>> phone("0048 601 234 567")
    '+48601234567'
    """
    raw = clean(text)
    if raw is None:
        return None
    if not any(ch.isdigit() for ch in raw):
        raise NormaliseError("phone", raw, "has no digits")
    result = _e164(raw, region.upper())
    try:
        stable = _e164(result, region.upper()) == result
    except NormaliseError:
        stable = False
    if not stable:
        raise NormaliseError("phone", raw, "does not give a stable E.164 number")
    return result
