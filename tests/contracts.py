"""Independent checker of source files against the input contracts of formats.md.

The synthetic generator (``ocgmap.synth``) plants rows that formats.md says a loader must
quarantine and lists them in ``truth.json``. This module checks a generated file against the
contract **without any loader code**, so a test can assert that every file validates except
exactly the rows the truth declares bad::

    problems = check_file(folder / "detections.csv")
    assert {p.row for p in problems} == {bad.row for bad in truth.files["detections"].bad_rows}

The contracts are data (:data:`CONTRACTS`): per column a name, a kind, whether it is required
and, for enums, the allowed codes. Each column kind has one checker in ``_CHECKS``;
identifiers go through the :mod:`ocgmap.normalise` normalisers, as a loader's would.

Row numbers follow :class:`ocgmap.synth.truth.BadRow`: in a CSV the header is row 1 and the
first data record is row 2 (records, not physical lines: a quoted cell may span lines); in
JSON lines the line number is the row.

Decisions where formats.md is silent
------------------------------------
- Enum codes are matched case-insensitively (``nb`` = ``NB``, ``standard national`` =
  ``Standard National``) but otherwise exactly: no trimming inside the value, no synonyms
  (``Yes`` is not ``Y``). Band codes (§7) follow the same rule.
- A cell that is empty or only whitespace is missing. Values are stripped before checking.
- A data record with a different number of cells from the header breaks RFC 4180 and is
  reported. A blank line takes a row number (as a spreadsheet shows it) but is not reported.
  Bad quoting (``strict`` csv parsing) and bytes that are not UTF-8 are reported on their row.
- A header that lacks a required column, or names a contract column twice, makes the file
  unreadable: only the row-1 problems are returned (one per missing column), no row checks.
- Integers (counts) are ASCII digits only: no sign, no decimals, no thousands separators.
  ``penalty_gbp`` is a plain non-negative decimal (``2000`` or ``2000.50``, no ``£``).
  ``lat``/``lon`` are plain decimals within ±90/±180; one without the other is allowed.
- Country columns (``vehicle_country``, ``haulier_country``, ``driver_nationality``) accept
  whatever :func:`ocgmap.normalise.country` accepts (alpha-2 in any case, names, adjectives).
- Names go through the normalisers a loader would use: people through ``person``, hauliers
  and operators through ``company``, addresses through ``address`` (each rejects only text
  without letters or digits). ``carrier`` and Companies House ``CompanyName`` are free text.
- ``subject_value``/``member_value`` are checked as the identifier their type names (VEHICLE
  -> VRM, PHONE -> phone, PORT -> LOCODE, ...; LOCATION is free text). A DOB on a non-PERSON
  row is not reported; ``handling_conditions`` is not required when ``handling_code`` is C
  (formats.md says "in spirit"); ``entrants_minors`` is not compared with ``entrants_count``.
- Companies House: the header must be the 55 real names *in the real order* (compared after
  stripping spaces, case-insensitively). ``CompanyNumber`` is 8 characters: 8 digits, two
  letters and 6 digits, or ``R0`` and 6 digits (old Northern Ireland numbers). Every date
  column (not only incorporation and dissolution) must be ``dd/mm/yyyy``; the mortgage,
  partnership and accounting-reference-day/month columns must be integers ≥ 0.
- PSC: the known kinds are the four ``-person-with-significant-control`` kinds, their four
  ``-beneficial-owner`` variants (registered overseas entities), the statement kind and
  ``exemptions`` (all seen in the real snapshot). Individuals need ``name`` and
  ``date_of_birth`` (integer ``month`` 1-12, integer 4-digit ``year``); corporate and
  legal-person kinds need ``name``; every kind except super-secure and exemptions needs
  ``notified_on``; ``notified_on``/``ceased_on`` are ``yyyy-mm-dd``. The totals line is
  ``{"data": {"kind": "totals#persons-of-significant-control-snapshot",
  "persons_of_significant_control_count": n, "statements_count": n, ...}}`` (no company
  number); its counts must be integers ≥ 0 but are not compared with the records. A missing
  totals line is reported at the row after the last line; a totals line that is not last is
  reported on its own row.
- Only ``.csv`` files are read for the police and register sources (the ``.xlsx``/``.jsonl``
  variants of formats.md are out of scope here), and ``.jsonl`` for ``psc``.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ocgmap import normalise
from ocgmap.errors import NormaliseError
from ocgmap.schema import load_bands

__all__ = [
    "CH_HEADER",
    "CONTRACTS",
    "PSC_KINDS",
    "PSC_TOTALS_KIND",
    "Column",
    "Contract",
    "CsvContract",
    "Problem",
    "PscContract",
    "PscKind",
    "TypedValue",
    "check_file",
]

HEADER: Final = "(header)"

# A checker takes a non-empty, stripped value and returns why it is invalid, or None.
Check = Callable[[str], str | None]
# A fault found in a record: the field and the reason.
Fault = tuple[str, str]


@dataclass(frozen=True)
class Problem:
    """A row that breaks its contract: the first failing field and why."""

    row: int
    field: str
    reason: str


@dataclass(frozen=True)
class Column:
    """One column of a CSV contract; ``kind`` names a checker, ``options`` an enum's codes."""

    name: str
    kind: str = "text"
    required: bool = False
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class TypedValue:
    """A value column whose identifier kind is named by a type column (subject_type, ...)."""

    type_column: str
    value_column: str


