"""``ocgmap load --bulk``: typed import files that read back as Neo4jStore writes the graph.

The files are parsed here as the import tool parses them (RFC 4180 quotes, an empty unquoted
field is no value, ``""`` is empty text, list elements split on the manifest's delimiter);
tests/integration/test_bulk_import.py runs the real tool.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from tiny_sources import DETECTIONS

import loaders.bulk
from loaders.bulk import bulk_load
from ocgmap.errors import InputError, StoreError
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, NodeRef, NodeRow
from ocgmap.store.admin_import import BulkStore, ImportManifest
from ocgmap.store.import_writer import write_import

AT = dt.datetime(2025, 3, 1, 2, 14, tzinfo=dt.timezone(dt.timedelta(hours=1)))
AWKWARD = [
    'comma, "quotes" and a backslash \\',
    "two\nlines\r\nand a carriage return\r",
    "  spaces kept  ",
    "",
    "unit\x1fseparator; semicolon",
    "nul\x00 and ünïcödé ✓",
]


def _fields(text: str) -> list[list[str | None]]:
    """Records of a CSV text the import tool's way: ``None`` for an empty unquoted field."""
    records: list[list[str | None]] = []
    fields: list[str | None] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] == '"':
            j, buf = i + 1, []
            while True:
                k = text.index('"', j)
                buf.append(text[j:k])
                if k + 1 < n and text[k + 1] == '"':
                    buf.append('"')
                    j = k + 2
                    continue
                i = k + 1
                break
            fields.append("".join(buf))
        else:
            j = i
            while j < n and text[j] not in ",\n":
                j += 1
            fields.append(text[i:j] or None)
            i = j
        if i >= n or text[i] == "\n":
            records.append(fields)
            fields = []
        i += 1
    return records


def _decode(raw: str | None, kind: str, delimiter: str) -> Any:
    if raw is None:
        return None
    if kind.endswith("[]"):
        return raw.split(delimiter) if raw else None
    if kind == "long":
        return int(raw)
    if kind == "double":
        return float(raw)
    if kind == "boolean":
        return raw == "true"
    if kind == "datetime":
        return dt.datetime.fromisoformat(raw)
    if kind == "date":
        return dt.date.fromisoformat(raw)
    return raw


def _read(folder: Path, name: str) -> tuple[list[str], list[dict[str, Any]]]:
    manifest = ImportManifest.model_validate_json((folder / "manifest.json").read_text("utf-8"))
    delimiter = chr(int(manifest.array_delimiter[2:], 16))
    header, *rows = _fields((folder / name).read_bytes().decode("utf-8"))
    columns = [str(h) for h in header]
    out = []
    for row in rows:
        assert len(row) == len(columns)
        item = {}
        for column, raw in zip(columns, row, strict=True):
            prop, _, kind = column.partition(":")
            value = _decode(raw, kind, delimiter)
            if value is not None:
                item[prop or kind.split("(")[0]] = value
        out.append(item)
    return columns, out


def _detection(key: str, notes: str, agencies: list[str], row: int = 2) -> NodeRow:
    return NodeRow(
        label=Label.DETECTION,
        key=key,
        properties={
            "detected_at": AT,
            "entrants_count": 4,
            "penalty_gbp": 1500.5,
            "notes": notes,
            "reporting_agencies": agencies,
        },
        sources=[f"L1:detections.csv#{row}"],
        seen_at=AT,
    )


def _store(tmp_path: Path) -> BulkStore:
    return BulkStore(tmp_path / "never.json")


