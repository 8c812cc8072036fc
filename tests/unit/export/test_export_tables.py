"""subjects.xlsx read back with openpyxl: entity sheets, links, intelligence, events."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from export_world import SECRET_PERSON, SECRET_REF, SECRET_ROW, package_in

from ocgmap.export.cells import neutralise
from ocgmap.export.package import TargetPackage
from ocgmap.export.tables import SHEET_NAMES, write_xlsx

EXPORTED_AT = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)


def _package(tmp_path: Path, **options: object) -> TargetPackage:
    options.setdefault("exported_at", EXPORTED_AT)
    return package_in(tmp_path, **options)


@pytest.fixture
def package(tmp_path: Path) -> TargetPackage:
    return _package(tmp_path)


def _rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    wb = openpyxl.load_workbook(path)
    return [tuple(row) for row in wb[sheet].iter_rows(values_only=True)]


def _records(path: Path, sheet: str) -> list[dict[str, object]]:
    """Data rows of a sheet as dicts keyed by the header (row 2)."""
    rows = _rows(path, sheet)
    header = [str(h) for h in rows[1]]
    return [dict(zip(header, row, strict=True)) for row in rows[2:]]


def _all_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist())


def test_sheets_are_the_entity_types_present_then_links_intelligence_events(
    package: TargetPackage, tmp_path: Path
) -> None:
    path = write_xlsx(package, tmp_path / "subjects.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "People",
        "Hauliers",
        "Vehicles",
        "Trailers",
        "Phones",
        "Addresses",
        "Links",
        "Intelligence",
        "Events",
    ]


def test_every_subject_is_on_its_sheet_with_name_score_and_provenance(
    package: TargetPackage, tmp_path: Path
) -> None:
    path = write_xlsx(package, tmp_path / "subjects.xlsx")
    for subject in package.subjects:
        records = _records(path, SHEET_NAMES[subject.label])
        # a phone's key "+44..." is written "'+44..." so no spreadsheet reads it as a formula
        row = next(r for r in records if r["Identifier"] == neutralise(subject.key))
        assert row["Name"] == (neutralise(subject.name) if subject.name else subject.name)
        assert row["Key-player score"] == subject.key_player_score
        assert row["Provenance"] == "; ".join(subject.sources)
    people = _records(path, "People")
    assert [r["Identifier"] for r in people] == ["JAN TESTOWY|1980-01-02"]
    assert people[0]["Date of birth"] == "1980-01-02"
    assert people[0]["Key-player score"] == pytest.approx(0.9)
    assert _records(path, "Hauliers")[0]["Company number"] == "01234567"


def test_links_intelligence_and_events_match_the_package(
    package: TargetPackage, tmp_path: Path
) -> None:
    path = write_xlsx(package, tmp_path / "subjects.xlsx")
    links = _records(path, "Links")
    assert [(r["Type"], r["From"], r["To"]) for r in links] == [
        (link.type, link.source, link.target) for link in package.links
    ]
    assert links[0]["Link ID"] == "LINK-0001"
    concerns = next(r for r in links if r["Type"] == "CONCERNS")
    assert (concerns["Grading"], concerns["Handling code"]) == ("2B", "P")
    assert concerns["First seen (UTC)"] == dt.datetime(2026, 2, 1, 9, 30)

    intelligence = _records(path, "Intelligence")
    assert [r["Reference"] for r in intelligence] == ["REF-P-1"]
    assert intelligence[0]["Grading"] == "2B"
    assert intelligence[0]["Agency"] == "Kent Police"
    assert intelligence[0]["Intelligence document submitted"] == "yes"
    assert intelligence[0]["Provenance"] == "L1:referrals.csv#2"

    events = _records(path, "Events")
    assert [(r["Type"], r["Reference"]) for r in events] == [
        ("Detection", "D-2026-001"),
        ("Referral", "REF-P-1"),
    ]
    assert events[0]["Date (UTC)"] == dt.datetime(2026, 3, 9, 9, 30)
    assert events[0]["Reporting agencies"] == "Border Force"


def test_marking_heads_every_sheet_on_screen_and_in_print(
    package: TargetPackage, tmp_path: Path
) -> None:
    path = write_xlsx(
        package.model_copy(update={"marking": "OFFICIAL-SENSITIVE"}), tmp_path / "s.xlsx"
    )
    wb = openpyxl.load_workbook(path)
    for ws in wb:
        assert ws["A1"].value == "OFFICIAL-SENSITIVE", ws.title
        assert ws.oddHeader.center.text == "OFFICIAL-SENSITIVE", ws.title
        assert ws.oddFooter.center.text == "OFFICIAL-SENSITIVE", ws.title
        assert ws.freeze_panes == "A3", ws.title
        assert all(cell.font.b for cell in ws[2] if cell.value), ws.title
        assert ws.column_dimensions["A"].width >= 8


def test_intelligence_sheet_counts_what_was_withheld(
    package: TargetPackage, tmp_path: Path
) -> None:
    path = write_xlsx(package, tmp_path / "subjects.xlsx")
    caption = _rows(path, "Intelligence")[0][1]
    assert "1 referral withheld under their handling codes (C: 1)" in str(caption)


def test_withheld_referral_its_row_and_person_are_nowhere_in_the_file(
    package: TargetPackage, tmp_path: Path
) -> None:
    content = _all_text(write_xlsx(package, tmp_path / "subjects.xlsx"))
    assert "REF-P-1" in content  # the search looks where the data is
    for secret in (SECRET_REF, SECRET_ROW, SECRET_PERSON, "HIDDEN SOURCE PERSON", "NCCU-9"):
        assert secret not in content


def test_conditional_referral_appears_when_included_with_justification(tmp_path: Path) -> None:
    package = _package(tmp_path, include_conditional=True, justification="NCA-approved recipient")
    path = write_xlsx(package, tmp_path / "subjects.xlsx")
    intelligence = {r["Reference"]: r for r in _records(path, "Intelligence")}
    assert intelligence[SECRET_REF]["Handling code"] == "C"
    assert intelligence[SECRET_REF]["Handling conditions"] == "not to be shared outside the NCA"
    assert any(r["Identifier"] == SECRET_PERSON for r in _records(path, "People"))
    assert SECRET_ROW in _all_text(path)


def test_two_exports_at_different_times_are_byte_identical(tmp_path: Path) -> None:
    first = _package(tmp_path / "a", exported_at=EXPORTED_AT)
    second = _package(tmp_path / "b", exported_at=EXPORTED_AT + dt.timedelta(days=3, hours=5))
    assert first.exported_at != second.exported_at
    a = write_xlsx(first, tmp_path / "a.xlsx").read_bytes()
    b = write_xlsx(second, tmp_path / "b.xlsx").read_bytes()
    assert a == b
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 28, 12, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2026-11-28T12:00:00Z" in core


def test_a_value_that_looks_like_a_formula_stays_text(
    package: TargetPackage, tmp_path: Path
) -> None:
    odd = package.subjects[0].model_copy(update={"name": '=HYPERLINK("http://x","y")'})
    path = write_xlsx(
        package.model_copy(update={"subjects": [odd, *package.subjects[1:]]}),
        tmp_path / "subjects.xlsx",
    )
    wb = openpyxl.load_workbook(path)
    cell = wb[SHEET_NAMES[odd.label]]["B3"]
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://x","y")'  # neutralised: ocgmap.export.cells
