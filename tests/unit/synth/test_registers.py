"""Tests for ocgmap.synth.registers: Companies House, PSC snapshot and operator licences."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from ocgmap.errors import NormaliseError
from ocgmap.normalise import company as normalise_company
from ocgmap.normalise import country, operator_licence
from ocgmap.synth.model import Address, Company, Licence, Person
from ocgmap.synth.registers import (
    _NATIONALITIES,
    write_companies_house,
    write_operator_licences,
    write_psc,
)
from ocgmap.synth.truth import FileTruth

# The first line of shared/samples/companies_house_BasicCompanyData_sample.csv, verbatim.
REAL_CH_HEADER = (
    "CompanyName, CompanyNumber,RegAddress.CareOf,RegAddress.POBox,RegAddress.AddressLine1,"
    " RegAddress.AddressLine2,RegAddress.PostTown,RegAddress.County,RegAddress.Country,"
    "RegAddress.PostCode,CompanyCategory,CompanyStatus,CountryOfOrigin,DissolutionDate,"
    "IncorporationDate,Accounts.AccountRefDay,Accounts.AccountRefMonth,Accounts.NextDueDate,"
    "Accounts.LastMadeUpDate,Accounts.AccountCategory,Returns.NextDueDate,"
    "Returns.LastMadeUpDate,Mortgages.NumMortCharges,Mortgages.NumMortOutstanding,"
    "Mortgages.NumMortPartSatisfied,Mortgages.NumMortSatisfied,SICCode.SicText_1,"
    "SICCode.SicText_2,SICCode.SicText_3,SICCode.SicText_4,LimitedPartnerships.NumGenPartners,"
    "LimitedPartnerships.NumLimPartners,URI,PreviousName_1.CONDATE, PreviousName_1.CompanyName,"
    " PreviousName_2.CONDATE, PreviousName_2.CompanyName,PreviousName_3.CONDATE,"
    " PreviousName_3.CompanyName,PreviousName_4.CONDATE, PreviousName_4.CompanyName,"
    "PreviousName_5.CONDATE, PreviousName_5.CompanyName,PreviousName_6.CONDATE,"
    " PreviousName_6.CompanyName,PreviousName_7.CONDATE, PreviousName_7.CompanyName,"
    "PreviousName_8.CONDATE, PreviousName_8.CompanyName,PreviousName_9.CONDATE,"
    " PreviousName_9.CompanyName,PreviousName_10.CONDATE, PreviousName_10.CompanyName,"
    "ConfStmtNextDueDate, ConfStmtLastMadeUpDate"
)

# The key set of data in the real PSC record in shared/samples (ceased_on is optional).
REAL_PSC_KEYS = {
    "address",
    "ceased_on",
    "country_of_residence",
    "date_of_birth",
    "etag",
    "kind",
    "links",
    "name",
    "name_elements",
    "nationality",
    "natures_of_control",
    "notified_on",
}

Writer = Callable[[Path, Iterable[Company], random.Random], FileTruth]

UK_DATE = re.compile(r"\d{2}/\d{2}/\d{4}")
TOTALS_KIND = "totals#persons-of-significant-control-snapshot"


def make_companies() -> list[Company]:
    """One licensed haulier, one dissolved renamed company, one foreign, one with two owners."""
    hull = Address("12 Dock Road", "Hull", "HU9 1AA")
    return [
        Company(
            "Nowak Transport Ltd",
            "GB",
            hull,
            dt.date(2011, 6, 29),
            number="812345",
            licence=Licence("OB1234567", "Standard International", "Valid", 6, 8, "B"),
            controllers=[Person("Jan", "Nowak", dt.date(1980, 5, 17), "PL", title="Mr")],
        ),
        Company(
            "Old Haulage Limited",
            "GB",
            Address("3 Leith Walk", "Edinburgh", "EH6 8AA"),
            dt.date(2009, 2, 28),
            number="SC123456",
            status="Dissolved",
            dissolved_on=dt.date(2021, 3, 1),
            previous_name="Older Haulage Limited",
            controllers=[Person("Gary", "Smith", dt.date(1970, 1, 2), "GB")],
        ),
        Company(
            "Trans Pol sp. z o.o.",
            "PL",
            Address("ul. Długa 1", "Poznań", "60-001", "PL"),
            dt.date(2015, 1, 1),
            controllers=[Person("Piotr", "Mazur", dt.date(1975, 3, 3), "PL")],
        ),
        Company(
            "Two Owners Ltd",
            "GB",
            Address("9 High Street", "Cardiff", "CF10 1AA"),
            dt.date(2020, 2, 29),
            number="12345678",
            controllers=[
                Person("Anna Maria", "Jones", dt.date(1985, 2, 3), "GB"),
                Person("Ali", "Kaya", dt.date(1979, 9, 9), "TR"),
            ],
        ),
    ]


def many_companies(count: int) -> list[Company]:
    """``count`` licensed GB companies, each with one controller (rare kinds need volume)."""
    areas = "BCDFGHKMN"
    return [
        Company(
            f"Haulier {i} Limited" if i % 2 else f"Carrier {i} Ltd",
            "GB",
            Address(f"{i} Mill Lane", "Leeds", "LS1 4AP"),
            dt.date(2000 + i % 24, 1 + i % 12, 1 + i % 28),
            number=str(100000 + i),
            licence=Licence(
                f"O{areas[i % 9]}{1000000 + i}", "Restricted", "Valid", 1 + i % 20, 2, ""
            ),
            controllers=[Person("Mark", "Hill", dt.date(1970 + i % 30, 1 + i % 12, 5), "GB")],
        )
        for i in range(count)
    ]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- Companies House ---------------------------------------------------------------------


def test_ch_header_is_the_real_header_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "ch.csv"
    write_companies_house(path, make_companies(), random.Random(1))
    first_line = path.read_bytes().split(b"\r\n", 1)[0]
    assert first_line == REAL_CH_HEADER.encode("utf-8")
    assert len(REAL_CH_HEADER.split(",")) == 55


def test_ch_writes_gb_companies_only_and_plants_nothing(tmp_path: Path) -> None:
    truth = write_companies_house(tmp_path / "ch.csv", make_companies(), random.Random(1))
    rows = read_csv(tmp_path / "ch.csv")
    assert [row["CompanyName"] for row in rows] == [
        "NOWAK TRANSPORT LTD",
        "OLD HAULAGE LIMITED",
        "TWO OWNERS LTD",
    ]
    assert (truth.rows, truth.quarantine, truth.bad_rows) == (3, 0, [])


def test_ch_every_value_is_quoted(tmp_path: Path) -> None:
    path = tmp_path / "ch.csv"
    write_companies_house(path, make_companies(), random.Random(1))
    lines = path.read_bytes().decode("utf-8").split("\r\n")[1:-1]
    assert len(lines) == 3
    for line in lines:
        cells = next(csv.reader([line]))
        assert len(cells) == 55
        requoted = io.StringIO()
        csv.writer(requoted, quoting=csv.QUOTE_ALL, lineterminator="").writerow(cells)
        assert requoted.getvalue() == line


def test_ch_company_numbers_keep_leading_zeros_and_prefixes(tmp_path: Path) -> None:
    write_companies_house(tmp_path / "ch.csv", make_companies(), random.Random(1))
    rows = read_csv(tmp_path / "ch.csv")
    assert [row[" CompanyNumber"] for row in rows] == ["00812345", "SC123456", "12345678"]
    assert rows[0]["URI"] == "http://business.data.gov.uk/id/company/00812345"
    assert rows[0]["SICCode.SicText_1"] == "49410 - Freight transport by road"
    assert rows[0]["CountryOfOrigin"] == "United Kingdom"
    assert rows[0]["RegAddress.PostCode"] == "HU9 1AA"
    assert rows[0]["RegAddress.Country"] in {"England", "United Kingdom"}


def test_ch_dates_are_uk_style(tmp_path: Path) -> None:
    write_companies_house(tmp_path / "ch.csv", make_companies(), random.Random(1))
    rows = read_csv(tmp_path / "ch.csv")
    date_columns = [name for name in rows[0] if "Date" in name or name.endswith("CONDATE")]
    assert len(date_columns) == 18
    for row in rows:
        for name in date_columns:
            assert row[name] == "" or UK_DATE.fullmatch(row[name]), (name, row[name])
    assert rows[0]["IncorporationDate"] == "29/06/2011"
    assert rows[0]["Returns.LastMadeUpDate"] == "29/06/2016"  # as in the real sample row
    assert rows[0]["Returns.NextDueDate"] == "27/07/2017"


def test_ch_dissolved_company_with_previous_name(tmp_path: Path) -> None:
    write_companies_house(tmp_path / "ch.csv", make_companies(), random.Random(1))
    dissolved = read_csv(tmp_path / "ch.csv")[1]
    assert dissolved["CompanyStatus"] == "Dissolved"
    assert dissolved["DissolutionDate"] == "01/03/2021"
    assert dissolved[" PreviousName_1.CompanyName"] == "OLDER HAULAGE LIMITED"
    changed = dt.datetime.strptime(dissolved["PreviousName_1.CONDATE"], "%d/%m/%Y").date()
    assert dt.date(2009, 2, 28) < changed <= dt.date(2021, 3, 1)
    assert dissolved["RegAddress.Country"] in {"Scotland", "United Kingdom"}


# --- PSC snapshot ------------------------------------------------------------------------


def test_psc_one_line_per_controller_of_gb_companies(tmp_path: Path) -> None:
    path = tmp_path / "psc.jsonl"
    truth = write_psc(path, make_companies(), random.Random(1))
    *records, _totals = read_jsonl(path)
    assert [r["company_number"] for r in records] == ["00812345", "SC123456", "12345678"] + [
        "12345678"
    ]
    assert (truth.rows, truth.quarantine) == (4, 0)
    for record in records:
        data = record["data"]
        assert isinstance(data, dict)
        assert data["kind"] == "individual-person-with-significant-control"
        assert REAL_PSC_KEYS - {"ceased_on"} <= set(data) <= REAL_PSC_KEYS
        assert re.fullmatch(r"[0-9a-f]{40}", data["etag"])
        assert data["links"]["self"].startswith(
            f"/company/{record['company_number']}/persons-with-significant-control/individual/"
        )


def test_psc_date_of_birth_is_month_and_year_only(tmp_path: Path) -> None:
    path = tmp_path / "psc.jsonl"
    write_psc(path, make_companies(), random.Random(1))
    *records, _totals = read_jsonl(path)
    dobs = [r["data"]["date_of_birth"] for r in records]
    assert dobs == [
        {"month": 5, "year": 1980},
        {"month": 1, "year": 1970},
        {"month": 2, "year": 1985},
        {"month": 9, "year": 1979},
    ]
    assert '"day"' not in path.read_text(encoding="utf-8")


def test_psc_names_nationalities_and_ceasing(tmp_path: Path) -> None:
    path = tmp_path / "psc.jsonl"
    write_psc(path, make_companies(), random.Random(1))
    nowak, smith, jones, kaya, _totals = (r["data"] for r in read_jsonl(path))
    assert nowak["name"] == "Mr Jan Nowak"
    assert nowak["nationality"] == "Polish"
    assert nowak["natures_of_control"][:2] == [
        "ownership-of-shares-75-to-100-percent",
        "voting-rights-75-to-100-percent",
    ]
    assert "ceased_on" not in nowak
    assert smith["ceased_on"] == "2021-03-01"
    assert smith["nationality"] == "British"
    assert jones["name_elements"]["middle_name"] == "Maria"
    assert jones["name_elements"]["title"] != "Mr"
    assert kaya["nationality"] == "Turkish"
    assert kaya["notified_on"] == "2020-02-29"


def test_psc_ends_with_the_totals_line(tmp_path: Path) -> None:
    path = tmp_path / "psc.jsonl"
    write_psc(path, make_companies(), random.Random(1))
    totals = read_jsonl(path)[-1]
    assert set(totals) == {"data"}
    data = totals["data"]
    assert isinstance(data, dict)
    assert data["kind"] == TOTALS_KIND
    assert data["persons_of_significant_control_count"] == 4
    assert data["statements_count"] == 0
    assert data["exemptions_count"] == 0
    assert re.fullmatch(r"2025-06-01T03:\d{2}:\d{2}(Z|\+01:00)", data["generated_at"])


def test_psc_other_kinds_appear_and_totals_count_them(tmp_path: Path) -> None:
    path = tmp_path / "psc.jsonl"
    truth = write_psc(path, many_companies(1000), random.Random(5))
    *records, totals = read_jsonl(path)
    kinds = [r["data"]["kind"] for r in records]
    statements = kinds.count("persons-with-significant-control-statement")
    corporate = kinds.count("corporate-entity-person-with-significant-control")
    individuals = kinds.count("individual-person-with-significant-control")
    assert individuals == 1000
    assert 5 <= statements <= 40
    assert corporate >= 1
    assert truth.rows == len(records) == individuals + statements + corporate
    assert totals["data"]["persons_of_significant_control_count"] == individuals + corporate
    assert totals["data"]["statements_count"] == statements


def test_psc_nationality_words_normalise_back_to_their_codes() -> None:
    for code, word in _NATIONALITIES.items():
        assert country(word) == code, word


# --- operator licences -------------------------------------------------------------------


def test_licences_one_row_per_licensed_company(tmp_path: Path) -> None:
    truth = write_operator_licences(tmp_path / "ol.csv", make_companies(), random.Random(1))
    rows = read_csv(tmp_path / "ol.csv")
    assert list(rows[0]) == [
        "Licence Number",
        "Operator Name",
        "Trading Name",
        "Licence Type",
        "Licence Status",
        "Correspondence Address",
        "Correspondence Postcode",
        "Vehicles Authorised",
        "Trailers Authorised",
        "Traffic Area",
    ]
    assert len(rows) == 1
    assert rows[0]["Licence Number"] == "OB1234567"
    assert rows[0]["Traffic Area"] == "North East of England"
    assert rows[0]["Correspondence Postcode"] == "HU9 1AA"
    assert rows[0]["Vehicles Authorised"] == "6"
    assert (truth.rows, truth.quarantine) == (1, 0)


def test_licence_operator_names_vary_only_in_legal_suffix(tmp_path: Path) -> None:
    companies = many_companies(300)
    write_operator_licences(tmp_path / "ol.csv", companies, random.Random(2))
    rows = read_csv(tmp_path / "ol.csv")
    registered = [c.name.upper() for c in companies]
    varied = [
        (r["Operator Name"], n)
        for r, n in zip(rows, registered, strict=True)
        if r["Operator Name"] != n
    ]
    assert 0.15 < len(varied) / len(rows) < 0.45
    for written, name in varied:
        assert normalise_company(written) == normalise_company(name)
    assert any(r["Trading Name"] for r in rows)
    assert {r["Traffic Area"] for r in rows} == {
        "North East of England",
        "North West of England",
        "West Midlands",
        "East of England",
        "Wales",
        "West of England",
        "London and the South East of England",
        "Scotland",
        "Northern Ireland",
    }


def _is_broken(row: dict[str, str], column: str) -> bool:
    value = row[column]
    if column == "Operator Name":
        return value == ""
    if column == "Vehicles Authorised":
        return not value.isdigit()
    try:
        return operator_licence(value) is None
    except NormaliseError:
        return True


@pytest.mark.parametrize("faults", [1, 4, 9])
def test_licence_faults_are_planted_with_their_row_numbers(tmp_path: Path, faults: int) -> None:
    path = tmp_path / "ol.csv"
    truth = write_operator_licences(path, many_companies(40), random.Random(3), faults=faults)
    rows = read_csv(path)
    assert truth.rows == len(rows) == 40 + faults
    assert truth.quarantine == len(truth.bad_rows) == faults
    bad_numbers = {bad.row for bad in truth.bad_rows}
    assert len(bad_numbers) == faults
    for number, row in enumerate(rows, start=2):  # the header is row 1
        broken = {
            column
            for column in ("Licence Number", "Operator Name", "Vehicles Authorised")
            if _is_broken(row, column)
        }
        if number in bad_numbers:
            bad = next(b for b in truth.bad_rows if b.row == number)
            assert broken == {bad.field}, (number, row)
            assert bad.reason
        else:
            assert broken == set(), (number, row)
    if faults >= 4:
        assert {b.field for b in truth.bad_rows} == {
            "Licence Number",
            "Operator Name",
            "Vehicles Authorised",
        }


def test_licence_faults_are_spread_through_the_file(tmp_path: Path) -> None:
    truth = write_operator_licences(
        tmp_path / "ol.csv", many_companies(200), random.Random(4), faults=10
    )
    rows = sorted(bad.row for bad in truth.bad_rows)
    assert rows[0] < 100 < rows[-1]


def test_licence_faults_need_a_valid_count_and_a_licence(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="The 'faults' parameter"):
        write_operator_licences(tmp_path / "ol.csv", make_companies(), random.Random(1), faults=-1)
    with pytest.raises(ValueError, match="at least one company with a licence"):
        write_operator_licences(tmp_path / "ol.csv", [], random.Random(1), faults=2)


# --- determinism and streaming -----------------------------------------------------------


@pytest.mark.parametrize(
    "write",
    [
        lambda p, c, r: write_companies_house(p, c, r),
        lambda p, c, r: write_psc(p, c, r),
        lambda p, c, r: write_operator_licences(p, c, r, faults=3),
    ],
    ids=["companies_house", "psc", "operator_licences"],
)
def test_same_seed_same_bytes(tmp_path: Path, write: Writer) -> None:
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write(first, many_companies(120), random.Random(11))
    write(second, iter(many_companies(120)), random.Random(11))  # a one-pass iterable too
    write(other, many_companies(120), random.Random(12))
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()
