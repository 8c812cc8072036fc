"""A graph read back from the embedded store keeps one object per repeated value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, NodeRef, NodeRow
from ocgmap.store.embedded import EmbeddedStore

T0 = dt.datetime(2025, 3, 1, 2, 14, tzinfo=dt.UTC)


def _store(path: Path) -> EmbeddedStore:
    store = EmbeddedStore(path)
    vans = [f"ZZ0{i}AAA" for i in range(4)]
    store.upsert_nodes(
        Label.VEHICLE,
        [
            NodeRow(label=Label.VEHICLE, key=v, sources=[f"L1:v.csv#{i}"])
            for i, v in enumerate(vans)
        ],
    )
    store.upsert_nodes(
        Label.HAULIER, [NodeRow(label=Label.HAULIER, key="CH:1", sources=["L1:h.csv#1"])]
    )
    store.upsert_edges(
        RelType.OPERATES,
        [
            EdgeRow(
                type=RelType.OPERATES,
                start=NodeRef(label=Label.HAULIER, key="CH:1"),
                end=NodeRef(label=Label.VEHICLE, key=v),
                sources=[f"L1:o.csv#{i}"],
                seen_at=T0,
            )
            for i, v in enumerate(vans)
        ],
    )
    return store


def test_repeated_values_are_one_object_and_the_graph_is_unchanged(tmp_path: Path) -> None:
    written = _store(tmp_path / "graph.json").graph
    read = EmbeddedStore(tmp_path / "graph.json").graph
    assert sorted(read.nodes(data=True)) == sorted(written.nodes(data=True))
    assert sorted(read.edges(keys=True, data=True)) == sorted(written.edges(keys=True, data=True))
    edges = list(read.edges(keys=True, data=True))
    assert len({id(a["type"]) for _, _, _, a in edges}) == 1
    assert len({id(a["basis"]) for _, _, _, a in edges}) == 1
    assert len({id(k) for _, _, k, _ in edges}) == 1  # "OPERATES|", once
    assert all(a["first_seen"] is a["last_seen"] for _, _, _, a in edges)
    node_ids = {n: n for n in read.nodes}
    for _, nbrs in read.adjacency():
        assert all(v is node_ids[v] for v in nbrs)  # adjacency holds the node's own id
    labels = [a["label"] for _, a in read.nodes(data=True) if a["label"] == "Vehicle"]
    assert all(label is labels[0] for label in labels)


def test_the_analysis_may_read_the_store_s_own_graph_and_others_get_a_copy(
    tmp_path: Path,
) -> None:
    store = _store(tmp_path / "graph.json")
    assert store.to_networkx(copy=False) is store.graph
    copied = store.to_networkx()
    assert copied is not store.graph
    copied.nodes["Vehicle:ZZ00AAA"]["country"] = "PL"  # a copy can be changed freely
    assert "country" not in store.graph.nodes["Vehicle:ZZ00AAA"]
