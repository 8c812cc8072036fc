"""Timestamps and dates, as the common CSV rules of formats.md allow them.

Timestamps are ISO 8601 (with or without ``Z`` or an offset; naive means Europe/London) or UK
style ``dd/mm/yyyy [HH:MM[:SS]]``, never US order. They come back timezone-aware, in UTC.
Dates are ``yyyy-mm-dd`` or ``dd/mm/yyyy``.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Final
from zoneinfo import ZoneInfo

from ocgmap.errors import NormaliseError
from ocgmap.normalise._text import clean

__all__ = ["date", "partial_date", "timestamp"]

_UK_TIMESTAMP: Final = re.compile(
    r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})(?:[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?)?"
)
_UK_DATE: Final = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_YEAR_MONTH: Final = re.compile(r"([0-9]{4})-([0-9]{2})")
_MONTH_YEAR: Final = re.compile(r"([0-9]{1,2})/([0-9]{4})")
_TIMESTAMP_FORMATS: Final = (
    "expected ISO 8601 (2025-03-01T02:14:00, optionally with Z or an offset) "
    "or dd/mm/yyyy with an optional HH:MM[:SS]"
)
_DATE_FORMATS: Final = "expected yyyy-mm-dd or dd/mm/yyyy"
_PARTIAL_FORMATS: Final = "expected yyyy-mm-dd, dd/mm/yyyy, yyyy-mm or mm/yyyy"


@cache
def _london() -> ZoneInfo:
    return ZoneInfo("Europe/London")


def _reason(exc: ValueError, formats: str) -> str:
    """Turn a parsing error into a plain reason."""
    message = str(exc)
    if message.startswith("Invalid isoformat"):
        return formats
    return f"is not a real date or time ({message})"


def _parse_datetime(raw: str) -> dt.datetime:
    """Parse UK style or ISO 8601 text; the result may be naive."""
    match = _UK_TIMESTAMP.fullmatch(raw)
    if match is None:
        return dt.datetime.fromisoformat(raw)
    day, month, year, hour, minute, second = (int(part or 0) for part in match.groups())
    return dt.datetime(year, month, day, hour, minute, second)


def _to_utc(moment: dt.datetime, raw: str) -> dt.datetime:
    """Read a naive ``moment`` as Europe/London time and convert it to UTC."""
    local = moment if moment.tzinfo is not None else moment.replace(tzinfo=_london())
    try:
        return local.astimezone(dt.UTC)
    except (OverflowError, ValueError) as exc:
        raise NormaliseError("timestamp", raw, "is outside the years 1 to 9999 in UTC") from exc


def timestamp(value: str | dt.date | None) -> dt.datetime | None:
    """Normalise a timestamp to a timezone-aware UTC datetime.

    Parameters
    ----------
    value : str, datetime.date or None
        ISO 8601 (``2025-03-01T02:14:00``, with or without ``Z`` or an offset) or UK style
        ``01/03/2025 02:14`` or ``01/03/2025`` (day first). A naive time is Europe/London
        time. A ``datetime`` (naive = Europe/London) or ``date`` (midnight) is also accepted.

    Returns
    -------
    datetime.datetime or None
        The moment in UTC, or None for a missing value.

    Raises
    ------
    NormaliseError
        If the text is in no accepted format or names a date or time that does not exist.

    Examples
    --------
    >>> timestamp("2025-03-01T02:14:00").isoformat()
    '2025-03-01T02:14:00+00:00'
    >>> timestamp("01/07/2025 02:14").isoformat()
    '2025-07-01T01:14:00+00:00'
    >>> timestamp("2025-07-01T02:14:00Z").isoformat()
    '2025-07-01T02:14:00+00:00'
    """
    if isinstance(value, dt.datetime):
        return _to_utc(value, value.isoformat())
    if isinstance(value, dt.date):
        return _to_utc(dt.datetime.combine(value, dt.time()), value.isoformat())
    raw = clean(value)
    if raw is None:
        return None
    try:
        parsed = _parse_datetime(raw)
    except ValueError as exc:
        raise NormaliseError("timestamp", raw, _reason(exc, _TIMESTAMP_FORMATS)) from exc
    return _to_utc(parsed, raw)


def _parse_date(raw: str, kind: str, formats: str) -> dt.date:
    """Parse ``yyyy-mm-dd`` or ``dd/mm/yyyy`` text, or raise :class:`NormaliseError`."""
    match = _UK_DATE.fullmatch(raw)
    try:
        if match is None:
            return dt.date.fromisoformat(raw)
        day, month, year = (int(part) for part in match.groups())
        return dt.date(year, month, day)
    except ValueError as exc:
        raise NormaliseError(kind, raw, _reason(exc, formats)) from exc


def date(value: str | dt.date | None) -> dt.date | None:
    """Normalise a calendar date.

    Parameters
    ----------
    value : str, datetime.date or None
        ``2025-03-01`` or ``01/03/2025`` (day first). A ``date`` is returned as it is and a
        ``datetime`` gives its date.

    Returns
    -------
    datetime.date or None
        The date, or None for a missing value.

    Raises
    ------
    NormaliseError
        If the text is in neither format or names a date that does not exist.

    Examples
    --------
    >>> date("01/03/2025")
    datetime.date(2025, 3, 1)
    >>> date("2025-03-01")
    datetime.date(2025, 3, 1)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = clean(value)
    if raw is None:
        return None
    return _parse_date(raw, "date", _DATE_FORMATS)


def _year_month(raw: str) -> str | None:
    """Return ``yyyy-mm`` for year-month text, None if ``raw`` is not in a year-month format."""
    match = _YEAR_MONTH.fullmatch(raw)
    if match is not None:
        year, month = (int(part) for part in match.groups())
    elif (match := _MONTH_YEAR.fullmatch(raw)) is not None:
        month, year = (int(part) for part in match.groups())
    else:
        return None
    if not (1 <= month <= 12 and year >= 1):
        raise NormaliseError("partial_date", raw, "is not a real month")
    return f"{year:04d}-{month:02d}"


def partial_date(value: str | dt.date | None) -> str | None:
    """Normalise a full date or a month and year, as for a date of birth.

    Companies House publishes only the month and year of birth of a PSC, so a date of birth
    may be partial.

    Parameters
    ----------
    value : str, datetime.date or None
        A date as accepted by :func:`date`, or ``yyyy-mm`` or ``mm/yyyy``.

    Returns
    -------
    str or None
        ``yyyy-mm-dd`` or ``yyyy-mm``, or None for a missing value.

    Raises
    ------
    NormaliseError
        If the text is in none of the formats or names a date that does not exist.

    Examples
    --------
    >>> partial_date("02/1977")
    '1977-02'
    >>> partial_date("14/05/1980")
    '1980-05-14'
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raw = clean(value)
    if raw is None:
        return None
    year_month = _year_month(raw)
    if year_month is not None:
        return year_month
    return _parse_date(raw, "partial_date", _PARTIAL_FORMATS).isoformat()
