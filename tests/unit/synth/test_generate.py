"""The synthetic world: deterministic, complete, messy as formats.md allows, honest truth."""

from __future__ import annotations

import csv
import hashlib
import json
from itertools import combinations
from pathlib import Path

import pytest
from contracts import check_file

from ocgmap import normalise
from ocgmap.synth import FILES, Truth, generate

SEED, SCALE = 11, 0.1
ARCHETYPES = {"phoenix", "facilitator", "broker", "reefer", "graded_high", "weak_intel"}
DECOYS = {"decoy_large_fleet", "decoy_formation_agent"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    out = tmp_path_factory.mktemp("world")
    return out, generate(out, seed=SEED, scale=SCALE)


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_writes_every_file_and_the_truth(world: tuple[Path, Truth]) -> None:
    out, truth = world
    assert sorted(p.name for p in out.iterdir()) == sorted([*FILES, "truth.json"])
    assert Truth.model_validate_json((out / "truth.json").read_text()) == truth
    assert set(truth.files) == set(FILES)


def test_same_seed_and_scale_give_identical_bytes(
    world: tuple[Path, Truth], tmp_path: Path
) -> None:
    out, _ = world
    generate(tmp_path, seed=SEED, scale=SCALE)
    assert _digest(tmp_path) == _digest(out)


def test_another_seed_gives_another_world_with_the_same_archetypes(
    world: tuple[Path, Truth], tmp_path: Path
) -> None:
    out, truth = world
    other = generate(tmp_path, seed=SEED + 1, scale=SCALE)
    ours, theirs = _digest(out), _digest(tmp_path)
    assert all(ours[name] != theirs[name] for name in FILES)
    assert sorted(g.archetype for g in other.groups) == sorted(g.archetype for g in truth.groups)
    assert {g.vrms[0] for g in other.groups if g.vrms}.isdisjoint(
        {g.vrms[0] for g in truth.groups if g.vrms}
    )


def test_every_archetype_and_decoy_is_planted(world: tuple[Path, Truth]) -> None:
    _, truth = world
    planted = {g.archetype for g in truth.groups if not g.decoy}
    decoys = {g.archetype for g in truth.groups if g.decoy}
    assert planted == ARCHETYPES and decoys == DECOYS
    assert not any(g.should_challenge for g in truth.groups if g.decoy)
    by_kind = {g.archetype: g for g in truth.groups}
    assert (
        by_kind["graded_high"].current_band == "1B" and not by_kind["graded_high"].should_challenge
    )
    assert by_kind["phoenix"].mapped_members == "part" and by_kind["phoenix"].should_challenge
    assert by_kind["facilitator"].current_band == "UNGRADED"
    bands = {g.current_band for g in truth.groups if not g.decoy}
    assert {"UNGRADED", "1B", "3C", "3D"} <= bands


def test_files_validate_except_exactly_the_declared_bad_rows(world: tuple[Path, Truth]) -> None:
    out, truth = world
    for name in FILES:
        problems = check_file(out / name)
        declared = truth.files[name].bad_rows
        assert sorted(p.row for p in problems) == sorted(b.row for b in declared), name
        assert truth.files[name].quarantine == len(declared)
    assert sum(f.quarantine for f in truth.files.values()) == 20


def test_truth_counts_match_the_files(world: tuple[Path, Truth]) -> None:
    out, truth = world
    for name in FILES:
        if name.endswith(".csv"):
            count = len(_rows(out / name))
        else:
            lines = (out / name).read_text().splitlines()
            assert json.loads(lines[-1])["data"]["kind"].startswith("totals#")
            count = len(lines) - 1
        assert truth.files[name].rows == count, name


def test_groups_share_no_identifier_by_accident(world: tuple[Path, Truth]) -> None:
    _, truth = world
    for a, b in combinations(truth.groups, 2):
        for field in ("vrms", "trailer_ids", "phones", "company_numbers"):
            assert set(getattr(a, field)).isdisjoint(getattr(b, field)), (a.group_id, b.group_id)
        people_a = {(p.name, p.dob) for p in a.people}
        assert people_a.isdisjoint({(p.name, p.dob) for p in b.people}), (a.group_id, b.group_id)


def test_planted_groups_leave_evidence_in_the_files(world: tuple[Path, Truth]) -> None:
    out, truth = world
    detected = {normalise.vrm(r["vrm"]) for r in _rows(out / "detections.csv") if r["vrm"]}
    detected_trailers = {
        normalise.trailer_id(r["trailer_id"])
        for r in _rows(out / "detections.csv")
        if r["trailer_id"]
    }
    called = {
        normalise.phone(r[k])
        for r in _rows(out / "calls.csv")
        for k in ("from_number", "to_number")
        if not r["call_id"].startswith("FAULT")
    }
    referred = {r["referral_ref"] for r in _rows(out / "referrals.csv")}
    for group in truth.groups:
        if group.archetype == "weak_intel":
            assert referred and not set(group.vrms) & detected
        elif group.archetype == "reefer":
            assert set(group.trailer_ids) & detected_trailers
        else:
            assert set(group.vrms) & detected, group.archetype
    broker = next(g for g in truth.groups if g.archetype == "broker")
    assert set(broker.phones) <= called
    mapped = {r["ocg_ref"] for r in _rows(out / "ocgm.csv")}
    assert all(g.ocg_ref in mapped for g in truth.groups if g.ocg_ref)


def test_the_mess_formats_md_allows_is_there(world: tuple[Path, Truth]) -> None:
    out, _ = world
    assert (out / "detections.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (out / "anpr.csv").read_text().startswith("READ_ID,VRM,READ_AT")
    assert "unit_type" in (out / "crossings.csv").read_text().splitlines()[0]
    crossings = _rows(out / "crossings.csv")
    vrms = [r["vrm"] for r in crossings if r["vrm"]]
    assert any(" " in v for v in vrms) and any(v != v.upper() for v in vrms)
    phones = [r["booking_phone"] for r in crossings if r["booking_phone"]]
    assert any(p.startswith("07") for p in phones) and any(p.startswith("+44") for p in phones)
    assert any(p.startswith("00") for p in phones)
    names = " ".join(r["haulier_name"] for r in crossings)
    assert "Limited" in names and "Ltd" in names
    stamps = [r["crossed_at"] for r in crossings]
    assert any("/" in s for s in stamps) and any("T" in s for s in stamps)
    assert any(c["dep_locode"] == c["dep_locode"].lower() for c in crossings)
    detections = _rows(out / "detections.csv")
    refs = [r["detection_ref"] for r in detections]
    twice = {ref for ref in refs if refs.count(ref) == 2}
    assert twice
    assert len({r["reporting_agency"] for r in detections if r["detection_ref"] in twice}) == 2
    assert any(r["driver_name"] and not r["driver_dob"] for r in detections)
