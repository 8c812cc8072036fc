"""Rows are validated once, where they are built."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from ocgmap.schema.models import EdgeRow, Grading, NodeRef, NodeRow, SourceRef

SRC = ["L1:f.csv#1"]


def test_source_ref_token() -> None:
    assert (
        SourceRef(load_id="20250301-ab", file="anpr.csv", row=12).token == "20250301-ab:anpr.csv#12"
    )
    with pytest.raises(ValidationError):
        SourceRef(load_id="bad:id", file="x", row=1)


def test_node_row_types_properties() -> None:
    row = NodeRow(
        label="Detection",
        key="D1",
        sources=SRC,
        properties={"entrants_count": "3", "detected_at": "2025-03-01T02:14:00Z"},
    )
    assert row.properties == {
        "entrants_count": 3,
        "detected_at": dt.datetime(2025, 3, 1, 2, 14, tzinfo=dt.UTC),
        "basis": "fact",
    }


@pytest.mark.parametrize(
    "props, message",
    [
        ({"colour": "red"}, "Extra inputs are not permitted"),
        ({"entrants_count": "many"}, "entrants_count"),
        ({"detected_at": "2025-03-01T02:14:00"}, "timezone"),
    ],
)
def test_node_row_refuses_bad_properties(props: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        NodeRow(label="Detection", key="D1", sources=SRC, properties=props)


def test_rows_need_provenance_and_a_known_label() -> None:
    with pytest.raises(ValidationError):
        NodeRow(label="Vehicle", key="AB12CDE", sources=[])
    with pytest.raises(ValidationError):
        NodeRow(label="Car", key="AB12CDE", sources=SRC)
    with pytest.raises(ValidationError):
        NodeRow(label="Vehicle", key="", sources=SRC)


def test_edge_row_checks_endpoints() -> None:
    haulier, van = NodeRef(label="Haulier", key="CH:1"), NodeRef(label="Vehicle", key="V1")
    assert EdgeRow(type="OPERATES", start=haulier, end=van, sources=SRC).key == ""
    with pytest.raises(ValidationError, match="OPERATES must go from"):
        EdgeRow(type="OPERATES", start=van, end=haulier, sources=SRC)


def test_grading_3x5x2_codes_are_checked() -> None:
    assert (
        Grading(source_evaluation=" 3 ", intel_assessment="e", handling_code="c").intel_assessment
        == "E"
    )
    with pytest.raises(ValidationError, match="'handling_code' of a 3x5x2 grading must be one of"):
        Grading(source_evaluation="1", intel_assessment="A", handling_code="4")
    with pytest.raises(ValidationError, match="source_evaluation"):
        Grading(source_evaluation="A", intel_assessment="1", handling_code="P")


def test_legacy_5x5x5_is_kept_verbatim() -> None:
    legacy = Grading(scheme="5x5x5", source_evaluation="B", intel_assessment="2", handling_code="4")
    assert legacy.as_properties() == {
        "grading_scheme": "5x5x5",
        "source_evaluation": "B",
        "intel_assessment": "2",
        "handling_code": "4",
    }


def test_facts_and_assessments_are_marked_apart() -> None:
    grading = Grading(source_evaluation="2", intel_assessment="C", handling_code="P")
    referral = NodeRow(label="Referral", key="R1", sources=SRC, grading=grading)
    assert referral.properties["basis"] == "assessment"
    assert NodeRow(label="Detection", key="D1", sources=SRC).properties["basis"] == "fact"
    link = EdgeRow(
        type="CONCERNS",
        start=referral.ref,
        end=NodeRef(label="Phone", key="+44"),
        sources=SRC,
        grading=grading,
    )
    assert link.properties["basis"] == "assessment"
    with pytest.raises(ValidationError, match="Extra inputs"):
        NodeRow(label="Detection", key="D1", sources=SRC, properties={"basis": "assessment"})


def test_intelligence_needs_grading_and_facts_take_none() -> None:
    grading = Grading(source_evaluation="1", intel_assessment="A", handling_code="P")
    with pytest.raises(ValidationError, match="needs a grading"):
        NodeRow(label="Referral", key="R1", sources=SRC)
    assert NodeRow(label="Referral", key="R1", sources=SRC, grading=grading).grading == grading
    with pytest.raises(ValidationError, match="takes no grading"):
        NodeRow(label="Vehicle", key="V1", sources=SRC, grading=grading)
    ref, person = NodeRef(label="Referral", key="R1"), NodeRef(label="Person", key="A|?x")
    with pytest.raises(ValidationError, match="needs a grading"):
        EdgeRow(type="CONCERNS", start=ref, end=person, sources=SRC)
