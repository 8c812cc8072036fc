"""Hidden links: how likely two nodes are to be linked, from the network around them.

This module owns link prediction for the analysis: :func:`link_scores` scores given pairs,
:func:`explain_link` says in words why a pair scores as it does and :func:`suggest_links`
proposes the most likely links that are not in the graph yet. It works on any networkx
graph (read as a simple undirected graph with the weights of parallel links summed) and needs
only networkx and pydantic.

All evidence is topological and comes from the pair's shared neighbours ``Z``; the link
between the pair itself, if there is one, is ignored, so an observed link is scored on what
the rest of the network says about it. Five measures are combined:

* common neighbours ``|Z|``;
* Adamic-Adar ``sum(1 / log(deg z))`` - rarely shared neighbours count more;
* resource allocation ``sum(1 / deg z)``;
* Jaccard ``|Z| / |N(a) | N(b)|`` (the pair itself left out of the neighbourhoods);
* two-step walk, the weighted evidence: the chance that a random walk that picks each link
  in proportion to its weight goes from one node of the pair to the other in two steps,
  averaged over both directions.

The score is ``1 - exp(-x)`` with ``x = W_COMMON * |Z| + W_ADAMIC_ADAR * AA +
W_RESOURCE * RA + W_JACCARD * J + W_WALK * walk``: in [0, 1), and exactly 0.0 for a pair with
no shared neighbour.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Hashable, Iterable

import networkx as nx
from pydantic import BaseModel, ConfigDict

from ocgmap.analysis.keyplayers import undirected_simple_graph

__all__ = [
    "MAX_INTERMEDIARY_DEGREE",
    "W_ADAMIC_ADAR",
    "W_COMMON",
    "W_JACCARD",
    "W_RESOURCE",
    "W_WALK",
    "SuggestedLink",
    "explain_link",
    "explain_links",
    "link_scores",
    "suggest_links",
]

#: Weight of the number of shared neighbours.
W_COMMON = 0.05
#: Weight of the Adamic-Adar index.
W_ADAMIC_ADAR = 0.1
#: Weight of the resource allocation index.
W_RESOURCE = 1.0
#: Weight of the Jaccard coefficient of the two neighbourhoods.
W_JACCARD = 0.2
#: Weight of the symmetrised two-step random-walk probability (uses link weights).
W_WALK = 2.0
#: :func:`suggest_links` does not pair up the neighbours of nodes with more links than this.
MAX_INTERMEDIARY_DEGREE = 200

#: The largest float below 1: scores stay in [0, 1) however strong the evidence.
_BELOW_ONE = math.nextafter(1.0, 0.0)


class SuggestedLink(BaseModel):
    """A proposed link between two nodes that are not linked yet.

    Attributes
    ----------
    a, b : str
        ``str()`` of the two nodes, ``a`` first in the graph's canonical node order.
    score : float
        Link score in [0, 1) from :func:`link_scores`.
    why : str
        The evidence in words, from :func:`explain_link`.
    """

    model_config = ConfigDict(frozen=True)

    a: str
    b: str
    score: float
    why: str


class _Evidence:
    """Shared-neighbour measures of pairs of one simple weighted graph."""

    def __init__(self, H: nx.Graph) -> None:
        self.H = H
        self.strength = {
            node: math.fsum(float(d["weight"]) for d in H[node].values()) for node in H
        }

    def shared(self, a: Hashable, b: Hashable) -> list[Hashable]:
        """Shared neighbours of ``a`` and ``b``, in the graph's node order."""
        na, nb = self.H[a], self.H[b]
        if len(na) > len(nb):
            na, nb = nb, na
        return [z for z in na if z in nb and z != a and z != b]

    def measures(self, a: Hashable, b: Hashable) -> dict[str, float]:
        """The five measures for one pair of distinct nodes of the graph."""
        H = self.H
        shared = self.shared(a, b)
        if not shared:
            return dict.fromkeys(("common", "adamic_adar", "resource", "jaccard", "walk"), 0.0)
        union = (set(H[a]) | set(H[b])) - {a, b}
        degrees = [H.degree(z) for z in shared]
        walk_ab: list[float] = []
        walk_ba: list[float] = []
        sa, sb = self._own_strength(a, b), self._own_strength(b, a)
        for z in shared:
            wa, wb, sz = float(H[a][z]["weight"]), float(H[b][z]["weight"]), self.strength[z]
            if sz <= 0:
                continue
            if sa > 0:
                walk_ab.append(wa / sa * wb / sz)
            if sb > 0:
                walk_ba.append(wb / sb * wa / sz)
        return {
            "common": float(len(shared)),
            "adamic_adar": math.fsum(1.0 / math.log(d) for d in degrees),
            "resource": math.fsum(1.0 / d for d in degrees),
            "jaccard": len(shared) / len(union),
            "walk": min(max((math.fsum(walk_ab) + math.fsum(walk_ba)) / 2, 0.0), 1.0),
        }

    def _own_strength(self, node: Hashable, other: Hashable) -> float:
        """Strength of ``node`` without its link to ``other``."""
        own = self.strength[node]
        if other in self.H[node]:
            own -= float(self.H[node][other]["weight"])
        return own

    def score(self, a: Hashable, b: Hashable) -> float:
        """Link score of a pair; 0.0 for unknown or equal nodes."""
        if not _known_pair(self.H, a, b):
            return 0.0
        return _combine(self.measures(a, b))