@dataclass(frozen=True)
class CsvContract:
    """The contract of one CSV source; ``exact_header`` demands the columns in this order."""

    source: str
    columns: tuple[Column, ...]
    exact_header: bool = False
    typed_values: tuple[TypedValue, ...] = ()


@dataclass(frozen=True)
class PscKind:
    """What a PSC record of one ``data.kind`` must carry."""

    needs_name: bool = False
    needs_dob: bool = False
    needs_notified_on: bool = True


@dataclass(frozen=True)
class PscContract:
    """The contract of the PSC snapshot (JSON lines ending with a totals line)."""

    source: str
    kinds: Mapping[str, PscKind]
    totals_kind: str


Contract = CsvContract | PscContract

# --- enum codes (formats.md §1-§9) -------------------------------------------------------

LOCATION_TYPES: Final = ("PORT", "INLAND", "SERVICES", "LORRY_PARK", "OTHER")
TRAILER_TYPES: Final = (
    "HARD", "SOFT", "REFRIGERATED", "CONTAINER", "TANKER", "FLATBED", "OTHER",
)  # fmt: skip
SUBJECT_TYPES: Final = (
    "PERSON", "VEHICLE", "TRAILER", "HAULIER", "PHONE", "ADDRESS", "LOCATION", "PORT",
)  # fmt: skip
MEMBER_TYPES: Final = ("PERSON", "VEHICLE", "TRAILER", "HAULIER", "PHONE", "ADDRESS")
ROLES: Final = ("PRINCIPAL", "SIGNIFICANT", "PERIPHERAL", "ASSET")
CALL_KINDS: Final = ("CALL", "SMS")
DIRECTIONS: Final = ("NB", "SB", "EB", "WB")
SOURCE_EVALUATIONS: Final = ("1", "2", "3")
INTEL_ASSESSMENTS: Final = ("A", "B", "C", "D", "E")
HANDLING_CODES: Final = ("P", "C")
YES_NO: Final = ("Y", "N")
LICENCE_TYPES: Final = ("Restricted", "Standard National", "Standard International")

# The identifier kind of a subject_value / member_value, by its type.
VALUE_KINDS: Final[Mapping[str, str]] = {
    "PERSON": "person",
    "VEHICLE": "vrm",
    "TRAILER": "trailer_id",
    "HAULIER": "company",
    "PHONE": "phone",
    "ADDRESS": "address",
    "LOCATION": "text",
    "PORT": "locode",
}

# --- checkers, one per column kind -------------------------------------------------------

_COUNT: Final = re.compile(r"[0-9]+")
_AMOUNT: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_SIGNED_DECIMAL: Final = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_UK_DATE: Final = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})")
_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CH_NUMBER: Final = re.compile(r"[0-9]{8}|[A-Z]{2}[0-9]{6}|R0[0-9]{6}")
_UNDECODABLE: Final = re.compile(r"[\udc80-\udcff]")


def _any_text(value: str) -> str | None:
    return None


def _normalised_by(normaliser: Callable[[str], object]) -> Check:
    """A checker that accepts what ``normaliser`` accepts."""

    def check(value: str) -> str | None:
        try:
            normaliser(value)
        except NormaliseError as exc:
            return str(exc)
        return None

    return check


