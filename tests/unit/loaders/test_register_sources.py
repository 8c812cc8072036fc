"""Companies House, PSC snapshot and operator licences: real samples, a synthetic world, edges."""

from __future__ import annotations

import csv
import datetime as dt
import fnmatch
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from servers import shared_sample

from loaders import companies_house, operator_licences, psc
from loaders.base import GraphRow, RowContext, Source, SourceRow
from ocgmap import normalise
from ocgmap.normalise import company as normalise_company
from ocgmap.resolve import HaulierIndex
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, NodeRow, SourceRef
from ocgmap.synth import Truth, generate


# The real public-register samples are read from ../shared/samples (CI has them beside the
# clone); the repository itself holds no real person's record.
def ch_sample() -> str:
    return shared_sample("companies_house_BasicCompanyData_sample.csv")


def psc_sample() -> str:
    return shared_sample("companies_house_psc_snapshot_sample.jsonl")


SOURCES: dict[str, Source] = {
    "companies_house.csv": companies_house.SOURCE,
    "psc.jsonl": psc.SOURCE,
    "operator_licences.csv": operator_licences.SOURCE,
}


# helpers ------------------------------------------------------------------------------------


def _table(text: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows as the pipeline's reader hands them over: keys stripped and lower-cased."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    return [
        (n, {key.strip().lower(): value for key, value in record.items()})
        for n, record in enumerate(reader, start=2)
    ]