def link_scores(
    G: nx.Graph,
    pairs: Iterable[tuple[Hashable, Hashable]],
    *,
    weight: str | None = "weight",
) -> list[float]:
    """How likely each pair is to be linked, from their shared neighbours.

    Combines common neighbours, Adamic-Adar, resource allocation, Jaccard and the weighted
    two-step walk with the weights :data:`W_COMMON`, :data:`W_ADAMIC_ADAR`,
    :data:`W_RESOURCE`, :data:`W_JACCARD` and :data:`W_WALK` (see the module docstring). A
    link already between the pair is ignored, so linked pairs are scored like any other.

    Parameters
    ----------
    G : networkx.Graph
        Any networkx graph; directed and multi-graphs are read as simple undirected graphs
        with the weights of parallel links summed.
    pairs : iterable of (node, node)
        The pairs to score.
    weight : str or None, default "weight"
        Edge attribute holding a link's strength (missing counts 1.0), or ``None`` to weigh
        every link 1.0.

    Returns
    -------
    list of float
        One score in [0, 1) per pair, in the order given; 0.0 when a node is not in ``G``,
        the two nodes are the same or they share no neighbour.

    Examples
    --------
    >>> G = nx.Graph([("a", "x"), ("b", "x"), ("a", "y"), ("b", "y"), ("c", "y")])
    >>> a_b, a_c, a_q = link_scores(G, [("a", "b"), ("a", "c"), ("a", "q")])
    >>> a_b > a_c > 0.0 == a_q
    True
    """
    H = undirected_simple_graph(G, weight)
    evidence = _Evidence(H)
    return [evidence.score(a, b) for a, b in pairs]


def explain_link(
    G: nx.Graph,
    a: Hashable,
    b: Hashable,
    *,
    weight: str | None = "weight",
) -> str:
    """Why ``a`` and ``b`` may be linked, in one plain sentence with the figures.

    Shared neighbours are counted by kind when nodes have a ``label`` attribute (as in the
    association graph: ``"2 shared neighbours (1 phone, 1 address)"``), and the most specific
    shared neighbour (the one with the fewest links) is named.

    Parameters
    ----------
    G : networkx.Graph
        Any networkx graph, read as in :func:`link_scores`.
    a, b : node
        The pair.
    weight : str or None, default "weight"
        Edge attribute holding a link's strength, as in :func:`link_scores`.

    Returns
    -------
    str
        The explanation, ending with the score.

    Examples
    --------
    >>> G = nx.Graph([("a", "p"), ("b", "p"), ("a", "h"), ("b", "h")])
    >>> G.nodes["p"]["label"] = "Phone"
    >>> G.nodes["h"]["label"] = "Address"
    >>> for clause in explain_link(G, "a", "b").split("; "):
    ...     print(clause)
    2 shared neighbours (1 address, 1 phone), the most specific being h (2 links)
    they share 100% of their neighbours
    score 0.92.
    """
    return _explain(_Evidence(undirected_simple_graph(G, weight)), a, b)


def explain_links(
    G: nx.Graph, pairs: Iterable[tuple[Hashable, Hashable]], *, weight: str | None = "weight"
) -> list[str]:
    """:func:`explain_link` for many pairs of one graph (the graph is read once).

    Examples
    --------
    >>> G = nx.Graph([("a", "p"), ("b", "p")])
    >>> explain_links(G, [("a", "b")]) == [explain_link(G, "a", "b")]
    True
    """
    evidence = _Evidence(undirected_simple_graph(G, weight))
    return [_explain(evidence, a, b) for a, b in pairs]


