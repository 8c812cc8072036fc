"""When things happen: random moments in the world's year with realistic hours."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import random
from zoneinfo import ZoneInfo

__all__ = ["FREIGHT_HOURS", "LONDON", "moment", "night"]

LONDON = ZoneInfo("Europe/London")

#: Relative freight traffic by hour of day: busiest overnight and early morning.
FREIGHT_HOURS: tuple[float, ...] = (
    6,
    6,
    5,
    5,
    6,
    7,
    7,
    6,
    5,
    4,
    4,
    4,
    4,
    4,
    4,
    4,
    5,
    5,
    6,
    7,
    7,
    7,
    7,
    6,
)


_HOURS = tuple(range(24))


@functools.cache
def _cumulative(weights: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(itertools.accumulate(weights))


def moment(
    rng: random.Random, start: dt.date, end: dt.date, hours: tuple[float, ...] = FREIGHT_HOURS
) -> dt.datetime:
    """A UTC moment between ``start`` and ``end`` (inclusive) at a weighted local hour."""
    day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
    hour = rng.choices(_HOURS, cum_weights=_cumulative(hours))[0]
    local = dt.datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=LONDON)
    return local.astimezone(dt.UTC)


def night(rng: random.Random, start: dt.date, end: dt.date) -> dt.datetime:
    """A UTC moment between 00:30 and 04:59 local time (lorry drops at services)."""
    hours = tuple(1.0 if 0 <= h <= 4 else 0.0 for h in range(24))
    return moment(rng, start, end, hours)