def _count(value: str) -> str | None:
    if _COUNT.fullmatch(value):
        return None
    return f"must be an integer >= 0; got {value!r}"


def _amount(value: str) -> str | None:
    if _AMOUNT.fullmatch(value):
        return None
    return f"must be a number >= 0 such as 2000 or 2000.50; got {value!r}"


def _coordinate(limit: int) -> Check:
    """A checker for a decimal degree within ``[-limit, limit]``."""

    def check(value: str) -> str | None:
        if _SIGNED_DECIMAL.fullmatch(value) and abs(float(value)) <= limit:
            return None
        return f"must be a decimal number of degrees from -{limit} to {limit}; got {value!r}"

    return check


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _uk_date(value: str) -> str | None:
    match = _UK_DATE.fullmatch(value)
    if match is not None:
        day, month, year = (int(part) for part in match.groups())
        if _real_date(year, month, day):
            return None
    return f"must be a real date written dd/mm/yyyy; got {value!r}"


def _iso_date(value: str) -> str | None:
    if _ISO_DATE.fullmatch(value):
        year, month, day = (int(part) for part in value.split("-"))
        if _real_date(year, month, day):
            return None
    return f"must be a real date written yyyy-mm-dd; got {value!r}"


def _ch_company_number(value: str) -> str | None:
    if _CH_NUMBER.fullmatch(value):
        return None
    return f"must be 8 characters: 8 digits or a 2-character prefix and 6 digits; got {value!r}"


def _band(value: str) -> str | None:
    return _one_of(tuple(load_bands().codes))(value)


@functools.cache
def _one_of(options: tuple[str, ...]) -> Check:
    """A checker for an enum: any of ``options``, ignoring case."""
    allowed = frozenset(option.casefold() for option in options)

    def check(value: str) -> str | None:
        if value.casefold() in allowed:
            return None
        return f"must be one of {{{', '.join(options)}}}; got {value!r}"

    return check


_CHECKS: Final[Mapping[str, Check]] = {
    "text": _any_text,
    "timestamp": _normalised_by(normalise.timestamp),
    "date": _normalised_by(normalise.date),
    "uk_date": _uk_date,
    "count": _count,
    "amount": _amount,
    "latitude": _coordinate(90),
    "longitude": _coordinate(180),
    "vrm": _normalised_by(normalise.vrm),
    "trailer_id": _normalised_by(normalise.trailer_id),
    "phone": _normalised_by(normalise.phone),
    "locode": _normalised_by(normalise.locode),
    "postcode": _normalised_by(normalise.postcode),
    "country": _normalised_by(normalise.country),
    "licence": _normalised_by(normalise.operator_licence),
    "person": _normalised_by(normalise.person),
    "company": _normalised_by(normalise.company),
    "address": _normalised_by(normalise.address),
    "company_number": _ch_company_number,
    "band": _band,
}


def _checker(column: Column) -> Check:
    return _one_of(column.options) if column.kind == "enum" else _CHECKS[column.kind]


def _required(name: str, kind: str = "text") -> Column:
    return Column(name, kind, required=True)


def _enum(name: str, options: tuple[str, ...], required: bool = False) -> Column:
    return Column(name, "enum", required, options)


# --- the police-internal sources (formats.md §1-§7) --------------------------------------

DETECTIONS: Final = CsvContract(
    "detections",
    (
        _required("detection_ref"),
        _required("detected_at", "timestamp"),
        _enum("location_type", LOCATION_TYPES, required=True),
        Column("port_locode", "locode"),
        Column("location_name"),
        Column("vrm", "vrm"),
        Column("vehicle_country", "country"),
        Column("trailer_id", "trailer_id"),
        _enum("trailer_type", TRAILER_TYPES),
        Column("haulier_name", "company"),
        Column("haulier_country", "country"),
        Column("operator_licence", "licence"),
        Column("driver_name", "person"),
        Column("driver_dob", "date"),
        Column("driver_nationality", "country"),
        Column("driver_phone", "phone"),
        Column("route_from", "locode"),
        Column("route_to", "locode"),
        _required("entrants_count", "count"),
        Column("entrants_minors", "count"),
        Column("concealment"),
        Column("penalty_ref"),
        Column("penalty_gbp", "amount"),
        _required("reporting_agency"),
        Column("notes"),
    ),
)

