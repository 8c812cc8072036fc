"""Retention: when the facts of a load are due for review (docs/retention.md).

Every load gets a review date when it starts: its UTC start date plus
``OCGMAP_RETENTION_YEARS`` (6 unless configured). On or after that date the load is due: a
person decides whether its facts are still needed, and erases the load
(:func:`loaders.erasure.erase_load`) when they are not.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["is_due", "review_date"]


def review_date(started: dt.date, years: int) -> dt.date:
    """The date ``years`` after ``started``; 29 February falls back to 28 February.

    Parameters
    ----------
    started : datetime.date
        The day a load started (a datetime gives its own date).
    years : int
        The retention period in years, at least 0.

    Returns
    -------
    datetime.date
        The same day and month ``years`` later, or 28 February when ``started`` is 29
        February and the later year is not a leap year (never later than the period).

    Raises
    ------
    ValueError
        If ``years`` is negative.

    Examples
    --------
    >>> review_date(dt.date(2025, 3, 1), 6)
    datetime.date(2031, 3, 1)
    >>> review_date(dt.date(2024, 2, 29), 6), review_date(dt.date(2024, 2, 29), 4)
    (datetime.date(2030, 2, 28), datetime.date(2028, 2, 29))
    """
    if years < 0:
        raise ValueError(f"The 'years' parameter of review_date must be >= 0. Got {years} instead.")
    day = started.date() if isinstance(started, dt.datetime) else started
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return dt.date(day.year + years, 2, 28)


def is_due(review_due: dt.date, today: dt.date) -> bool:
    """Whether a load with this review date is due for review on ``today`` (on or after it).

    Examples
    --------
    >>> is_due(dt.date(2031, 3, 1), dt.date(2031, 3, 1)), is_due(dt.date(2031, 3, 1),
    ...     dt.date(2031, 2, 28))
    (True, False)
    """
    return today >= review_due