def _lines(text: str) -> list[tuple[int, dict[str, Any]]]:
    return [(n, json.loads(line)) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def _records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    text = path.read_text(encoding="utf-8")
    return _lines(text) if path.suffix == ".jsonl" else _table(text)


def _ctx(raw: Mapping[str, Any], index: HaulierIndex | None = None, row: int = 2) -> RowContext:
    ref = SourceRef(load_id="T1", file="registers", row=row)
    return RowContext(ref, raw, index if index is not None else HaulierIndex())


def _build(
    source: Source, raw: dict[str, Any], index: HaulierIndex | None = None
) -> list[GraphRow]:
    rows = list(source.to_graph(source.model.model_validate(raw), _ctx(raw, index)))
    _assert_edges_join_own_nodes(rows)
    return rows


def _assert_edges_join_own_nodes(rows: list[GraphRow]) -> None:
    refs = {row.ref for row in rows if isinstance(row, NodeRow)}
    assert refs, "no node built"
    for edge in _edges(rows):
        assert edge.start in refs and edge.end in refs, edge


def _node(rows: list[GraphRow], label: Label) -> NodeRow:
    (node,) = [row for row in rows if isinstance(row, NodeRow) and row.label == label]
    return node


def _edges(rows: list[GraphRow], type: RelType | None = None) -> list[EdgeRow]:
    return [row for row in rows if isinstance(row, EdgeRow) and type in (None, row.type)]


def _failing(model: type[SourceRow], raw: dict[str, Any]) -> set[str] | None:
    """The fields whose validation failed, or None when the row validates."""
    try:
        model.model_validate(raw)
    except ValidationError as exc:
        return {str(error["loc"][0]) if error["loc"] else "(row)" for error in exc.errors()}
    return None


# the real samples ---------------------------------------------------------------------------


def test_the_real_company_row_keeps_its_number_and_dates() -> None:
    ((_, raw),) = _table(ch_sample())
    row = companies_house.CompanyRow.model_validate(raw)
    assert row.companynumber == "07687209"
    assert row.incorporationdate == dt.date(2011, 6, 29)
    assert row.dissolutiondate is None
    assert row.postcode == "RG26 5AT"
    assert row.previous_names == ["!OBAC FITTINGS LIMITED"]
    assert row.extras()["uri"] == "http://business.data.gov.uk/id/company/07687209"


def test_the_real_company_row_builds_its_haulier_and_office() -> None:
    ((_, raw),) = _table(ch_sample())
    index = HaulierIndex()
    rows = _build(companies_house.SOURCE, raw, index)
    firm = _node(rows, Label.HAULIER)
    assert firm.key == "CH:07687209"
    assert firm.properties["name"] == "OBAC UK LTD"
    assert firm.properties["names"] == ["!OBAC UK LIMITED", "!OBAC FITTINGS LIMITED"]
    assert firm.properties["company_number"] == "07687209"
    assert firm.properties["country"] == "GB"
    assert firm.properties["status"] == "Active"
    assert firm.properties["company_category"] == "Private Limited Company"
    assert firm.properties["incorporated_on"] == dt.date(2011, 6, 29)
    assert firm.properties["sic_codes"] == [
        "70229 - Management consultancy activities other than financial management"
    ]
    office = _node(rows, Label.ADDRESS)
    assert office.key == "UNIT 9 BERRY COURT FARM BRAMLEY ROAD LITTLE LONDON TADLEY RG26 5AT"
    assert office.properties["postcode"] == "RG26 5AT"
    (registered,) = _edges(rows, RelType.REGISTERED_AT)
    assert (registered.start, registered.end) == (firm.ref, office.ref)
    assert index.resolve("Obac UK Ltd.", "GB") == "CH:07687209"
    assert index.resolve("Someone Else Ltd", None, postcode="RG26 5AT") != "CH:07687209"


def test_the_real_psc_record_gives_a_month_year_person_controlling_the_company() -> None:
    ((_, raw),) = _lines(psc_sample())
    assert psc.skip(raw) is None
    rows = _build(psc.SOURCE, raw)
    person = _node(rows, Label.PERSON)
    record = json.loads(psc_sample())["data"]["name_elements"]
    written = f"{record['forename']} {record['middle_name']} {record['surname']}"
    assert person.key == f"{normalise.person(written)}|1977-02"
    assert record["title"] not in person.key
    assert person.properties["dob"] == "1977-02"
    assert person.properties["nationality"] == "VN"
    assert _node(rows, Label.HAULIER).key == "CH:09145694"
    (controls,) = _edges(rows, RelType.CONTROLS)
    assert (controls.start.key, controls.end.key) == (person.key, "CH:09145694")
    assert controls.properties["role"] == "psc"
    assert controls.properties["natures_of_control"] == ["ownership-of-shares-50-to-75-percent"]
    assert controls.properties["from_on"] == dt.date(2016, 4, 6)
    assert controls.properties["to_on"] == dt.date(2018, 5, 14)
    assert controls.seen_at == dt.datetime(2016, 4, 6, tzinfo=dt.UTC)
    home = _node(rows, Label.ADDRESS)
    assert home.key == "2 ST ANDREWS ROAD HENLEY ON THAMES RG9 1HP"
    (registered,) = _edges(rows, RelType.REGISTERED_AT)
    assert (registered.start, registered.end) == (person.ref, home.ref)


# a synthetic world --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    out = tmp_path_factory.mktemp("world")
    return out, generate(out, seed=3, scale=0.05)


@pytest.fixture(scope="module")
def records(world: tuple[Path, Truth]) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    out, _ = world
    return {name: _records(out / name) for name in SOURCES}


def test_every_company_of_the_world_validates(
    world: tuple[Path, Truth], records: dict[str, list[tuple[int, dict[str, Any]]]]
) -> None:
    _, truth = world
    rows = records["companies_house.csv"]
    assert len(rows) == truth.files["companies_house.csv"].rows > 0
    bad = {n: why for n, raw in rows if (why := _failing(companies_house.CompanyRow, raw))}
    assert bad == {}


def test_psc_lines_validate_or_are_skipped_with_a_reason(
    records: dict[str, list[tuple[int, dict[str, Any]]]],
) -> None:
    lines = records["psc.jsonl"]
    skipped = {n: reason for n, raw in lines if (reason := psc.skip(raw))}
    last, totals = lines[-1]
    assert totals["data"]["kind"].startswith("totals#")
    assert "totals" in skipped[last]
    loaded = [(n, raw) for n, raw in lines if n not in skipped]
    assert {n: _failing(psc.PscRow, raw) for n, raw in loaded} == dict.fromkeys(
        (n for n, _ in loaded), None
    )
    individuals = [n for n, raw in lines if raw["data"]["kind"].startswith("individual-")]
    assert [n for n, _ in loaded] == individuals and individuals


def test_exactly_the_planted_licence_rows_fail_on_their_field(
    world: tuple[Path, Truth], records: dict[str, list[tuple[int, dict[str, Any]]]]
) -> None:
    _, truth = world
    expected = truth.files["operator_licences.csv"]
    rows = records["operator_licences.csv"]
    assert len(rows) == expected.rows and expected.bad_rows
    failed = {n: why for n, raw in rows if (why := _failing(operator_licences.LicenceRow, raw))}
    assert failed == {bad.row: {bad.field.lower()} for bad in expected.bad_rows}


def _load_companies(
    records: dict[str, list[tuple[int, dict[str, Any]]]], index: HaulierIndex
) -> dict[str, str]:
    """Load the world's companies into ``index``; their CH keys by normalised name."""
    keys: dict[str, str] = {}
    for _, raw in records["companies_house.csv"]:
        firm = _node(_build(companies_house.SOURCE, raw, index), Label.HAULIER)
        keys[firm.properties["name"]] = firm.key
    return keys


def test_a_licence_resolves_to_the_company_of_the_same_name(
    records: dict[str, list[tuple[int, dict[str, Any]]]],
) -> None:
    index = HaulierIndex()
    companies = _load_companies(records, index)
    matched = 0
    for _, raw in records["operator_licences.csv"]:
        if _failing(operator_licences.LicenceRow, raw):
            continue
        firm = _node(_build(operator_licences.SOURCE, raw, index), Label.HAULIER)
        name = normalise_company(raw["operator name"])
        if name in companies:
            assert firm.key == companies[name]
            assert firm.properties["licences"] == [raw["licence number"]]
            matched += 1
        else:
            assert firm.key == f"OL:{raw['licence number']}"
    assert matched > 0


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_valid_row_of_the_world_builds_edges_between_its_own_nodes(
    records: dict[str, list[tuple[int, dict[str, Any]]]], name: str
) -> None:
    source, index, built = SOURCES[name], HaulierIndex(), 0
    for _, raw in records[name]:
        if (source.skip and source.skip(raw)) or _failing(source.model, raw):
            continue
        _build(source, raw, index)
        built += 1
    assert built > 0


# Companies House, hand-written rows ---------------------------------------------------------


def _company(**values: str) -> dict[str, Any]:
    base = {
        "companyname": "ACME HAULAGE LIMITED",
        "companynumber": "08209948",
        "regaddress.addressline1": "1 DOCK ROAD",
        "regaddress.posttown": "HULL",
        "regaddress.postcode": "HU9 1AA",
        "companystatus": "Active",
        "incorporationdate": "14/03/2012",
    }
    return base | values


def test_a_foreign_postcode_does_not_quarantine_the_company() -> None:
    raw = _company(**{"regaddress.postcode": "75008 PARIS", "regaddress.posttown": "PARIS"})
    rows = _build(companies_house.SOURCE, raw)
    office = _node(rows, Label.ADDRESS)
    assert "postcode" not in office.properties
    assert office.properties["raw_address"] == ["1 DOCK ROAD, PARIS, 75008 PARIS"]
    assert office.key == "1 DOCK ROAD PARIS 75008 PARIS"


@pytest.mark.parametrize(
    ("written", "number"),
    [("SC012345", "SC012345"), ("8209948", "08209948"), ("oc301234", "OC301234")],
)
def test_company_numbers_keep_padding_and_prefixes(written: str, number: str) -> None:
    firm = _node(_build(companies_house.SOURCE, _company(companynumber=written)), Label.HAULIER)
    assert firm.key == f"CH:{number}"
    assert firm.properties["company_number"] == number


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("companynumber", "ABC12345678"),
        ("companynumber", ""),
        ("companyname", "--"),
        ("incorporationdate", "2012/03/14"),
        ("dissolutiondate", "31/02/2020"),
    ],
)
def test_a_broken_company_fails_on_its_column(column: str, value: str) -> None:
    assert _failing(companies_house.CompanyRow, _company(**{column: value})) == {column}