REFERRALS: Final = CsvContract(
    "referrals",
    (
        _required("referral_ref"),
        _required("reported_at", "timestamp"),
        _required("reporting_agency"),
        Column("nccu_ref"),
        _enum("intel_submitted", YES_NO),
        _enum("source_evaluation", SOURCE_EVALUATIONS, required=True),
        _enum("intel_assessment", INTEL_ASSESSMENTS, required=True),
        _enum("handling_code", HANDLING_CODES, required=True),
        Column("handling_conditions"),
        _enum("subject_type", SUBJECT_TYPES, required=True),
        _required("subject_value"),
        Column("subject_dob", "date"),
        Column("detection_ref"),
        Column("summary"),
    ),
    typed_values=(TypedValue("subject_type", "subject_value"),),
)

ANPR: Final = CsvContract(
    "anpr",
    (
        _required("read_id"),
        _required("vrm", "vrm"),
        _required("read_at", "timestamp"),
        _required("camera_id"),
        Column("camera_name"),
        Column("lat", "latitude"),
        Column("lon", "longitude"),
        Column("road"),
        _enum("direction", DIRECTIONS),
    ),
)

CROSSINGS: Final = CsvContract(
    "crossings",
    (
        _required("booking_ref"),
        _required("crossed_at", "timestamp"),
        Column("carrier"),
        _required("dep_locode", "locode"),
        _required("arr_locode", "locode"),
        Column("vrm", "vrm"),
        Column("trailer_id", "trailer_id"),
        Column("haulier_name", "company"),
        Column("driver_name", "person"),
        Column("booking_phone", "phone"),
        Column("declared_load"),
    ),
)

CALLS: Final = CsvContract(
    "calls",
    (
        _required("call_id"),
        _required("from_number", "phone"),
        _required("to_number", "phone"),
        _required("started_at", "timestamp"),
        Column("duration_s", "count"),
        _enum("kind", CALL_KINDS),
    ),
)

SUBSCRIBERS: Final = CsvContract(
    "subscribers",
    (
        _required("number", "phone"),
        Column("person_name", "person"),
        Column("person_dob", "date"),
        Column("address", "address"),
        Column("postcode", "postcode"),
        _required("source"),
        Column("attributed_at", "date"),
    ),
)

OCGM: Final = CsvContract(
    "ocgm",
    (
        _required("ocg_ref"),
        Column("ocg_name"),
        _required("lead_agency"),
        _required("band", "band"),
        _required("graded_on", "date"),
        Column("threat_type"),
        _enum("member_type", MEMBER_TYPES, required=True),
        _required("member_value"),
        Column("member_dob", "date"),
        _enum("role", ROLES),
    ),
    typed_values=(TypedValue("member_type", "member_value"),),
)

# --- public registers (formats.md §8-§9) --------------------------------------------------

# The real BasicCompanyData header, names stripped of their leading spaces.
CH_HEADER: Final[tuple[str, ...]] = (
    "CompanyName", "CompanyNumber", "RegAddress.CareOf", "RegAddress.POBox",
    "RegAddress.AddressLine1", "RegAddress.AddressLine2", "RegAddress.PostTown",
    "RegAddress.County", "RegAddress.Country", "RegAddress.PostCode", "CompanyCategory",
    "CompanyStatus", "CountryOfOrigin", "DissolutionDate", "IncorporationDate",
    "Accounts.AccountRefDay", "Accounts.AccountRefMonth", "Accounts.NextDueDate",
    "Accounts.LastMadeUpDate", "Accounts.AccountCategory", "Returns.NextDueDate",
    "Returns.LastMadeUpDate", "Mortgages.NumMortCharges", "Mortgages.NumMortOutstanding",
    "Mortgages.NumMortPartSatisfied", "Mortgages.NumMortSatisfied", "SICCode.SicText_1",
    "SICCode.SicText_2", "SICCode.SicText_3", "SICCode.SicText_4",
    "LimitedPartnerships.NumGenPartners", "LimitedPartnerships.NumLimPartners", "URI",
    *(f"PreviousName_{n}.{part}" for n in range(1, 11) for part in ("CONDATE", "CompanyName")),
    "ConfStmtNextDueDate", "ConfStmtLastMadeUpDate",
)  # fmt: skip

