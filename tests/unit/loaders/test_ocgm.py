"""OCG mapping records (formats.md §7): row model against a synthetic world, graph rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from loader_rows import Rows, build, failing_fields, one, read_rows, validate
from pydantic import ValidationError

from loaders.base import GraphRow
from loaders.ocgm import SOURCE, OcgmRow, to_graph
from ocgmap.schema import load_bands
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, NodeRow
from ocgmap.synth import Truth, generate

NAME = "ocgm.csv"

GOOD: dict[str, Any] = {
    "ocg_ref": "OCG-1",
    "ocg_name": "Op Granite",
    "lead_agency": "Essex Police",
    "band": "2B",
    "graded_on": "15/11/2024",
    "threat_type": "OIC",
    "member_type": "PERSON",
    "member_value": "Jan Nowak",
    "role": "principal",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    out = tmp_path_factory.mktemp("ocgm-world")
    return out, generate(out, seed=3, scale=0.05)


@pytest.fixture(scope="module")
def rows(world: tuple[Path, Truth]) -> Rows:
    """Data rows as the pipeline's reader hands them: keys stripped and lower-cased."""
    return read_rows(world[0] / NAME)


_failing_fields = failing_fields
_one = one


def _validate(rows: Rows) -> tuple[dict[int, OcgmRow], dict[int, ValidationError]]:
    return validate(OcgmRow, rows)


def _build(row: OcgmRow, raw: dict[str, Any], n: int = 2) -> list[GraphRow]:
    return build(to_graph, NAME, row, raw, n)


def test_exactly_the_planted_rows_fail(world: tuple[Path, Truth], rows: Rows) -> None:
    truth = world[1].files[NAME]
    good, bad = _validate(rows)
    assert truth.bad_rows, "the synthetic world should plant faults"
    assert set(bad) == {b.row for b in truth.bad_rows}
    assert len(good) + len(bad) == truth.rows
    for planted in truth.bad_rows:
        assert planted.field in _failing_fields(bad[planted.row]), planted


def test_every_valid_row_builds_ocg_member_and_membership(rows: Rows) -> None:
    good, _ = _validate(rows)
    raw = dict(rows)
    for n, row in good.items():
        out = _build(row, raw[n], n)
        nodes = {r.ref for r in out if isinstance(r, NodeRow)}
        edges = [r for r in out if isinstance(r, EdgeRow)]
        for edge in edges:
            assert edge.start in nodes and edge.end in nodes, (n, edge)
            assert edge.grading is None
        ocg = _one(out, Label.OCG)
        assert (ocg.key, ocg.properties["band"]) == (row.ocg_ref, row.band)
        assert ocg.properties["basis"] == "assessment"
        (member_of,) = edges
        assert member_of.type == RelType.MEMBER_OF and member_of.end == ocg.ref
        assert member_of.start.label == Label(row.member_type.title())
        assert member_of.properties.get("role") == row.role
        assert member_of.properties["basis"] == "assessment"


def test_ocg_node_properties() -> None:
    ocg = _one(_build(OcgmRow.model_validate(GOOD), GOOD), Label.OCG)
    assert ocg.properties == {
        "name": "Op Granite",
        "band": "2B",
        "graded_on": dt.date(2024, 11, 15),
        "lead_agency": "Essex Police",
        "threat_type": "OIC",
        "basis": "assessment",
    }
    assert ocg.grading is None


def test_unknown_band_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        OcgmRow.model_validate({**GOOD, "band": "4Z"})
    (error,) = info.value.errors()
    assert error["loc"] == ("band",)
    assert "4Z" in error["msg"] and "1A" in error["msg"]


@pytest.mark.parametrize(
    ("band", "stored"), [("3c", "3C"), (" 1a ", "1A"), ("ungraded", "UNGRADED")]
)
def test_band_matches_case_insensitively_and_is_stored_upper(band: str, stored: str) -> None:
    row = OcgmRow.model_validate({**GOOD, "band": band})
    assert row.band == stored
    assert _one(_build(row, GOOD), Label.OCG).properties["band"] == stored


def test_every_band_of_the_scheme_is_accepted() -> None:
    for code in load_bands().codes:
        assert OcgmRow.model_validate({**GOOD, "band": code.lower()}).band == code


