"""Current OCG mapping records (formats.md §7): one row per mapped member or asset of an OCG."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, model_validator

from loaders import subjects
from loaders.base import GraphRow, RowContext, Source, SourceRow
from loaders.types import Code, Date, Text, upper_code
from ocgmap.config import band_scheme
from ocgmap.schema.labels import Label, RelType

__all__ = ["SOURCE", "OcgmRow", "to_graph"]

ROLES = ("PRINCIPAL", "SIGNIFICANT", "PERIPHERAL", "ASSET")


def _band(value: str) -> str:
    """Check a band (already upper-cased) against the configured band scheme."""
    scheme = band_scheme()
    if value not in scheme.codes:
        raise ValueError(
            f"must be one of {{{', '.join(scheme.codes)}}} (band scheme {scheme.name!r}); "
            f"got {value!r}"
        )
    return value


#: A band of the configured scheme, matched case-insensitively and held upper-case.
Band = Annotated[str, BeforeValidator(upper_code), AfterValidator(_band)]


class OcgmRow(SourceRow):
    """One member or asset of an OCG as its current mapping record gives it.

    ``member_value`` is checked as the identifier ``member_type`` names, and held clean
    (VRM, trailer id and phone normalised; names and addresses as written).
    """

    ocg_ref: Text
    ocg_name: Text | None = None
    lead_agency: Text
    band: Band
    graded_on: Date
    threat_type: Text | None = None
    member_type: Code(*subjects.MEMBER_KINDS)  # type: ignore[valid-type]
    member_value: Text
    member_dob: Date | None = None
    role: Code(*ROLES) | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _member_value(self) -> OcgmRow:
        clean = subjects.typed_value(self, "member_type", "member_value")
        object.__setattr__(self, "member_value", clean)
        return self


def to_graph(row: OcgmRow, ctx: RowContext) -> Iterator[GraphRow]:
    """The OCG, the member this row names, and MEMBER_OF with the member's role.

    Every row re-emits the OCG node (the store merges it, adding this row's provenance).
    A person mapped without a date of birth is scoped to the OCG (``NAME|?<ocg_ref>``).
    """
    ocg = ctx.node(
        Label.OCG,
        row.ocg_ref,
        name=row.ocg_name,
        band=row.band,
        graded_on=row.graded_on,
        lead_agency=row.lead_agency,
        threat_type=row.threat_type,
    )
    yield ocg
    member = subjects.subject_node(
        ctx,
        row.member_type,
        row.member_value,
        row.member_dob,
        row.ocg_ref,
        raw=ctx.raw_text("member_value"),
    )
    if member is not None:
        yield member
        yield ctx.edge(RelType.MEMBER_OF, member, ocg, role=row.role)


SOURCE = Source(
    name="ocgm",
    model=OcgmRow,
    to_graph=to_graph,
    patterns=("ocgm*.csv", "ocgm*.xlsx", "ocgm*.jsonl"),
    order=40,
)
