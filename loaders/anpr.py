"""ANPR sightings (formats.md §3): one row per read of a registration by a camera.

Reads are aggregated in the graph: one ``SIGHTED`` relationship per vehicle, camera and
Europe/London local day, keyed by that day. Each read adds its UTC timestamp to ``times`` and
widens the relationship's first and last seen; the number of reads is ``len(times)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import cache
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field

from loaders import entities
from loaders.base import GraphRow, RowContext, Source, SourceRow
from loaders.types import Code, Text, Timestamp, Vrm
from ocgmap.schema.labels import RelType

__all__ = ["SOURCE", "AnprRow", "local_day", "to_graph"]

DIRECTIONS = ("NB", "SB", "EB", "WB")

Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]


@cache
def _london() -> ZoneInfo:
    return ZoneInfo("Europe/London")


def local_day(moment: dt.datetime) -> dt.date:
    """The Europe/London calendar day of an aware moment.

    Parameters
    ----------
    moment : datetime.datetime
        A timezone-aware moment (row timestamps are UTC).

    Returns
    -------
    datetime.date
        The local date in Britain: in summer time, 23:30 UTC is already the next day.

    Examples
    --------
    >>> local_day(dt.datetime(2025, 7, 1, 23, 30, tzinfo=dt.UTC))
    datetime.date(2025, 7, 2)
    >>> local_day(dt.datetime(2025, 1, 1, 23, 30, tzinfo=dt.UTC))
    datetime.date(2025, 1, 1)
    """
    return moment.astimezone(_london()).date()


class AnprRow(SourceRow):
    """One ANPR read: a registration seen by a camera at a moment."""

    read_id: Text
    vrm: Vrm
    read_at: Timestamp
    camera_id: Text
    camera_name: Text | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    road: Text | None = None
    direction: Code(*DIRECTIONS) | None = None  # type: ignore[valid-type]


def to_graph(row: AnprRow, ctx: RowContext) -> Iterator[GraphRow]:
    """The vehicle, the camera and the day's sighting of one by the other.

    Parameters
    ----------
    row : AnprRow
        The validated read.
    ctx : RowContext
        Provenance and raw values of the row.

    Yields
    ------
    NodeRow or EdgeRow
        Vehicle, Location (the camera) and one ``SIGHTED`` relationship keyed by the
        Europe/London day of the read, carrying ``day`` and ``times`` (the UTC read time).

    Examples
    --------
    >>> from ocgmap.resolve import HaulierIndex
    >>> from ocgmap.schema.models import SourceRef
    >>> ctx = RowContext(SourceRef(load_id="L1", file="anpr.csv", row=2), {}, HaulierIndex())
    >>> row = AnprRow(read_id="R1", vrm="ab12 cde", read_at="2025-07-01T00:30:00",
    ...               camera_id="CAM-1")
    >>> sighting = list(to_graph(row, ctx))[-1]
    >>> sighting.key, sighting.properties["times"]
    ('2025-07-01', ['2025-06-30T23:30:00+00:00'])
    """
    at = row.read_at
    lorry = entities.vehicle(ctx, row.vrm, None, ctx.raw_text("vrm"), at)
    camera = entities.location(
        ctx,
        row.camera_id,
        name=row.camera_name,
        kind="camera",
        lat=row.lat,
        lon=row.lon,
        road=row.road,
    )
    day = local_day(at)
    yield lorry
    yield camera
    yield ctx.edge(
        RelType.SIGHTED,
        lorry,
        camera,
        key=day.isoformat(),
        seen_at=at,
        day=day,
        times=[at.isoformat()],
    )


SOURCE = Source(
    name="anpr",
    model=AnprRow,
    to_graph=to_graph,
    patterns=("anpr*.csv", "anpr*.xlsx", "anpr*.jsonl"),
    order=80,
)
