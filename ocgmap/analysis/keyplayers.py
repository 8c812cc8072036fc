"""Key players: the nodes whose removal would disrupt a network most, with reasons.

This module owns the *disruption value* ranking of :func:`key_players` and the conversion of
any networkx graph into the simple undirected weighted graph that the analysis building blocks
work on (:func:`undirected_simple_graph`). It needs only networkx and pydantic, so it runs on
any graph, not just the store's association graph.

A node's disruption value combines three measures, each scaled to [0, 1]:

* **brokerage** - betweenness centrality (share of shortest paths between other nodes that
  pass through the node), divided by the graph's largest betweenness;
* **hub** - strength (sum of the weights of the node's links), divided by the graph's largest
  strength;
* **fragmentation** - the share of all pairs of the other nodes that can no longer reach each
  other once the node is removed (non-zero only for cut vertices).

The score is ``W_BROKERAGE * brokerage + W_HUB * hub + W_FRAGMENTATION * fragmentation``; the
weights sum to one, so the score is in [0, 1]. Betweenness counts hops (link weights are
strengths, not distances). Fragmentation is exact for every node: one depth-first search finds
the parts each node's removal leaves (linear time), so no candidate cut-off is needed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import networkx as nx
from pydantic import BaseModel, ConfigDict

__all__ = [
    "BETWEENNESS_MIN_SAMPLES",
    "BETWEENNESS_SEED",
    "BETWEENNESS_WORK_BUDGET",
    "W_BROKERAGE",
    "W_FRAGMENTATION",
    "W_HUB",
    "KeyPlayer",
    "key_players",
    "undirected_simple_graph",
]

#: Weight of brokerage (betweenness relative to the largest in the graph) in the score.
W_BROKERAGE = 0.4
#: Weight of hub position (strength relative to the largest in the graph) in the score.
W_HUB = 0.2
#: Weight of fragmentation (share of pairs the node's removal disconnects) in the score.
W_FRAGMENTATION = 0.4
#: Exact betweenness while ``nodes x (nodes + links)`` stays under this; sampled above it.
BETWEENNESS_WORK_BUDGET = 1_000_000
#: Fewest source nodes a sampled betweenness uses, however large the graph.
BETWEENNESS_MIN_SAMPLES = 64
#: Seed of the sampled betweenness, so the same graph always gives the same ranking.
BETWEENNESS_SEED = 20240601

#: Scores are rounded to this many decimals, so that symmetric nodes tie exactly.
_SCORE_DECIMALS = 9


class KeyPlayer(BaseModel):
    """One ranked node: its disruption score, the reason in words and the raw measures.

    Attributes
    ----------
    node : str
        ``str()`` of the networkx node.
    score : float
        Disruption value in [0, 1]; higher means removing the node disrupts more.
    why : str
        A plain English sentence with the figures behind the score.
    measures : dict of str to float
        The raw measures: ``betweenness`` (normalised, 0-1), ``strength`` (sum of link
        weights), ``degree`` (links), ``fragmentation`` (share of pairs in the node's own
        component that its removal disconnects), ``pairs_disconnected`` (the same as a share
        of all pairs of the other nodes in the graph), ``parts_after_removal`` (components
        the node's component falls into without it) and ``component_size``.
    """

    model_config = ConfigDict(frozen=True)

    node: str
    score: float
    why: str
    measures: dict[str, float]


def undirected_simple_graph(G: nx.Graph, weight: str | None = "weight") -> nx.Graph:
    """The simple undirected graph behind any networkx graph, with summed link weights.

    Directions are dropped, parallel links are merged and self-loops are dropped. The merged
    link's ``weight`` attribute is the sum of the ``weight`` attributes of the links it
    replaces (a missing or ``None`` weight counts 1.0); with ``weight=None`` every merged link
    weighs 1.0. Nodes keep their attributes and are inserted in a canonical order (by their
    string), so the result does not depend on the order the input was built in.

    Parameters
    ----------
    G : networkx.Graph
        Any graph: Graph, DiGraph, MultiGraph or MultiDiGraph.
    weight : str or None, default "weight"
        Edge attribute holding the weight, or ``None`` for unweighted.

    Returns
    -------
    networkx.Graph
        A new graph; ``G`` is not changed.

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("a", "b", weight=2.0)
    0
    >>> M.add_edge("b", "a")
    0
    >>> undirected_simple_graph(M)["a"]["b"]["weight"]
    3.0
    """
    order = sorted(G.nodes, key=_node_key)
    rank = {node: i for i, node in enumerate(order)}
    H = nx.Graph()
    H.add_nodes_from((node, dict(G.nodes[node])) for node in order)
    parts: dict[tuple[Hashable, Hashable], list[float]] = {}
    for u, v, data in G.edges(data=True):
        if u == v:
            continue
        if rank[u] > rank[v]:
            u, v = v, u
        parts.setdefault((u, v), []).append(_edge_weight(data, weight))
    for u, v in sorted(parts, key=lambda e: (rank[e[0]], rank[e[1]])):
        H.add_edge(u, v, weight=math.fsum(parts[(u, v)]) if weight is not None else 1.0)
    return H


def key_players(
    G: nx.Graph,
    k: int = 10,
    *,
    weight: str | None = "weight",
    label: Callable[[Hashable], str] | None = None,
) -> list[KeyPlayer]:
    """The ``k`` nodes whose removal would disrupt the network most, best first.

    The score combines brokerage (betweenness), hub position (strength) and fragmentation
    (pairs disconnected by removal) with the weights :data:`W_BROKERAGE`, :data:`W_HUB` and
    :data:`W_FRAGMENTATION`; see the module docstring. Betweenness is exact while
    ``n x (n + m)`` is at most :data:`BETWEENNESS_WORK_BUDGET` and otherwise estimated from
    ``BETWEENNESS_WORK_BUDGET // (n + m)`` source nodes (at least
    :data:`BETWEENNESS_MIN_SAMPLES`) drawn with the fixed :data:`BETWEENNESS_SEED`. The same
    graph always gives the same result, whatever order it was built in; ties are broken by
    the node's string.

    Parameters
    ----------
    G : networkx.Graph
        Any networkx graph; directed and multi-graphs are read as simple undirected graphs
        with the weights of parallel links summed (see :func:`undirected_simple_graph`).
    k : int, default 10
        How many nodes to return; fewer when the graph has fewer nodes.
    weight : str or None, default "weight"
        Edge attribute holding a link's strength (missing counts 1.0), or ``None`` to count
        links.
    label : callable, optional
        Turns a node into a display name; when given, ``why`` starts with that name.

    Returns
    -------
    list of KeyPlayer
        At most ``k`` key players, highest score first; empty for an empty graph or
        ``k <= 0``.

    Examples
    --------
    Two cells of four, each fully linked, and a broker who knows two people in each:

    >>> G = nx.union(nx.complete_graph(4), nx.complete_graph(range(4, 8)))
    >>> G.add_edges_from([("broker", 0), ("broker", 1), ("broker", 4), ("broker", 5)])
    >>> top = key_players(G, 3)
    >>> [p.node for p in top]
    ['broker', '0', '1']
    >>> for clause in top[0].why.split("; "):
    ...     print(clause)
    Bridges 2 otherwise separate parts (removing it disconnects 57% of pairs)
    on 57% of shortest paths between other nodes
    4 links.
    """
    if k <= 0 or G.number_of_nodes() == 0:
        return []
    H = undirected_simple_graph(G, weight)
    n = H.number_of_nodes()
    betweenness, sampled = _betweenness(H)
    strength = {node: _strength(H, node) for node in H}
    pieces, component_size = _removal_pieces(H)

    between = {node: min(max(value, 0.0), 1.0) for node, value in betweenness.items()}
    top_betweenness = max(between.values())
    top_strength = max(strength.values())
    other_pairs = (n - 1) * (n - 2)

    ranked: list[tuple[float, str, int, Hashable, dict[str, float]]] = []
    for position, node in enumerate(H):
        size = component_size[node]
        parts = pieces[node]
        lost = (size - 1) * (size - 2) - sum(p * (p - 1) for p in parts)
        measures = {
            "betweenness": between[node],
            "strength": strength[node],
            "degree": float(H.degree(node)),
            "fragmentation": lost / ((size - 1) * (size - 2)) if size > 2 else 0.0,
            "pairs_disconnected": lost / other_pairs if other_pairs > 0 else 0.0,
            "parts_after_removal": float(len(parts)),
            "component_size": float(size),
        }
        brokerage = between[node] / top_betweenness if top_betweenness > 0 else 0.0
        hub = max(strength[node], 0.0) / top_strength if top_strength > 0 else 0.0
        raw = (
            W_BROKERAGE * brokerage + W_HUB * hub + W_FRAGMENTATION * measures["pairs_disconnected"]
        )
        score = round(min(max(raw, 0.0), 1.0), _SCORE_DECIMALS)
        ranked.append((score, str(node), position, node, measures))
    ranked.sort(key=lambda row: (-row[0], row[1], row[2]))

    players: list[KeyPlayer] = []
    for score, name, _, node, measures in ranked[:k]:
        whole_graph = measures["component_size"] == n
        why = _why(measures, whole_graph=whole_graph, sampled=sampled, weighted=weight is not None)
        if label is not None:
            why = f"{label(node)}: {why[0].lower()}{why[1:]}"
        players.append(KeyPlayer(node=name, score=score, why=why, measures=measures))
    return players


def _node_key(node: Hashable) -> tuple[str, str, str]:
    return (str(node), type(node).__name__, repr(node))


def _edge_weight(data: Mapping[str, Any], weight: str | None) -> float:
    if weight is None:
        return 1.0
    value = data.get(weight)
    return 1.0 if value is None else float(value)


def _strength(H: nx.Graph, node: Hashable) -> float:
    return math.fsum(float(d["weight"]) for d in H[node].values())


def _betweenness(H: nx.Graph) -> tuple[dict[Hashable, float], bool]:
    """Normalised hop-count betweenness, exact or sampled; and whether it was sampled."""
    n = H.number_of_nodes()
    work = n + H.number_of_edges()
    if n * work <= BETWEENNESS_WORK_BUDGET:
        return dict(nx.betweenness_centrality(H, normalized=True, weight=None)), False
    samples = min(n, max(BETWEENNESS_MIN_SAMPLES, BETWEENNESS_WORK_BUDGET // work))
    if samples >= n:
        return dict(nx.betweenness_centrality(H, normalized=True, weight=None)), False
    values = nx.betweenness_centrality(
        H, k=samples, normalized=True, weight=None, seed=BETWEENNESS_SEED
    )
    return dict(values), True


def _removal_pieces(H: nx.Graph) -> tuple[dict[Hashable, list[int]], dict[Hashable, int]]:
    """Sizes of the parts each node's component falls into without it, and component sizes.

    One iterative depth-first search with low-links (Hopcroft-Tarjan): a DFS child ``c`` of
    ``v`` whose subtree reaches no ancestor of ``v`` (``low[c] >= disc[v]``) becomes a part
    of its own, of the subtree's size; what is left of the component is one more part.
    """
    disc: dict[Hashable, int] = {}
    low: dict[Hashable, int] = {}
    size: dict[Hashable, int] = {}
    pieces: dict[Hashable, list[int]] = {}
    component_size: dict[Hashable, int] = {}
    counter = 0
    for root in H:
        if root in disc:
            continue
        members = [root]
        disc[root] = low[root] = counter
        counter += 1
        size[root] = 1
        pieces[root] = []
        stack: list[tuple[Hashable, Hashable | None, Any]] = [(root, None, iter(H[root]))]
        while stack:
            v, parent, neighbours = stack[-1]
            descended = False
            for w in neighbours:
                if w == parent:
                    continue
                if w in disc:
                    low[v] = min(low[v], disc[w])
                    continue
                disc[w] = low[w] = counter
                counter += 1
                size[w] = 1
                pieces[w] = []
                members.append(w)
                stack.append((w, v, iter(H[w])))
                descended = True
                break
            if descended:
                continue
            stack.pop()
            if stack:
                p = stack[-1][0]
                low[p] = min(low[p], low[v])
                size[p] += size[v]
                if low[v] >= disc[p]:
                    pieces[p].append(size[v])
        total = len(members)
        for v in members:
            rest = total - 1 - sum(pieces[v])
            if rest > 0:
                pieces[v].append(rest)
            component_size[v] = total
    return pieces, component_size


def _pct(share: float) -> str:
    if 0 < share < 0.005:
        return "under 1%"
    return f"{round(share * 100)}%"


def _why(measures: Mapping[str, float], *, whole_graph: bool, sampled: bool, weighted: bool) -> str:
    clauses: list[str] = []
    parts = int(measures["parts_after_removal"])
    if parts >= 2:
        scope = (
            "pairs"
            if whole_graph
            else f"pairs in its {int(measures['component_size'])}-node component"
        )
        clauses.append(
            f"bridges {parts} otherwise separate parts "
            f"(removing it disconnects {_pct(measures['fragmentation'])} of {scope})"
        )
    if measures["betweenness"] > 0:
        about = "about " if sampled else ""
        clauses.append(
            f"on {about}{_pct(measures['betweenness'])} of shortest paths between other nodes"
        )
    degree = int(measures["degree"])
    links = f"{degree} link" if degree == 1 else f"{degree} links"
    if weighted and not math.isclose(measures["strength"], measures["degree"]):
        links += f" (total weight {measures['strength']:.3g})"
    clauses.append(links)
    sentence = "; ".join(clauses)
    return f"{sentence[0].upper()}{sentence[1:]}."
