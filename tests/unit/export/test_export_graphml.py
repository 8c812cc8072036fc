"""network.graphml read back with networkx: counts, typed attributes, handling respected."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from export_world import CLUSTER_ID, SECRET_PERSON, SECRET_REF, SECRET_ROW, package_in

from ocgmap.export.graphml import network, write_graphml
from ocgmap.export.package import TargetPackage

EXPORTED_AT = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def _package(tmp_path: Path, **options: object) -> TargetPackage:
    options.setdefault("exported_at", EXPORTED_AT)
    return package_in(tmp_path, **options)


@pytest.fixture
def package(tmp_path: Path) -> TargetPackage:
    return _package(tmp_path)


@pytest.fixture
def graph(package: TargetPackage, tmp_path: Path) -> nx.MultiDiGraph:
    path = write_graphml(package, tmp_path / "network.graphml")
    return nx.read_graphml(path, force_multigraph=True)


def test_reads_back_with_one_node_per_subject_and_event_and_one_edge_per_link(
    package: TargetPackage, graph: nx.MultiDiGraph
) -> None:
    assert graph.number_of_nodes() == len(package.subjects) + len(package.events) == 9
    assert graph.number_of_edges() == len(package.links) == 9
    assert set(graph.nodes) == {s.id for s in [*package.subjects, *package.events]}
    assert graph.is_directed()
    edges = sorted((u, v, d["link_type"]) for u, v, d in graph.edges(data=True))
    assert edges == sorted((link.source, link.target, link.type) for link in package.links)


def test_attributes_keep_their_types(graph: nx.MultiDiGraph) -> None:
    driver = graph.nodes["Person:JAN TESTOWY|1980-01-02"]
    assert driver["label"] == "JAN TESTOWY"
    assert driver["entity_type"] == "Person"
    assert driver["key"] == "JAN TESTOWY|1980-01-02"
    assert isinstance(driver["key_player_score"], float)
    assert driver["key_player_score"] == pytest.approx(0.9)
    assert driver["source_count"] == 1 and isinstance(driver["source_count"], int)
    assert driver["provenance"] == "L1:detections.csv#2"
    assert "key_player_score" not in graph.nodes["Vehicle:AB12CDE"]  # absent, not 0
    detection = graph.nodes["Detection:D-2026-001"]
    assert detection["event_date"] == "2026-03-09T09:30:00+00:00"
    referral = graph.nodes["Referral:REF-P-1"]
    assert (referral["grading"], referral["handling_code"]) == ("2B", "P")
    _, _, concerns = next(e for e in graph.edges(data=True) if e[2]["link_type"] == "CONCERNS")
    assert concerns["link_grading"] == "2B"
    assert concerns["link_first_seen"] == "2026-02-01T09:30:00+00:00"
    assert concerns["link_source_count"] == 1
    assert graph.graph["marking"] == "OFFICIAL"
    assert graph.graph["cluster_id"] == CLUSTER_ID


def test_keys_are_declared_once_with_readable_ids_and_one_type(
    package: TargetPackage, tmp_path: Path
) -> None:
    root = ET.parse(write_graphml(package, tmp_path / "network.graphml")).getroot()
    keys = root.findall(f"{GRAPHML}key")
    ids = [k.get("id") for k in keys]
    assert len(ids) == len(set(ids))
    assert not any(i and i[0] == "d" and i[1:].isdigit() for i in ids)  # not yEd's d3/d7
    types = {k.get("id"): k.get("attr.type") for k in keys}
    assert types["key_player_score"] == "double"
    assert types["source_count"] == "long"
    assert types["label"] == "string"
    edge_ids = [e.get("id") for e in root.iter(f"{GRAPHML}edge")]
    assert sorted(edge_ids) == [f"LINK-{n:04d}" for n in range(1, 10)]


def test_withheld_referral_its_row_and_person_are_nowhere_in_the_file(
    package: TargetPackage, tmp_path: Path
) -> None:
    content = write_graphml(package, tmp_path / "network.graphml").read_text(encoding="utf-8")
    assert "REF-P-1" in content
    for secret in (SECRET_REF, SECRET_ROW, SECRET_PERSON, "HIDDEN SOURCE PERSON"):
        assert secret not in content


def test_conditional_referral_appears_when_included_with_justification(tmp_path: Path) -> None:
    package = _package(tmp_path, include_conditional=True, justification="NCA-approved recipient")
    graph = nx.read_graphml(write_graphml(package, tmp_path / "n.graphml"), force_multigraph=True)
    assert graph.nodes[f"Referral:{SECRET_REF}"]["handling_code"] == "C"
    assert f"Person:{SECRET_PERSON}" in graph
    assert graph.number_of_edges() == len(package.links) == 11


def test_two_exports_at_different_times_are_byte_identical(tmp_path: Path) -> None:
    first = _package(tmp_path / "a", exported_at=EXPORTED_AT)
    second = _package(tmp_path / "b", exported_at=EXPORTED_AT + dt.timedelta(days=3))
    a = write_graphml(first, tmp_path / "a.graphml").read_bytes()
    b = write_graphml(second, tmp_path / "b.graphml").read_bytes()
    assert a == b


def test_network_is_the_graph_that_is_written(package: TargetPackage) -> None:
    graph = network(package)
    assert isinstance(graph, nx.MultiDiGraph)
    assert list(graph.nodes) == sorted(graph.nodes)
    assert graph.has_edge("Haulier:CH:01234567", "Vehicle:AB12CDE", key="LINK-0006")
