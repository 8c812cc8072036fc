"""The watchlist issue's acceptance, on every store kind, on a small synthetic world.

1. Watch a planted group's vehicle, load a second file with a new detection of that vehicle
   and a call from its driver's phone to a phone never seen before: both are alerts with
   their provenance; loading the same files again raises nothing new.
2. Watch a cluster, add evidence, analyse again: a band-change alert is raised; analysing
   unchanged data again raises nothing.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from small_world import small_world

from loaders.pipeline import run as load
from ocgmap.alerts import alerts_after_run, read_alerts
from ocgmap.analysis.run import analyse
from ocgmap.analysis.runs import save_run
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import NodeRef
from ocgmap.store import GraphStore
from ocgmap.watch import add_watch


@pytest.fixture
def loaded(store: GraphStore, tmp_path: Path) -> tuple[GraphStore, Path, Path]:
    """The store with a small world (seed 1) loaded; its home and the world's folder."""
    world = small_world(tmp_path / "world", seed=1, scale=0.05, rows=300)
    home = tmp_path / "home"
    load([world], store, home)
    return store, home, world


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh))


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in header})


def _driven_with_phone(store: GraphStore, vrms: list[str]) -> tuple[str, str, str]:
    """A planted vehicle, a person with a date of birth who drove it, and that person's phone."""
    for vrm in vrms:
        sub = store.neighbourhood([NodeRef(label=Label.VEHICLE, key=vrm)], hops=2, limit=2000)
        drivers = sorted(
            e.start.key for e in sub.edges if e.type is RelType.DROVE and e.end.key == vrm
        )
        for driver in drivers:
            if "|?" in driver:
                continue
            phones = sorted(
                e.end.key for e in sub.edges if e.type is RelType.USES and e.start.key == driver
            )
            if phones:
                return vrm, driver, phones[0]
    raise AssertionError("no planted vehicle has a driver with a phone in this world")


def test_a_new_detection_and_a_new_phone_called_by_the_driver_are_alerts(
    loaded: tuple[GraphStore, Path, Path], tmp_path: Path
) -> None:
    store, home, world = loaded
    truth = json.loads((world / "truth.json").read_text(encoding="utf-8"))
    planted = [v for g in truth["groups"] if not g["decoy"] for v in g["vrms"]]
    vrm, driver, phone = _driven_with_phone(store, planted)
    watch = add_watch(store, "sam", "vehicle", vrm.lower(), reason="planted group")
    name, dob = driver.split("|")
    new = tmp_path / "second"
    _write(
        new / "detections.csv",
        _header(world / "detections.csv"),
        [
            {
                "detection_ref": "BF-DET-990001",
                "detected_at": "2025-11-02T03:10:00",
                "location_type": "PORT",
                "port_locode": "GBDVR",
                "vrm": vrm,
                "vehicle_country": "GB",
                "driver_name": name.title(),
                "driver_dob": dob,
                "entrants_count": "5",
                "concealment": "in load",
                "reporting_agency": "Border Force",
            }
        ],
    )
    _write(
        new / "calls.csv",
        _header(world / "calls.csv"),
        [
            {
                "call_id": "C9900000001",
                "from_number": phone,
                "to_number": "+447700900999",
                "started_at": "2025-11-01T21:00:00",
                "duration_s": "120",
                "kind": "CALL",
            }
        ],
    )
    report = load([new], store, home)
    files = {Path(f.path).name: f.file_id for f in report.files}
    alerts = read_alerts(store, owner="sam")
    assert report.alerts == len(alerts) > 0
    assert {a.watch_key for a in alerts} == {watch.key}
    assert {a.origin for a in alerts} == {report.load_id}
    [event] = [a for a in alerts if a.kind == "event" and a.subject_key == "BF-DET-990001"]
    assert event.evidence == [f"{files['detections.csv']}:detections.csv#2"]
    assert event.via == f"Vehicle {vrm} -INVOLVED- Detection BF-DET-990001"
    [entity] = [a for a in alerts if a.kind == "entity" and a.subject_key == "+447700900999"]
    assert f"{files['calls.csv']}:calls.csv#2" in entity.evidence
    assert f"Phone {phone}" in entity.summary and "not seen before" in entity.summary
    assert driver.split("|")[0] in entity.via  # reached through the driver
    again = load([new], store, home)
    assert again.alerts == 0
    assert len(read_alerts(store)) == len(alerts)


def test_a_watched_cluster_whose_band_moves_raises_a_band_alert(
    loaded: tuple[GraphStore, Path, Path], tmp_path: Path
) -> None:
    store, home, world = loaded
    first = analyse(store, jobs=1)
    save_run(first, home)
    low = next(
        c
        for c in first.clusters
        if c.recommended_band == "UNGRADED" and any(m.label == "Vehicle" for m in c.members)
    )
    vrm = next(m.key for m in low.members if m.label == "Vehicle")
    watch = add_watch(store, "sam", "cluster", low.cluster_id.lower())
    assert alerts_after_run(store, first, home) == []  # nothing changed since it was watched
    _write(
        tmp_path / "evidence" / "detections.csv",
        _header(world / "detections.csv"),
        [
            {
                "detection_ref": f"BF-DET-99100{i}",
                "detected_at": f"2025-10-0{i + 1}T03:10:00",
                "location_type": "PORT",
                "port_locode": "GBDVR",
                "vrm": vrm,
                "entrants_count": "9",
                "entrants_minors": "2",
                "concealment": "in load",
                "reporting_agency": "Border Force",
            }
            for i in range(4)
        ],
    )
    load([tmp_path / "evidence"], store, home)
    second = analyse(store, jobs=1)
    save_run(second, home)
    raised = alerts_after_run(store, second, home)
    after = second.cluster(low.cluster_id)
    assert after.recommended_band != low.recommended_band
    [band] = [a for a in raised if a.kind == "band"]
    assert band.watch_key == watch.key and band.cluster_id == low.cluster_id
    assert band.origin == second.run_id and band.evidence == [second.run_id]
    assert f"recommended band {low.recommended_band} -> {after.recommended_band}" in band.summary
    assert f"score {low.score:.2f} -> {after.score:.2f}" in band.summary
    third = analyse(store, jobs=1)  # the same data again: the same result, nothing new
    save_run(third, home)
    assert third.cluster(low.cluster_id).recommended_band == after.recommended_band
    assert alerts_after_run(store, third, home) == []
