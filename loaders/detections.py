"""Clandestine entrant detections (formats.md §1): one row per detection event."""

from __future__ import annotations

from collections.abc import Iterator

from loaders import entities
from loaders.base import GraphRow, RowContext, Source, SourceRow
from loaders.types import (
    Code,
    Count,
    Country,
    Date,
    Licence,
    Locode,
    Phone,
    Text,
    Timestamp,
    TrailerId,
    Vrm,
)
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import NodeRow

__all__ = ["SOURCE", "DetectionRow", "to_graph"]

LOCATION_TYPES = ("PORT", "INLAND", "SERVICES", "LORRY_PARK", "OTHER")
TRAILER_TYPES = ("HARD", "SOFT", "REFRIGERATED", "CONTAINER", "TANKER", "FLATBED", "OTHER")


class DetectionRow(SourceRow):
    """One detection as exported by Border Force, a police force or a port operator."""

    detection_ref: Text
    detected_at: Timestamp
    location_type: Code(*LOCATION_TYPES)  # type: ignore[valid-type]
    port_locode: Locode | None = None
    location_name: Text | None = None
    vrm: Vrm | None = None
    vehicle_country: Country | None = None
    trailer_id: TrailerId | None = None
    trailer_type: Code(*TRAILER_TYPES) | None = None  # type: ignore[valid-type]
    haulier_name: Text | None = None
    haulier_country: Country | None = None
    operator_licence: Licence | None = None
    driver_name: Text | None = None
    driver_dob: Date | None = None
    driver_nationality: Country | None = None
    driver_phone: Phone | None = None
    route_from: Locode | None = None
    route_to: Locode | None = None
    entrants_count: Count
    entrants_minors: Count | None = None
    concealment: Text | None = None
    penalty_ref: Text | None = None
    penalty_gbp: float | None = None
    reporting_agency: Text
    notes: Text | None = None


def to_graph(row: DetectionRow, ctx: RowContext) -> Iterator[GraphRow]:
    """The detection, what it involved (lorry, trailer, haulier, driver, phone), where."""
    at = row.detected_at
    det = ctx.node(
        Label.DETECTION,
        row.detection_ref,
        seen_at=at,
        detected_at=at,
        location_type=row.location_type,
        location_name=row.location_name,
        entrants_count=row.entrants_count,
        entrants_minors=row.entrants_minors,
        trailer_type=row.trailer_type,
        concealment=row.concealment,
        penalty_ref=row.penalty_ref,
        penalty_gbp=row.penalty_gbp,
        reporting_agencies=[row.reporting_agency],
        notes=row.notes,
    )
    yield det
    lorry = tow = firm = None
    if row.vrm:
        lorry = entities.vehicle(ctx, row.vrm, row.vehicle_country, ctx.raw_text("vrm"), at)
        yield lorry
        yield ctx.edge(RelType.INVOLVED, det, lorry, seen_at=at)
    if row.trailer_id:
        tow = entities.trailer(
            ctx, row.trailer_id, row.trailer_type, ctx.raw_text("trailer_id"), at
        )
        yield tow
        yield ctx.edge(RelType.INVOLVED, det, tow, seen_at=at)
        if lorry:
            yield ctx.edge(RelType.TOWED, lorry, tow, seen_at=at)
    if row.haulier_name or row.operator_licence:
        firm = entities.haulier(
            ctx, row.haulier_name, row.haulier_country, licence=row.operator_licence, seen_at=at
        )
        if firm:
            yield firm
            yield ctx.edge(RelType.INVOLVED, det, firm, seen_at=at)
            for asset in (lorry, tow):
                if asset:
                    yield ctx.edge(RelType.OPERATES, firm, asset, seen_at=at)
    yield from _driver(row, ctx, det, lorry, firm)
    yield from _place(row, ctx, det)


def _driver(
    row: DetectionRow, ctx: RowContext, det: NodeRow, lorry: NodeRow | None, firm: NodeRow | None
) -> Iterator[GraphRow]:
    at = row.detected_at
    driver = None
    if row.driver_name:
        scope = firm.key if firm is not None else row.detection_ref
        driver = entities.person(
            ctx,
            row.driver_name,
            row.driver_dob,
            scope=scope,
            nationality=row.driver_nationality,
            seen_at=at,
        )
        yield driver
        yield ctx.edge(RelType.INVOLVED, det, driver, seen_at=at)
        if lorry is not None:
            yield ctx.edge(RelType.DROVE, driver, lorry, seen_at=at)
    if row.driver_phone:
        handset = entities.phone(ctx, row.driver_phone, ctx.raw_text("driver_phone"), at)
        yield handset
        yield ctx.edge(RelType.INVOLVED, det, handset, seen_at=at)
        if driver is not None:
            yield ctx.edge(RelType.USES, driver, handset, seen_at=at)


def _place(row: DetectionRow, ctx: RowContext, det: NodeRow) -> Iterator[GraphRow]:
    at = row.detected_at
    if row.port_locode:
        where = entities.port(ctx, row.port_locode)
        yield where
        yield ctx.edge(RelType.AT, det, where, seen_at=at)
    elif row.location_name:
        where = entities.location(
            ctx,
            f"PLACE:{row.location_name.upper()}",
            name=row.location_name,
            kind=row.location_type.lower(),
        )
        yield where
        yield ctx.edge(RelType.AT, det, where, seen_at=at)
    if row.route_from and row.route_to:
        way, rows = entities.route(ctx, row.route_from, row.route_to)
        yield from rows
        yield ctx.edge(RelType.ON_ROUTE, det, way, seen_at=at)


SOURCE = Source(
    name="detections",
    model=DetectionRow,
    to_graph=to_graph,
    patterns=("detections*.csv", "detections*.xlsx", "detections*.jsonl"),
    order=50,
)
