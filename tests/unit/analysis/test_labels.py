"""Labels files for the supervised fit: read as written, refused with file, row and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocgmap.analysis.labels import read_labels
from ocgmap.errors import InputError


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "labels.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_outcomes_are_read_with_comments_and_words(tmp_path: Path) -> None:
    path = _file(tmp_path, "# confirmed by Op X\ncluster_id,outcome\nC-1, yes\nC-2,0\nC-1,1\n")
    assert read_labels(path) == {"C-1": 1, "C-2": 0}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cluster,outcome\nC-1,1\n", "missing cluster_id"),
        ("cluster_id,outcome\n,1\n", "row 2, field 'cluster_id': value is empty"),
        ("cluster_id,outcome\nC-1,maybe\n", "row 2, field 'outcome': must be 1"),
        ("cluster_id,outcome\nC-1,1\nC-1,0\n", "row 3, field 'outcome': C-1 is labelled both"),
    ],
)
def test_bad_files_name_the_row_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(InputError, match=message) as caught:
        read_labels(path)
    assert str(path) in str(caught.value)


def test_rows_are_numbered_as_in_the_file(tmp_path: Path) -> None:
    path = _file(tmp_path, "# note\ncluster_id,outcome\n# another\nC-1,2\n")
    with pytest.raises(InputError, match="row 4, field 'outcome'"):
        read_labels(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Cannot read the labels file"):
        read_labels(tmp_path / "nowhere.csv")
