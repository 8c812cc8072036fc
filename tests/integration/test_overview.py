"""The Overview figures (activity, compliance, places) on every store kind."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from overview_world import EXPECTED_MONTHS, EXPECTED_SHARE, seed

from loaders.pipeline import LoadReport, load_reports, report_row
from ocgmap.errors import InputError
from ocgmap.overview import activity_by_month, compliance, places
from ocgmap.reference import ports
from ocgmap.store import GraphStore


def test_activity_counts_detections_entrants_and_minors_per_london_month(
    store: GraphStore,
) -> None:
    seed(store)
    months = [m.model_dump() for m in activity_by_month(store)]
    assert months == EXPECTED_MONTHS


def test_compliance_share_by_agency_and_month_and_the_referrals_lacking_the_document(
    store: GraphStore,
) -> None:
    seed(store)
    result = compliance(store)
    assert (result.referrals, result.with_document, result.other_referrals) == (5, 3, 1)
    assert result.share == pytest.approx(EXPECTED_SHARE)
    rows = [
        (r.agency, r.month, r.referrals, r.with_document, r.not_submitted, r.not_recorded, r.share)
        for r in result.rows
    ]
    assert rows == [
        ("Border Force", "2025-03", 2, 1, 0, 1, 0.5),
        ("Kent Police", "2025-02", 2, 1, 1, 0, 0.5),
        ("Kent Police", "2025-03", 1, 1, 0, 0, 1.0),
    ]
    lacking = [(r.ref, r.agency, r.nccu_ref, r.document) for r in result.lacking]
    assert lacking == [
        ("R2", "Kent Police", "NCCU-2", "not submitted"),
        ("R5", "Border Force", "NCCU-5", "not recorded"),
    ]
    assert result.lacking[0].reported_at == dt.datetime(2025, 2, 15, 9, tzinfo=dt.UTC)


def test_places_carry_coordinates_and_activity_and_routes_their_crossings(
    store: GraphStore,
) -> None:
    seed(store)
    found = places(store)
    points = [(p.kind, p.key, p.activity, p.measure, p.weight) for p in found.points]
    assert points == [
        ("camera", "CAM-1", 7, "ANPR reads", 1.0),  # 2 + 1 read times, plus a count of 4
        ("port", "FRCQS", 0, "detections", 0.0),
        ("port", "GBDVR", 2, "detections", 1.0),
    ]
    coquelles = ports()["FRCQS"]
    assert (found.points[1].lat, found.points[1].lon) == (coquelles.lat, coquelles.lon)
    assert (found.points[2].lat, found.points[2].lon) == (51.12, 1.33)
    assert found.points[2].label == "Dover (GBDVR): 2 detections"
    [route] = found.routes
    assert (route.key, route.crossings, route.detections) == ("FRCQS-GBDVR", 2, 1)
    assert (route.dep_lat, route.arr_lat) == (coquelles.lat, 51.12)
    assert found.unplaced == ["Location:PLACE:TODDINGTON", "Port:XXZZZ", "Route:GBDVR-XXZZZ"]
    assert [row["key"] for row in found.of_kind("port")] == ["FRCQS", "GBDVR"]


def test_an_empty_store_has_no_activity_no_share_and_nothing_to_map(store: GraphStore) -> None:
    assert activity_by_month(store) == []
    empty = compliance(store)
    assert (empty.share, empty.referrals, empty.rows, empty.lacking) == (None, 0, [], [])
    found = places(store)
    assert (found.points, found.routes, found.unplaced, found.centre()) == ([], [], [], None)


def _report(home: Path, load_id: str, loaded: int) -> None:
    report = {
        "load_id": load_id,
        "started_at": "2025-03-01T02:14:00Z",
        "store": "embedded",
        "files": [{"path": "a.csv", "source": "anpr", "rows": loaded + 1, "loaded": loaded}],
    }
    folder = home / "loads" / load_id
    folder.mkdir(parents=True)
    (folder / "report.json").write_text(json.dumps(report))


def test_load_reports_are_read_newest_first_and_summed_up(tmp_path: Path) -> None:
    _report(tmp_path, "20250301T021400Z-aaaaaa", 3)
    _report(tmp_path, "20250302T021400Z-bbbbbb", 5)
    (tmp_path / "loads" / "20250303T000000Z-cccccc").mkdir()  # stopped before its report
    reports = load_reports(tmp_path, limit=5)
    assert [r.load_id for r in reports] == ["20250302T021400Z-bbbbbb", "20250301T021400Z-aaaaaa"]
    assert isinstance(reports[0], LoadReport)
    assert [r.load_id for r in load_reports(tmp_path, limit=1)] == ["20250302T021400Z-bbbbbb"]
    row = report_row(reports[0])
    assert (row["files"], row["rows"], row["loaded"], row["quarantined"]) == (1, 6, 5, 0)


def test_an_unreadable_load_report_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "loads" / "20250301T021400Z-aaaaaa"
    folder.mkdir(parents=True)
    (folder / "report.json").write_text("{not json")
    with pytest.raises(InputError, match="20250301T021400Z-aaaaaa"):
        load_reports(tmp_path)
