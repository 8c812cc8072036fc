"""Node rows for the entities many sources mention, built one way everywhere.

Each function takes the row context and clean values and returns the node row (sources that
need more than one node, such as a route with its ports, get a list). Source modules compose
these with relationship rows; resolution of hauliers goes through ``ctx.hauliers``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from loaders.base import GraphRow, RowContext
from ocgmap import normalise
from ocgmap.reference import ports
from ocgmap.resolve import company_name, person_key
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import NodeRow

__all__ = [
    "address",
    "haulier",
    "location",
    "person",
    "phone",
    "port",
    "route",
    "trailer",
    "vehicle",
]


def vehicle(
    ctx: RowContext,
    vrm: str,
    country: str | None = None,
    raw: str | None = None,
    seen_at: dt.datetime | None = None,
) -> NodeRow:
    """A Vehicle by normalised VRM, keeping the raw spelling."""
    return ctx.node(
        Label.VEHICLE, vrm, seen_at=seen_at, country=country, raw_vrm=[raw] if raw else None
    )


def trailer(
    ctx: RowContext,
    trailer_id: str,
    trailer_type: str | None = None,
    raw: str | None = None,
    seen_at: dt.datetime | None = None,
) -> NodeRow:
    """A Trailer by normalised id."""
    return ctx.node(
        Label.TRAILER,
        trailer_id,
        seen_at=seen_at,
        trailer_type=trailer_type,
        raw_trailer_id=[raw] if raw else None,
    )


def phone(
    ctx: RowContext, e164: str, raw: str | None = None, seen_at: dt.datetime | None = None
) -> NodeRow:
    """A Phone by E.164 number."""
    return ctx.node(Label.PHONE, e164, seen_at=seen_at, raw_number=[raw] if raw else None)


def person(
    ctx: RowContext,
    name: str,
    dob: dt.date | str | None,
    *,
    scope: str,
    nationality: str | None = None,
    seen_at: dt.datetime | None = None,
) -> NodeRow:
    """A Person keyed by name + DOB; without a DOB the key is scoped (never merged by name).

    ``scope`` says where a name-only mention is taken to be one person: the haulier a driver
    drives for, or the referral that names them.
    """
    memo_key = ("person", name, dob, scope)
    known: tuple[str, str | None] | None = ctx.memo.get(memo_key)
    if known is None:  # a file names the same drivers again and again
        known = ctx.memo[memo_key] = (person_key(name, dob, scope), normalise.person(name))
    key, clean_name = known
    dob_text = key.rpartition("|")[2]
    return ctx.node(
        Label.PERSON,
        key,
        seen_at=seen_at,
        name=clean_name,
        names=[name],
        dob=None if dob_text.startswith("?") else dob_text,
        nationality=nationality,
    )


def haulier(
    ctx: RowContext,
    name: str | None,
    country: str | None = None,
    *,
    licence: str | None = None,
    company_number: str | None = None,
    postcode: str | None = None,
    also_known_as: Iterable[str | None] = (),
    seen_at: dt.datetime | None = None,
    **props: Any,
) -> NodeRow | None:
    """A Haulier resolved through the index (company number, licence, name + country).

    ``also_known_as`` (previous and trading names) join the node's ``names`` as written but
    are not used to resolve: another company may hold such a name now.
    """
    key = ctx.hauliers.resolve(
        name, country, licence=licence, company_number=company_number, postcode=postcode
    )
    if key is None:
        return None
    norm = company_name(name) if name else None
    ctx.hauliers.add(
        key, name, country, licence=licence, postcode=postcode, company_number=company_number
    )
    names = list(dict.fromkeys(n for n in (name, *also_known_as) if n))
    return ctx.node(
        Label.HAULIER,
        key,
        seen_at=seen_at,
        name=norm,
        names=names or None,
        country=country,
        licences=[licence] if licence else None,
        company_number=company_number,
        **props,
    )


def port(ctx: RowContext, locode: str) -> NodeRow:
    """A Port by UN/LOCODE, named from the shipped reference data when known."""
    known = ports().get(locode)
    if known is None:
        return ctx.node(Label.PORT, locode, country=locode[:2])
    return ctx.node(
        Label.PORT, locode, name=known.name, country=known.country, lat=known.lat, lon=known.lon
    )


def route(ctx: RowContext, dep: str, arr: str) -> tuple[NodeRow, list[GraphRow]]:
    """A Route ``DEP-ARR``, and the rows for it, its two ports and FROM/TO relationships.

    Routes carry file-level provenance, so the rows are built once per file and reused.
    """
    memo = ctx.memo.get(("route", dep, arr))
    if memo is None:
        node = ctx.node(Label.ROUTE, f"{dep}-{arr}", dep_locode=dep, arr_locode=arr)
        a, b = port(ctx, dep), port(ctx, arr)
        rows = [node, a, b, ctx.edge(RelType.FROM, node, a), ctx.edge(RelType.TO, node, b)]
        memo = ctx.memo[("route", dep, arr)] = (node, rows)
    node, rows = memo
    return node, list(rows)


def location(
    ctx: RowContext,
    key: str,
    *,
    name: str | None = None,
    kind: str,
    lat: float | None = None,
    lon: float | None = None,
    road: str | None = None,
) -> NodeRow:
    """A Location: an ANPR camera by id, or a named place (services, lay-by)."""
    return ctx.node(Label.LOCATION, key, name=name, location_kind=kind, lat=lat, lon=lon, road=road)


def address(ctx: RowContext, text: str | None, postcode: str | None) -> NodeRow | None:
    """An Address keyed by its normalised text and postcode."""
    norm = normalise.address(text) if text else None
    if not norm and not postcode:
        return None
    key = " ".join(part for part in (norm, postcode) if part)
    return ctx.node(
        Label.ADDRESS, key, address=norm, postcode=postcode, raw_address=[text] if text else None
    )
