"""Quarantined rows read back after a real load: row, fields, reason and original values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from loaders.pipeline import LoadReport, run
from loaders.quarantine import Quarantine, QuarantinedRow, read_quarantine
from loaders.reports import quarantined_files, quarantined_rows
from ocgmap.errors import InputError
from ocgmap.store.embedded import EmbeddedStore

#: Row 3: negative duration; row 4: a cell more than the header; row 5: bad phone.
CALLS = (
    "call_id,from_number,to_number,started_at,duration_s\n"
    "C1,07700 900001,07700 900002,2025-03-01T02:14:00,60\n"
    "C2,07700 900002,07700 900003,2025-03-02T02:14:00,-5\n"
    "C3,07700 900003,07700 900001,2025-03-03T02:14:00,30,EXTRA\n"
    'C4,"call me, maybe",07700 900001,2025-03-04T02:14:00,10\n'
)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, LoadReport]:
    """One real load of a CSV, a JSONL and an XLSX file, each with quarantined rows."""
    data = tmp_path_factory.mktemp("data")
    home = tmp_path_factory.mktemp("home")
    (data / "calls.csv").write_text(CALLS, encoding="utf-8")
    lines = [
        {"call_id": "S1", "from_number": "07700 900001", "to_number": "07700 900002"},
        {"call_id": "S2", "from_number": "07700 900001", "to_number": "07700 900004"},
    ]
    lines[0]["started_at"] = "2025-03-01T02:14:00"
    (data / "calls_sms.jsonl").write_text(
        "\n".join(json.dumps(v) for v in lines) + "\nnot json\n", encoding="utf-8"
    )
    book = Workbook()
    sheet = book.active
    sheet.append(["read_id", "vrm", "read_at", "camera_id"])
    sheet.append(["R1", "ZZ01 AAA", "2025-03-01T02:14:00", "CAM-1"])
    sheet.append(["R2", "ZZ01 AAA", "not a time", "CAM-1"])
    book.save(data / "anpr.xlsx")
    report = run([data], EmbeddedStore(home / "graph.json"), home)
    return home, report


def test_files_with_quarantined_rows_are_listed_by_input_name(
    loaded: tuple[Path, LoadReport],
) -> None:
    _, report = loaded
    assert sorted(quarantined_files(report)) == ["anpr.xlsx", "calls.csv", "calls_sms.jsonl"]


def test_csv_rows_come_back_with_reason_and_original_values(
    loaded: tuple[Path, LoadReport],
) -> None:
    home, report = loaded
    rows = quarantined_rows(home, report.load_id, "calls.csv")
    assert [(r.row, r.fields) for r in rows] == [
        (3, ["duration_s"]),
        (4, ["(row)"]),
        (5, ["from_number"]),
    ]
    assert "greater than or equal to 0" in rows[0].reason
    assert "6 cells" in rows[1].reason
    assert rows[0].values == {
        "call_id": "C2",
        "from_number": "07700 900002",
        "to_number": "07700 900003",
        "started_at": "2025-03-02T02:14:00",
        "duration_s": "-5",
    }
    assert rows[2].values["from_number"] == "call me, maybe"  # quoting survives the round trip


def test_jsonl_and_xlsx_quarantines_read_back(loaded: tuple[Path, LoadReport]) -> None:
    home, report = loaded
    sms = quarantined_rows(home, report.load_id, "calls_sms.jsonl")
    assert [(r.row, r.fields) for r in sms] == [(2, ["started_at"]), (3, ["(row)"])]
    assert sms[0].values["to_number"] == "07700 900004"
    assert sms[1].values == {"line": "not json\n"}  # the line as read
    [anpr] = quarantined_rows(home, report.load_id, "anpr.xlsx")
    assert (anpr.row, anpr.fields, anpr.values["read_id"]) == (3, ["read_at"], "R2")


def test_limit_and_files_without_quarantine(loaded: tuple[Path, LoadReport]) -> None:
    home, report = loaded
    assert [r.row for r in quarantined_rows(home, report.load_id, "calls.csv", limit=2)] == [3, 4]
    assert quarantined_rows(home, report.load_id, "detections.csv") == []
    assert quarantined_rows(home, "20990101T000000Z-000000", "calls.csv") == []


@pytest.mark.parametrize(
    ("load_id", "file"),
    [("..", "calls.csv"), ("L1", "../loads/x/report.json"), ("L1", "a\\b.csv"), ("", "a.csv")],
)
def test_names_with_folders_are_refused(tmp_path: Path, load_id: str, file: str) -> None:
    with pytest.raises(InputError, match="plain name"):
        quarantined_rows(tmp_path, load_id, file)


def test_extra_columns_of_later_rows_come_back_as_values(tmp_path: Path) -> None:
    quarantine = Quarantine(tmp_path / "referrals.csv")
    quarantine.add(2, ["reported_at"], "bad time", {"referral_ref": "R1"})
    quarantine.add(4, ["a", "b"], "two things", {"referral_ref": "R2", "summary": "x=y"})
    quarantine.close()
    rows = read_quarantine(quarantine.path)
    assert rows[1] == QuarantinedRow(
        row=4,
        fields=["a", "b"],
        reason="two things",
        values={"referral_ref": "R2", "summary": "x=y"},
    )


def test_a_file_that_is_not_a_quarantine_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("row,fields,reason,call_id\nthree,x,y,C1\n", encoding="utf-8")
    with pytest.raises(InputError, match="not an ocgmap quarantine file"):
        read_quarantine(path)
    with pytest.raises(InputError, match="Cannot read the quarantine file"):
        read_quarantine(tmp_path / "missing.csv")
