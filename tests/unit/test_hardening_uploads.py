"""Uploads: generated names under OCGMAP_HOME/uploads, type by content, size limits."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from loaders.mapping import load_mapping
from loaders.sources import discover
from loaders.uploads import check_upload, save_uploads, stored_name
from ocgmap.errors import InputError

NOW = dt.datetime(2025, 3, 1, 2, 14, tzinfo=dt.UTC)
CSV = b"call_id,from_number\nC1,07700 900123\n"


def _xlsx() -> bytes:
    book = Workbook()
    book.active.append(["vrm"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("given", "saved"),
    [
        ("detections.csv", "detections-03.csv"),
        ("../../etc/detections.csv", "detections-03.csv"),
        ("..\\..\\calls.XLSX", "calls-03.xlsx"),
        ("/etc/passwd.csv", "passwd-03.csv"),
        ("Détections 2025 (copy).csv", "Detections_2025_copy-03.csv"),
        ("\u202egnp.csv", "gnp-03.csv"),
        ("-rf.csv", "rf-03.csv"),
        ("=cmd|' calc'!A0.csv", "cmd_calc_A0-03.csv"),
        ("Звонки.csv", "upload-03.csv"),
        ("a" * 300 + ".jsonl", "a" * 60 + "-03.jsonl"),
    ],
)
def test_stored_names_are_generated_from_safe_ascii(given: str, saved: str) -> None:
    assert stored_name(given, 3) == saved


@pytest.mark.parametrize(
    "name",
    [
        "detections.csv",
        "Detections_2025.csv",
        "calls.xlsx",
        "BasicCompanyData-2025-03.csv",
        "persons-with-significant-control.jsonl",
        "anpr.jsonl",
        "cdr.csv",
    ],
)
def test_generated_names_are_still_recognised_as_their_source(tmp_path: Path, name: str) -> None:
    plain = tmp_path / "plain" / name
    plain.parent.mkdir()
    plain.write_text("x\n", encoding="utf-8")
    stored = tmp_path / "stored" / stored_name(name, 1)
    stored.parent.mkdir()
    stored.write_text("x\n", encoding="utf-8")
    [(_, source)], _ = discover([plain])
    [(_, again)], _ = discover([stored])
    assert again.name == source.name


def test_files_land_in_a_new_folder_with_a_manifest_of_original_names(tmp_path: Path) -> None:
    home = tmp_path / "home"
    upload = save_uploads(
        [("../../x/calls.csv", CSV), ("anpr.xlsx", _xlsx())],
        home,
        mapping=("../map.yml", b"source: calls\n"),
        now=NOW,
    )
    root = (home / "uploads").resolve()
    assert all(p.resolve().is_relative_to(root) for p in _files_under(tmp_path))
    assert [p.name for p in upload.files] == ["calls-01.csv", "anpr-02.xlsx"]
    manifest = json.loads((upload.folder / "meta" / "upload.json").read_text("utf-8"))
    assert [(f["name"], f["saved_as"], f["bytes"]) for f in manifest["files"]] == [
        ("../../x/calls.csv", "calls-01.csv", len(CSV)),
        ("anpr.xlsx", "anpr-02.xlsx", len(_xlsx())),
    ]
    assert manifest["mapping"]["name"] == "../map.yml"
    assert load_mapping(upload.mapping or Path()).source == "calls"
    files, ignored = discover([upload.folder])
    assert ([p.name for p, _ in files], ignored) == (["calls-01.csv", "anpr-02.xlsx"][::-1], [])


def test_an_existing_link_is_never_followed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    target = tmp_path / "outside.csv"
    folder = home / "uploads" / "20250301T021400000000Z"
    folder.mkdir(parents=True)
    (folder / "calls-01.csv").symlink_to(target)
    upload = save_uploads([("calls.csv", CSV)], home, now=NOW)  # a new folder, not that one
    assert upload.folder.name.endswith("-2") and not target.exists()


def test_a_folder_that_leads_outside_the_uploads_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()

    def hostile_folder(home: Path, now: dt.datetime) -> Path:
        return outside  # as if a folder name could escape: the write check still holds

    monkeypatch.setattr("loaders.uploads._new_folder", hostile_folder)
    with pytest.raises(InputError, match="Refused to save"):
        save_uploads([("calls.csv", CSV)], tmp_path / "home")
    assert not any(outside.iterdir())


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("calls.xlsx", CSV, "calls.xlsx is not a readable XLSX workbook"),
        ("calls.csv", _xlsx(), "calls.csv is a spreadsheet or zip file, not text"),
        ("calls.csv", b"call_id\nC\x001\n", "calls.csv holds NUL bytes"),
        ("calls.csv", "call_id\nCé\n".encode("latin-1"), "calls.csv is not UTF-8 text"),
        ("calls.jsonl", b"\xff\xfe{}", "calls.jsonl is not UTF-8 text"),
        ("calls.exe", CSV, r"a source file must be one of \.csv"),
    ],
    # fixed ids: the workbook's bytes hold the time it was made, and pytest-xdist needs every
    # worker to collect the same test names
    ids=["csv-as-xlsx", "xlsx-as-csv", "nul", "latin-1", "utf-16", "exe"],
)
def test_content_must_match_the_type(name: str, data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_upload(name, data, 1 << 20)


def test_sizes_are_limited_per_file_and_per_upload(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = b"call_id\n" + b"C1\n" * (1 << 19)  # 1.5 MB
    with pytest.raises(InputError, match=r"calls.csv is 1.5 MB: .* at most 1 MB .*UPLOAD_MAX_MB"):
        save_uploads([("calls.csv", big)], tmp_path, max_file_mb=1)
    monkeypatch.setenv("OCGMAP_UPLOAD_MAX_MB", "1")
    with pytest.raises(InputError, match="at most 1 MB"):
        save_uploads([("calls.csv", big)], tmp_path)
    monkeypatch.setenv("OCGMAP_UPLOAD_MAX_MB", "2")
    monkeypatch.setenv("OCGMAP_UPLOAD_TOTAL_MB", "2")
    with pytest.raises(InputError, match=r"The 2 uploaded files hold 3.0 MB: at most 2 MB"):
        save_uploads([("calls.csv", big), ("anpr.csv", big)], tmp_path)
    assert not (tmp_path / "uploads").exists()
    assert save_uploads([("calls.csv", big)], tmp_path).files  # within both limits


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"x" * ((1 << 20) + 1), "at most 1 MB"),
        (b"source: calls\nnote: \xff\n", "not UTF-8 text"),
    ],
)
def test_mapping_uploads_are_limited_and_text(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        save_uploads([("calls.csv", CSV)], tmp_path, mapping=("map.yaml", data))
    assert not (tmp_path / "uploads").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("source: nowhere\n", r"source: Value error, must be one of \["),
        ("source: calls\nconstants: {x: [1, 2]}\n", "constants.x"),
        ("source: calls\nconstants: {x: {a: 1}}\n", "constants.x"),
        ("!!python/object/apply:os.system ['true']\n", "not valid YAML"),
        ("[" * 5000 + "]" * 5000, "not valid"),
        ("- a\n- b\n", "the file: Input should be a valid dictionary"),
        ("", "the file: Input should be a valid dictionary"),
        ("source: calls\ncolumns: {a: [b]}\n", "columns.a"),
        ("a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nsource: calls\n", "Extra inputs"),
    ],
)
def test_hostile_mapping_files_are_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_mapping(path)


def test_a_large_or_binary_mapping_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_bytes(b"source: calls\n# " + b"x" * (1 << 20) + b"\n")
    with pytest.raises(InputError, match="over 1 MB"):
        load_mapping(path)
    path.write_bytes(b"source: calls\nnote: \xff\n")
    with pytest.raises(InputError, match="not UTF-8"):
        load_mapping(path)
    path.write_text(yaml.safe_dump({"source": "calls", "constants": {"a": 1}}), encoding="utf-8")
    assert load_mapping(path).constants == {"a": 1}
