"""Write events as the police and port exports of formats.md, with their real-world mess.

Every writer streams: it takes events one at a time and writes rows through a sink. Each
file also gets a fixed, documented set of planted faults (rows formats.md says must be
quarantined), written among the good rows and recorded in the file's truth.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ocgmap.synth.events import (
    Attribution,
    Call,
    Crossing,
    Detection,
    MappedMember,
    Referral,
    Sighting,
)
from ocgmap.synth.mess import (
    company_name,
    date_text,
    locode_text,
    phone_text,
    timestamp_text,
    vrm_text,
)
from ocgmap.synth.model import Group, Person
from ocgmap.synth.sink import CsvSink
from ocgmap.synth.truth import FileTruth

__all__ = [
    "HEADERS",
    "write_calls",
    "write_crossings",
    "write_detections",
    "write_ocgm",
    "write_referrals",
    "write_subscribers",
]

Row = dict[str, Any]
Fault = tuple[Row, tuple[str, str]]

HEADERS: dict[str, list[str]] = {
    "detections.csv": [
        "detection_ref",
        "detected_at",
        "location_type",
        "port_locode",
        "location_name",
        "vrm",
        "vehicle_country",
        "trailer_id",
        "trailer_type",
        "haulier_name",
        "haulier_country",
        "operator_licence",
        "driver_name",
        "driver_dob",
        "driver_nationality",
        "driver_phone",
        "route_from",
        "route_to",
        "entrants_count",
        "entrants_minors",
        "concealment",
        "penalty_ref",
        "penalty_gbp",
        "reporting_agency",
        "notes",
    ],
    "referrals.csv": [
        "referral_ref",
        "reported_at",
        "reporting_agency",
        "nccu_ref",
        "intel_submitted",
        "source_evaluation",
        "intel_assessment",
        "handling_code",
        "handling_conditions",
        "subject_type",
        "subject_value",
        "subject_dob",
        "detection_ref",
        "summary",
    ],
    # ANPR exports arrive with upper-case headers.
    "anpr.csv": [
        "READ_ID",
        "VRM",
        "READ_AT",
        "CAMERA_ID",
        "CAMERA_NAME",
        "LAT",
        "LON",
        "ROAD",
        "DIRECTION",
    ],
    # Crossings carry an extra column formats.md does not define; it must be kept, not refused.
    "crossings.csv": [
        "booking_ref",
        "crossed_at",
        "carrier",
        "dep_locode",
        "arr_locode",
        "vrm",
        "trailer_id",
        "haulier_name",
        "driver_name",
        "booking_phone",
        "declared_load",
        "unit_type",
    ],
    "calls.csv": ["call_id", "from_number", "to_number", "started_at", "duration_s", "kind"],
    # Subscribers come with their columns in another order.
    "subscribers.csv": [
        "source",
        "number",
        "person_name",
        "person_dob",
        "address",
        "postcode",
        "attributed_at",
    ],
    "ocgm.csv": [
        "ocg_ref",
        "ocg_name",
        "lead_agency",
        "band",
        "graded_on",
        "threat_type",
        "member_type",
        "member_value",
        "member_dob",
        "role",
    ],
}

_NATIONALITY_NAMES = {
    "GB": "British",
    "PL": "Polish",
    "RO": "Romanian",
    "BG": "Bulgarian",
    "LT": "Lithuanian",
    "NL": "Dutch",
    "AL": "Albanian",
    "IQ": "Iraqi",
}


class _Faulty:
    """A sink that writes one planted fault after every ``every`` good rows."""

    def __init__(self, sink: CsvSink, faults: list[Fault], every: int) -> None:
        self.sink, self.faults, self.every, self._good = sink, list(faults), every, 0

    def write(self, row: Row) -> None:
        self.sink.write(row)
        self._good += 1
        if self.faults and self._good % self.every == 0:
            bad_row, bad = self.faults.pop(0)
            self.sink.write(bad_row, bad=bad)

    def close(self) -> FileTruth:
        for bad_row, bad in self.faults:
            self.sink.write(bad_row, bad=bad)
        self.sink.close()
        return self.sink.truth


def _broken(row: Row, field: str, value: Any, reason: str) -> Fault:
    return {**row, field: value}, (field, reason)


def _person_name(person: Person, rng: random.Random) -> str:
    return person.name.upper() if rng.random() < 0.2 else person.name


# -- detections --------------------------------------------------------------------------------
def _detection_row(d: Detection, agency: str, rng: random.Random) -> Row:
    row: Row = {
        "detection_ref": d.ref,
        "detected_at": timestamp_text(d.at, rng),
        "location_type": d.location_type,
        "location_name": d.place,
        "port_locode": locode_text(d.port, rng) if d.port else None,
        "entrants_count": d.entrants,
        "entrants_minors": d.minors,
        "concealment": d.concealment,
        "penalty_ref": d.penalty_ref,
        "penalty_gbp": d.penalty_gbp,
        "reporting_agency": agency,
        "notes": d.notes,
    }
    if d.route:
        row.update(route_from=locode_text(d.route.dep, rng), route_to=locode_text(d.route.arr, rng))
    if d.vehicle:
        row.update(vrm=vrm_text(d.vehicle.vrm, rng), vehicle_country=d.vehicle.country)
    if d.trailer:
        row.update(
            trailer_id=vrm_text(d.trailer.trailer_id, rng), trailer_type=d.trailer.trailer_type
        )
    if d.haulier:
        company = d.haulier.company
        row.update(haulier_name=company_name(company.name, rng), haulier_country=company.country)
        if company.licence and rng.random() < 0.5:
            row["operator_licence"] = company.licence.number
    if d.driver:
        nat = d.driver.nationality
        row.update(
            driver_name=_person_name(d.driver, rng),
            driver_dob=date_text(d.driver.dob, rng) if rng.random() < 0.75 else None,
            driver_nationality=_NATIONALITY_NAMES.get(nat, nat) if rng.random() < 0.3 else nat,
            driver_phone=phone_text(d.driver.phones[0], rng) if rng.random() < 0.6 else None,
        )
    return row


def write_detections(path: Path, detections: Iterable[Detection], rng: random.Random) -> FileTruth:
    """Write ``detections.csv`` (with a BOM); some detections are reported by two agencies."""
    out = _Faulty(CsvSink(path, HEADERS["detections.csv"], bom=True), [], every=9)
    template: Row | None = None
    for number, d in enumerate(detections):
        row = _detection_row(d, d.agencies[0], rng)
        out.write(row)
        template = template or row
        if d.location_type == "PORT" and (number == 0 or rng.random() < 0.1):
            twice = _detection_row(d, "Kent Police", rng)
            twice["notes"] = "also reported to Kent Police"
            out.write(twice)
    if template is not None:
        out.faults = [
            _broken(
                {**template, "detection_ref": "FAULT-DET-1"},
                "detected_at",
                "31/02/2025 03:10",
                "31 February is not a date",
            ),
            _broken(
                {**template, "detection_ref": "FAULT-DET-2"},
                "location_type",
                "DEPOT",
                "unknown location_type code",
            ),
            _broken(
                {**template, "detection_ref": "FAULT-DET-3"},
                "entrants_count",
                "",
                "required value missing",
            ),
        ]
    return out.close()


# -- referrals ---------------------------------------------------------------------------------
def _subject_value(kind: str, value: str, rng: random.Random) -> str:
    if kind in {"VEHICLE", "TRAILER"}:
        return vrm_text(value, rng)
    if kind == "PHONE":
        return phone_text(value, rng)
    if kind == "HAULIER":
        return company_name(value, rng)
    if kind == "PERSON" and rng.random() < 0.2:
        return value.upper()
    return value


def _referral_rows(r: Referral, rng: random.Random) -> Iterator[Row]:
    common: Row = {
        "referral_ref": r.ref,
        "reported_at": timestamp_text(r.at, rng),
        "reporting_agency": r.agency,
        "nccu_ref": r.nccu_ref,
        "intel_submitted": None if r.intel_submitted is None else "YN"[not r.intel_submitted],
        "source_evaluation": r.source_evaluation,
        "intel_assessment": r.intel_assessment,
        "handling_code": r.handling_code,
        "handling_conditions": r.handling_conditions,
        "detection_ref": r.detection_ref,
        "summary": r.summary,
    }
    for s in r.subjects:
        yield {
            **common,
            "subject_type": s.kind,
            "subject_value": _subject_value(s.kind, s.value, rng),
            "subject_dob": date_text(s.dob, rng) if s.dob else None,
        }


def write_referrals(path: Path, referrals: Iterable[Referral], rng: random.Random) -> FileTruth:
    """Write ``referrals.csv`` in long format: one row per subject of each referral."""
    out = _Faulty(CsvSink(path, HEADERS["referrals.csv"]), [], every=11)
    template: Row | None = None
    for referral in referrals:
        for row in _referral_rows(referral, rng):
            out.write(row)
            template = template or row
    if template is not None:
        base = {**template, "referral_ref": "FAULT-REF"}
        out.faults = [
            _broken(
                {**base, "referral_ref": "FAULT-REF-1"},
                "source_evaluation",
                "4",
                "3x5x2 source evaluation must be 1, 2 or 3",
            ),
            _broken(
                {**base, "referral_ref": "FAULT-REF-2"},
                "handling_code",
                "X",
                "3x5x2 handling code must be P or C",
            ),
            _broken(
                {**base, "referral_ref": "FAULT-REF-3"},
                "subject_value",
                "",
                "required value missing",
            ),
        ]
    return out.close()


# -- crossings and ANPR ------------------------------------------------------------------------
def _crossing_row(ref: str, c: Crossing, rng: random.Random) -> Row:
    return {
        "booking_ref": ref,
        "crossed_at": timestamp_text(c.at, rng),
        "carrier": c.carrier,
        "dep_locode": locode_text(c.dep, rng),
        "arr_locode": locode_text(c.arr, rng),
        "vrm": vrm_text(c.vehicle.vrm, rng) if c.vehicle else None,
        "trailer_id": vrm_text(c.trailer.trailer_id, rng) if c.trailer else None,
        "haulier_name": company_name(c.haulier.company.name, rng) if c.haulier else None,
        "driver_name": _person_name(c.driver, rng) if c.driver else None,
        "booking_phone": phone_text(c.phone, rng) if c.phone else None,
        "declared_load": c.load,
        "unit_type": "UNACCOMPANIED" if c.vehicle is None else "POWERED",
    }


def _anpr_row(read_id: str, s: Sighting, rng: random.Random) -> Row:
    cam = s.camera
    return {
        "READ_ID": read_id,
        "VRM": vrm_text(s.vrm, rng),
        "READ_AT": timestamp_text(s.at, rng),
        "CAMERA_ID": cam.camera_id,
        "CAMERA_NAME": cam.name,
        "LAT": cam.lat,
        "LON": cam.lon,
        "ROAD": cam.road,
        "DIRECTION": cam.direction,
    }


def write_crossings(
    crossings_path: Path,
    anpr_path: Path,
    traffic: Iterable[tuple[Crossing | None, list[Sighting]]],
    rng: random.Random,
) -> tuple[FileTruth, FileTruth]:
    """Write ``crossings.csv`` and ``anpr.csv`` together from crossings and ANPR reads.

    Each item is a crossing (or None) with the reads that follow it.
    """
    cross = _Faulty(CsvSink(crossings_path, HEADERS["crossings.csv"]), [], every=997)
    anpr = _Faulty(CsvSink(anpr_path, HEADERS["anpr.csv"]), [], every=1009)
    number = reads = 0
    for crossing, sightings in traffic:
        if crossing is not None:
            number += 1
            row = _crossing_row(f"BK{number:09d}", crossing, rng)
            if number == 1:
                cross.faults = _crossing_faults(row)
            cross.write(row)
        for sighting in sightings:
            reads += 1
            read = _anpr_row(f"R{reads:010d}", sighting, rng)
            if reads == 1:
                anpr.faults = _anpr_faults(read)
            anpr.write(read)
    return cross.close(), anpr.close()


def _crossing_faults(row: Row) -> list[Fault]:
    return [
        _broken({**row, "booking_ref": "FAULT-BK-1"}, "dep_locode", "", "required value missing"),
        _broken(
            {**row, "booking_ref": "FAULT-BK-2"},
            "crossed_at",
            "2025-13-01T10:00:00",
            "month 13 is not a date",
        ),
    ]


def _anpr_faults(read: Row) -> list[Fault]:
    return [
        _broken({**read, "READ_ID": "FAULT-R-1"}, "VRM", "", "required value missing"),
        _broken({**read, "READ_ID": "FAULT-R-2"}, "READ_AT", "yesterday", "not a timestamp"),
        _broken(
            {**read, "READ_ID": "FAULT-R-3"},
            "DIRECTION",
            "NE",
            "direction must be NB, SB, EB or WB",
        ),
    ]


# -- calls and subscribers ---------------------------------------------------------------------
def write_calls(path: Path, calls: Iterable[Call], rng: random.Random) -> FileTruth:
    """Write ``calls.csv``: numbers in national and international forms."""
    out = _Faulty(CsvSink(path, HEADERS["calls.csv"]), [], every=1013)
    for number, call in enumerate(calls, start=1):
        row = {
            "call_id": f"C{number:010d}",
            "from_number": phone_text(call.a, rng),
            "to_number": phone_text(call.b, rng),
            "started_at": timestamp_text(call.at, rng),
            "duration_s": call.duration,
            "kind": call.kind,
        }
        if number == 1:
            out.faults = [
                _broken(
                    {**row, "call_id": "FAULT-C-1"}, "to_number", "unknown", "not a phone number"
                ),
                _broken(
                    {**row, "call_id": "FAULT-C-2"},
                    "duration_s",
                    "-12",
                    "duration must be an integer >= 0",
                ),
            ]
        out.write(row)
    return out.close()


def write_subscribers(
    path: Path, attributions: Iterable[Attribution], rng: random.Random
) -> FileTruth:
    """Write ``subscribers.csv`` (columns in their own order)."""
    out = _Faulty(CsvSink(path, HEADERS["subscribers.csv"]), [], every=53)
    for number, a in enumerate(attributions, start=1):
        person, where = a.person, a.address
        row = {
            "source": a.source,
            "number": phone_text(a.number, rng),
            "person_name": _person_name(person, rng) if person else None,
            "person_dob": date_text(person.dob, rng) if person and rng.random() < 0.7 else None,
            "address": where.text if where else None,
            "postcode": (where.postcode.lower() if rng.random() < 0.2 else where.postcode)
            if where
            else None,
            "attributed_at": date_text(a.on, rng) if a.on else None,
        }
        if number == 1:
            out.faults = [
                _broken(row, "number", "", "required value missing"),
                _broken(row, "source", "", "required value missing"),
            ]
        out.write(row)
    return out.close()


# -- OCG mapping -------------------------------------------------------------------------------
def _member_row(group: Group, m: MappedMember, rng: random.Random) -> Row:
    assert group.graded_on is not None
    return {
        "ocg_ref": group.ocg_ref,
        "ocg_name": group.ocg_name,
        "lead_agency": group.lead_agency,
        "band": group.current_band,
        "graded_on": date_text(group.graded_on, rng),
        "threat_type": group.threat_type,
        "member_type": m.subject.kind,
        "member_value": _subject_value(m.subject.kind, m.subject.value, rng),
        "member_dob": date_text(m.subject.dob, rng) if m.subject.dob else None,
        "role": m.role,
    }


def write_ocgm(path: Path, groups: Iterable[Group], rng: random.Random) -> FileTruth:
    """Write ``ocgm.csv``: the current mapping of every mapped group, one row per member."""
    out = _Faulty(CsvSink(path, HEADERS["ocgm.csv"]), [], every=5)
    template: Row | None = None
    for group in groups:
        for member in group.events.mapping:
            row = _member_row(group, member, rng)
            template = template or row
            out.write(row)
    if template is not None:
        out.faults = [
            _broken(
                {**template, "ocg_ref": "FAULT-OCG-1"},
                "band",
                "4Z",
                "not a band of the band scheme",
            ),
            _broken(
                {**template, "ocg_ref": "FAULT-OCG-2"},
                "member_type",
                "BOAT",
                "unknown member_type code",
            ),
        ]
    return out.close()
