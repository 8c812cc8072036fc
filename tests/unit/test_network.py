"""What the graph view draws: hidden labels, the size limit, focus, sizes and paths."""

from __future__ import annotations

from ocgmap.network import describe_path, element_id, network_view, paths_subgraph
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import Edge, Node, Path, Subgraph


def _node(label: Label, key: str) -> Node:
    return Node(label=label, key=key, sources=[f"L:f.csv#{i}" for i in range(7)])


def _edge(t: RelType, a: Node, b: Node) -> Edge:
    return Edge(type=t, start=a.ref, end=b.ref, sources=["L:e.csv#2"])


HAULIER = _node(Label.HAULIER, "CH:1")
LORRIES = [_node(Label.VEHICLE, f"AB{i:02d}CDE") for i in range(5)]
CROSSING = _node(Label.CROSSING, "BK1")
LONER = _node(Label.PHONE, "+447700900000")
GRAPH = Subgraph(
    nodes=[HAULIER, *LORRIES, CROSSING, LONER],
    edges=[
        *(_edge(RelType.OPERATES, HAULIER, v) for v in LORRIES),
        _edge(RelType.CROSSED, CROSSING, LORRIES[0]),
    ],
)


def test_hidden_labels_are_counted_not_drawn() -> None:
    view = network_view(GRAPH)
    drawn = {n["data"]["id"] for n in view.elements["nodes"]}
    assert element_id(CROSSING.ref) not in drawn and view.hidden == {"Crossing": 1}
    assert view.labels == {"Haulier": 1, "Phone": 1, "Vehicle": 5}
    assert view.total == 8 and view.shown == 7 and not view.truncated
    assert all(e["data"]["label"] == "OPERATES" for e in view.elements["edges"])
    assert len(view.elements["edges"]) == 5


def test_the_limit_keeps_focus_then_the_best_connected() -> None:
    view = network_view(GRAPH, focus=[element_id(LONER.ref)], limit=3)
    drawn = [n["data"]["id"] for n in view.elements["nodes"]]
    # the phone is in focus; the haulier has the most links; then vehicles by id
    assert drawn == ["Haulier:CH:1", "Phone:+447700900000", "Vehicle:AB00CDE"]
    assert view.cut == 4 and view.truncated
    assert [(e["data"]["source"], e["data"]["target"]) for e in view.elements["edges"]] == [
        ("Haulier:CH:1", "Vehicle:AB00CDE")
    ]


def test_node_data_carry_size_caption_and_provenance() -> None:
    view = network_view(GRAPH, sizes={"Haulier:CH:1": 0.5})
    data = {n["data"]["id"]: n["data"] for n in view.elements["nodes"]}
    assert data["Haulier:CH:1"]["size"] == 0.5 and data["Vehicle:AB01CDE"]["size"] == 0.0
    assert data["Haulier:CH:1"]["name"] == "CH:1"
    assert data["Haulier:CH:1"]["sources"] == 7
    assert data["Haulier:CH:1"]["provenance"].endswith("(+2 more)")
    edge_ids = [e["data"]["id"] for e in network_view(GRAPH, hide=()).elements["edges"]]
    assert len(edge_ids) == len(set(edge_ids)) == 6


def test_paths_are_joined_once_and_read_in_the_direction_of_their_arrows() -> None:
    there = Path(
        nodes=[LORRIES[0], HAULIER, LORRIES[1]],
        edges=[GRAPH.edges[0], GRAPH.edges[1]],
    )
    back = Path(nodes=[LORRIES[0], HAULIER], edges=[GRAPH.edges[0]])
    union = paths_subgraph([there, back])
    assert len(union.nodes) == 3 and len(union.edges) == 2
    assert describe_path(there) == (
        "Vehicle AB00CDE <-OPERATES- Haulier CH:1 -OPERATES-> Vehicle AB01CDE"
    )