def test_a_dissolved_company_with_no_sic_and_a_dash_address_line() -> None:
    raw = _company(
        companystatus="Dissolved",
        dissolutiondate="01/02/2020",
        **{"siccode.sictext_1": "None Supplied", "regaddress.addressline2": "-"},
    )
    rows = _build(companies_house.SOURCE, raw)
    firm = _node(rows, Label.HAULIER)
    assert firm.properties["status"] == "Dissolved"
    assert firm.properties["dissolved_on"] == dt.date(2020, 2, 1)
    assert "sic_codes" not in firm.properties
    assert _node(rows, Label.ADDRESS).properties["raw_address"] == ["1 DOCK ROAD, HULL"]


# PSC, hand-written lines --------------------------------------------------------------------


def _psc_line(**data: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kind": "individual-person-with-significant-control",
        "name": "Mr Jan Nowak",
        "date_of_birth": {"month": 5, "year": 1980},
        "nationality": "Polish",
        "natures_of_control": ["ownership-of-shares-75-to-100-percent"],
        "notified_on": "2016-04-06",
    }
    return {"company_number": "812345", "data": base | data}


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("totals#persons-of-significant-control-snapshot", "totals"),
        ("persons-with-significant-control-statement", "statement"),
        ("exemptions", "exemption"),
        ("super-secure-person-with-significant-control", "super-secure"),
        ("corporate-entity-person-with-significant-control", "only individuals"),
        ("legal-person-person-with-significant-control", "only individuals"),
    ],
)
def test_lines_that_are_not_individuals_are_skipped_with_a_reason(kind: str, words: str) -> None:
    reason = psc.skip({"company_number": "00812345", "data": {"kind": kind}})
    assert reason is not None and kind in reason and words in reason