def test_person_without_dob_is_scoped_to_the_ocg() -> None:
    out = _build(OcgmRow.model_validate(GOOD), GOOD)
    person = _one(out, Label.PERSON)
    assert person.key == "JAN NOWAK|?OCG-1"
    edge = out[-1]
    assert isinstance(edge, EdgeRow)
    assert (edge.start, edge.properties["role"]) == (person.ref, "PRINCIPAL")


def test_person_with_dob_is_keyed_by_name_and_dob() -> None:
    raw = {**GOOD, "member_dob": "1980-02-01"}
    assert (
        _one(_build(OcgmRow.model_validate(raw), raw), Label.PERSON).key == "JAN NOWAK|1980-02-01"
    )


@pytest.mark.parametrize(
    ("kind", "value", "label", "key"),
    [
        ("VEHICLE", "AB12 CDE", Label.VEHICLE, "AB12CDE"),
        ("TRAILER", "c-123 456", Label.TRAILER, "C123456"),
        ("HAULIER", "Harbour Freight Ltd.", Label.HAULIER, "NAME:HARBOUR FREIGHT LTD|?"),
        ("PHONE", "+44 7700 900123", Label.PHONE, "+447700900123"),
        ("ADDRESS", "Unit 9, Berry Court Farm", Label.ADDRESS, "UNIT 9 BERRY COURT FARM"),
    ],
)
def test_every_member_type_builds_its_node(kind: str, value: str, label: Label, key: str) -> None:
    raw = {**GOOD, "member_type": kind, "member_value": value, "role": "ASSET"}
    assert _one(_build(OcgmRow.model_validate(raw), raw), label).key == key


@pytest.mark.parametrize("kind", ["LOCATION", "PORT", "BOAT"])
def test_member_types_outside_section_7_are_refused(kind: str) -> None:
    with pytest.raises(ValidationError) as info:
        OcgmRow.model_validate({**GOOD, "member_type": kind, "member_value": "GBDVR"})
    assert _failing_fields(info.value) == {"member_type"}


def test_member_value_is_checked_by_its_type() -> None:
    with pytest.raises(ValidationError) as info:
        OcgmRow.model_validate({**GOOD, "member_type": "PHONE", "member_value": "call me"})
    (error,) = info.value.errors()
    assert error["loc"] == ("member_value",)
    assert "member_value" in error["msg"]


def test_unknown_role_is_refused_and_role_is_optional() -> None:
    with pytest.raises(ValidationError) as info:
        OcgmRow.model_validate({**GOOD, "role": "BOSS"})
    assert _failing_fields(info.value) == {"role"}
    raw = {**GOOD, "role": ""}
    out = _build(OcgmRow.model_validate(raw), raw)
    edge = out[-1]
    assert isinstance(edge, EdgeRow) and "role" not in edge.properties


@pytest.mark.parametrize("missing", ["ocg_ref", "lead_agency", "band", "graded_on", "member_value"])
def test_required_columns(missing: str) -> None:
    with pytest.raises(ValidationError) as info:
        OcgmRow.model_validate({**GOOD, missing: " "})
    assert _failing_fields(info.value) == {missing}


def test_source_registration() -> None:
    assert (SOURCE.name, SOURCE.model, SOURCE.order) == ("ocgm", OcgmRow, 40)
    assert SOURCE.patterns == ("ocgm*.csv", "ocgm*.xlsx", "ocgm*.jsonl")


def test_bands_follow_the_configured_scheme(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ocgmap.config import band_scheme

    scheme = tmp_path / "morile.yaml"
    scheme.write_text("name: morile\nbands: [HIGH, MEDIUM, LOW]\nungraded: NONE\n")
    monkeypatch.setenv("OCGMAP_BANDS_FILE", str(scheme))
    band_scheme.cache_clear()
    try:
        values = {
            "ocg_ref": "OCG-1",
            "lead_agency": "Kent Police",
            "band": "high",
            "graded_on": "2025-01-01",
            "member_type": "PHONE",
            "member_value": "07700 900123",
        }
        assert OcgmRow.model_validate(values).band == "HIGH"
        with pytest.raises(ValidationError, match="morile"):
            OcgmRow.model_validate({**values, "band": "1A"})
    finally:
        monkeypatch.delenv("OCGMAP_BANDS_FILE")
        band_scheme.cache_clear()
