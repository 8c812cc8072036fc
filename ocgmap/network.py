"""A drawable network: part of the graph, cut to what a browser lays out, as Cytoscape.js JSON.

The dashboard's graph view (Cytoscape.js through ``st-link-analysis``) draws what
:func:`network_view` returns. The choice of what to draw is made here, not in a page: hidden
labels first (crossings are many and belong on the timeline), then, when more nodes remain
than ``limit``, the focus nodes and the best-connected others are kept and the view says how
many were cut.

>>> from ocgmap.schema.labels import RelType
>>> from ocgmap.schema.models import Edge, Node, Subgraph
>>> a = Node(label=Label.HAULIER, key="CH:1", properties={"name": "A LTD"}, sources=["L:h#2"])
>>> b = Node(label=Label.VEHICLE, key="AB12CDE", sources=["L:v#2"])
>>> e = Edge(type=RelType.OPERATES, start=a.ref, end=b.ref, sources=["L:o#7"])
>>> view = network_view(Subgraph(nodes=[a, b], edges=[e]), sizes={"Haulier:CH:1": 1.0})
>>> [n["data"]["name"] for n in view.elements["nodes"]], view.truncated
(['A LTD', 'AB12CDE'], False)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from pydantic import BaseModel, Field

from ocgmap.schema.labels import Label
from ocgmap.schema.models import Edge, Node, NodeRef, Path, Subgraph

__all__ = [
    "HIDDEN_BY_DEFAULT",
    "NetworkView",
    "describe_path",
    "element_id",
    "links",
    "network_view",
    "paths_subgraph",
    "placed",
]

#: Labels left out of a drawing unless asked for: crossings are many and are read on the
#: timeline; analysis bookkeeping is not evidence.
HIDDEN_BY_DEFAULT: frozenset[Label] = frozenset(
    {Label.CROSSING, Label.CLUSTER, Label.ANALYSIS_RUN, Label.REVIEW, Label.WATCH, Label.ALERT}
)

#: Provenance tokens copied into a drawn element (the count is always given).
_PROVENANCE_SHOWN = 5


class NetworkView(BaseModel):
    """What to draw, and what was left out."""

    elements: dict[str, list[dict[str, Any]]] = Field(
        description="Cytoscape.js elements: {'nodes': [{'data': ...}], 'edges': [...]}"
    )
    labels: dict[str, int] = Field(description="nodes drawn per label")
    total: int = Field(description="nodes in the subgraph before anything was left out")
    hidden: dict[str, int] = Field(description="nodes left out per hidden label")
    cut: int = Field(description="nodes left out because the view holds at most limit nodes")
    placed: bool = Field(
        default=False, description="every node carries its position (draw with a preset layout)"
    )

    @property
    def shown(self) -> int:
        """Number of nodes drawn."""
        return len(self.elements["nodes"])

    @property
    def truncated(self) -> bool:
        """Whether the size limit left nodes out (hidden labels do not count)."""
        return self.cut > 0


def element_id(ref: NodeRef) -> str:
    """The id a node has in a drawing: ``<Label>:<key>``, as in ``to_networkx``."""
    return f"{ref.label}:{ref.key}"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return ", ".join(str(_plain(v)) for v in value)
    return str(value)


def _provenance(sources: list[str]) -> dict[str, Any]:
    more = len(sources) - _PROVENANCE_SHOWN
    shown = ", ".join(sources[:_PROVENANCE_SHOWN]) + (f" (+{more} more)" if more > 0 else "")
    return {"sources": len(sources), "provenance": shown}


def _node_data(node: Node, size: float) -> dict[str, Any]:
    data = {k: _plain(v) for k, v in sorted(node.properties.items()) if v not in (None, "", [])}
    data.update(
        id=element_id(node.ref),
        label=str(node.label),
        key=node.key,
        name=str(node.properties.get("name") or node.key),
        size=round(size, 4),
        first_seen=_plain(node.first_seen),
        last_seen=_plain(node.last_seen),
        **_provenance(node.sources),
    )
    return data


def _edge_data(edge: Edge, index: int) -> dict[str, Any]:
    data = {k: _plain(v) for k, v in sorted(edge.properties.items()) if v not in (None, "", [])}
    data.update(
        id=f"e{index}:{edge.type}:{element_id(edge.start)}>{element_id(edge.end)}",
        label=str(edge.type),
        source=element_id(edge.start),
        target=element_id(edge.end),
        first_seen=_plain(edge.first_seen),
        last_seen=_plain(edge.last_seen),
        **_provenance(edge.sources),
    )
    return data


def network_view(
    subgraph: Subgraph,
    *,
    sizes: Mapping[str, float] | None = None,
    focus: Iterable[str] = (),
    hide: Collection[Label] = HIDDEN_BY_DEFAULT,
    limit: int = 2000,
) -> NetworkView:
    """Choose what to draw of ``subgraph`` and return it as Cytoscape.js elements.

    Parameters
    ----------
    subgraph
        Nodes and relationships read from a store.
    sizes
        Size of a node in [0, 1] by element id (e.g. key-player scores); others get 0.
    focus
        Element ids kept first when the limit cuts (the searched node, cluster members).
    hide
        Labels left out altogether (counted in ``hidden``).
    limit
        Most nodes drawn: the focus nodes first, then the others by number of
        relationships in the drawing, most first (ties by id).

    Returns
    -------
    NetworkView
        Elements whose node data hold ``label`` (for styling), ``name`` (caption), ``size``,
        first and last seen and the provenance tokens; edges only between drawn nodes.
    """
    sizes = sizes or {}
    hidden = Counter(str(n.label) for n in subgraph.nodes if n.label in hide)
    nodes = {element_id(n.ref): n for n in subgraph.nodes if n.label not in hide}
    ends = [(element_id(e.start), element_id(e.end)) for e in subgraph.edges]
    edges = [e for e, (a, b) in zip(subgraph.edges, ends, strict=True) if a in nodes and b in nodes]
    degree = Counter(element_id(e.start) for e in edges) + Counter(element_id(e.end) for e in edges)
    wanted = [f for f in dict.fromkeys(focus) if f in nodes]
    rest = sorted(set(nodes) - set(wanted), key=lambda n: (-degree[n], n))
    keep = set((wanted + rest)[: max(0, limit)])
    drawn = [_node_data(nodes[n], sizes.get(n, 0.0)) for n in sorted(keep)]
    links = [
        _edge_data(e, i)
        for i, e in enumerate(edges)
        if element_id(e.start) in keep and element_id(e.end) in keep
    ]
    return NetworkView(
        elements={"nodes": [{"data": d} for d in drawn], "edges": [{"data": d} for d in links]},
        labels=dict(sorted(Counter(d["label"] for d in drawn).items())),
        total=len(subgraph.nodes),
        hidden=dict(sorted(hidden.items())),
        cut=len(nodes) - len(keep),
    )


def placed(view: NetworkView, positions: Mapping[str, tuple[float, float]]) -> NetworkView:
    """``view`` with each node at its position in ``positions`` (element id -> ``(x, y)``).

    The elements get Cytoscape.js ``position`` entries, so the browser draws them where they
    are (a ``preset`` layout) instead of laying them out itself. Every drawn node must have a
    position (:func:`ocgmap.layout.spring_positions` of :func:`links` gives them all).

    >>> from ocgmap.schema.models import Node
    >>> view = network_view(Subgraph(nodes=[Node(label=Label.PHONE, key="+447700900001")]))
    >>> placed(view, {"Phone:+447700900001": (1.5, -2.0)}).elements["nodes"][0]["position"]
    {'x': 1.5, 'y': -2.0}
    """
    missing = [n["data"]["id"] for n in view.elements["nodes"] if n["data"]["id"] not in positions]
    if missing:
        raise ValueError(f"no position for {len(missing)} drawn node(s), e.g. {missing[0]}")
    nodes = [
        {**n, "position": dict(zip(("x", "y"), positions[n["data"]["id"]], strict=True))}
        for n in view.elements["nodes"]
    ]
    elements = {"nodes": nodes, "edges": view.elements["edges"]}
    return view.model_copy(update={"elements": elements, "placed": True})


def links(view: NetworkView) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The drawn node ids and ``(source, target)`` of each drawn relationship, sorted."""
    nodes = tuple(sorted(n["data"]["id"] for n in view.elements["nodes"]))
    edges = tuple(
        sorted((e["data"]["source"], e["data"]["target"]) for e in view.elements["edges"])
    )
    return nodes, edges


