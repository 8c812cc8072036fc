"""Clusters (DESIGN.md §5.2): components, community split where large, stable ids.

A cluster is a connected component of the clustering graph (strong links, no hubs). A
component larger than ``max_size`` is split into communities: with igraph's Leiden when the
optional ``fast`` extra is installed (``community="auto"`` or ``"leiden"``), else with
networkx's Louvain; both are seeded, so a run is reproducible. Cluster ids carry over from the
previous run by member overlap; only a new group gets a new id.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import networkx as nx

from ocgmap.errors import AnalysisError

__all__ = ["Community", "assign_ids", "community_backend", "find_clusters", "split"]

Community = Literal["auto", "networkx", "leiden"]
_ID = re.compile(r"^C-(\d+)$")
#: A cluster keeps its previous id when at least this share of the smaller of the two is shared.
MIN_OVERLAP = 0.5


def community_backend(choice: Community = "auto") -> Literal["networkx", "leiden"]:
    """The community detection library a run uses for ``choice``.

    Examples
    --------
    >>> community_backend("networkx")
    'networkx'
    """
    has_igraph = importlib.util.find_spec("igraph") is not None
    if choice == "leiden" and not has_igraph:
        raise AnalysisError(
            "community='leiden' needs igraph: pip install 'ocgmap[fast]' (igraph is GPL-2.0, "
            "so it is an optional extra), or use community='networkx'."
        )
    if choice == "auto":
        return "leiden" if has_igraph else "networkx"
    return choice


def split(
    graph: nx.Graph,
    *,
    community: Community = "auto",
    resolution: float = 1.0,
    seed: int = 7,
    weight: str = "weight",
) -> list[set[str]]:
    """Split a graph into communities (every node in exactly one).

    Examples
    --------
    >>> g = nx.union(nx.complete_graph(["a", "b", "c", "d"]), nx.complete_graph("wxyz"))
    >>> g.add_edge("d", "w", weight=0.1)
    >>> sorted(sorted(c) for c in split(g, community="networkx"))
    [['a', 'b', 'c', 'd'], ['w', 'x', 'y', 'z']]
    """
    if graph.number_of_nodes() == 0:
        return []
    backend = community_backend(community)
    if backend == "networkx":
        parts = nx.community.louvain_communities(
            graph, weight=weight, resolution=resolution, seed=seed
        )
        return [set(p) for p in parts]
    import igraph

    nodes = sorted(graph.nodes, key=str)
    index = {n: i for i, n in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in graph.edges]
    weights = [float(d.get(weight, 1.0)) for _, _, d in graph.edges(data=True)]
    ig = igraph.Graph(n=len(nodes), edges=edges)
    import random

    state = random.getstate()
    random.seed(seed)  # igraph draws from Python's random module
    try:
        found = ig.community_leiden(
            objective_function="modularity",
            weights=weights,
            resolution=resolution,
            n_iterations=-1,
        )
    finally:
        random.setstate(state)
    groups: dict[int, set[str]] = {}
    for i, member in enumerate(found.membership):
        groups.setdefault(member, set()).add(nodes[i])
    return list(groups.values())


def find_clusters(
    graph: nx.Graph,
    *,
    max_size: int = 2500,
    community: Community = "auto",
    resolution: float = 1.0,
    seed: int = 7,
) -> list[frozenset[str]]:
    """Components of ``graph``, with those over ``max_size`` nodes split into communities.

    Returned in a deterministic order: largest first, then by smallest member.
    """
    out: list[frozenset[str]] = []
    for component in nx.connected_components(graph):
        if len(component) <= max_size:
            out.append(frozenset(component))
            continue
        sub = graph.subgraph(component)
        for part in split(sub, community=community, resolution=resolution, seed=seed):
            # a community need not be connected: keep each connected piece apart
            out.extend(frozenset(p) for p in nx.connected_components(sub.subgraph(part)))
    out.sort(key=lambda c: (-len(c), min(c)))
    return out


def _number(cluster_id: str) -> int:
    match = _ID.match(cluster_id)
    return int(match.group(1)) if match else 0


def assign_ids(
    clusters: Sequence[frozenset[str]],
    previous: Mapping[str, Iterable[str]],
    taken: Iterable[str] = (),
) -> list[str]:
    """Give each cluster the id of the previous cluster it overlaps most, else a new id.

    Parameters
    ----------
    clusters : sequence of frozenset
        This run's clusters (their entity members).
    previous : mapping
        Previous cluster id -> its members.
    taken : iterable of str
        Every id used before (never reused for a new group).

    Returns
    -------
    list of str
        One id per cluster, in the same order.

    Examples
    --------
    >>> assign_ids([frozenset("abc"), frozenset("xy")], {"C-00004": "abd"}, ["C-00009"])
    ['C-00004', 'C-00010']
    """
    owner: dict[str, str] = {}
    sizes: dict[str, int] = {}
    for cid, members in previous.items():
        members = set(members)
        sizes[cid] = len(members)
        for m in members:
            owner[m] = cid
    pairs = []
    for i, cluster in enumerate(clusters):
        shared = Counter(owner[m] for m in cluster if m in owner)
        for cid, n in shared.items():
            if n >= MIN_OVERLAP * min(len(cluster), sizes[cid]):
                pairs.append((-n, cid, i))
    ids: list[str | None] = [None] * len(clusters)
    used: set[str] = set()
    for _, cid, i in sorted(pairs, key=lambda p: (p[0], p[1], min(clusters[p[2]]))):
        if ids[i] is None and cid not in used:
            ids[i] = cid
            used.add(cid)
    next_number = max((_number(c) for c in [*previous, *taken]), default=0) + 1
    fresh = sorted((min(c), i) for i, c in enumerate(clusters) if ids[i] is None)
    for _, i in fresh:
        ids[i] = f"C-{next_number:05d}"
        next_number += 1
    return [cid for cid in ids if cid is not None]
