"""The synthetic world as plain data: who and what exists before any file is written.

Entities are few enough to hold in memory at any scale (tens of thousands of hauliers at
scale 100); events (crossings, ANPR reads, calls) are never held: the writers stream them.
Identifiers here are already normalised (VRMs without spaces, phones in E.164, company
numbers zero-padded); the writers add the mess that real exports have.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ocgmap.synth.events import GroupEvents

__all__ = [
    "Address",
    "Company",
    "Group",
    "Haulier",
    "Licence",
    "Person",
    "Trailer",
    "Vehicle",
]


@dataclass(frozen=True, slots=True)
class Address:
    """A UK (or foreign) postal address."""

    line1: str
    town: str
    postcode: str
    country: str = "GB"

    @property
    def text(self) -> str:
        """The address on one line, as a subscriber record gives it."""
        return f"{self.line1}, {self.town}"


@dataclass(slots=True)
class Person:
    """A driver, director, controller, facilitator or broker."""

    forename: str
    surname: str
    dob: dt.date
    nationality: str
    phones: list[str] = field(default_factory=list)
    address: Address | None = None
    title: str = ""

    @property
    def name(self) -> str:
        """Forename and surname as written on a record."""
        return f"{self.forename} {self.surname}"


@dataclass(frozen=True, slots=True)
class Vehicle:
    """A tractor unit, rigid lorry or van, by its normalised VRM."""

    vrm: str
    country: str


@dataclass(frozen=True, slots=True)
class Trailer:
    """A trailer by its normalised id and its type (formats.md §1 codes)."""

    trailer_id: str
    trailer_type: str


@dataclass(slots=True)
class Licence:
    """A GB goods vehicle operator licence."""

    number: str
    licence_type: str
    status: str
    vehicles_authorised: int
    trailers_authorised: int
    traffic_area: str


@dataclass(slots=True)
class Company:
    """A haulage company: GB companies have a company number and usually a licence."""

    name: str
    country: str
    address: Address
    incorporated_on: dt.date
    number: str | None = None
    status: str = "Active"
    dissolved_on: dt.date | None = None
    sic: str = "49410 - Freight transport by road"
    controllers: list[Person] = field(default_factory=list)
    licence: Licence | None = None
    previous_name: str | None = None
    category: str = "Private Limited Company"


@dataclass(slots=True)
class Haulier:
    """A company with its fleet, drivers and office phone."""

    company: Company
    vehicles: list[Vehicle]
    trailers: list[Trailer]
    drivers: list[Person]
    office_phone: str
    honest: bool = True
    group_id: str | None = None


@dataclass(slots=True)
class Group:
    """A planted organised crime group (or a decoy) and what the analysis should say of it."""

    group_id: str
    archetype: str
    description: str
    hauliers: list[Haulier] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    vehicles: list[Vehicle] = field(default_factory=list)
    trailers: list[Trailer] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    ocg_ref: str | None = None
    current_band: str = "UNGRADED"
    mapped_members: str = "none"
    should_challenge: bool = False
    decoy: bool = False
    ocg_name: str | None = None
    threat_type: str = "OIC"
    lead_agency: str | None = None
    graded_on: dt.date | None = None
    events: GroupEvents = field(default_factory=lambda: _events())


def _events() -> GroupEvents:
    from ocgmap.synth.events import GroupEvents

    return GroupEvents()
