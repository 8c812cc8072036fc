"""Formula (CSV) injection: every CSV and XLSX writer neutralises text that starts a formula."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from export_world import package_in

from ocgmap.audit import Action, audit_log
from ocgmap.export.cells import FORMULA_START, neutralise
from ocgmap.export.i2 import write_i2
from ocgmap.export.package import TargetPackage
from ocgmap.export.tables import SHEET_NAMES, write_xlsx

PAYLOAD = '=HYPERLINK("http://x","y")'
DDE = "=cmd|' /C calc'!A0"
EXPORTED_AT = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (PAYLOAD, "'" + PAYLOAD),
        (DDE, "'" + DDE),
        ("+447700900123", "'+447700900123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("AB12CDE", "AB12CDE"),
        ("a=1", "a=1"),
        (" =1", " =1"),
        ("", ""),
    ],
)
def test_text_that_starts_a_formula_gets_a_quote(value: str, written: str) -> None:
    assert neutralise(value) == written


def test_neutralising_twice_changes_nothing_more() -> None:
    for first in FORMULA_START:
        once = neutralise(first + "1")
        assert neutralise(once) == once


@pytest.fixture
def hostile(tmp_path: Path) -> TargetPackage:
    """The export world's package with formulas in a name, a property and a provenance token."""
    package = package_in(tmp_path / "world", exported_at=EXPORTED_AT)
    person = next(s for s in package.subjects if s.label == "Person")
    odd = person.model_copy(
        update={
            "name": PAYLOAD,
            "properties": {**person.properties, "nationality": DDE},
            "sources": [*person.sources, "-L9:evil.csv#2"],
        }
    )
    subjects = [odd if s.id == person.id else s for s in package.subjects]
    return package.model_copy(update={"subjects": subjects})


def _all_cells(path: Path) -> list[object]:
    book = openpyxl.load_workbook(path)
    return [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]


def test_the_spreadsheet_writes_formulas_as_quoted_text(
    hostile: TargetPackage, tmp_path: Path
) -> None:
    path = write_xlsx(hostile, tmp_path / "subjects.xlsx")
    book = openpyxl.load_workbook(path)
    people = book[SHEET_NAMES["Person"]]
    header = [c.value for c in people[2]]
    by_name = dict(zip(header, people[3], strict=True))
    assert by_name["Name"].value == "'" + PAYLOAD and by_name["Name"].data_type == "s"
    assert by_name["Nationality"].value == "'" + DDE
    assert by_name["Provenance"].value.endswith("; -L9:evil.csv#2")  # not at the start: kept
    texts = [v for v in _all_cells(path) if isinstance(v, str)]
    assert not [t for t in texts if t.startswith(FORMULA_START)]
    assert isinstance(by_name["Key-player score"].value, float)  # numbers stay numbers


def test_i2_entities_and_links_write_formulas_as_quoted_text(
    hostile: TargetPackage, tmp_path: Path
) -> None:
    link = hostile.links[0].model_copy(update={"type": "@LINK", "sources": ["+1+1"]})
    package = hostile.model_copy(update={"links": [link, *hostile.links[1:]]})
    entities, links = write_i2(package, tmp_path / "e.csv", tmp_path / "l.csv")
    for path in (entities, links):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            cells = [cell for row in csv.reader(fh) for cell in row]
        assert not [c for c in cells if c.startswith(FORMULA_START)], path.name
    with entities.open(encoding="utf-8-sig", newline="") as fh:
        person = next(r for r in csv.DictReader(fh) if r["ocgmap Type"] == "Person")
    assert person["Label"] == "'" + PAYLOAD
    assert person["Entity ID"].startswith("Person:")  # identities join the two files unchanged
    with links.open(encoding="utf-8-sig", newline="") as fh:
        first = next(csv.DictReader(fh))
    assert (first["Link Type"], first["Source Reference"]) == ("'@LINK", "'+1+1")


def test_the_audit_csv_writes_formulas_as_quoted_text(tmp_path: Path) -> None:
    log = audit_log(tmp_path / "home")
    log.append(PAYLOAD, Action.CONSULTATION, DDE, ["+cluster"], details={"n": -3})
    out = log.export(tmp_path / "out")
    with (out / "audit.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    cells = [v for row in rows for v in row.values()]
    assert not [c for c in cells if c.startswith(FORMULA_START)]
    assert PAYLOAD in (out / "audit.jsonl").read_text("utf-8").replace(
        '\\"', '"'
    )  # JSONL as logged
