"""Referrals (formats.md §2): row model against a synthetic world's truth, and graph rows."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from loader_rows import Rows, build, edges, failing_fields, one, read_rows, validate
from pydantic import ValidationError

from loaders.base import GraphRow
from loaders.referrals import SOURCE, ReferralRow, to_graph
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, NodeRow
from ocgmap.synth import Truth, generate

NAME = "referrals.csv"

GOOD: dict[str, Any] = {
    "referral_ref": "KP-INT-9",
    "reported_at": "01/03/2025 02:14",
    "reporting_agency": "Kent Police",
    "source_evaluation": "2",
    "intel_assessment": "b",
    "handling_code": "P",
    "subject_type": "PERSON",
    "subject_value": "Jan Nowak",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    out = tmp_path_factory.mktemp("referrals-world")
    return out, generate(out, seed=3, scale=0.05)


@pytest.fixture(scope="module")
def rows(world: tuple[Path, Truth]) -> Rows:
    """Data rows as the pipeline's reader hands them: keys stripped and lower-cased."""
    return read_rows(world[0] / NAME)


_failing_fields = failing_fields
_one = one
_edges = edges


def _validate(rows: Rows) -> tuple[dict[int, ReferralRow], dict[int, ValidationError]]:
    return validate(ReferralRow, rows)


def _build(row: ReferralRow, raw: dict[str, Any], n: int = 2) -> list[GraphRow]:
    return build(to_graph, NAME, row, raw, n)


def test_exactly_the_planted_rows_fail(world: tuple[Path, Truth], rows: Rows) -> None:
    truth = world[1].files[NAME]
    good, bad = _validate(rows)
    assert truth.bad_rows, "the synthetic world should plant faults"
    assert set(bad) == {b.row for b in truth.bad_rows}
    assert len(good) + len(bad) == truth.rows
    for planted in truth.bad_rows:
        assert planted.field in _failing_fields(bad[planted.row]), planted


def test_every_valid_row_builds_a_closed_graded_subgraph(rows: Rows) -> None:
    good, _ = _validate(rows)
    raw = dict(rows)
    for n, row in good.items():
        out = _build(row, raw[n], n)
        nodes = {r.ref for r in out if isinstance(r, NodeRow)}
        for edge in (r for r in out if isinstance(r, EdgeRow)):
            assert edge.start in nodes and edge.end in nodes, (n, edge)
            assert edge.sources == (f"T1:{NAME}#{n}",)
        referral = _one(out, Label.REFERRAL)
        assert referral.grading is not None and referral.key == row.referral_ref
        (concerns,) = _edges(out, RelType.CONCERNS)
        assert concerns.start == referral.ref
        for edge in [concerns, *_edges(out, RelType.ABOUT)]:
            assert edge.grading == referral.grading
            assert edge.properties["basis"] == "assessment"


def test_rows_of_one_referral_re_emit_the_same_node(rows: Rows) -> None:
    good, _ = _validate(rows)
    raw = dict(rows)
    nodes: dict[str, list[NodeRow]] = defaultdict(list)
    for n, row in good.items():
        nodes[row.referral_ref].append(_one(_build(row, raw[n], n), Label.REFERRAL))
    shared = [same for same in nodes.values() if len(same) > 1]
    assert shared, "the synthetic world should have referrals with several subjects"
    for same in shared:
        assert len({(node.grading, str(node.properties)) for node in same}) == 1
        assert len({node.sources for node in same}) == len(same)


def test_a_5x5x5_looking_grading_is_refused() -> None:
    legacy = {**GOOD, "source_evaluation": "A", "intel_assessment": "1", "handling_code": "1"}
    with pytest.raises(ValidationError) as info:
        ReferralRow.model_validate(legacy)
    assert _failing_fields(info.value) == {
        "source_evaluation",
        "intel_assessment",
        "handling_code",
    }


def test_vehicle_subject_is_keyed_by_normalised_vrm() -> None:
    raw = {**GOOD, "subject_type": "vehicle", "subject_value": "AB12 CDE"}
    row = ReferralRow.model_validate(raw)
    assert (row.subject_type, row.subject_value) == ("VEHICLE", "AB12CDE")
    vehicle = _one(_build(row, raw), Label.VEHICLE)
    assert vehicle.key == "AB12CDE"
    assert vehicle.properties["raw_vrm"] == ["AB12 CDE"]


def test_person_without_dob_is_scoped_to_the_referral() -> None:
    out = _build(ReferralRow.model_validate(GOOD), GOOD)
    assert _one(out, Label.PERSON).key == "JAN NOWAK|?KP-INT-9"