def test_headers_carry_the_types_neo4jstore_writes(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.upsert_nodes(Label.DETECTION, [_detection("D-1", "x", ["Border Force"])])
    phones = [NodeRow(label=Label.PHONE, key=k, sources=["L1:calls.csv#2"]) for k in ("+1", "+2")]
    store.upsert_nodes(Label.PHONE, phones)
    call = EdgeRow(
        type=RelType.CALLED,
        start=NodeRef(label=Label.PHONE, key="+1"),
        end=NodeRef(label=Label.PHONE, key="+2"),
        properties={"count": 3},
        sources=["L1:calls.csv#2"],
    )
    store.upsert_edges(RelType.CALLED, [call])
    out = tmp_path / "out"
    out.mkdir()
    manifest = write_import(store, out, "L1")

    columns, [row] = _read(out, "nodes-Detection.csv")
    assert columns[:2] == ["key:ID(Detection)", ":LABEL"]
    assert set(columns[2:]) == {
        "basis:string",
        "detected_at:datetime",
        "entrants_count:long",
        "first_seen:datetime",
        "last_seen:datetime",
        "notes:string",
        "penalty_gbp:double",
        "reporting_agencies:string[]",
        "sources:string[]",
    }
    assert row["key"] == "D-1" and row["LABEL"] == "Detection"
    assert row["detected_at"].isoformat() == "2025-03-01T02:14:00+01:00"  # offset kept
    assert row["first_seen"].isoformat() == "2025-03-01T01:14:00+00:00"  # UTC, as Neo4jStore
    columns, [rel] = _read(out, "relationships-CALLED-Phone-Phone.csv")
    assert columns[:4] == [":START_ID(Phone)", ":END_ID(Phone)", ":TYPE", "key:string"]
    assert "first_seen:datetime" not in columns  # never seen: no column, no value
    assert rel == {
        "START_ID": "+1",
        "END_ID": "+2",
        "TYPE": "CALLED",
        "key": "",  # empty text, not missing: Neo4jStore always sets the key
        "basis": "fact",
        "count": 3,
        "sources": ["L1:calls.csv#2"],
    }
    assert manifest.counts.nodes == {"Detection": 1, "Phone": 2}
    assert manifest.counts.relationships == {"CALLED": 1}
    assert "--nodes=nodes-Detection.csv" in manifest.import_args
    assert "--relationships=relationships-CALLED-Phone-Phone.csv" in manifest.import_args
    assert "--multiline-fields=true" not in manifest.import_args


def test_awkward_text_survives(tmp_path: Path) -> None:
    store = _store(tmp_path)
    rows = [
        _detection(f"D-{i}", text, [text or "x", "a;b,c\x1fd", '"q"'], row=i)
        for i, text in enumerate(AWKWARD)
    ]
    rows.append(_detection('D-"odd",\nkey', "x", ["y"], row=99))
    store.upsert_nodes(Label.DETECTION, rows)
    out = tmp_path / "out"
    out.mkdir()
    manifest = write_import(store, out, "L1")
    assert manifest.array_delimiter == "U+001E"  # U+001F occurs in a list element
    assert "--array-delimiter=U+001E" in manifest.import_args
    assert "--multiline-fields=true" in manifest.import_args
    _, read = _read(out, "nodes-Detection.csv")
    by_key = {r["key"]: r for r in read}
    for i, text in enumerate(AWKWARD):
        assert by_key[f"D-{i}"]["notes"] == text
        assert by_key[f"D-{i}"]["reporting_agencies"] == [text or "x", "a;b,c\x1fd", '"q"']
    assert 'D-"odd",\nkey' in by_key


def test_a_list_the_tool_cannot_express_stops_the_writer(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.upsert_nodes(Label.DETECTION, [_detection("D-1", "x", [""])])
    with pytest.raises(StoreError, match="reporting_agencies"):
        write_import(store, tmp_path, "L1")


def test_undeclared_dates_are_dropped_and_mixed_types_split_files(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.upsert_nodes(
        Label.DETECTION, [_detection("D-1", "x", ["a"]), _detection("D-2", "y", ["b"])]
    )
    store.graph.nodes["Detection:D-1"]["odd_day"] = dt.date(2025, 1, 1)  # not in graph.yaml
    store.graph.nodes["Detection:D-2"]["entrants_count"] = 4.5
    out = tmp_path / "out"
    out.mkdir()
    manifest = write_import(store, out, "L1")
    names = sorted(f.name for f in manifest.files)
    assert names == ["nodes-Detection-2.csv", "nodes-Detection.csv"]
    columns = [_read(out, name)[0] for name in names]
    assert all(not any(c.startswith("odd_day") for c in cols) for cols in columns)
    assert {c for cols in columns for c in cols if c.startswith("entrants_count")} == {
        "entrants_count:long",
        "entrants_count:double",
    }


def test_bulk_load_writes_a_complete_folder_or_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "detections.csv"
    data.write_text(DETECTIONS, encoding="utf-8")
    home, out = tmp_path / "home", tmp_path / "import"
    done = bulk_load([data], out, home)
    assert done.report.store == "neo4j" and done.report.files[0].loaded == 2
    assert (home / "loads" / done.report.load_id / "report.json").exists()
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["load_id"] == done.report.load_id
    assert {f["name"] for f in manifest["files"]} <= {p.name for p in out.iterdir()}
    assert not (tmp_path / "import.tmp").exists()
    assert not list(tmp_path.glob("**/never.json")) and not list(tmp_path.glob("**/graph.json"))

    before = sorted(p.name for p in out.iterdir())
    with pytest.raises(InputError, match="not empty"):
        bulk_load([data], out, home)
    assert sorted(p.name for p in out.iterdir()) == before

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise StoreError("disk full")

    monkeypatch.setattr(loaders.bulk, "write_import", broken)
    with pytest.raises(StoreError):
        bulk_load([data], out, home, force=True)
    assert sorted(p.name for p in out.iterdir()) == before  # the old folder is kept whole
    assert not (tmp_path / "import.tmp").exists()
    monkeypatch.undo()

    again = bulk_load([data], out, home, force=True)
    assert json.loads((out / "manifest.json").read_text())["load_id"] == again.report.load_id
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".import.old")]


def test_on_disk_the_same_files_come_out_and_the_working_file_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "detections.csv"
    data.write_text(DETECTIONS, encoding="utf-8")
    memory = bulk_load([data], tmp_path / "memory", tmp_path / "home")
    disk = bulk_load([data], tmp_path / "disk", tmp_path / "home", on_disk=True)
    assert disk.manifest.model_dump(exclude={"load_id", "created_at"}) == (
        memory.manifest.model_dump(exclude={"load_id", "created_at"})
    )
    for entry in memory.manifest.files:
        assert (tmp_path / "disk" / entry.name).read_bytes() == (
            tmp_path / "memory" / entry.name
        ).read_bytes()
    assert not list(tmp_path.glob("**/*.sqlite"))

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise StoreError("disk full")

    monkeypatch.setattr(loaders.bulk, "write_import", broken)
    with pytest.raises(StoreError):
        bulk_load([data], tmp_path / "again", tmp_path / "home", on_disk=True)
    assert not (tmp_path / "again.tmp").exists() and not (tmp_path / "again").exists()


def test_an_output_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "import"
    target.write_text("x")
    with pytest.raises(InputError, match="is a file"):
        bulk_load([tmp_path], target, tmp_path / "home", force=True)


def test_the_command_line_refuses_bulk_options_that_do_not_fit(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ocgmap.cli import app

    env = {"OCGMAP_HOME": str(tmp_path / "home"), "NEO4J_URI": ""}
    runner = CliRunner()
    for args, says in [
        (["load", "--bulk", str(tmp_path)], "--out DIR"),
        (["load", str(tmp_path), "--out", str(tmp_path / "x")], "go with --bulk"),
        (["load", str(tmp_path), "--on-disk"], "go with --bulk"),
        (["load", "--bulk", str(tmp_path), "--out", str(tmp_path)], "not empty"),
    ]:
        (tmp_path / "keep.txt").write_text("x")
        result = runner.invoke(app, args, env=env)
        assert isinstance(result.exception, InputError), result.output
        assert says in str(result.exception)
