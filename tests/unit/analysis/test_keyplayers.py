"""Key players: networks whose disruptive nodes are known come out in the right order."""

from __future__ import annotations

import random
import time
from collections.abc import Hashable

import networkx as nx
import pytest

from ocgmap.analysis import keyplayers
from ocgmap.analysis.keyplayers import (
    KeyPlayer,
    key_players,
    undirected_simple_graph,
)


def two_cells_and_a_broker(size: int = 6) -> nx.Graph:
    """Two fully linked cells; the broker knows two members of each, nobody else links them."""
    G = nx.union(nx.complete_graph(size), nx.complete_graph(range(size, 2 * size)))
    G.add_edges_from([("broker", 0), ("broker", 1), ("broker", size), ("broker", size + 1)])
    return G


def brute_force_split(G: nx.Graph, node: Hashable) -> tuple[float, int]:
    """Fragmentation within the node's component and the parts left, by removing it."""
    component = nx.node_connected_component(G, node)
    rest = G.subgraph(component - {node})
    sizes = [len(c) for c in nx.connected_components(rest)]
    n = len(component)
    if n <= 2:
        return 0.0, len(sizes)
    return 1 - sum(s * (s - 1) for s in sizes) / ((n - 1) * (n - 2)), len(sizes)


def shuffled_copy(G: nx.Graph, seed: int) -> nx.Graph:
    """The same graph, nodes and edges inserted in another order and edges turned round."""
    rng = random.Random(seed)
    edges = list(G.edges(data=True))
    rng.shuffle(edges)
    H = type(G)()
    H.add_nodes_from(rng.sample(list(G), len(G)))
    H.add_edges_from((v, u, d) for u, v, d in edges)
    return H


def test_broker_between_two_cells_ranks_first_and_says_it_splits_them() -> None:
    players = key_players(two_cells_and_a_broker(), 3)
    assert players[0].node == "broker"
    assert players[0].why.startswith("Bridges 2 otherwise separate parts")
    assert players[0].measures["parts_after_removal"] == 2
    # 6 x 6 of the 66 pairs of the other 12 nodes are cut
    assert players[0].measures["fragmentation"] == pytest.approx(72 / 132)
    assert players[0].score > 2 * players[1].score


def test_barbell_bridge_and_its_two_ends_are_the_top_three() -> None:
    # barbell(5, 1): cliques 0-4 and 6-10 joined through node 5. Nodes 4 and 6 are cut
    # vertices too (cutting 24 pairs against the bridge's 25) and have 5 links to its 2, so the
    # three rank together at the top; the bridge has the highest brokerage and fragmentation.
    players = key_players(nx.barbell_graph(5, 1), 3)
    assert {p.node for p in players} == {"4", "5", "6"}
    bridge = next(p for p in players if p.node == "5")
    assert bridge.why.startswith("Bridges 2 otherwise separate parts")
    for other in players:
        assert bridge.measures["betweenness"] >= other.measures["betweenness"]
        assert bridge.measures["fragmentation"] >= other.measures["fragmentation"]


def test_star_centre_ranks_first() -> None:
    players = key_players(nx.star_graph(8), 3)
    assert players[0].node == "0"
    assert players[0].score == pytest.approx(1.0)
    assert players[0].measures["parts_after_removal"] == 8
    assert players[1].score < 0.1


def test_path_middle_ranks_first_then_its_neighbours() -> None:
    players = key_players(nx.path_graph(7), 3)
    assert [p.node for p in players] == ["3", "2", "4"]
    assert players[1].score == players[2].score


def test_karate_club_leaders_are_in_the_top_three() -> None:
    # Measured: 0 (score 0.70), 33 (0.48), 32 (0.29).
    top = [p.node for p in key_players(nx.karate_club_graph(), 3)]
    assert {"0", "33"} <= set(top)


def test_fragmentation_matches_removing_each_node() -> None:
    for seed in range(5):
        G = nx.gnp_random_graph(40, 0.06, seed=seed)  # sparse: several components, cut vertices
        G.add_node("isolated")
        by_node = {p.node: p for p in key_players(G, len(G))}
        for node in G:
            fragmentation, parts = brute_force_split(G, node)
            measures = by_node[str(node)].measures
            assert measures["fragmentation"] == pytest.approx(fragmentation)
            assert measures["parts_after_removal"] == parts


def test_same_result_twice_and_whatever_the_insertion_order() -> None:
    G = nx.karate_club_graph()
    first = key_players(G, 10)
    assert key_players(G, 10) == first
    assert key_players(shuffled_copy(G, 1), 10) == first


def test_sampled_betweenness_is_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyplayers, "BETWEENNESS_WORK_BUDGET", 20_000)  # sample from 64 nodes
    G = nx.gnm_random_graph(300, 900, seed=2)
    first = key_players(G, 10)
    assert "on about" in first[0].why
    assert key_players(G, 10) == first
    assert key_players(shuffled_copy(G, 5), 10) == first


def test_multidigraph_with_parallel_edges() -> None:
    M = nx.MultiDiGraph()
    M.add_edge("a", "b", weight=2.0)
    M.add_edge("b", "a", weight=3.0)
    M.add_edge("a", "b")  # no weight: counts 1.0
    M.add_edges_from([("b", "c"), ("c", "d"), ("d", "d")])  # and a self-loop, ignored
    simple = undirected_simple_graph(M)
    assert simple["a"]["b"]["weight"] == 6.0
    assert not simple.has_edge("d", "d")
    players = {p.node: p for p in key_players(M, 10)}
    assert players["a"].measures["strength"] == 6.0
    assert players["a"].measures["degree"] == 1.0
    assert players["b"].measures["strength"] == 7.0
    G = nx.Graph([("a", "b", {"weight": 6.0}), ("b", "c"), ("c", "d")])
    assert list(players.values()) == key_players(G, 10)
    unweighted = {p.node: p for p in key_players(M, 10, weight=None)}
    assert unweighted["b"].measures["strength"] == 2.0


def test_k_larger_than_the_graph_returns_every_node() -> None:
    G = nx.path_graph(5)
    assert len(key_players(G, 50)) == 5
    assert key_players(G, 0) == []
    assert key_players(G, -1) == []
    assert key_players(nx.Graph(), 5) == []


def test_tiny_graphs() -> None:
    (only,) = key_players(nx.empty_graph(1), 5)
    assert only.node == "0" and only.score == 0.0 and only.why == "0 links."
    pair = key_players(nx.path_graph(2), 5)
    assert [p.node for p in pair] == ["0", "1"]
    assert all(p.measures["fragmentation"] == 0.0 for p in pair)


def test_scores_are_in_range_and_sorted() -> None:
    for G in [nx.karate_club_graph(), nx.les_miserables_graph(), nx.gnp_random_graph(80, 0.05, 1)]:
        players = key_players(G, len(G))
        assert all(isinstance(p, KeyPlayer) and 0.0 <= p.score <= 1.0 for p in players)
        keys = [(-p.score, p.node) for p in players]
        assert keys == sorted(keys)


def test_label_names_the_node_in_why() -> None:
    players = key_players(nx.star_graph(3), 1, label=lambda n: f"Person {n}")
    assert players[0].why.startswith("Person 0: bridges 3 otherwise separate parts")


def test_two_thousand_nodes_in_a_few_seconds() -> None:
    # Measured ~2-3 s for 2,000 nodes and 10,000 links on a 2-core machine.
    G = nx.gnm_random_graph(2000, 10_000, seed=7)
    start = time.perf_counter()
    players = key_players(G, 10)
    assert time.perf_counter() - start < 15
    assert len(players) == 10