_CH_DATES: Final = frozenset(name for name in CH_HEADER if name.endswith(("Date", "CONDATE")))
_CH_COUNTS: Final = frozenset(
    name
    for name in CH_HEADER
    if name.startswith(("Mortgages.", "LimitedPartnerships.", "Accounts.AccountRef"))
)
_CH_SPECIAL: Final[Mapping[str, Column]] = {
    "CompanyName": _required("CompanyName"),
    "CompanyNumber": _required("CompanyNumber", "company_number"),
    **{name: Column(name, "uk_date") for name in _CH_DATES},
    **{name: Column(name, "count") for name in _CH_COUNTS},
}

COMPANIES_HOUSE: Final = CsvContract(
    "companies_house",
    tuple(_CH_SPECIAL.get(name, Column(name)) for name in CH_HEADER),
    exact_header=True,
)

OPERATOR_LICENCES: Final = CsvContract(
    "operator_licences",
    (
        _required("Licence Number", "licence"),
        _required("Operator Name", "company"),
        Column("Trading Name"),
        _enum("Licence Type", LICENCE_TYPES),
        Column("Licence Status"),
        Column("Correspondence Address", "address"),
        Column("Correspondence Postcode", "postcode"),
        Column("Vehicles Authorised", "count"),
        Column("Trailers Authorised", "count"),
        Column("Traffic Area"),
    ),
)

PSC_TOTALS_KIND: Final = "totals#persons-of-significant-control-snapshot"
_INDIVIDUAL: Final = PscKind(needs_name=True, needs_dob=True)
_NAMED: Final = PscKind(needs_name=True)
_ANONYMOUS: Final = PscKind(needs_notified_on=False)
PSC_KINDS: Final[Mapping[str, PscKind]] = {
    "individual-person-with-significant-control": _INDIVIDUAL,
    "corporate-entity-person-with-significant-control": _NAMED,
    "legal-person-person-with-significant-control": _NAMED,
    "super-secure-person-with-significant-control": _ANONYMOUS,
    "individual-beneficial-owner": _INDIVIDUAL,
    "corporate-entity-beneficial-owner": _NAMED,
    "legal-person-beneficial-owner": _NAMED,
    "super-secure-beneficial-owner": _ANONYMOUS,
    "persons-with-significant-control-statement": PscKind(),
    "exemptions": _ANONYMOUS,
}

PSC: Final = PscContract("psc", PSC_KINDS, PSC_TOTALS_KIND)

CONTRACTS: Final[dict[str, Contract]] = {
    contract.source: contract
    for contract in (
        DETECTIONS, REFERRALS, ANPR, CROSSINGS, CALLS, SUBSCRIBERS, OCGM,
        COMPANIES_HOUSE, PSC, OPERATOR_LICENCES,
    )
}  # fmt: skip

# --- CSV files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Record:
    """One CSV record: its row number, its cells, or why it could not be parsed."""

    row: int
    cells: list[str]
    error: str | None = None


def _csv_records(path: Path) -> Iterator[_Record]:
    """Read ``path`` record by record; bytes that are not UTF-8 survive as surrogates."""
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        row = 0
        while True:
            row += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield _Record(row, [], f"is not valid CSV: {exc}")
                continue
            yield _Record(row, cells)


def _header_key(name: str) -> str:
    return name.strip().casefold()


def _exact_header_problems(cells: Sequence[str], contract: CsvContract) -> list[Problem]:
    """Problems of a header that must be exactly the contract's names, in order."""
    got = [cell.strip() for cell in cells]
    want = [column.name for column in contract.columns]
    if [name.casefold() for name in got] == [name.casefold() for name in want]:
        return []
    got_keys, want_keys = {_header_key(n) for n in got}, {_header_key(n) for n in want}
    missing = [name for name in want if _header_key(name) not in got_keys]
    unexpected = [name for name in got if _header_key(name) not in want_keys]
    detail = f"got {len(got)} columns"
    detail += f", missing {missing}" if missing else ""
    detail += f", unexpected {unexpected}" if unexpected else ""
    if not missing and not unexpected:
        detail += " in a different order"
    reason = f"must be the {len(want)} real columns in their real order; {detail}"
    return [Problem(1, HEADER, reason)]


