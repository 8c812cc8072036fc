"""i2_entities.csv and i2_links.csv read back with csv: headers, rows, handling respected."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from export_world import SECRET_PERSON, SECRET_REF, SECRET_ROW, package_in

from ocgmap.export.i2 import ENTITY_COLUMNS, LINK_COLUMNS, write_i2
from ocgmap.export.package import TargetPackage

EXPORTED_AT = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)


def _package(tmp_path: Path, **options: object) -> TargetPackage:
    options.setdefault("exported_at", EXPORTED_AT)
    return package_in(tmp_path, **options)


@pytest.fixture
def package(tmp_path: Path) -> TargetPackage:
    return _package(tmp_path)


def _write(package: TargetPackage, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return write_i2(package, folder / "i2_entities.csv", folder / "i2_links.csv")


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_files_are_utf8_with_bom_and_crlf(package: TargetPackage, tmp_path: Path) -> None:
    for path in _write(package, tmp_path / "out"):
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        assert data.count(b"\r\n") == data.count(b"\n") > 1


def test_one_entity_row_per_subject_and_event(package: TargetPackage, tmp_path: Path) -> None:
    entities, _ = _write(package, tmp_path / "out")
    header, rows = _read(entities)
    assert header == list(ENTITY_COLUMNS)
    assert len(rows) == len(package.subjects) + len(package.events) == 9
    by_id = {r["Entity ID"]: r for r in rows}
    assert set(by_id) == {s.id for s in [*package.subjects, *package.events]}
    types = {r["ocgmap Type"]: r["Entity Type"] for r in rows}
    assert types == {
        "Address": "Address",
        "Detection": "Event",
        "Haulier": "Organisation",
        "Person": "Person",
        "Phone": "Telephone",
        "Referral": "Document",
        "Trailer": "Vehicle",
        "Vehicle": "Vehicle",
    }
    driver = by_id["Person:JAN TESTOWY|1980-01-02"]
    assert (driver["Label"], driver["Key"]) == ("JAN TESTOWY", "JAN TESTOWY|1980-01-02")
    assert driver["Key Player Score"] == "0.900"
    assert driver["Source Reference"] == "L1:detections.csv#2"
    assert driver["Marking"] == "OFFICIAL"
    assert "dob: 1980-01-02" in driver["Description"]
    referral = by_id["Referral:REF-P-1"]
    assert (referral["Grading"], referral["Handling Code"]) == ("2B", "P")
    assert (referral["Date"], referral["Time"]) == ("2026-02-01", "09:30:00")
    phone = by_id["Phone:+447700900001"]  # the identity is never escaped: it starts "Phone:"
    assert (phone["Label"], phone["Key"]) == ("'+447700900001", "'+447700900001")  # never a formula


def test_one_link_row_per_link_joining_entity_ids(package: TargetPackage, tmp_path: Path) -> None:
    entities, links = _write(package, tmp_path / "out")
    header, rows = _read(links)
    assert header == list(LINK_COLUMNS)
    assert len(rows) == len(package.links) == 9
    assert [(r["From Entity ID"], r["To Entity ID"], r["Link Type"]) for r in rows] == [
        (link.source, link.target, link.type) for link in package.links
    ]
    ids = {r["Entity ID"] for r in _read(entities)[1]}
    assert all(r["From Entity ID"] in ids and r["To Entity ID"] in ids for r in rows)
    assert [r["Link ID"] for r in rows] == [f"LINK-{n:04d}" for n in range(1, 10)]
    concerns = next(r for r in rows if r["Link Type"] == "CONCERNS")
    assert (concerns["From Entity Type"], concerns["To Entity Type"]) == (
        "Document",
        "Organisation",
    )
    assert (concerns["Grading"], concerns["Handling Code"]) == ("2B", "P")
    assert concerns["Date"] == "2026-02-01"
    assert concerns["First Seen"] == "2026-02-01 09:30:00"
    assert {r["Direction"] for r in rows} == {"With"}


def test_withheld_referral_its_row_and_person_are_nowhere_in_the_files(
    package: TargetPackage, tmp_path: Path
) -> None:
    for path in _write(package, tmp_path / "out"):
        content = path.read_text(encoding="utf-8-sig")
        assert "L1:" in content
        for secret in (SECRET_REF, SECRET_ROW, SECRET_PERSON, "HIDDEN SOURCE PERSON", "NCCU-9"):
            assert secret not in content, path.name


def test_conditional_referral_appears_when_included_with_justification(tmp_path: Path) -> None:
    package = _package(tmp_path, include_conditional=True, justification="NCA-approved recipient")
    entities, links = _write(package, tmp_path / "out")
    rows = {r["Entity ID"]: r for r in _read(entities)[1]}
    secret = rows[f"Referral:{SECRET_REF}"]
    assert (secret["Grading"], secret["Handling Code"]) == ("1A", "C")
    assert secret["Handling Conditions"] == "not to be shared outside the NCA"
    assert f"Person:{SECRET_PERSON}" in rows
    assert len(_read(links)[1]) == 11


def test_two_exports_at_different_times_are_byte_identical(tmp_path: Path) -> None:
    first = _write(_package(tmp_path / "a", exported_at=EXPORTED_AT), tmp_path / "out-a")
    later = EXPORTED_AT + dt.timedelta(days=3)
    second = _write(_package(tmp_path / "b", exported_at=later), tmp_path / "out-b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_line_breaks_in_a_value_stay_on_one_line(package: TargetPackage, tmp_path: Path) -> None:
    odd = package.subjects[0].model_copy(update={"name": "LINE ONE\nLINE TWO\r\n"})
    entities, _ = _write(
        package.model_copy(update={"subjects": [odd, *package.subjects[1:]]}), tmp_path / "out"
    )
    rows = {r["Entity ID"]: r for r in _read(entities)[1]}
    assert rows[odd.id]["Label"] == "LINE ONE LINE TWO"
    assert len(entities.read_bytes().splitlines()) == 1 + len(rows)
