"""Persons with significant control (formats.md §8): the Companies House PSC snapshot.

JSON lines, each ``{"company_number": ..., "data": {...}}``, handed over as parsed. Only
individuals are loaded, as Persons who CONTROL the company's Haulier: the snapshot publishes
their month and year of birth only, so their key is ``NAME|yyyy-mm``. The other lines are
skipped with a reason (:func:`skip`): the closing totals line, statements, exemptions,
super-secure persons, and corporate-entity and legal-person PSCs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Final

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from loaders import entities
from loaders.base import GraphRow, RowContext, Source, SourceRow
from loaders.companies_house import AddressPart, LenientPostcode, join_address
from loaders.types import CompanyNumber, Date, Text
from ocgmap import normalise
from ocgmap.errors import NormaliseError
from ocgmap.schema.labels import RelType

__all__ = ["SOURCE", "MonthYear", "NameElements", "PscAddress", "PscRow", "skip", "to_graph"]

#: Kinds of individual loaded, with the role their CONTROLS relationship carries.
INDIVIDUAL_KINDS: Final[Mapping[str, str]] = {
    "individual-person-with-significant-control": "psc",
    "individual-beneficial-owner": "beneficial-owner",
}
_ONLY_INDIVIDUALS: Final = "ocgmap models only individuals controlling companies for now"
#: Kinds (matched as prefixes) that are not loaded, and why.
SKIPPED_KINDS: Final[tuple[tuple[str, str], ...]] = (
    ("totals#", "the snapshot's closing totals line, not a PSC record"),
    ("persons-with-significant-control-statement", "a statement by the company, not a person"),
    ("exemptions", "an exemption from the PSC rules, not a person"),
    ("super-secure-", "a super-secure person: the register withholds who they are"),
    ("corporate-entity-", f"a company controlling the company: {_ONLY_INDIVIDUALS}"),
    ("legal-person-", f"a legal person controlling the company: {_ONLY_INDIVIDUALS}"),
)
_SEPARATORS: Final = re.compile(r"[,/;]")


def skip(raw: Mapping[str, Any]) -> str | None:
    """Why a snapshot line is not loaded, or None for a line to validate and load.

    Parameters
    ----------
    raw : mapping
        The parsed JSON line.

    Returns
    -------
    str or None
        The reason, naming the line's kind; None for individuals and for lines too broken
        to tell (validation then quarantines them with their faults).

    Examples
    --------
    >>> skip({"data": {"kind": "totals#persons-of-significant-control-snapshot"}})
    "totals#persons-of-significant-control-snapshot: the snapshot's closing totals line, not a PSC record"
    >>> skip({"company_number": "09145694",
    ...       "data": {"kind": "individual-person-with-significant-control"}}) is None
    True
    """  # noqa: E501
    data = raw.get("data")
    kind = data.get("kind") if isinstance(data, Mapping) else None
    if not isinstance(kind, str):
        return None
    for prefix, reason in SKIPPED_KINDS:
        if kind.startswith(prefix):
            return f"{kind}: {reason}"
    return None


def _nationality(value: Any) -> str | None:
    """An ISO alpha-2 code for a nationality (the first one that is known), else None."""
    if not isinstance(value, str):
        return None
    for text in (value, *_SEPARATORS.split(value)):
        try:
            code = normalise.country(text)
        except NormaliseError:
            continue
        if code is not None:
            return code
    return None


#: A nationality as ISO alpha-2 when it names a known country; anything else is None.
Nationality = Annotated[str | None, BeforeValidator(_nationality)]


class MonthYear(BaseModel):
    """The month and year of birth the register publishes (never the day)."""

    model_config = ConfigDict(frozen=True)

    month: int = Field(ge=1, le=12)
    year: int = Field(ge=1000, le=9999)

    @property
    def text(self) -> str:
        """``yyyy-mm``, the date-of-birth part of the Person key."""
        return f"{self.year:04d}-{self.month:02d}"


class NameElements(SourceRow):
    """The parts of a PSC's name; the title is kept but never part of the name used."""

    title: Text | None = None
    forename: Text | None = None
    middle_name: Text | None = None
    surname: Text | None = None

    @property
    def full_name(self) -> str | None:
        """``forename [middle_name] surname``, or None without a forename and surname."""
        if not (self.forename and self.surname):
            return None
        return join_address((self.forename, self.middle_name, self.surname), sep=" ")


