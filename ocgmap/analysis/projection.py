"""The weighted association graph of actors and assets (DESIGN.md §5.1).

The store's property graph is projected onto the labels that may join a cluster and are not
events (hauliers, vehicles, trailers, people, phones, addresses). Relationships between them
become weighted edges; events (detections, crossings, referrals) add weight to every pair of
entities they involve, so they are evidence, never hubs. Ports, routes, ANPR locations and the
mapping and analysis labels never join anything (``joins_clusters: false`` in ``graph.yaml``).

An edge's weight is the sum of its evidence. Each piece of evidence weighs

    schema weight x basis factor x grading factor x recency factor

where the schema weight comes from ``graph.yaml``, a fact counts fully and an assessment
less (DPA 2018 s.38(2) keeps them apart), intelligence counts by its 3x5x2 (or 5x5x5) grading
and evidence loses half its weight every ``half_life_days`` (never below half). A call link
counts by the number of calls (one ``sources`` entry per call). A ``POSSIBLY_SAME`` candidate
counts (times its score) only when its match method is trusted: same name and the same month
of birth is; a name alone is not. Phones and addresses shared by more than
``max_pivot_degree`` actors (a formation agent's office, a switchboard) are *hubs*: they glue
nothing and are reported instead.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ocgmap.schema import NodeKind, load_schema

__all__ = [
    "ENTITY_LABELS",
    "EVENT_LABELS",
    "Projection",
    "event_time",
    "grading_factor",
    "project",
]

#: How much an assessment counts beside a fact.
BASIS_FACTOR = {"fact": 1.0, "assessment": 0.6}
#: 3x5x2: source evaluation and intelligence assessment factors (multiplied).
GRADE_3X5X2 = (
    {"1": 1.0, "2": 0.8, "3": 0.5},
    {"A": 1.0, "B": 0.85, "C": 0.6, "D": 0.35, "E": 0.15},
)
#: Legacy 5x5x5, kept verbatim in the graph and weighed on its own scale.
GRADE_5X5X5 = (
    {"A": 1.0, "B": 0.8, "C": 0.6, "D": 0.4, "E": 0.2},
    {"1": 1.0, "2": 0.8, "3": 0.6, "4": 0.4, "5": 0.2},
)
#: Calls (each way) that make a call link count its schema weight; more count up to twice.
FULL_CALLS = 3
#: Recency never takes evidence below this share of its weight: an old link is still a link.
RECENCY_FLOOR = 0.5
#: Entity-resolution candidates (POSSIBLY_SAME ``method``) that count as associations.
TRUSTED_MATCHES = frozenset({"dob_month"})
#: Relationships from an event to what it involves, and from an intelligence report.
_EVENT_RELS = {"INVOLVED", "CROSSED", "CONCERNS"}

_schema = load_schema()
ENTITY_LABELS = frozenset(
    spec.name
    for spec in _schema.labels.values()
    if spec.joins_clusters and spec.kind in (NodeKind.ACTOR, NodeKind.ASSET, NodeKind.PLACE)
)
EVENT_LABELS = frozenset(
    spec.name
    for spec in _schema.labels.values()
    if spec.joins_clusters and spec.kind in (NodeKind.EVENT, NodeKind.INTELLIGENCE)
)
_ACTORS = frozenset(s.name for s in _schema.labels.values() if s.kind is NodeKind.ACTOR)
_PIVOTS = frozenset(s.name for s in _schema.labels.values() if s.pivot)
_TIME_FIELDS = ("detected_at", "crossed_at", "reported_at")


def event_time(attrs: Mapping[str, Any]) -> dt.datetime | None:
    """When an event happened: its own timestamp, else when it was last seen."""
    for name in (*_TIME_FIELDS, "last_at", "last_seen"):
        value = attrs.get(name)
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return None


def grading_factor(attrs: Mapping[str, Any]) -> float:
    """How much a graded piece of intelligence counts, 1.0 when it carries no grading.

    Examples
    --------
    >>> grading_factor({"source_evaluation": "1", "intel_assessment": "A"})
    1.0
    >>> round(grading_factor({"source_evaluation": "3", "intel_assessment": "D"}), 3)
    0.175
    >>> grading_factor({})
    1.0
    """
    source, assessment = attrs.get("source_evaluation"), attrs.get("intel_assessment")
    if source is None or assessment is None:
        return 1.0
    table = GRADE_5X5X5 if attrs.get("grading_scheme") == "5x5x5" else GRADE_3X5X2
    return table[0].get(str(source), 0.5) * table[1].get(str(assessment), 0.5)


@dataclass
class Projection:
    """The association graph and what it was made from.

    Attributes
    ----------
    typed : networkx.MultiDiGraph
        The store's graph (node ids ``"<Label>:<key>"``).
    graph : networkx.Graph
        Entities and their weighted associations; edge attributes ``weight`` and ``links``
        (evidence kind -> count).
    events : dict
        Event node id -> the entity node ids it involves.
    hubs : dict
        Pivot node id -> the number of actors it is shared by, for pivots that glue nothing.
    as_of : datetime or None
        The newest event in the data; recency is measured from it, never from the clock.
    """

    typed: nx.MultiDiGraph
    graph: nx.Graph
    events: dict[str, list[str]] = field(default_factory=dict)
    hubs: dict[str, int] = field(default_factory=dict)
    as_of: dt.datetime | None = None

    def clustering_graph(self, min_weight: float) -> nx.Graph:
        """The part of :attr:`graph` that decides clusters: strong links, no hubs."""
        keep = nx.Graph()
        keep.add_nodes_from(n for n in self.graph if n not in self.hubs)
        keep.add_edges_from(
            (u, v, {"weight": a["weight"]})
            for u, v, a in self.graph.edges(data=True)
            if a["weight"] >= min_weight and u not in self.hubs and v not in self.hubs
        )
        return keep


class _Weigher:
    def __init__(self, as_of: dt.datetime | None, half_life_days: float) -> None:
        self.as_of = as_of
        self.half_life = half_life_days

    def recency(self, when: dt.datetime | None) -> float:
        if when is None or self.as_of is None:
            return 1.0
        age = max(0.0, (self.as_of - when).total_seconds() / 86400.0)
        return max(RECENCY_FLOOR, float(0.5 ** (age / self.half_life)))

    def evidence(self, base: float, attrs: Mapping[str, Any], when: dt.datetime | None) -> float:
        basis = BASIS_FACTOR.get(str(attrs.get("basis", "fact")), 1.0)
        return base * basis * grading_factor(attrs) * self.recency(when)


def _as_of(typed: nx.MultiDiGraph) -> dt.datetime | None:
    times = (
        event_time(a) for _, a in typed.nodes(data=True) if str(a.get("label")) in EVENT_LABELS
    )
    return max((t for t in times if t is not None), default=None)


def _add(graph: nx.Graph, u: str, v: str, weight: float, kind: str) -> None:
    if u == v or weight <= 0.0:
        return
    if graph.has_edge(u, v):
        data = graph.edges[u, v]
        data["weight"] += weight
        data["links"][kind] = data["links"].get(kind, 0) + 1
    else:
        graph.add_edge(u, v, weight=weight, links={kind: 1})


def _event_entities(typed: nx.MultiDiGraph, event: str) -> list[str]:
    found: dict[str, None] = {}
    for _, target, attrs in typed.out_edges(event, data=True):
        if attrs.get("type") in _EVENT_RELS and str(typed.nodes[target]["label"]) in ENTITY_LABELS:
            found[target] = None
    return sorted(found)


def _hubs(typed: nx.MultiDiGraph, max_pivot_degree: int) -> dict[str, int]:
    hubs: dict[str, int] = {}
    for node, attrs in typed.nodes(data=True):
        if str(attrs.get("label")) not in _PIVOTS:
            continue
        actors = {
            u
            for u in itertools.chain(typed.predecessors(node), typed.successors(node))
            if str(typed.nodes[u]["label"]) in _ACTORS
        }
        if len(actors) > max_pivot_degree:
            hubs[node] = len(actors)
    return hubs


def project(
    typed: nx.MultiDiGraph,
    *,
    half_life_days: float = 365.0,
    max_pivot_degree: int = 6,
    trusted_matches: Iterable[str] = TRUSTED_MATCHES,
    as_of: dt.datetime | None = None,
) -> Projection:
    """Project a store graph onto the weighted association graph.

    Parameters
    ----------
    typed : networkx.MultiDiGraph
        A graph as :meth:`GraphStore.to_networkx` returns it.
    half_life_days : float
        Evidence loses half its weight over this age (measured from the newest event).
    max_pivot_degree : int
        A phone or address shared by more actors than this is a hub and glues nothing.
    trusted_matches : iterable of str
        ``POSSIBLY_SAME`` methods that count as associations.
    as_of : datetime, optional
        Measure recency from here instead of the newest event in ``typed`` (a part of a
        graph is weighed as the whole graph would be).

    Returns
    -------
    Projection

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("Haulier:CH:1", label="Haulier", key="CH:1", basis="fact")
    >>> g.add_node("Vehicle:AB12CDE", label="Vehicle", key="AB12CDE", basis="fact")
    >>> g.add_node("Port:GBDVR", label="Port", key="GBDVR", basis="fact")
    >>> g.add_edge("Haulier:CH:1", "Vehicle:AB12CDE", type="OPERATES", basis="fact")
    0
    >>> p = project(g)
    >>> sorted(p.graph.nodes), p.graph.edges["Haulier:CH:1", "Vehicle:AB12CDE"]["weight"]
    (['Haulier:CH:1', 'Vehicle:AB12CDE'], 1.0)
    """
    schema = load_schema()
    weigher = _Weigher(as_of if as_of is not None else _as_of(typed), half_life_days)
    graph = nx.Graph()
    graph.add_nodes_from(
        (n, {"label": str(a["label"]), "key": a["key"]})
        for n, a in typed.nodes(data=True)
        if str(a.get("label")) in ENTITY_LABELS
    )
    events: dict[str, list[str]] = {}
    trusted = frozenset(trusted_matches)
    for u, v, attrs in typed.edges(data=True):
        kind = str(attrs.get("type"))
        if u not in graph or v not in graph:
            continue
        spec = schema.rel(kind)
        if spec.weight <= 0.0:
            continue
        base = spec.weight
        if kind == "CALLED":
            calls = attrs.get("count") or len(attrs.get("sources") or ()) or 1
            base *= min(2.0, float(calls) / FULL_CALLS)
        elif kind == "POSSIBLY_SAME":
            if attrs.get("method") not in trusted:
                continue
            base *= float(attrs.get("score") or 0.0)
        _add(graph, u, v, weigher.evidence(base, attrs, event_time(attrs)), kind)
    about: defaultdict[str, list[str]] = defaultdict(list)
    for node, attrs in typed.nodes(data=True):
        if str(attrs.get("label")) not in EVENT_LABELS:
            continue
        events[node] = _event_entities(typed, node)
        for _, target, rel in typed.out_edges(node, data=True):
            if rel.get("type") == "ABOUT":
                about[node].append(target)
    for referral, detections in about.items():
        merged = set(events[referral]).union(*(events.get(d, []) for d in detections))
        events[referral] = sorted(merged)
    for event, members in events.items():
        _weigh_event(typed, graph, weigher, event, members)
    return Projection(
        typed=typed,
        graph=graph,
        events=events,
        hubs=_hubs(typed, max_pivot_degree),
        as_of=weigher.as_of,
    )


def _weigh_event(
    typed: nx.MultiDiGraph, graph: nx.Graph, weigher: _Weigher, event: str, members: list[str]
) -> None:
    if len(members) < 2:
        return
    schema = load_schema()
    attrs = typed.nodes[event]
    label = str(attrs["label"])
    rel = {"Detection": "INVOLVED", "Crossing": "CROSSED"}.get(label, "CONCERNS")
    base = schema.rel(rel).weight
    if len(members) > 6:  # a long list of subjects says less about each pair
        base *= 5.0 / (len(members) - 1)
    weight = weigher.evidence(base, attrs, event_time(attrs))
    for u, v in itertools.combinations(members, 2):
        _add(graph, u, v, weight, label)
