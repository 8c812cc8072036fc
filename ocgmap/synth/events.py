"""Events of a synthetic world in clean form: what happened, before any export mangles it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ocgmap.synth.model import Address, Haulier, Person, Trailer, Vehicle
from ocgmap.synth.places import Camera, Route

__all__ = [
    "Attribution",
    "Call",
    "Crossing",
    "Detection",
    "MappedMember",
    "Referral",
    "Sighting",
    "Subject",
]


@dataclass(slots=True)
class Detection:
    """Clandestine entrants found in or near a vehicle (formats.md §1)."""

    ref: str
    at: dt.datetime
    location_type: str
    entrants: int
    agencies: list[str]
    port: str | None = None
    place: str | None = None
    vehicle: Vehicle | None = None
    trailer: Trailer | None = None
    haulier: Haulier | None = None
    driver: Person | None = None
    route: Route | None = None
    minors: int | None = None
    concealment: str | None = None
    penalty_ref: str | None = None
    penalty_gbp: int | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class Subject:
    """One subject of a referral or one member of an OCG: type and clean identifier."""

    kind: str
    value: str
    dob: dt.date | None = None


@dataclass(slots=True)
class Referral:
    """An intelligence referral, graded 3x5x2 (formats.md §2)."""

    ref: str
    at: dt.datetime
    agency: str
    source_evaluation: str
    intel_assessment: str
    handling_code: str
    subjects: list[Subject]
    nccu_ref: str | None = None
    intel_submitted: bool | None = None
    handling_conditions: str | None = None
    detection_ref: str | None = None
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class Call:
    """A call or SMS between two E.164 numbers."""

    a: str
    b: str
    at: dt.datetime
    duration: int | None
    kind: str = "CALL"


@dataclass(frozen=True, slots=True)
class Sighting:
    """An ANPR read of a vehicle by a camera."""

    vrm: str
    at: dt.datetime
    camera: Camera


@dataclass(slots=True)
class Crossing:
    """A freight crossing booking; unaccompanied trailers have no vehicle or driver."""

    at: dt.datetime
    dep: str
    arr: str
    carrier: str
    vehicle: Vehicle | None = None
    trailer: Trailer | None = None
    haulier: Haulier | None = None
    driver: Person | None = None
    phone: str | None = None
    load: str | None = None


@dataclass(frozen=True, slots=True)
class Attribution:
    """A subscriber record attributing a phone number."""

    number: str
    source: str
    person: Person | None = None
    address: Address | None = None
    on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class MappedMember:
    """One row of an OCG's current mapping record (formats.md §7)."""

    subject: Subject
    role: str


@dataclass(slots=True)
class GroupEvents:
    """Everything a planted group adds to the world's files."""

    detections: list[Detection] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    sightings: list[Sighting] = field(default_factory=list)
    crossings: list[Crossing] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    mapping: list[MappedMember] = field(default_factory=list)
