"""Freight crossings (formats.md §4): one row per ferry or tunnel booking or port movement.

A booking names its customer (the haulier) without a country and its driver by name only, so
the haulier is resolved by name through the index and the driver is taken as one person
only within that haulier (or, with no haulier, within the booking).
"""

from __future__ import annotations

from collections.abc import Iterator

from loaders import entities
from loaders.base import GraphRow, RowContext, Source, SourceRow
from loaders.types import Locode, Phone, Text, Timestamp, TrailerId, Vrm
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import NodeRow

__all__ = ["SOURCE", "CrossingRow", "to_graph"]


class CrossingRow(SourceRow):
    """One crossing as a ferry or tunnel operator or a port records it."""

    booking_ref: Text
    crossed_at: Timestamp
    carrier: Text | None = None
    dep_locode: Locode
    arr_locode: Locode
    vrm: Vrm | None = None
    trailer_id: TrailerId | None = None
    haulier_name: Text | None = None
    driver_name: Text | None = None
    booking_phone: Phone | None = None
    declared_load: Text | None = None


def to_graph(row: CrossingRow, ctx: RowContext) -> Iterator[GraphRow]:
    """The crossing, its route, and the lorry, trailer, customer, driver and phone on it.

    Parameters
    ----------
    row : CrossingRow
        The validated booking.
    ctx : RowContext
        Provenance, raw values and the haulier index.

    Yields
    ------
    NodeRow or EdgeRow
        The Crossing, its Route (with ports) and ``ON_ROUTE``; ``CROSSED`` to each of
        Vehicle, Trailer, Haulier, Person and Phone present; ``OPERATES`` from the haulier to
        the vehicle and trailer, ``TOWED``, ``DROVE``, and ``USES`` from the haulier to the
        booking phone (a booking contact number belongs to the customer).

    Examples
    --------
    >>> from ocgmap.resolve import HaulierIndex
    >>> from ocgmap.schema.models import SourceRef
    >>> ctx = RowContext(SourceRef(load_id="L1", file="crossings.csv", row=2), {},
    ...                  HaulierIndex())
    >>> row = CrossingRow(booking_ref="BK1", crossed_at="2025-03-01T02:14:00",
    ...                   dep_locode="FRCQF", arr_locode="GBDVR", trailer_id="C123")
    >>> sorted({str(r.label) for r in to_graph(row, ctx) if isinstance(r, NodeRow)})
    ['Crossing', 'Port', 'Route', 'Trailer']
    """
    at = row.crossed_at
    trip = ctx.node(
        Label.CROSSING,
        row.booking_ref,
        seen_at=at,
        crossed_at=at,
        carrier=row.carrier,
        declared_load=row.declared_load,
    )
    yield trip
    way, rows = entities.route(ctx, row.dep_locode, row.arr_locode)
    yield from rows
    yield ctx.edge(RelType.ON_ROUTE, trip, way, seen_at=at)
    lorry = tow = None
    if row.vrm:
        lorry = entities.vehicle(ctx, row.vrm, None, ctx.raw_text("vrm"), at)
        yield from _crossed(ctx, trip, lorry)
    if row.trailer_id:
        tow = entities.trailer(ctx, row.trailer_id, None, ctx.raw_text("trailer_id"), at)
        yield from _crossed(ctx, trip, tow)
        if lorry is not None:
            yield ctx.edge(RelType.TOWED, lorry, tow, seen_at=at)
    yield from _parties(row, ctx, trip, lorry, tow)


def _crossed(ctx: RowContext, trip: NodeRow, node: NodeRow) -> Iterator[GraphRow]:
    yield node
    yield ctx.edge(RelType.CROSSED, trip, node, seen_at=trip.seen_at)


def _parties(
    row: CrossingRow,
    ctx: RowContext,
    trip: NodeRow,
    lorry: NodeRow | None,
    tow: NodeRow | None,
) -> Iterator[GraphRow]:
    at = row.crossed_at
    firm = entities.haulier(ctx, row.haulier_name, None, seen_at=at) if row.haulier_name else None
    if firm is not None:
        yield from _crossed(ctx, trip, firm)
        for asset in (lorry, tow):
            if asset is not None:
                yield ctx.edge(RelType.OPERATES, firm, asset, seen_at=at)
    if row.driver_name:
        scope = firm.key if firm is not None else row.booking_ref
        driver = entities.person(ctx, row.driver_name, None, scope=scope, seen_at=at)
        yield from _crossed(ctx, trip, driver)
        if lorry is not None:
            yield ctx.edge(RelType.DROVE, driver, lorry, seen_at=at)
    if row.booking_phone:
        contact = entities.phone(ctx, row.booking_phone, ctx.raw_text("booking_phone"), at)
        yield from _crossed(ctx, trip, contact)
        if firm is not None:
            yield ctx.edge(RelType.USES, firm, contact, seen_at=at)


SOURCE = Source(
    name="crossings",
    model=CrossingRow,
    to_graph=to_graph,
    patterns=("crossings*.csv", "crossings*.xlsx", "crossings*.jsonl", "bookings*.csv"),
    order=60,
)
