"""Goods vehicle operator licences (formats.md §9): one row per licence.

The Traffic Commissioners' register in ocgmap's default header; the reader lower-cases header
names, so ``Licence Number`` arrives as ``licence number``. A licence names its operator by
name only, so the operator resolves through the haulier index: to an already loaded Companies
House company by normalised name and postcode, or name and country, else to ``OL:<licence>``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import AfterValidator, Field

from loaders import entities
from loaders.base import GraphRow, RowContext, Source, SourceRow
from loaders.companies_house import HaulierName
from loaders.types import Code, Count, Licence, Postcode, Text
from ocgmap import normalise
from ocgmap.schema.labels import RelType

__all__ = ["SOURCE", "LicenceRow", "to_graph"]

LICENCE_TYPES = ("RESTRICTED", "STANDARD NATIONAL", "STANDARD INTERNATIONAL")


def _address(value: str) -> str:
    """Refuse an address with no letter or digit; keep the text as written."""
    if normalise.address(value) is None:
        raise ValueError("is empty")
    return value


class LicenceRow(SourceRow):
    """One goods vehicle operator licence."""

    licence_number: Licence = Field(alias="licence number")
    operator_name: HaulierName = Field(alias="operator name")
    trading_name: Text | None = Field(default=None, alias="trading name")
    licence_type: Code(*LICENCE_TYPES) | None = Field(  # type: ignore[valid-type]
        default=None, alias="licence type"
    )
    licence_status: Text | None = Field(default=None, alias="licence status")
    correspondence_address: Annotated[Text, AfterValidator(_address)] | None = Field(
        default=None, alias="correspondence address"
    )
    correspondence_postcode: Postcode | None = Field(default=None, alias="correspondence postcode")
    vehicles_authorised: Count | None = Field(default=None, alias="vehicles authorised")
    trailers_authorised: Count | None = Field(default=None, alias="trailers authorised")
    traffic_area: Text | None = Field(default=None, alias="traffic area")


def to_graph(row: LicenceRow, ctx: RowContext) -> Iterator[GraphRow]:
    """The operator as a Haulier holding the licence, and its correspondence address.

    Parameters
    ----------
    row : LicenceRow
        The validated licence.
    ctx : RowContext
        Provenance and the haulier index that resolves the operator.

    Yields
    ------
    NodeRow or EdgeRow
        The Haulier (a Companies House company when the index knows it, else
        ``OL:<licence>``), then its Address and ``REGISTERED_AT`` when the row has one.
    """
    firm = entities.haulier(
        ctx,
        row.operator_name,
        "GB",
        licence=row.licence_number,
        postcode=row.correspondence_postcode,
        also_known_as=[row.trading_name],
        licence_type=row.licence_type,
        licence_status=row.licence_status,
        vehicles_authorised=row.vehicles_authorised,
        trailers_authorised=row.trailers_authorised,
        traffic_area=row.traffic_area,
    )
    if firm is None:  # never: a licence number always gives a key
        return
    yield firm
    office = entities.address(ctx, row.correspondence_address, row.correspondence_postcode)
    if office is not None:
        yield office
        yield ctx.edge(RelType.REGISTERED_AT, firm, office)


SOURCE = Source(
    name="operator_licences",
    model=LicenceRow,
    to_graph=to_graph,
    patterns=("operator_licences*.csv", "operator_licences*.xlsx", "licences*.csv"),
    order=30,
)