@pytest.mark.parametrize("raw", [{}, {"data": "x"}, {"data": {"kind": 3}}, _psc_line()])
def test_lines_skip_cannot_place_are_left_to_validation(raw: dict[str, Any]) -> None:
    assert psc.skip(raw) is None


def test_a_psc_without_name_elements_or_address_drops_the_title() -> None:
    rows = _build(psc.SOURCE, _psc_line())
    assert _node(rows, Label.PERSON).key == "JAN NOWAK|1980-05"
    assert _node(rows, Label.HAULIER).key == "CH:00812345"
    assert {row.label for row in rows if isinstance(row, NodeRow)} == {Label.PERSON, Label.HAULIER}
    (controls,) = _edges(rows)
    assert "to_on" not in controls.properties


@pytest.mark.parametrize(
    ("written", "code"), [("Polish", "PL"), ("British,Irish", "GB"), ("Kurdish", None), (7, None)]
)
def test_nationality_is_an_iso_code_when_known(written: Any, code: str | None) -> None:
    row = psc.PscRow.model_validate(_psc_line(nationality=written))
    assert row.nationality == code


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"date_of_birth": {"month": 13, "year": 1980}}, "date_of_birth"),
        ({"date_of_birth": {"year": 1980}}, "date_of_birth"),
        ({"date_of_birth": None}, "date_of_birth"),
        ({"name": ""}, "name"),
        ({"kind": "corporate-entity-person-with-significant-control"}, "kind"),
        ({"notified_on": "06/04/16"}, "notified_on"),
        ({"natures_of_control": "voting-rights-25-to-50-percent"}, "natures_of_control"),
    ],
)
def test_a_broken_individual_fails_on_its_field(data: dict[str, Any], field: str) -> None:
    assert _failing(psc.PscRow, _psc_line(**data)) == {field}


def test_a_psc_named_by_punctuation_only_fails() -> None:
    elements = {"forename": "-", "surname": "."}
    assert _failing(psc.PscRow, _psc_line(name="-", name_elements=elements)) == {"(row)"}


def test_a_bad_company_number_fails() -> None:
    raw = _psc_line() | {"company_number": "not a number"}
    assert _failing(psc.PscRow, raw) == {"company_number"}


def test_a_foreign_psc_address_keeps_its_postal_code_in_the_text() -> None:
    address = {"premises": "12", "address_line_1": "ul. Portowa", "locality": "Gdansk",
               "postal_code": "80-001", "country": "Poland"}  # fmt: skip
    rows = _build(psc.SOURCE, _psc_line(address=address))
    home = _node(rows, Label.ADDRESS)
    assert home.key == "12 UL PORTOWA GDANSK 80 001"
    assert "postcode" not in home.properties


