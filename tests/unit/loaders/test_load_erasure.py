"""Review dates of loads and what erasing a load does on disk (embedded store)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from tiny_sources import DETECTIONS

from loaders.erasure import (
    TOMBSTONE,
    ErasedLoad,
    due_reviews,
    erase_load,
    load_reviews,
    recorded_store,
)
from loaders.pipeline import FileReport, LoadReport, run
from ocgmap.audit import audit_log
from ocgmap.errors import InputError
from ocgmap.store.embedded import EmbeddedStore

UTC = dt.UTC
WHY = "past its review date"
#: DETECTIONS with an extra column and a third row that is quarantined (entrants not a number).
MESSY = (
    DETECTIONS.replace("reporting_agency\n", "reporting_agency,officer_remark\n").replace(
        "Border Force\n", "Border Force,seen before\n"
    )
    + "D-3,2025-05-01T02:14:00,PORT,GBDVR,ZZ02 BBB,Ola Przyklad,1990-05-06,07700 900003,"
    "many,Border Force,\n"
)


def _report(home: Path, load_id: str, started: dt.datetime, **fields: object) -> LoadReport:
    report = LoadReport(
        load_id=load_id,
        started_at=started,
        store="embedded",
        files=[FileReport(path="in/detections.csv", source="detections", file_id="ab" * 6, rows=2)],
        **fields,  # type: ignore[arg-type]
    )
    folder = home / "loads" / load_id
    folder.mkdir(parents=True)
    (folder / "report.json").write_text(report.model_dump_json(), encoding="utf-8")
    return report


def test_a_load_records_its_review_date(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "detections.csv").write_text(DETECTIONS, encoding="utf-8")
    store = EmbeddedStore(tmp_path / "home" / "graph.json")
    report = run([tmp_path / "detections.csv"], store, tmp_path / "home", retention_years=2)
    day = report.started_at.date()
    assert report.review_due == day.replace(year=day.year + 2)
    saved = json.loads((tmp_path / "home" / "loads" / report.load_id / "report.json").read_text())
    assert saved["review_due"] == report.review_due.isoformat()
    monkeypatch.setenv("OCGMAP_RETENTION_YEARS", "3")
    again = run([tmp_path / "detections.csv"], store, tmp_path / "home")
    day = again.started_at.date()
    assert again.review_due == day.replace(year=day.year + 3)


def test_reviews_list_due_loads_and_date_old_reports(tmp_path: Path) -> None:
    old = _report(tmp_path, "20190228T100000Z-aaaaaa", dt.datetime(2019, 2, 28, 10, tzinfo=UTC))
    new = _report(
        tmp_path,
        "20250301T100000Z-bbbbbb",
        dt.datetime(2025, 3, 1, 10, tzinfo=UTC),
        review_due=dt.date(2031, 3, 1),
    )
    gone = tmp_path / "loads" / "20180101T100000Z-cccccc"
    gone.mkdir(parents=True)
    tomb = ErasedLoad(
        load_id=gone.name,
        store="embedded",
        started_at=dt.datetime(2018, 1, 1, 10, tzinfo=UTC),
        erased_at=dt.datetime(2024, 1, 2, tzinfo=UTC),
        erased_by="J Smith",
        rows=5,
        file_ids=["cd" * 6],
    )
    (gone / TOMBSTONE).write_text(tomb.model_dump_json(), encoding="utf-8")
    today = dt.date(2025, 3, 1)
    [due] = due_reviews(tmp_path, today=today, years=6)
    assert (due.load_id, due.review_due, due.files, due.rows) == (
        old.load_id,
        dt.date(2025, 2, 28),
        1,
        2,
    )
    every = load_reviews(tmp_path, today=today, years=6)
    assert [r.load_id for r in every] == [gone.name, old.load_id, new.load_id]
    assert [r.due for r in every] == [False, True, False]
    assert every[0].erased_at == tomb.erased_at and every[0].review_due == dt.date(2024, 1, 1)
    assert due_reviews(tmp_path, today=dt.date(2031, 3, 1), years=6)[-1].load_id == new.load_id
    assert load_reviews(tmp_path / "nowhere") == []


def test_erasure_deletes_the_loads_files_and_keeps_a_tombstone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    upload = home / "uploads" / "20250301T100000000000Z" / "detections.csv"
    upload.parent.mkdir(parents=True)
    upload.write_text(MESSY, encoding="utf-8")
    outside = tmp_path / "calls.csv"
    outside.write_text(
        "call_id,from_number,to_number,started_at,duration_s\n"
        "C1,07700 900001,07700 900009,2025-03-01T02:14:00,60\n",
        encoding="utf-8",
    )
    store = EmbeddedStore(home / "graph.json")
    report = run([upload, outside], store, home, user="J Smith")
    assert [f.quarantined for f in report.files] == [1, 0]
    folder = home / "loads" / report.load_id
    assert (folder / "extra_columns.jsonl").exists()
    assert (home / "quarantine" / report.load_id).is_dir()
    done = erase_load(store, home, report.load_id, justification=WHY, user="A Admin")
    assert store.counts().nodes == {}
    assert not upload.exists() and not upload.parent.exists() and outside.exists()
    assert not (home / "quarantine" / report.load_id).exists()
    assert [p.name for p in folder.iterdir()] == [TOMBSTONE]
    assert done.deleted_files == 4  # upload, quarantine, extra columns, report
    text = (folder / TOMBSTONE).read_text(encoding="utf-8")
    assert "detections" not in text and "calls" not in text and "JAN" not in text.upper()
    saved = ErasedLoad.model_validate_json(text)
    assert (saved.erased_by, saved.rows, saved.file_ids) == ("A Admin", 4, done.file_ids)
    entry = audit_log(home).entries()[-1]
    assert (entry.action, entry.what, entry.user, entry.justification) == (
        "erasure",
        "load",
        "A Admin",
        WHY,
    )
    assert entry.objects == [report.load_id, *done.file_ids]
    assert entry.details["nodes_deleted"] == done.result.nodes_deleted > 0
    assert entry.details["repeat"] is False and audit_log(home).verify().ok
    [review] = load_reviews(home)
    assert review.erased_at == done.erased_at and not review.due


def test_an_upload_another_load_read_stays(tmp_path: Path) -> None:
    home = tmp_path / "home"
    upload = home / "uploads" / "20250301T100000000000Z" / "detections.csv"
    upload.parent.mkdir(parents=True)
    upload.write_text(DETECTIONS, encoding="utf-8")
    store = EmbeddedStore(home / "graph.json")
    first = run([upload], store, home)
    second = run([upload], store, home)
    erase_load(store, home, first.load_id, justification=WHY)
    assert upload.exists()
    erase_load(store, home, second.load_id, justification=WHY)
    assert not upload.exists()


def test_erase_refuses_another_store_and_a_blank_justification(tmp_path: Path) -> None:
    report = _report(tmp_path, "20250301T100000Z-bbbbbb", dt.datetime(2025, 3, 1, tzinfo=UTC))
    path = tmp_path / "loads" / report.load_id / "report.json"
    path.write_text(report.model_copy(update={"store": "neo4j"}).model_dump_json(), "utf-8")
    store = EmbeddedStore(tmp_path / "graph.json")
    assert recorded_store(tmp_path, report.load_id) == "neo4j"
    with pytest.raises(InputError, match="--store neo4j"):
        erase_load(store, tmp_path, report.load_id, justification=WHY)
    with pytest.raises(InputError, match="justification"):
        erase_load(store, tmp_path, report.load_id, justification="  ")
    with pytest.raises(InputError, match="No load 'L9'"):
        recorded_store(tmp_path, "L9")
    assert path.exists() and not (path.parent / TOMBSTONE).exists()
