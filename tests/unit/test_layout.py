"""Positions computed on the server for large drawings (ocgmap.layout, ocgmap.network.placed)."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from dashboards.components import network as component
from ocgmap.layout import SPACING, spring_positions
from ocgmap.network import links, network_view, placed
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import Edge, Node, Subgraph


def _distance(pos: dict[str, tuple[float, float]], a: str, b: str) -> float:
    return math.dist(pos[a], pos[b])


def _two_groups(size: int) -> tuple[list[str], list[tuple[str, str]]]:
    """Two cliques of ``size`` joined by one link."""
    left = [f"L{i}" for i in range(size)]
    right = [f"R{i}" for i in range(size)]
    edges = [(g[i], g[j]) for g in (left, right) for i in range(size) for j in range(i + 1, size)]
    return left + right, [*edges, ("L0", "R0")]


def test_the_same_graph_in_any_order_or_direction_gives_the_same_positions() -> None:
    nodes, edges = _two_groups(8)
    first = spring_positions(nodes, edges)
    shuffled, flipped = nodes[:], [(b, a) for a, b in edges]
    random.Random(3).shuffle(shuffled)
    random.Random(4).shuffle(flipped)
    assert spring_positions(shuffled, flipped) == first
    assert spring_positions(nodes, edges, seed=8) != first


def test_linked_nodes_end_closer_than_unlinked_ones() -> None:
    nodes, edges = _two_groups(10)
    pos = spring_positions(nodes, edges)
    inside = [
        _distance(pos, f"{g}{i}", f"{g}{j}") for g in "LR" for i in range(10) for j in range(i)
    ]
    across = [_distance(pos, f"L{i}", f"R{j}") for i in range(10) for j in range(10)]
    assert max(statistics.mean(inside), statistics.median(inside)) < min(across) * 1.5
    assert statistics.mean(inside) < statistics.mean(across) / 2


def test_a_large_star_is_spread_at_about_the_spacing_without_overlaps() -> None:
    """A haulier with 600 lorries, each with a driver: nodes stay apart and near the spacing."""
    nodes = ["H"] + [f"V{i}" for i in range(600)] + [f"P{i}" for i in range(600)]
    edges = [("H", f"V{i}") for i in range(600)] + [(f"V{i}", f"P{i}") for i in range(600)]
    pos = spring_positions(nodes, edges)
    assert len(pos) == 1201 and len(set(pos.values())) == 1201
    nearest = [min(math.dist(p, q) for q in pos.values() if q != p) for p in pos.values()]
    assert SPACING / 5 < statistics.median(nearest) < SPACING
    assert min(nearest) > 5  # no two nodes drawn on top of each other
    xs = sorted(p[0] for p in pos.values())
    assert abs(statistics.mean(xs)) < 1.0  # centred on the origin
    # drivers sit further from the haulier than their lorries
    outward = sum(_distance(pos, "H", f"P{i}") > _distance(pos, "H", f"V{i}") for i in range(600))
    assert outward > 0.9 * 600


def test_degenerate_inputs() -> None:
    assert spring_positions([], []) == {}
    assert spring_positions(["a"], [("a", "a")]) == {"a": (0.0, 0.0)}
    pos = spring_positions(["a", "b", "a"], [("a", "b"), ("a", "zz"), ("b", "b")])
    assert sorted(pos) == ["a", "b"] and pos["a"] != pos["b"]


def _fleet(lorries: int) -> Subgraph:
    haulier = Node(label=Label.HAULIER, key="CH:1", sources=["L:h.csv#2"])
    vans = [Node(label=Label.VEHICLE, key=f"AB{i:03d}CDE") for i in range(lorries)]
    edges = [Edge(type=RelType.OPERATES, start=haulier.ref, end=v.ref) for v in vans]
    return Subgraph(nodes=[haulier, *vans], edges=edges)


def test_placed_puts_every_node_at_its_position_and_refuses_a_missing_one() -> None:
    view = network_view(_fleet(3))
    nodes, edges = links(view)
    assert nodes == ("Haulier:CH:1", "Vehicle:AB000CDE", "Vehicle:AB001CDE", "Vehicle:AB002CDE")
    assert all(a == "Haulier:CH:1" for a, _ in edges) and len(edges) == 3
    pos = spring_positions(nodes, edges)
    out = placed(view, pos)
    assert out.placed and not view.placed
    assert {
        n["data"]["id"]: (n["position"]["x"], n["position"]["y"]) for n in out.elements["nodes"]
    } == pos
    assert out.elements["edges"] == view.elements["edges"]
    with pytest.raises(ValueError, match="no position for 1 drawn node"):
        placed(view, {k: v for k, v in pos.items() if k != "Vehicle:AB001CDE"})


def test_the_dashboard_lays_out_large_drawings_itself_and_small_ones_in_the_browser() -> None:
    small = network_view(_fleet(component.SERVER_LAYOUT_FROM - 2))
    view, layout = component._layout(small)
    assert layout["name"] == "fcose" and not view.placed
    large = network_view(_fleet(component.SERVER_LAYOUT_FROM))
    view, layout = component._layout(large)
    assert layout["name"] == "preset" and view.placed and view.shown == large.shown
    assert all("position" in n for n in view.elements["nodes"])
