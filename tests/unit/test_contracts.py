"""Tests for the formats.md contract checker in tests/contracts.py."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from contracts import CH_HEADER, CONTRACTS, PSC_TOTALS_KIND, Problem, check_file

# The real BasicCompanyData header and a real row (shared/samples), verbatim.
CH_HEADER_LINE = (
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
CH_ROW = (
    '"!OBAC UK LIMITED","07687209","","","UNIT 9   BERRY COURT FARM BRAMLEY ROAD",'
    '"LITTLE LONDON","TADLEY","HAMPSHIRE","","RG26 5AT","Private Limited Company","Active",'
    '"United Kingdom","","29/06/2011","29","12","29/09/2022","31/12/2020",'
    '"TOTAL EXEMPTION FULL","27/07/2017","29/06/2016","1","0","0","1",'
    '"70229 - Management consultancy activities other than financial management","","","",'
    '"0","0","http://business.data.gov.uk/id/company/07687209","15/07/2011",'
    '"!OBAC FITTINGS LIMITED","","","","","","","","","","","","","","","","","","",'
    '"13/07/2022","29/06/2021"'
)
# The shape of the real PSC snapshot record in shared/samples, with an invented person.
PSC_INDIVIDUAL = (
    '{"company_number":"09145694","data":{"address":{"address_line_1":"St. Andrews Road",'
    '"country":"England","locality":"Henley-On-Thames","postal_code":"RG9 1HP","premises":"2"},'
    '"ceased_on":"2018-05-14","country_of_residence":"England","date_of_birth":{"month":2,'
    '"year":1977},"etag":"3b8caf795c03af63921e381f7bb8300a51ebb73d",'
    '"kind":"individual-person-with-significant-control","links":{"self":'
    '"/company/09145694/persons-with-significant-control/individual/bIhuKnMFctSnjrDjUG8n3NgOrlU"},'
    '"name":"Mrs Lan Thi Example","name_elements":{"forename":"Lan","middle_name":"Thi",'
    '"surname":"Example","title":"Mrs"},"nationality":"Vietnamese",'
    '"natures_of_control":["ownership-of-shares-50-to-75-percent"],"notified_on":"2016-04-06"}}'
)


def write(tmp_path: Path, name: str, text: str, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig" if bom else "utf-8", newline="")
    return path


def csv_text(*lines: str) -> str:
    return "".join(line + "\r\n" for line in lines)


def rows_and_fields(problems: list[Problem]) -> list[tuple[int, str]]:
    return [(problem.row, problem.field) for problem in problems]


def test_every_source_has_a_contract() -> None:
    assert set(CONTRACTS) == {
        "detections", "referrals", "anpr", "crossings", "calls", "subscribers", "ocgm",
        "companies_house", "psc", "operator_licences",
    }  # fmt: skip


def test_detections_accepts_the_common_variations_and_reports_bad_rows(tmp_path: Path) -> None:
    # BOM, upper-case and padded headers, reordered columns, an unknown extra column, and a
    # quoted note spanning two physical lines (so records and lines differ).
    text = csv_text(
        " ENTRANTS_COUNT ,Detection_Ref,DETECTED_AT,location_type,port_locode,driver_phone,"
        "driver_dob,route_from,reporting_agency,notes,force_extra",
        "3,D1,01/03/2025 02:14,PORT,GB DVR,07700 900123,01/02/1980,FRCQF,Border Force,"
        '"found in load\nsecond line",x',
        "0,D2,2025-03-01T02:14:00Z,services,gbdvr,0048 601 234 567,1980-02-01,,Kent Police,,",
        "1,D3,2025-03-01,INLAND,,,31/02/1980,,Border Force,,",  # row 4: bad date
        "1,D4,2025-03-01T02:14:00+01:00,BEACH,,,,,Border Force,,",  # row 5: unknown enum
        "1,D5,01/03/2025,PORT,,,,,,,",  # row 6: missing required value
        "-1,D6,01/03/2025,PORT,,,,,Border Force,,",  # row 7: negative integer
        "1,D7,01/03/2025,PORT,,,,G1 DVR,Border Force,,",  # row 8: bad LOCODE
    )
    problems = check_file(write(tmp_path, "detections.csv", text, bom=True))
    assert rows_and_fields(problems) == [
        (4, "driver_dob"),
        (5, "location_type"),
        (6, "reporting_agency"),
        (7, "entrants_count"),
        (8, "route_from"),
    ]


def test_referrals_checks_enums_dates_and_typed_subjects(tmp_path: Path) -> None:
    header = (
        "referral_ref,reported_at,reporting_agency,intel_submitted,source_evaluation,"
        "intel_assessment,handling_code,subject_type,subject_value,subject_dob"
    )
    text = csv_text(
        header,
        "R1,01/03/2025 02:14,Kent Police,y,1,a,p,PERSON,Jan Kowalski,14/05/1980",
        "R1,01/03/2025 02:14,Kent Police,N,2,B,C,PORT,GB DVR,",
        "R1,01/03/2025 02:14,Kent Police,N,2,B,C,PHONE,0048 601 234 567,",
        "R2,2025-03-02,Kent Police,Yes,1,A,P,VEHICLE,AB12 CDE,",  # row 5: Y/N only
        "R3,2025-03-02,Kent Police,Y,4,A,P,VEHICLE,AB12 CDE,",  # row 6: evaluation 1-3
        "R4,2025-03-02,Kent Police,Y,1,A,P,PERSON,Jan Kowalski,1980-13-01",  # row 7
        "R5,2025-03-02,Kent Police,Y,1,A,P,VEHICLE,AB12 CDE!,",  # row 8: bad VRM
        "R6,2025-03-02,Kent Police,Y,1,A,P,PORT,Port of Nowhere,",  # row 9: bad LOCODE
    )
    problems = check_file(write(tmp_path, "referrals.csv", text))
    assert rows_and_fields(problems) == [
        (5, "intel_submitted"),
        (6, "source_evaluation"),
        (7, "subject_dob"),
        (8, "subject_value"),
        (9, "subject_value"),
    ]


def test_anpr_checks_direction_and_coordinates(tmp_path: Path) -> None:
    text = csv_text(
        "read_id,vrm,read_at,camera_id,lat,lon,direction",
        "A1,ab12 cde,2025-03-01T02:14:00,C1,51.1,-1.3,nb",
        "A2,AB12CDE,2025-03-01T02:14:00,C1,,,",
        "A3,AB12CDE,2025-03-01T02:14:00,C1,91.0,-1.3,NB",  # row 4: latitude out of range
        "A4,AB12CDE,2025-03-01T02:14:00,C1,51.1,-1.3,NE",  # row 5: unknown direction
        "A5,AB12CDE,yesterday,C1,51.1,-1.3,NB",  # row 6: bad timestamp
    )
    problems = check_file(write(tmp_path, "anpr.csv", text))
    assert rows_and_fields(problems) == [(4, "lat"), (5, "direction"), (6, "read_at")]


def test_crossings_needs_both_ports(tmp_path: Path) -> None:
    text = csv_text(
        "booking_ref,crossed_at,dep_locode,arr_locode,booking_phone,haulier_name",
        "B1,2025-03-01T02:14:00Z,FR CQF,GB DVR,+44 7700 900123,Trans-Pol Sp. z o.o.",
        "B2,2025-03-01 02:14,,GBDVR,,",  # row 3: missing required value
        "B3,2025-03-01 02:14,FRCQF,GB-D1R,,",  # row 4: bad LOCODE
        "B4,2025-03-01 02:14,FRCQF,GBDVR,123,",  # row 5: bad phone
    )
    problems = check_file(write(tmp_path, "crossings.csv", text))
    assert rows_and_fields(problems) == [(3, "dep_locode"), (4, "arr_locode"), (5, "booking_phone")]


def test_calls_checks_duration_and_kind(tmp_path: Path) -> None:
    text = csv_text(
        "call_id,from_number,to_number,started_at,duration_s,kind",
        "C1,07700 900123,0048 601 234 567,01/03/2025 02:14,65,CALL",
        "C2,+447700900123,+48601234567,01/03/2025,,sms",
        "C3,07700 900123,0048 601 234 567,01/03/2025,-5,CALL",  # row 4: negative integer
        "C4,07700 900123,0048 601 234 567,01/03/2025,1.5,CALL",  # row 5: not an integer
        "C5,07700 900123,0048 601 234 567,01/03/2025,5,MMS",  # row 6: unknown kind
    )
    problems = check_file(write(tmp_path, "calls.csv", text))
    assert rows_and_fields(problems) == [(4, "duration_s"), (5, "duration_s"), (6, "kind")]


def test_subscribers_checks_postcode_and_source(tmp_path: Path) -> None:
    text = csv_text(
        "number,person_name,person_dob,address,postcode,source,attributed_at",
        "07700 900123,Jan Kowalski,14/05/1980,1 High St,so14 3ql,Provider,2025-03-01",
        "07700 900124,,,,,Provider,",
        "07700 900125,,,,NOT A POSTCODE,Provider,",  # row 4: bad postcode
        "07700 900126,,,,,,",  # row 5: missing required value
    )
    problems = check_file(write(tmp_path, "subscribers.csv", text))
    assert rows_and_fields(problems) == [(4, "postcode"), (5, "source")]


def test_ocgm_checks_bands_members_and_roles(tmp_path: Path) -> None:
    text = csv_text(
        "ocg_ref,lead_agency,band,graded_on,member_type,member_value,member_dob,role",
        "OCG1,NCA,1A,2025-01-01,PERSON,Jan Kowalski,14/05/1980,PRINCIPAL",
        "OCG1,NCA,1a,01/01/2025,vehicle,AB12 CDE,,asset",
        "OCG2,NCA,UNGRADED,01/01/2025,PHONE,07700 900123,,",
        "OCG3,NCA,4Z,01/01/2025,PERSON,Jan Kowalski,,",  # row 5: unknown band
        "OCG4,NCA,2B,01/01/2025,PERSON,Jan Kowalski,1980-02-30,",  # row 6: bad date
        "OCG5,NCA,2B,01/01/2025,PERSON,Jan Kowalski,,BOSS",  # row 7: unknown role
        "OCG6,NCA,2B,01/01/2025,PORT,GB DVR,,",  # row 8: PORT is no member type
    )
    problems = check_file(write(tmp_path, "ocgm.csv", text))
    assert rows_and_fields(problems) == [
        (5, "band"),
        (6, "member_dob"),
        (7, "role"),
        (8, "member_type"),
    ]


def test_operator_licences_checks_number_type_and_counts(tmp_path: Path) -> None:
    header = (
        "Licence Number,Operator Name,Trading Name,Licence Type,Licence Status,"
        "Correspondence Address,Correspondence Postcode,Vehicles Authorised,"
        "Trailers Authorised,Traffic Area"
    )
    text = csv_text(
        header,
        "OB1234567,Smith Haulage Ltd,,Standard International,Valid,1 Dock Rd,SO14 3QL,5,7,"
        "West Midlands",
        "ok 1234567,Jones Ltd,,standard national,Curtailed,,,,,",
        "OA1234567,Acme Ltd,,Restricted,Valid,,,1,1,",  # row 4: A is no traffic area
        "OB7654321,Acme Ltd,,Special,Valid,,,1,1,",  # row 5: unknown licence type
        "OB7654322,Acme Ltd,,Restricted,Valid,,,-2,1,",  # row 6: negative integer
        "OB7654323,,,Restricted,Valid,,,1,1,",  # row 7: missing required value
    )
    problems = check_file(write(tmp_path, "operator_licences.csv", text))
    assert rows_and_fields(problems) == [
        (4, "Licence Number"),
        (5, "Licence Type"),
        (6, "Vehicles Authorised"),
        (7, "Operator Name"),
    ]


def ch_row(**changes: str) -> str:
    cells = next(csv.reader([CH_ROW]))
    for name, value in changes.items():
        cells[CH_HEADER.index(name)] = value
    return ",".join(f'"{cell}"' for cell in cells)


def test_companies_house_accepts_the_real_layout_and_reports_bad_rows(tmp_path: Path) -> None:
    text = csv_text(
        CH_HEADER_LINE,
        CH_ROW,
        ch_row(CompanyNumber="SC012345", DissolutionDate="01/02/2024"),
        ch_row(CompanyNumber="7687209"),  # row 4: 7 characters
        ch_row(IncorporationDate="2011-06-29"),  # row 5: ISO date, not dd/mm/yyyy
        ch_row(CompanyName=""),  # row 6: missing required value
        ch_row(DissolutionDate="31/02/2020"),  # row 7: no such date
    )
    problems = check_file(write(tmp_path, "companies_house.csv", text))
    assert rows_and_fields(problems) == [
        (4, "CompanyNumber"),
        (5, "IncorporationDate"),
        (6, "CompanyName"),
        (7, "DissolutionDate"),
    ]


def test_companies_house_rejects_a_54_column_header(tmp_path: Path) -> None:
    header = CH_HEADER_LINE.removesuffix(", ConfStmtLastMadeUpDate")
    text = csv_text(header, CH_ROW)
    problems = check_file(write(tmp_path, "companies_house.csv", text))
    assert rows_and_fields(problems) == [(1, "(header)")]
    assert "got 54 columns" in problems[0].reason
    assert "ConfStmtLastMadeUpDate" in problems[0].reason


def test_companies_house_rejects_reordered_columns(tmp_path: Path) -> None:
    names = [name.strip() for name in CH_HEADER_LINE.split(",")]
    names[0], names[1] = names[1], names[0]
    problems = check_file(write(tmp_path, "companies_house.csv", csv_text(",".join(names))))
    assert rows_and_fields(problems) == [(1, "(header)")]
    assert "different order" in problems[0].reason


def psc_line(kind: str = "individual-person-with-significant-control", **data: Any) -> str:
    record = json.loads(PSC_INDIVIDUAL)
    record["data"]["kind"] = kind
    record["data"].update(data)
    record["data"] = {key: value for key, value in record["data"].items() if value is not None}
    return json.dumps(record)


def totals_line(**data: Any) -> str:
    totals = {
        "kind": PSC_TOTALS_KIND,
        "persons_of_significant_control_count": 3,
        "statements_count": 1,
        "exemptions_count": 0,
        "generated_at": "2025-03-01T06:00:00Z",
    }
    return json.dumps({"data": {**totals, **data}})


def test_psc_accepts_every_known_kind(tmp_path: Path) -> None:
    lines = [
        PSC_INDIVIDUAL,
        psc_line("corporate-entity-person-with-significant-control", date_of_birth=None),
        psc_line("super-secure-person-with-significant-control", name=None, notified_on=None),
        psc_line("persons-with-significant-control-statement", name=None),
        psc_line("individual-beneficial-owner"),
        "",  # a blank line is skipped but keeps the line numbers
        totals_line(),
    ]
    path = write(tmp_path, "psc.jsonl", "\n".join(lines) + "\n")
    assert check_file(path) == []


def test_psc_reports_bad_records_by_line(tmp_path: Path) -> None:
    lines = [
        PSC_INDIVIDUAL,
        psc_line(date_of_birth={"month": 13, "year": 1977}),  # row 2
        psc_line("individual-person-with-control"),  # row 3: unknown kind
        psc_line(notified_on=None),  # row 4: missing required value
        psc_line(notified_on="06/04/2016"),  # row 5: not an ISO date
        '{"company_number": "09145694", "data": ',  # row 6: not JSON
        psc_line(name=""),  # row 7
        json.dumps({"company_number": 9145694, "data": {"kind": "exemptions"}}),  # row 8
        totals_line(),
    ]
    problems = check_file(write(tmp_path, "psc.jsonl", "\n".join(lines) + "\n"))
    assert rows_and_fields(problems) == [
        (2, "data.date_of_birth.month"),
        (3, "data.kind"),
        (4, "data.notified_on"),
        (5, "data.notified_on"),
        (6, "(json)"),
        (7, "data.name"),
        (8, "company_number"),
    ]


def test_psc_without_totals_line_is_reported_after_the_last_line(tmp_path: Path) -> None:
    path = write(tmp_path, "psc.jsonl", PSC_INDIVIDUAL + "\n" + PSC_INDIVIDUAL + "\n")
    problems = check_file(path)
    assert rows_and_fields(problems) == [(3, "data.kind")]
    assert PSC_TOTALS_KIND in problems[0].reason


def test_psc_totals_line_must_be_last_and_well_formed(tmp_path: Path) -> None:
    lines = [totals_line(), PSC_INDIVIDUAL, totals_line(statements_count=-1)]
    problems = check_file(write(tmp_path, "psc.jsonl", "\n".join(lines)))
    assert rows_and_fields(problems) == [(1, "data.kind"), (3, "data.statements_count")]


def test_missing_required_header_column_is_a_file_problem(tmp_path: Path) -> None:
    text = csv_text("call_id,from_number,started_at", "C1,07700 900123,01/03/2025")
    problems = check_file(write(tmp_path, "calls.csv", text))
    assert problems == [Problem(1, "to_number", "required column is missing from the header")]


def test_duplicate_header_column_is_a_file_problem(tmp_path: Path) -> None:
    text = csv_text("call_id,from_number,to_number,started_at,CALL_ID")
    problems = check_file(write(tmp_path, "calls.csv", text))
    assert rows_and_fields(problems) == [(1, "call_id")]


def test_record_level_faults_are_reported_on_their_row(tmp_path: Path) -> None:
    header = b"call_id,from_number,to_number,started_at\r\n"
    good = b"C1,07700 900123,07700 900124,01/03/2025\r\n"
    body = [
        good,
        b"C2,07700 900123,07700 900124\r\n",  # row 3: too few cells
        b'C3,"07700" 900123,07700 900124,01/03/2025\r\n',  # row 4: bad quoting
        b"C4,07700 900123,07700 900124,01/03/2025,extra\r\n",  # row 5: too many cells
        b"\r\n",  # row 6: a blank line is skipped
        b"C\xff5,07700 900123,07700 900124,01/03/2025\r\n",  # row 7: not UTF-8
        good,
    ]
    path = tmp_path / "calls.csv"
    path.write_bytes(header + b"".join(body))
    assert rows_and_fields(check_file(path)) == [
        (3, "(row)"),
        (4, "(csv)"),
        (5, "(row)"),
        (7, "(encoding)"),
    ]


def test_source_can_be_given_and_unknown_sources_are_refused(tmp_path: Path) -> None:
    text = csv_text("call_id,from_number,to_number,started_at", "C1,1,2,3")
    path = write(tmp_path, "export.csv", text)
    assert rows_and_fields(check_file(path, source="calls")) == [(2, "from_number")]
    with pytest.raises(ValueError, match="No contract for source 'export'"):
        check_file(path)


def test_an_empty_file_has_no_header(tmp_path: Path) -> None:
    problems = check_file(write(tmp_path, "anpr.csv", ""))
    assert rows_and_fields(problems) == [(1, "(header)")]
