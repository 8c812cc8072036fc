"""The graph model: graph.yaml, the enums that mirror it, and band schemes."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from ocgmap.errors import SchemaError
from ocgmap.schema import Label, RelType, load_bands, load_schema


def _raw() -> dict[str, dict[str, object]]:
    text = resources.files("ocgmap.schema").joinpath("graph.yaml").read_text("utf-8")
    data: dict[str, dict[str, object]] = yaml.safe_load(text)
    return data


def test_enums_mirror_graph_yaml_exactly() -> None:
    raw = _raw()
    assert [str(x) for x in Label] == list(raw["labels"])
    assert [str(x) for x in RelType] == list(raw["relationships"])


def test_design_rules_are_flags_not_code() -> None:
    schema = load_schema()
    assert not schema.label("Port").joins_clusters
    assert not schema.label("Route").joins_clusters
    assert schema.label("Phone").pivot and schema.label("Address").pivot
    assert schema.label("Referral").intelligence
    assert schema.rel("CONCERNS").intelligence and schema.rel("ABOUT").intelligence
    assert schema.rel("AT").weight == 0.0 and schema.rel("OPERATES").weight > 0


def test_relationship_endpoints_follow_design() -> None:
    schema = load_schema()
    assert schema.rel("OPERATES").from_ == (Label.HAULIER,)
    assert set(schema.rel("OPERATES").to) == {Label.VEHICLE, Label.TRAILER}
    assert set(schema.rel("INVOLVED").to) == {
        Label.VEHICLE,
        Label.TRAILER,
        Label.HAULIER,
        Label.PERSON,
        Label.PHONE,
    }
    assert schema.rel("CALLED").from_ == (Label.PHONE,) == schema.rel("CALLED").to


def test_unknown_names_raise_schema_error() -> None:
    schema = load_schema()
    with pytest.raises(SchemaError, match="label must be one of"):
        schema.label("Vehicle) DETACH DELETE (n")
    with pytest.raises(SchemaError, match="relationship type must be one of"):
        schema.rel("KNOWS")


def test_grading_schemes_are_both_kept() -> None:
    grading = load_schema().grading
    assert grading["3x5x2"].handling_code == ("P", "C")
    assert grading["5x5x5"].handling_code == ("1", "2", "3", "4", "5")


def test_default_bands() -> None:
    bands = load_bands()
    assert bands.codes[:3] == ("1A", "1B", "1C")
    assert bands.rank("1a") == 0 and bands.rank("3E") == 14 and bands.rank("UNGRADED") == 15
    with pytest.raises(SchemaError, match="Got '4Z' instead"):
        bands.rank("4Z")


def test_band_scheme_is_configuration(tmp_path: Path) -> None:
    path = tmp_path / "bands.yaml"
    path.write_text("name: morile\nbands: [HIGH, MEDIUM, LOW]\nungraded: NONE\n")
    bands = load_bands(path)
    assert bands.codes == ("HIGH", "MEDIUM", "LOW", "NONE")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nbands: [A, A]\n")
    with pytest.raises(SchemaError, match="not a valid band scheme"):
        load_bands(bad)
    with pytest.raises(SchemaError, match="Cannot read"):
        load_bands(tmp_path / "missing.yaml")
