"""XLSX read safely: OOXML only, no external links, no zip bombs, no XML entities, no formulas."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from loaders.read import check_xlsx, read_records
from ocgmap.errors import InputError


def _book(*rows: list[object]) -> bytes:
    book = Workbook()
    for row in rows or (["vrm", "notes"], ["AB12CDE", "x"]):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rebuilt(data: bytes, extra: dict[str, bytes], stored: bool = False) -> bytes:
    """``data`` (a zip) with parts added or replaced."""
    out = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", method) as dst:
        for name in src.namelist():
            if name not in extra:
                dst.writestr(name, src.read(name))
        for name, content in extra.items():
            dst.writestr(name, content)
    return out.getvalue()


def _file(tmp_path: Path, data: bytes, name: str = "anpr.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_openpyxl_parses_through_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True  # defusedxml is a dependency (pyproject.toml)


def test_a_sound_workbook_passes_and_reads(tmp_path: Path) -> None:
    path = _file(tmp_path, _book())
    check_xlsx(path, path.name)
    assert [r.values for r in read_records(path)] == [{"vrm": "AB12CDE", "notes": "x"}]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"xl/externalLinks/externalLink1.xml": b"<x/>"}, "links to other workbooks"),
        ({"../../evil.xml": b"<x/>"}, "unsafe name '../../evil.xml'"),
        ({"xl/..\\..\\evil.xml": b"<x/>"}, "unsafe name"),
        ({"/etc/evil.xml": b"<x/>"}, "unsafe name"),
        ({"C:/evil.xml": b"<x/>"}, "unsafe name"),
        ({"xl/media/bomb.bin": b"\0" * (5 << 20)}, "possible zip bomb"),
    ],
)
def test_hostile_parts_are_refused_naming_the_file(
    tmp_path: Path, extra: dict[str, bytes], message: str
) -> None:
    path = _file(tmp_path, _rebuilt(_book(), extra))
    with pytest.raises(InputError, match=message) as caught:
        list(read_records(path))
    assert str(caught.value).startswith("anpr.xlsx ")


def test_a_workbook_that_unzips_too_large_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    noise = os.urandom(3 << 19)  # 1.5 MB that does not compress: no zip bomb, just large
    path = _file(tmp_path, _rebuilt(_book(), {"xl/media/noise.bin": noise}))
    check_xlsx(path, path.name)  # under the default 2048 MB
    monkeypatch.setenv("OCGMAP_XLSX_MAX_MB", "1")
    with pytest.raises(InputError, match=r"unzips to 2 MB, more than the 1 MB allowed"):
        list(read_records(path))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"vrm,notes\nAB12CDE,x\n", "not a zip file"),
        (bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504), "old .xls, or protected by a password"),
        (b"", "not a zip file"),
    ],
)
def test_files_that_are_not_zips_say_what_they_are(
    tmp_path: Path, data: bytes, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        list(read_records(_file(tmp_path, data)))


def test_a_zip_without_the_workbook_parts_is_not_a_workbook(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(InputError, match=r"has no \[Content_Types\].xml"):
        list(read_records(_file(tmp_path, out.getvalue())))


def test_xml_entities_are_refused(tmp_path: Path) -> None:
    data = _book()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    )
    hostile = laughs + (sheet.split("?>", 1)[1] if sheet.startswith("<?xml") else sheet)
    path = _file(tmp_path, _rebuilt(data, {"xl/worksheets/sheet1.xml": hostile.encode()}))
    with pytest.raises(InputError, match="declares entities or a DTD"):
        list(read_records(path))


def test_formulas_are_never_evaluated_or_read_as_text(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["vrm", "notes"])
    book.active.append(["AB12CDE", '=HYPERLINK("http://x","y")'])
    path = tmp_path / "detections.xlsx"
    book.save(path)
    # openpyxl writes no cached value; data_only reads the cached value, never the formula
    assert [r.values for r in read_records(path)] == [{"vrm": "AB12CDE", "notes": None}]