def suggest_links(
    G: nx.Graph,
    k: int = 10,
    *,
    candidates: Iterable[tuple[Hashable, Hashable]] | None = None,
    weight: str | None = "weight",
) -> list[SuggestedLink]:
    """The ``k`` most likely links that are not in the graph yet, best first.

    Parameters
    ----------
    G : networkx.Graph
        Any networkx graph, read as in :func:`link_scores`.
    k : int, default 10
        How many links to suggest at most.
    candidates : iterable of (node, node), optional
        The pairs to consider. By default every unlinked pair two steps apart, through an
        intermediary with at most :data:`MAX_INTERMEDIARY_DEGREE` links (hubs would add
        many weak pairs). Pairs already linked, with an unknown node or with the same node
        twice are dropped either way, as are repeats.
    weight : str or None, default "weight"
        Edge attribute holding a link's strength, as in :func:`link_scores`.

    Returns
    -------
    list of SuggestedLink
        At most ``k`` pairs with a score above zero, by score and then by ``(a, b)``.

    Examples
    --------
    >>> G = nx.Graph([("a", "x"), ("b", "x"), ("a", "y"), ("b", "y"), ("c", "y")])
    >>> [(s.a, s.b, round(s.score, 2)) for s in suggest_links(G, 2)]
    [('x', 'y', 0.91), ('a', 'b', 0.89)]
    """
    if k <= 0:
        return []
    H = undirected_simple_graph(G, weight)
    rank = {node: i for i, node in enumerate(H)}
    pairs: set[tuple[Hashable, Hashable]] = set()
    if candidates is None:
        for z in H:
            if H.degree(z) > MAX_INTERMEDIARY_DEGREE:
                continue
            for u, v in itertools.combinations(H[z], 2):
                pairs.add((u, v) if rank[u] < rank[v] else (v, u))
    else:
        for u, v in candidates:
            if _known_pair(H, u, v):
                pairs.add((u, v) if rank[u] < rank[v] else (v, u))
    evidence = _Evidence(H)
    scored = [(evidence.score(u, v), str(u), str(v), u, v) for u, v in pairs if v not in H[u]]
    scored = [row for row in scored if row[0] > 0]
    scored.sort(key=lambda row: (-row[0], row[1], row[2], rank[row[3]]))
    return [
        SuggestedLink(a=sa, b=sb, score=score, why=_explain(evidence, u, v))
        for score, sa, sb, u, v in scored[:k]
    ]


def _in_graph(H: nx.Graph, node: Hashable) -> bool:
    try:
        return node in H
    except TypeError:
        return False


def _known_pair(H: nx.Graph, a: Hashable, b: Hashable) -> bool:
    return _in_graph(H, a) and _in_graph(H, b) and a != b


def _explain(evidence: _Evidence, a: Hashable, b: Hashable) -> str:
    H = evidence.H
    for node in (a, b):
        if not _in_graph(H, node):
            return f"{node} is not in the graph; score 0.00."
    if a == b:
        return "Both ends are the same node; score 0.00."
    shared = evidence.shared(a, b)
    linked = " They are already linked directly, which the score leaves out." if b in H[a] else ""
    if not shared:
        return f"No shared neighbours; score 0.00.{linked}"
    measures = evidence.measures(a, b)
    count = len(shared)
    text = f"{count} shared neighbour{'s' if count != 1 else ''}"
    kinds = Counter(str(H.nodes[z]["label"]) for z in shared if H.nodes[z].get("label"))
    if kinds:
        named = sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))
        text += " (" + ", ".join(f"{n} {_kind(kind, n)}" for kind, n in named) + ")"
    rarest = min(shared, key=lambda z: (H.degree(z), str(z)))
    lead = "" if count == 1 else "the most specific being "
    text += f", {lead}{rarest} ({H.degree(rarest)} links)"
    text += f"; they share {round(measures['jaccard'] * 100)}% of their neighbours"
    return f"{text}; score {_combine(measures):.2f}.{linked}"


def _combine(measures: dict[str, float]) -> float:
    x = (
        W_COMMON * measures["common"]
        + W_ADAMIC_ADAR * measures["adamic_adar"]
        + W_RESOURCE * measures["resource"]
        + W_JACCARD * measures["jaccard"]
        + W_WALK * measures["walk"]
    )
    return min(max(-math.expm1(-x), 0.0), _BELOW_ONE)


def _kind(label: str, count: int) -> str:
    """A label as a noun: ``Phone`` -> ``phones``, ``OperatorLicence`` -> ``operator licence``."""
    words = [w.lower() for w in _split_camel(label)]
    word = " ".join(words) if not label.isupper() else label
    if count == 1:
        return word
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    return word + "s"


def _split_camel(text: str) -> list[str]:
    words: list[str] = []
    current = ""
    for ch in text:
        if ch.isupper() and current and not current[-1].isupper():
            words.append(current)
            current = ch
        else:
            current += ch
    if current:
        words.append(current)
    return words