def test_a_beneficial_owner_controls_as_such() -> None:
    raw = _psc_line(kind="individual-beneficial-owner") | {"company_number": "OE012345"}
    rows = _build(psc.SOURCE, raw)
    (controls,) = _edges(rows, RelType.CONTROLS)
    assert controls.properties["role"] == "beneficial-owner"
    assert "country" not in _node(rows, Label.HAULIER).properties


# operator licences, hand-written rows -------------------------------------------------------


def _licence(**values: str) -> dict[str, Any]:
    base = {
        "licence number": "ob1234567",
        "operator name": "Acme Haulage Ltd",
        "trading name": "ACME LOGISTICS",
        "licence type": "standard international",
        "licence status": "Valid",
        "correspondence address": "1 Dock Road, Hull",
        "correspondence postcode": "hu91aa",
        "vehicles authorised": "6",
        "trailers authorised": "8",
        "traffic area": "North East of England",
    }
    return base | values


def test_an_unknown_operator_is_keyed_by_its_licence() -> None:
    rows = _build(operator_licences.SOURCE, _licence())
    firm = _node(rows, Label.HAULIER)
    assert firm.key == "OL:OB1234567"
    assert firm.properties["names"] == ["Acme Haulage Ltd", "ACME LOGISTICS"]
    assert firm.properties["licence_type"] == "STANDARD INTERNATIONAL"
    assert firm.properties["licence_status"] == "Valid"
    assert (firm.properties["vehicles_authorised"], firm.properties["trailers_authorised"]) == (
        6,
        8,
    )
    assert firm.properties["traffic_area"] == "North East of England"
    assert _node(rows, Label.ADDRESS).key == "1 DOCK ROAD HULL HU9 1AA"


def test_a_licence_resolves_to_the_company_at_the_same_postcode() -> None:
    index = HaulierIndex()
    _build(companies_house.SOURCE, _company(), index)
    firm = _node(_build(operator_licences.SOURCE, _licence(), index), Label.HAULIER)
    assert firm.key == "CH:08209948"
    assert firm.properties["licences"] == ["OB1234567"]


def test_a_trading_name_is_not_used_to_resolve() -> None:
    index = HaulierIndex()
    _build(operator_licences.SOURCE, _licence(), index)
    assert index.resolve("ACME LOGISTICS", "GB") == "NAME:ACME LOGISTICS|GB"


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("licence number", "0B1234567"),
        ("licence number", "OA1234567"),
        ("licence number", ""),
        ("operator name", ""),
        ("licence type", "Special Restricted"),
        ("vehicles authorised", "-3"),
        ("trailers authorised", "six"),
        ("correspondence postcode", "75008"),
        ("correspondence address", "--"),
    ],
)
def test_a_broken_licence_fails_on_its_column(column: str, value: str) -> None:
    assert _failing(operator_licences.LicenceRow, _licence(**{column: value})) == {column}


def test_optional_licence_columns_may_be_empty() -> None:
    empty = dict.fromkeys(
        ("trading name", "licence type", "licence status", "correspondence address",
         "correspondence postcode", "vehicles authorised", "trailers authorised", "traffic area"),
        "",
    )  # fmt: skip
    rows = _build(operator_licences.SOURCE, _licence(**empty))
    assert [row.label for row in rows if isinstance(row, NodeRow)] == [Label.HAULIER]


# registration -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "source"),
    [
        ("BasicCompanyData-2025-06-01-part1_7.csv", companies_house.SOURCE),
        ("companies_house.csv", companies_house.SOURCE),
        ("psc.jsonl", psc.SOURCE),
        ("persons-with-significant-control-snapshot-2025-06-01.jsonl", psc.SOURCE),
        ("operator_licences.csv", operator_licences.SOURCE),
    ],
)
def test_register_files_are_recognised_by_name(file: str, source: Source) -> None:
    assert any(fnmatch.fnmatch(file.lower(), pattern) for pattern in source.patterns)


def test_registers_load_first_in_order() -> None:
    orders = [s.order for s in (companies_house.SOURCE, psc.SOURCE, operator_licences.SOURCE)]
    assert orders == [10, 20, 30]
    assert psc.SOURCE.kind == "records" and psc.SOURCE.skip is psc.skip
