"""Reading every accepted file type, and loading the real public-register samples."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from servers import shared_sample

from loaders.pipeline import run
from loaders.read import read_records
from ocgmap import normalise
from ocgmap.errors import InputError
from ocgmap.schema.labels import Label
from ocgmap.store.embedded import EmbeddedStore


def test_csv_rows_are_numbered_by_record_not_line(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text('call_id,notes\nC1,"two\nlines"\nC2,x\n,\nC3,y,EXTRA\n', encoding="utf-8")
    records = list(read_records(path))
    assert [(r.row, r.values.get("call_id"), r.error is None) for r in records] == [
        (2, "C1", True),
        (3, "C2", True),
        (5, "C3", False),
    ]
    assert records[0].values["notes"] == "two\nlines"
    assert "3 cells" in (records[2].error or "")


def test_jsonl_keeps_going_past_a_broken_line(tmp_path: Path) -> None:
    path = tmp_path / "calls.jsonl"
    path.write_text('{"Call_ID": "C1"}\nnot json\n\n[1, 2]\n{"call_id": "C4"}\n')
    records = list(read_records(path))
    assert [(r.row, r.error is None) for r in records] == [
        (1, True),
        (2, False),
        (4, False),
        (5, True),
    ]
    assert records[0].values == {"call_id": "C1"}


def test_xlsx_first_sheet_loads_with_native_cell_types(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "Detection_Ref",
            "Detected_At",
            "Location_Type",
            "VRM",
            "Entrants_Count",
            "Reporting_Agency",
            "Driver_Phone",
        ]
    )
    sheet.append(
        ["X-1", dt.datetime(2025, 3, 1, 2, 14), "port", "ab12 cde", 4, "Border Force", 7700900123]
    )
    sheet.append(["X-2", "yesterday", "PORT", None, 1, "Border Force", None])
    book.create_sheet("ignored").append(["nothing", "here"])
    path = tmp_path / "detections.xlsx"
    book.save(path)
    store = EmbeddedStore(tmp_path / "graph.json")
    report = run([path], store, tmp_path)
    [entry] = report.files
    assert (entry.loaded, entry.quarantined) == (1, 1)
    assert entry.quarantine_file and entry.quarantine_file.endswith("detections.xlsx.csv")
    detection = store.get(Label.DETECTION, "X-1")
    assert detection is not None
    assert detection.properties["detected_at"] == dt.datetime(2025, 3, 1, 2, 14, tzinfo=dt.UTC)
    assert store.get(Label.PHONE, "+447700900123") is not None


def test_a_damaged_xlsx_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "anpr.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputError, match="anpr.xlsx is not a readable XLSX"):
        list(read_records(path))


def test_real_companies_house_and_psc_samples_load_exactly(tmp_path: Path) -> None:
    folder = tmp_path / "registers"
    folder.mkdir()
    (folder / "BasicCompanyData-sample.csv").write_text(
        shared_sample("companies_house_BasicCompanyData_sample.csv"), encoding="utf-8"
    )
    (folder / "psc-snapshot.jsonl").write_text(
        shared_sample("companies_house_psc_snapshot_sample.jsonl"), encoding="utf-8"
    )
    store = EmbeddedStore(tmp_path / "graph.json")
    report = run([folder], store, tmp_path)
    by_source = {f.source: f for f in report.files}
    assert by_source["companies_house"].loaded == 1
    assert by_source["psc"].loaded == 1
    company = store.get(Label.HAULIER, "CH:07687209")
    assert company is not None
    assert company.properties["company_number"] == "07687209"
    assert company.properties["incorporated_on"] == dt.date(2011, 6, 29)
    assert "!OBAC FITTINGS LIMITED" in company.properties["names"]
    record = json.loads(shared_sample("companies_house_psc_snapshot_sample.jsonl"))["data"]
    parts = record["name_elements"]
    name = normalise.person(f"{parts['forename']} {parts['middle_name']} {parts['surname']}")
    person = store.get(Label.PERSON, f"{name}|1977-02")
    assert person is not None and person.properties["dob"] == "1977-02"
    controls = [e for e in store.neighbourhood([person.ref]).edges if e.type == "CONTROLS"]
    assert [e.end.key for e in controls] == ["CH:09145694"]
    assert controls[0].properties["to_on"] == dt.date(2018, 5, 14)