class PscAddress(SourceRow):
    """A PSC's correspondence address (UK or abroad)."""

    premises: AddressPart = None
    address_line_1: AddressPart = None
    address_line_2: AddressPart = None
    locality: AddressPart = None
    postcode: LenientPostcode = Field(default=None, alias="postal_code")
    raw_postcode: AddressPart = Field(default=None, alias="postal_code")

    @property
    def text(self) -> str | None:
        """The address on one line (premises before the first line, as written on a letter)."""
        first = join_address((self.premises, self.address_line_1), sep=" ")
        odd = self.raw_postcode if self.postcode is None else None
        return join_address((first, self.address_line_2, self.locality, odd))


class PscRow(SourceRow):
    """One individual with significant control over one company."""

    company_number: CompanyNumber
    kind: str
    name: Text
    name_elements: NameElements | None = None
    date_of_birth: MonthYear
    nationality: Nationality = None
    natures_of_control: list[Text] = Field(default_factory=list)
    notified_on: Date | None = None
    ceased_on: Date | None = None
    address: PscAddress | None = None

    @model_validator(mode="before")
    @classmethod
    def _flatten(cls, data: Any) -> Any:
        """Lift the fields of ``data`` up beside ``company_number``."""
        if not isinstance(data, Mapping) or not isinstance(data.get("data"), Mapping):
            return data
        outer = {key: value for key, value in data.items() if key != "data"}
        return {**data["data"], **outer}

    @field_validator("kind")
    @classmethod
    def _individual(cls, value: str) -> str:
        if value not in INDIVIDUAL_KINDS:
            kinds = ", ".join(INDIVIDUAL_KINDS)
            raise ValueError(f"must be one of {{{kinds}}} ({_ONLY_INDIVIDUALS}); got {value!r}")
        return value

    @model_validator(mode="after")
    def _named(self) -> PscRow:
        if normalise.person(self.full_name) is None:
            raise ValueError("the name is empty")
        return self

    @property
    def full_name(self) -> str:
        """The name without its title: from the name elements when they have one."""
        built = self.name_elements.full_name if self.name_elements else None
        return built or self.name

    @property
    def role(self) -> str:
        """The role of the CONTROLS relationship: ``psc`` (or ``beneficial-owner``)."""
        return INDIVIDUAL_KINDS[self.kind]

    @property
    def notified_at(self) -> dt.datetime | None:
        """When the PSC was notified, at midnight UTC."""
        if self.notified_on is None:
            return None
        return dt.datetime.combine(self.notified_on, dt.time(), tzinfo=dt.UTC)


def to_graph(row: PscRow, ctx: RowContext) -> Iterator[GraphRow]:
    """The person, the company's Haulier, CONTROLS between them, and the person's address.

    Parameters
    ----------
    row : PscRow
        The validated individual.
    ctx : RowContext
        Provenance and the haulier index.

    Yields
    ------
    NodeRow or EdgeRow
        Person, Haulier ``CH:<number>``, ``CONTROLS`` (role, natures of control, from/to
        dates), then the Address and ``REGISTERED_AT`` when the record has an address.
    """
    at = row.notified_at
    firm = entities.haulier(
        ctx, None, _country(row.company_number), company_number=row.company_number, seen_at=at
    )
    if firm is None:  # never: a company number always gives a key
        return
    who = entities.person(
        ctx,
        row.full_name,
        row.date_of_birth.text,
        scope=firm.key,
        nationality=row.nationality,
        seen_at=at,
    )
    yield who
    yield firm
    yield ctx.edge(
        RelType.CONTROLS,
        who,
        firm,
        key=f"{row.role}:{row.notified_on.isoformat() if row.notified_on else '?'}",
        seen_at=at,
        role=row.role,
        natures_of_control=row.natures_of_control,
        from_on=row.notified_on,
        to_on=row.ceased_on,
    )
    home = entities.address(ctx, row.address.text, row.address.postcode) if row.address else None
    if home is not None:
        yield home
        yield ctx.edge(RelType.REGISTERED_AT, who, home, seen_at=at)


def _country(company_number: str) -> str | None:
    """GB for a UK company; None for a registered overseas entity (``OE`` numbers)."""
    return None if company_number.startswith("OE") else "GB"


SOURCE = Source(
    name="psc",
    model=PscRow,
    to_graph=to_graph,
    patterns=("psc*.jsonl", "*psc*.jsonl", "persons-with-significant-control*.jsonl"),
    order=20,
    kind="records",
    skip=skip,
)