def test_person_with_dob_is_keyed_by_name_and_dob() -> None:
    raw = {**GOOD, "subject_dob": "01/02/1980"}
    person = _one(_build(ReferralRow.model_validate(raw), raw), Label.PERSON)
    assert person.key == "JAN NOWAK|1980-02-01"
    assert person.properties["dob"] == "1980-02-01"


@pytest.mark.parametrize(
    ("kind", "value", "label", "key"),
    [
        ("VEHICLE", "ab12 cde", Label.VEHICLE, "AB12CDE"),
        ("TRAILER", "c-123 456", Label.TRAILER, "C123456"),
        ("HAULIER", "Harbour Freight Limited", Label.HAULIER, "NAME:HARBOUR FREIGHT LTD|?"),
        ("PHONE", "07700 900123", Label.PHONE, "+447700900123"),
        (
            "ADDRESS",
            "1 High Street, Dover, ct16 1aa",
            Label.ADDRESS,
            "1 HIGH STREET DOVER CT16 1AA",
        ),
        ("ADDRESS", "Unit 4, Dock Road", Label.ADDRESS, "UNIT 4 DOCK ROAD"),
        ("LOCATION", "Toddington Services", Label.LOCATION, "PLACE:TODDINGTON SERVICES"),
        ("PORT", "gb dvr", Label.PORT, "GBDVR"),
    ],
)
def test_every_subject_type_builds_its_node(kind: str, value: str, label: Label, key: str) -> None:
    raw = {**GOOD, "subject_type": kind, "subject_value": value}
    out = _build(ReferralRow.model_validate(raw), raw)
    subject = _one(out, label)
    assert subject.key == key
    (concerns,) = _edges(out, RelType.CONCERNS)
    assert concerns.end == subject.ref


def test_address_subject_keeps_its_postcode() -> None:
    raw = {**GOOD, "subject_type": "ADDRESS", "subject_value": "1 High Street, Dover CT161AA"}
    address = _one(_build(ReferralRow.model_validate(raw), raw), Label.ADDRESS)
    assert address.properties["postcode"] == "CT16 1AA"


@pytest.mark.parametrize(
    ("kind", "value"),
    [("VEHICLE", "AB!2 CDE"), ("PHONE", "not a number"), ("PORT", "Atlantis"), ("PERSON", "..")],
)
def test_subject_value_is_checked_by_its_type(kind: str, value: str) -> None:
    with pytest.raises(ValidationError) as info:
        ReferralRow.model_validate({**GOOD, "subject_type": kind, "subject_value": value})
    (error,) = info.value.errors()
    assert error["loc"] == ("subject_value",)
    assert "subject_value" in error["msg"] and kind in error["msg"]


def test_unknown_subject_type_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        ReferralRow.model_validate({**GOOD, "subject_type": "BOAT"})
    assert _failing_fields(info.value) == {"subject_type"}


def test_detection_ref_gives_a_bare_detection_and_a_graded_about() -> None:
    raw = {**GOOD, "detection_ref": "DET-1", "handling_code": "c", "handling_conditions": "Ask"}
    out = _build(ReferralRow.model_validate(raw), raw)
    detection = _one(out, Label.DETECTION)
    assert detection.key == "DET-1"
    assert detection.properties == {"basis": "fact"}
    (about,) = _edges(out, RelType.ABOUT)
    assert (about.start, about.end) == (_one(out, Label.REFERRAL).ref, detection.ref)
    assert about.grading is not None and about.grading.handling_conditions == "Ask"


def test_referral_properties_and_grading() -> None:
    raw = {**GOOD, "intel_submitted": "n", "nccu_ref": "NCCU-1", "summary": "Seen at Dover"}
    row = ReferralRow.model_validate({**raw, "source_evaluation": 2})
    referral = _one(_build(row, raw), Label.REFERRAL)
    assert referral.properties["intel_submitted"] is False
    assert referral.properties["nccu_ref"] == "NCCU-1"
    assert referral.properties["reported_at"] == referral.seen_at == row.reported_at
    assert referral.grading is not None
    assert referral.grading.as_properties() == {
        "grading_scheme": "3x5x2",
        "source_evaluation": "2",
        "intel_assessment": "B",
        "handling_code": "P",
    }


def test_extra_columns_are_kept() -> None:
    row = ReferralRow.model_validate({**GOOD, "officer": "PC 123"})
    assert row.extras() == {"officer": "PC 123"}


def test_source_registration() -> None:
    assert (SOURCE.name, SOURCE.model, SOURCE.order) == ("referrals", ReferralRow, 70)
    assert SOURCE.patterns == (
        "referrals*.csv",
        "referrals*.xlsx",
        "referrals*.jsonl",
        "intel*.csv",
    )
