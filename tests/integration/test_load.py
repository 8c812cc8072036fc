"""Loading a synthetic world end to end, on every store kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loaders.mapping import ColumnMapping
from loaders.pipeline import LoadReport, run
from ocgmap.schema.labels import Label
from ocgmap.store import GraphStore
from ocgmap.synth import Truth, generate

SEED, SCALE = 4, 0.02


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    out = tmp_path_factory.mktemp("world")
    return out, generate(out, seed=SEED, scale=SCALE)


def test_a_world_loads_resolves_and_loads_again_unchanged(
    store: GraphStore, world: tuple[Path, Truth], tmp_path: Path
) -> None:
    """One full load (and a second) checked for everything a full load must get right."""
    data, truth = world
    report = run([data], store, tmp_path)
    _check_report(report, data, truth, tmp_path)
    _check_resolution(store, truth)
    graph_once = store.to_networkx()
    again = run([data], store, tmp_path)
    assert (again.nodes, again.relationships) == (report.nodes, report.relationships)
    graph_twice = store.to_networkx()
    assert dict(graph_twice.nodes(data=True)) == dict(graph_once.nodes(data=True))
    assert sorted(graph_twice.edges(keys=True)) == sorted(graph_once.edges(keys=True))


def _check_report(report: LoadReport, data: Path, truth: Truth, home: Path) -> None:
    assert [f.error for f in report.files if f.error] == []
    assert {Path(f.path).name for f in report.files} == set(truth.files)
    assert report.ignored == [str(data / "truth.json")]
    for f in report.files:
        name = Path(f.path).name
        assert f.quarantined == truth.files[name].quarantine, name
        assert f.rows == truth.files[name].rows + (1 if name == "psc.jsonl" else 0), name
        assert f.loaded + f.quarantined + f.skipped == f.rows, name
    saved = json.loads((home / "loads" / report.load_id / "report.json").read_text())
    assert set(saved) >= {"load_id", "started_at", "finished_at", "files", "nodes", "relationships"}
    assert set(saved["files"][0]) >= {
        "path",
        "source",
        "rows",
        "loaded",
        "quarantined",
        "quarantine_file",
    }


def _check_resolution(store: GraphStore, truth: Truth) -> None:
    phoenix = next(g for g in truth.groups if g.archetype == "phoenix")
    for number in phoenix.company_numbers:
        haulier = store.get(Label.HAULIER, f"CH:{number}")
        assert haulier is not None and haulier.properties.get("licences")
    for vrm in phoenix.vrms:
        assert store.get(Label.VEHICLE, vrm) is not None
    boss = phoenix.people[0]
    assert store.get(Label.PERSON, f"{boss.name}|{boss.dob[:7]}") is not None


def test_quarantine_keeps_row_field_reason_and_values(
    store: GraphStore, world: tuple[Path, Truth], tmp_path: Path
) -> None:
    data, truth = world
    report = run([data / "detections.csv"], store, tmp_path)
    [entry] = report.files
    assert entry.quarantine_file is not None
    lines = Path(entry.quarantine_file).read_text().splitlines()
    assert lines[0].startswith("row,fields,reason,detection_ref")
    rows = sorted(int(line.split(",", 1)[0]) for line in lines[1:])
    assert rows == sorted(b.row for b in truth.files["detections.csv"].bad_rows)
    assert any("FAULT-DET-2" in line and "location_type" in line for line in lines)


def test_one_detection_from_two_agencies_is_one_node_with_both_sources(
    store: GraphStore, world: tuple[Path, Truth], tmp_path: Path
) -> None:
    data, _ = world
    run([data / "detections.csv"], store, tmp_path)
    graph = store.to_networkx()
    twice = [
        a
        for _, a in graph.nodes(data=True)
        if a["label"] == "Detection" and len(a.get("reporting_agencies", [])) == 2
    ]
    assert twice
    assert all(len(a["sources"]) == 2 for a in twice)


def test_a_mapping_file_renames_columns(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "tvp_export.csv"
    path.write_text(
        "Det Ref,Date/Time,Where,Reg No,People\nTVP-1,01/03/2025 02:14,INLAND,ab12 cde,3\n",
        encoding="utf-8",
    )
    mapping = ColumnMapping(
        source="detections",
        columns={
            "Det Ref": "detection_ref",
            "Date/Time": "detected_at",
            "Where": "location_type",
            "Reg No": "vrm",
            "People": "entrants_count",
        },
        constants={"reporting_agency": "Thames Valley Police"},
    )
    report = run([path], store, tmp_path, source="detections", mapping=mapping)
    assert report.files[0].loaded == 1
    detection = store.get(Label.DETECTION, "TVP-1")
    assert detection is not None
    assert detection.properties["reporting_agencies"] == ["Thames Valley Police"]
    assert store.get(Label.VEHICLE, "AB12CDE") is not None


def test_an_unreadable_file_fails_alone(
    store: GraphStore, world: tuple[Path, Truth], tmp_path: Path
) -> None:
    data, _ = world
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "calls.csv").write_bytes(b"call_id,from_number\n\xff\xfe bad bytes\n")
    (folder / "detections.csv").write_bytes((data / "detections.csv").read_bytes())
    broken = folder / "anpr.xlsx"
    broken.write_bytes(b"PK\x03\x04 truncated")
    report = run([folder], store, tmp_path)
    by_name = {Path(f.path).name: f for f in report.files}
    assert "not UTF-8" in (by_name["calls.csv"].error or "")
    assert "XLSX" in (by_name["anpr.xlsx"].error or "")
    assert by_name["detections.csv"].error is None and by_name["detections.csv"].loaded > 0


def test_a_json_escape_that_is_not_text_is_quarantined_not_a_crash(
    store: GraphStore, tmp_path: Path
) -> None:
    """``\\ud800`` alone in a JSON line cannot be stored: that row is quarantined, by name."""
    from servers import shared_sample

    good = shared_sample("companies_house_psc_snapshot_sample.jsonl").strip()
    record = json.loads(good)
    record["data"]["name_elements"]["surname"] = "\ud800"
    bad = json.dumps(record)  # ensure_ascii: the half pair is written as its \u escape
    assert "\\ud800" in bad
    folder = tmp_path / "registers"
    folder.mkdir()
    (folder / "psc-snapshot.jsonl").write_text(f"{bad}\n{good}\n", encoding="utf-8")
    report = run([folder], store, tmp_path / "home")
    [entry] = report.files
    assert (entry.loaded, entry.quarantined) == (1, 1)
    assert entry.quarantine_file is not None
    quarantined = Path(entry.quarantine_file).read_text(encoding="utf-8")
    assert "data.name_elements.surname" in quarantined and "UTF-16" in quarantined
    assert sum(store.counts().nodes.values()) > 0