def paths_subgraph(paths: Iterable[Path]) -> Subgraph:
    """Every node and relationship on any of ``paths``, each once, for one drawing."""
    nodes: dict[str, Node] = {}
    edges: dict[tuple[str, str, str, str], Edge] = {}
    for path in paths:
        nodes.update((element_id(n.ref), n) for n in path.nodes)
        for e in path.edges:
            edges[(str(e.type), element_id(e.start), element_id(e.end), e.key)] = e
    return Subgraph(nodes=list(nodes.values()), edges=list(edges.values()))


def describe_path(path: Path) -> str:
    """One path in words, arrows as the relationships point.

    >>> from ocgmap.schema.labels import RelType
    >>> a = Node(label=Label.HAULIER, key="CH:1")
    >>> b = Node(label=Label.VEHICLE, key="AB12CDE")
    >>> p = Path(nodes=[b, a], edges=[Edge(type=RelType.OPERATES, start=a.ref, end=b.ref)])
    >>> describe_path(p)
    'Vehicle AB12CDE <-OPERATES- Haulier CH:1'
    """
    words = [f"{path.nodes[0].label} {path.nodes[0].key}"]
    for here, edge, there in zip(path.nodes, path.edges, path.nodes[1:], strict=False):
        forward = edge.start == here.ref
        arrow = f"-{edge.type}->" if forward else f"<-{edge.type}-"
        words.append(f"{arrow} {there.label} {there.key}")
    return " ".join(words)
