"""Uploads saved under OCGMAP_HOME, server folders checked, load plans and progress."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from loaders.mapping import ColumnMapping
from loaders.uploads import LoadProgress, plan_load, safe_name, save_uploads, server_folder
from ocgmap.errors import InputError

NOW = dt.datetime(2025, 3, 1, 2, 14, 0, 123456, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("given", "saved"),
    [
        ("detections.csv", "detections.csv"),
        ("../../etc/passwd.csv", "passwd.csv"),
        ("C:\\Users\\pc\\calls 2025.xlsx", "calls 2025.xlsx"),
        (".hidden.csv", "hidden.csv"),
        ("anpr\x00;$(rm).csv", "anpr___(rm).csv"),
        ("Vérifié.csv", "Vérifié.csv"),
    ],
)
def test_safe_names_keep_no_folders_or_odd_characters(given: str, saved: str) -> None:
    assert safe_name(given) == saved


@pytest.mark.parametrize("given", ["", "../", "..", "a/.."])
def test_names_with_nothing_usable_are_refused(given: str) -> None:
    with pytest.raises(InputError, match="no usable characters"):
        safe_name(given)


def _xlsx_bytes() -> bytes:
    book = Workbook()
    book.active.append(["vrm"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_uploads_are_saved_in_a_new_timestamped_folder(tmp_path: Path) -> None:
    files = [("exports/calls.csv", b"call_id\nC1\n"), ("anpr.xlsx", _xlsx_bytes())]
    first = save_uploads(files, tmp_path, mapping=("my map.yaml", b"source: calls\n"), now=NOW)
    assert first.folder == tmp_path / "uploads" / "20250301T021400123456Z"
    assert [p.name for p in first.files] == ["calls-01.csv", "anpr-02.xlsx"]
    assert first.originals == {"calls-01.csv": "exports/calls.csv", "anpr-02.xlsx": "anpr.xlsx"}
    assert (first.folder / "calls-01.csv").read_bytes() == b"call_id\nC1\n"
    assert first.mapping == first.folder / "mapping" / "my_map-01.yaml"
    again = save_uploads(files, tmp_path, now=NOW)
    assert again.folder.name == "20250301T021400123456Z-2" and again.mapping is None
    assert (first.folder / "calls-01.csv").exists()  # nothing of the first upload is replaced


def test_a_saved_mapping_is_not_read_as_data(tmp_path: Path) -> None:
    upload = save_uploads(
        [("calls.csv", b"call_id\nC1\n")], tmp_path, mapping=("m.yml", b"source: calls\n")
    )
    files, ignored = plan_load([upload.folder])
    assert (files, ignored) == ([upload.folder / "calls-01.csv"], [])


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("a/calls.csv", b""), ("b/CALLS.csv", b"")], "both named CALLS.csv"),
        ([("calls.exe", b"")], r"must be one of \.csv, \.xlsx"),
        ([("calls.csv", b"")], r"mapping file must be one of \.yaml, \.yml"),
    ],
)
def test_bad_uploads_save_nothing(
    tmp_path: Path, files: list[tuple[str, bytes]], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        save_uploads(files, tmp_path, mapping=("map.txt", b"") if "mapping" in message else None)
    assert not (tmp_path / "uploads").exists()


def test_an_unwritable_home_is_one_clear_error(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(InputError, match="Check that OCGMAP_HOME is writable"):
        save_uploads([("calls.csv", b"")], home)


def test_server_folders_must_be_readable_folders(tmp_path: Path) -> None:
    assert server_folder(f"  {tmp_path}  ") == tmp_path.resolve()
    (tmp_path / "calls.csv").write_text("call_id\n", encoding="utf-8")
    with pytest.raises(InputError, match="Type the path"):
        server_folder("   ")
    with pytest.raises(InputError, match="does not exist on the server"):
        server_folder(str(tmp_path / "nowhere"))
    with pytest.raises(InputError, match="is a file, not a folder"):
        server_folder(str(tmp_path / "calls.csv"))


def test_an_unreadable_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Permission bits do not stop root (CI runs as root), so the access check is what fails.
    monkeypatch.setattr(
        "loaders.uploads.os.access", lambda path, mode: Path(path) != tmp_path / "locked"
    )
    (tmp_path / "locked").mkdir()
    with pytest.raises(InputError, match="cannot be read"):
        server_folder(str(tmp_path / "locked"))
    assert server_folder(str(tmp_path)) == tmp_path.resolve()


def test_a_load_plan_follows_names_source_and_mapping(tmp_path: Path) -> None:
    for name in ("calls.csv", "anpr.csv", "detections.csv", "notes.txt"):
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    files, ignored = plan_load([tmp_path])
    assert [p.name for p in files] == ["detections.csv", "anpr.csv", "calls.csv"]
    assert [p.name for p in ignored] == ["notes.txt"]
    files, _ = plan_load([tmp_path], mapping=ColumnMapping(source="anpr"))
    assert [p.name for p in files] == ["anpr.csv"]
    files, ignored = plan_load([tmp_path], source="calls")
    assert (len(files), ignored) == (4, [])


def test_load_progress_counts_rows_per_file_and_files_begun() -> None:
    bar = LoadProgress([Path("a/detections.csv"), Path("a/calls.csv")])
    assert bar.advance("detections.csv", 0) == (0.0, "detections.csv (file 1 of 2): 0 rows")
    assert bar.advance("detections.csv", 5000)[1] == "detections.csv (file 1 of 2): 5,000 rows"
    assert bar.advance("calls.csv", 7) == (0.5, "calls.csv (file 2 of 2): 7 rows")
    assert bar.advance("calls.csv", 3)[1].endswith(": 10 rows")