def _header_positions(
    cells: Sequence[str], contract: CsvContract
) -> tuple[dict[str, int], list[Problem]]:
    """Map each contract column found in the header to its cell index; report header faults."""
    if contract.exact_header:
        positions = {column.name: index for index, column in enumerate(contract.columns)}
        return positions, _exact_header_problems(cells, contract)
    names = {_header_key(column.name): column.name for column in contract.columns}
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(cells):
        name = names.get(_header_key(cell))
        if name in positions:
            problems.append(Problem(1, str(name), "column appears twice in the header"))
        elif name is not None:
            positions[name] = index
    problems += [
        Problem(1, column.name, "required column is missing from the header")
        for column in contract.columns
        if column.required and column.name not in positions
    ]
    return positions, problems


def _column_fault(column: Column, value: str) -> Fault | None:
    if not value:
        return (column.name, "is required but empty") if column.required else None
    reason = _checker(column)(value)
    return None if reason is None else (column.name, reason)


def _typed_fault(rule: TypedValue, values: Mapping[str, str]) -> Fault | None:
    """Check a subject/member value as the identifier its type names."""
    kind = VALUE_KINDS.get(values.get(rule.type_column, "").upper())
    value = values.get(rule.value_column, "")
    if kind is None or not value:
        return None
    reason = _CHECKS[kind](value)
    return None if reason is None else (rule.value_column, reason)


def _values_fault(values: Mapping[str, str], contract: CsvContract) -> Fault | None:
    for column in contract.columns:
        fault = _column_fault(column, values.get(column.name, ""))
        if fault is not None:
            return fault
    for rule in contract.typed_values:
        fault = _typed_fault(rule, values)
        if fault is not None:
            return fault
    return None


def _record_fault(record: _Record, width: int) -> Fault | None:
    """Faults of the record as a whole: bad CSV, bad UTF-8, wrong number of cells."""
    if record.error is not None:
        return ("(csv)", record.error)
    if any(_UNDECODABLE.search(cell) for cell in record.cells):
        return ("(encoding)", "is not valid UTF-8")
    if len(record.cells) != width:
        return ("(row)", f"has {len(record.cells)} cells; the header has {width}")
    return None


def _record_problem(
    record: _Record, positions: Mapping[str, int], contract: CsvContract, width: int
) -> Problem | None:
    if not record.cells and record.error is None:
        return None  # a blank line
    fault = _record_fault(record, width)
    if fault is None:
        values = {name: record.cells[index].strip() for name, index in positions.items()}
        fault = _values_fault(values, contract)
    return None if fault is None else Problem(record.row, *fault)


def _check_csv(path: Path, contract: CsvContract) -> list[Problem]:
    records = _csv_records(path)
    header = next(records, None)
    if header is None:
        return [Problem(1, HEADER, "the file is empty; expected a header row")]
    if header.error is not None or not header.cells:
        return [Problem(1, HEADER, header.error or "the header row is blank")]
    positions, problems = _header_positions(header.cells, contract)
    if problems:
        return problems
    width = len(header.cells)
    found = (_record_problem(record, positions, contract, width) for record in records)
    return [problem for problem in found if problem is not None]


# --- the PSC snapshot (JSON lines) --------------------------------------------------------


def _json_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Non-blank lines of ``path`` with their line numbers."""
    with path.open(encoding="utf-8-sig", errors="surrogateescape") as handle:
        for row, line in enumerate(handle, start=1):
            if line.strip():
                yield row, line


def _parse_json(line: str) -> tuple[Any, Fault | None]:
    if _UNDECODABLE.search(line):
        return None, ("(encoding)", "is not valid UTF-8")
    try:
        return json.loads(line), None
    except json.JSONDecodeError as exc:
        return None, ("(json)", f"is not valid JSON: {exc}")


def _is_int(value: object, low: int, high: int | None = None) -> bool:
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    return low <= value and (high is None or value <= high)


def _data_kind(record: Any) -> object:
    data = record.get("data") if isinstance(record, dict) else None
    return data.get("kind") if isinstance(data, dict) else None


def _is_totals(record: Any) -> bool:
    kind = _data_kind(record)
    return isinstance(kind, str) and kind.startswith("totals#")


def _totals_fault(record: Mapping[str, Any], contract: PscContract) -> Fault | None:
    data = record["data"]
    if data["kind"] != contract.totals_kind:
        return ("data.kind", f"must be {contract.totals_kind!r}; got {data['kind']!r}")
    required = ("persons_of_significant_control_count", "statements_count")
    for name in (*required, "exemptions_count"):
        if (name in required or name in data) and not _is_int(data.get(name), 0):
            return (f"data.{name}", f"must be an integer >= 0; got {data.get(name)!r}")
    return None


def _company_number_fault(value: object) -> Fault | None:
    if not isinstance(value, str):
        return ("company_number", f"must be a string; got {value!r}")
    reason = _ch_company_number(value)
    return None if reason is None else ("company_number", reason)


def _kind_fault(data: Mapping[str, Any], contract: PscContract) -> Fault | None:
    kind = data.get("kind")
    if isinstance(kind, str) and kind in contract.kinds:
        return None
    return ("data.kind", f"must be a known PSC snapshot kind; got {kind!r}")


def _name_fault(data: Mapping[str, Any]) -> Fault | None:
    name = data.get("name")
    if isinstance(name, str) and name.strip():
        return None
    return ("data.name", f"must be a non-empty string; got {name!r}")


def _dob_fault(data: Mapping[str, Any]) -> Fault | None:
    dob = data.get("date_of_birth")
    if not isinstance(dob, dict):
        return ("data.date_of_birth", f"must be an object with month and year; got {dob!r}")
    if not _is_int(dob.get("month"), 1, 12):
        return ("data.date_of_birth.month", f"must be an integer 1-12; got {dob.get('month')!r}")
    if not _is_int(dob.get("year"), 1000, 9999):
        return ("data.date_of_birth.year", f"must be a 4-digit integer; got {dob.get('year')!r}")
    return None


def _date_field_fault(data: Mapping[str, Any], name: str, required: bool) -> Fault | None:
    value = data.get(name)
    if value is None:
        return (f"data.{name}", "is required but missing") if required else None
    reason = _iso_date(value) if isinstance(value, str) else f"must be a string; got {value!r}"
    return None if reason is None else (f"data.{name}", reason)


def _data_fault(data: Mapping[str, Any], rule: PscKind) -> Fault | None:
    faults = (
        _name_fault(data) if rule.needs_name else None,
        _dob_fault(data) if rule.needs_dob else None,
        _date_field_fault(data, "notified_on", rule.needs_notified_on),
        _date_field_fault(data, "ceased_on", required=False),
    )
    return next((fault for fault in faults if fault is not None), None)


def _psc_fault(record: Any, contract: PscContract) -> Fault | None:
    """The first fault of one non-totals PSC record."""
    if not isinstance(record, dict):
        return ("(record)", "must be a JSON object")
    data = record.get("data")
    if not isinstance(data, dict):
        return ("data", f"must be a JSON object; got {data!r}")
    return (
        _company_number_fault(record.get("company_number"))
        or _kind_fault(data, contract)
        or _data_fault(data, contract.kinds[data["kind"]])
    )


def _line_fault(line: str, contract: PscContract) -> tuple[bool, Fault | None]:
    """Whether the line is a totals line, and its first fault."""
    record, fault = _parse_json(line)
    if fault is not None:
        return False, fault
    if _is_totals(record):
        return True, _totals_fault(record, contract)
    return False, _psc_fault(record, contract)


def _check_psc(path: Path, contract: PscContract) -> list[Problem]:
    problems: list[Problem] = []
    totals_row: int | None = None
    last_row = 0
    for row, line in _json_lines(path):
        if totals_row is not None:
            problems.append(Problem(totals_row, "data.kind", "the totals line must be last"))
        last_row = row
        is_totals, fault = _line_fault(line, contract)
        totals_row = row if is_totals else None
        if fault is not None:
            problems.append(Problem(row, *fault))
    if totals_row is None:
        reason = f"the snapshot must end with a {contract.totals_kind!r} line"
        problems.append(Problem(last_row + 1, "data.kind", reason))
    return problems


# --- entry point -------------------------------------------------------------------------


def check_file(path: Path, source: str | None = None) -> list[Problem]:
    """Return every row of ``path`` that breaks the formats.md contract of its source.

    ``source`` defaults to the file name without its suffix (``detections.csv`` ->
    ``detections``). Header faults are reported on row 1 and stop the row checks.

    Raises
    ------
    ValueError
        If there is no contract for the source.
    """
    name = source if source is not None else path.stem.lower()
    contract = CONTRACTS.get(name)
    if contract is None:
        known = ", ".join(sorted(CONTRACTS))
        raise ValueError(f"No contract for source {name!r} ({path}); expected one of {known}.")
    if isinstance(contract, PscContract):
        return _check_psc(path, contract)
    return _check_csv(path, contract)
