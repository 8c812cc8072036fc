"""Alerts after a load: what the load added around each watched target.

Each watch is searched :attr:`~ocgmap.watch.Watch.hops` relationships out from its target (an
entity, or the members of a watched OCG or cluster), going on only from entities and events,
never through ports, routes, ANPR locations or mapping and analysis nodes (everyone uses
Dover). Within that reach the load raises an alert for

- ``event``: each detection, crossing or referral it created;
- ``calls`` and ``sightings``: the calls and ANPR reads it added to a relationship that
  touches the reach (one ``sources`` token each);
- ``entity``: each entity not seen before (vehicle, trailer, haulier, person, phone,
  address) a new relationship links to the reach, one step beyond it included (a new phone
  called by a watched driver's phone);
- ``link``: each new relationship between two entities already known.

What is new is read from provenance: a node or relationship is new when every one of its
``sources`` tokens comes from a file of this load that no earlier completed load had loaded.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from ocgmap.alerts.model import Alert, AlertKind, alert_key, utc_now, write_new
from ocgmap.analysis.projection import ENTITY_LABELS, EVENT_LABELS, event_time
from ocgmap.evidence import event_summary
from ocgmap.handling import conditional_view
from ocgmap.network import element_id
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import Edge, Node, NodeRef, Subgraph
from ocgmap.store.base import GraphStore
from ocgmap.watch import Watch, list_watches

__all__ = ["READ_LIMIT", "raise_load_alerts"]

#: Most nodes read around one watch; a bigger reach is cut (in label and key order).
READ_LIMIT = 20_000
#: Relationships that gather evidence: each new token on them is a new call or ANPR read.
_EVIDENCE: dict[RelType, tuple[AlertKind, str]] = {
    RelType.CALLED: ("calls", "call"),
    RelType.SIGHTED: ("sightings", "ANPR read"),
}
#: Labels a search goes on from: entities and events, never places that glue nothing.
_GO_ON = frozenset(ENTITY_LABELS | EVENT_LABELS)
_FAR = 1 << 30

EdgeId = tuple[str, str, str, str]


def _edge_id(edge: Edge) -> EdgeId:
    return (str(edge.type), element_id(edge.start), element_id(edge.end), edge.key)


def _caption(node: Node) -> str:
    return f"{node.label} {node.name}"


@dataclass
class Reach:
    """What lies within some steps of a set of start nodes, with a shortest way to each."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[EdgeId, Edge] = field(default_factory=dict)
    distance: dict[str, int] = field(default_factory=dict)
    parent: dict[str, tuple[Edge, str]] = field(default_factory=dict)
    cut: bool = False

    def far(self, nid: str) -> int:
        """Steps from the start to ``nid`` (huge when not reached)."""
        return self.distance.get(nid, _FAR)

    def via(self, nid: str) -> str:
        """The way from the start to ``nid``, in words."""
        steps = []
        while nid in self.parent:
            edge, before = self.parent[nid]
            steps.append(
                f"{_caption(self.nodes[before])} -{edge.type}- {_caption(self.nodes[nid])}"
            )
            nid = before
        return "; ".join(reversed(steps))

    def subgraph(self) -> Subgraph:
        """The reach as a subgraph."""
        return Subgraph(nodes=list(self.nodes.values()), edges=list(self.edges.values()))


def start_nodes(store: GraphStore, watch: Watch) -> list[Node]:
    """Where a watch's search starts: its entity, or the members of its OCG or cluster."""
    target = watch.target
    if target is None:
        return []
    if target.label not in (Label.OCG, Label.CLUSTER):
        node = store.get(target.label, target.key)
        return [node] if node is not None else []
    rel = RelType.MEMBER_OF if target.label is Label.OCG else RelType.IN_CLUSTER
    sub = store.neighbourhood([target], hops=1, limit=READ_LIMIT)
    members = {
        element_id(e.start)
        for e in sub.edges
        if e.type is rel and e.end == target and e.start.label in ENTITY_LABELS
    }
    return [n for n in sub.nodes if element_id(n.ref) in members]


def walk(store: GraphStore, start: Sequence[Node], steps: int, limit: int = READ_LIMIT) -> Reach:
    """Breadth-first from ``start`` for ``steps`` steps, going on from entities and events."""
    reach = Reach()
    frontier: list[NodeRef] = []
    for node in start:
        nid = element_id(node.ref)
        reach.nodes[nid], reach.distance[nid] = node, 0
        frontier.append(node.ref)
    for step in range(1, steps + 1):
        go = sorted((r for r in frontier if r.label in _GO_ON), key=lambda r: (r.label, r.key))
        budget = limit - len(reach.nodes)
        if not go:
            break
        if budget <= 0:
            reach.cut = True
            break
        sub = store.neighbourhood(go, hops=1, limit=len(go) + budget)
        reach.cut = reach.cut or len(sub.nodes) >= len(go) + budget
        frontier = []
        for node in sub.nodes:
            nid = element_id(node.ref)
            if nid not in reach.distance:
                reach.nodes[nid], reach.distance[nid] = node, step
                frontier.append(node.ref)
        ways: dict[str, list[tuple[bool, str, EdgeId, Edge]]] = {}
        for edge in sub.edges:
            reach.edges.setdefault(_edge_id(edge), edge)
            a, b = element_id(edge.start), element_id(edge.end)
            for near, far in ((a, b), (b, a)):
                if reach.far(far) == step and reach.far(near) == step - 1:
                    event = reach.nodes[near].label in EVENT_LABELS
                    ways.setdefault(far, []).append((event, near, _edge_id(edge), edge))
        for far, options in ways.items():  # the way through entities reads best: via the driver
            _, near, _, edge = min(options, key=lambda o: o[:3])
            reach.parent[far] = (edge, near)
    return reach


def _file_id(token: str) -> str:
    return token.partition(":")[0]


class _News:
    """The alerts one load gives one watch, from the watch's reach."""

    def __init__(
        self, watch: Watch, reach: Reach, fresh: Collection[str], load_id: str, now: dt.datetime
    ) -> None:
        self.watch, self.reach, self.fresh = watch, reach, fresh
        self.load_id, self.now = load_id, now
        self.within = {nid for nid, d in reach.distance.items() if d <= watch.hops}
        self.hidden = _conditional_ids(reach.subgraph())
        self.alerts: list[Alert] = []

    def is_new(self, sources: Sequence[str]) -> bool:
        return bool(sources) and all(_file_id(t) in self.fresh for t in sources)

    def new_tokens(self, sources: Sequence[str]) -> list[str]:
        return sorted(t for t in sources if _file_id(t) in self.fresh)

    def add(
        self,
        kind: AlertKind,
        subject: tuple[str, str, str],
        summary: str,
        evidence: list[str],
        at: str,
        involved: Iterable[str],
    ) -> None:
        label, key, text = subject
        self.alerts.append(
            Alert(
                key=alert_key(self.watch, kind, f"{label}:{key}", evidence),
                watch_key=self.watch.key,
                owner=self.watch.owner,
                kind=kind,
                subject_label=label,
                subject_key=key,
                subject=text,
                summary=summary,
                via=self.reach.via(at),
                distance=self.reach.far(at),
                origin=self.load_id,
                origin_kind="load",
                raised_at=self.now,
                handling="conditional" if set(involved) & self.hidden else "open",
                evidence=evidence,
            )
        )

    def events(self) -> None:
        for nid in sorted(self.within):
            node = self.reach.nodes[nid]
            if node.label in EVENT_LABELS and self.is_new(node.sources):
                summary = f"New {event_summary(node)}{_when(node)}"
                subject = (str(node.label), node.key, _caption(node))
                self.add("event", subject, summary, sorted(node.sources), nid, [nid])

    def relationships(self) -> None:
        new_entities: defaultdict[str, list[Edge]] = defaultdict(list)
        nodes = self.reach.nodes
        for eid, edge in sorted(self.reach.edges.items()):
            a, b = eid[1], eid[2]
            if not {a, b} & self.within:
                continue
            near = a if self.reach.far(a) <= self.reach.far(b) else b
            ends = f"{_caption(nodes[a])} and {_caption(nodes[b])}"
            subject = (str(edge.type), f"{a}|{b}|{edge.key}", ends)
            if edge.type in _EVIDENCE:
                tokens = self.new_tokens(edge.sources)
                if tokens:
                    kind, what = _EVIDENCE[edge.type]
                    plural = "s" if len(tokens) > 1 else ""
                    summary = f"{len(tokens)} new {what}{plural} between {ends}"
                    self.add(kind, subject, summary, tokens, near, [a, b])
            if not self.is_new(edge.sources):
                continue
            for one, other in ((a, b), (b, a)):
                if (
                    nodes[other].label in ENTITY_LABELS
                    and self.is_new(nodes[other].sources)
                    and one in self.within
                ):
                    new_entities[other].append(edge)
            known = all(
                n.label in ENTITY_LABELS and not self.is_new(n.sources)
                for n in (nodes[a], nodes[b])
            )
            if known and edge.type not in _EVIDENCE:
                summary = f"New link: {_caption(nodes[a])} {edge.type} {_caption(nodes[b])}"
                self.add("link", subject, summary, sorted(edge.sources), near, [a, b])
        for nid, edges in sorted(new_entities.items()):
            self.entity(nid, edges)

    def entity(self, nid: str, edges: list[Edge]) -> None:
        node = self.reach.nodes[nid]
        others = sorted(
            {
                f"{e.type} {_caption(self.reach.nodes[x])}"
                for e in edges
                for x in (element_id(e.start), element_id(e.end))
                if x != nid
            }
        )
        summary = f"{_caption(node)}, not seen before, linked by {'; '.join(others)}"
        evidence = sorted(set(node.sources) | {t for e in edges for t in e.sources})
        subject = (str(node.label), node.key, _caption(node))
        self.add("entity", subject, summary, evidence, nid, [nid])


def _when(node: Node) -> str:
    when = event_time(node.properties)
    return f" on {when:%Y-%m-%d}" if when is not None else ""


def _conditional_ids(sub: Subgraph) -> set[str]:
    """Element ids of the nodes only a view with handling conditions shows."""
    shown, held = conditional_view(sub)
    if not held:
        return set()
    return {element_id(n.ref) for n in sub.nodes} - {element_id(n.ref) for n in shown.nodes}


def raise_load_alerts(
    store: GraphStore,
    load_id: str,
    file_ids: Collection[str],
    *,
    earlier: Collection[str] = (),
    now: dt.datetime | None = None,
) -> list[Alert]:
    """Raise and store the alerts a load gives every watch; return the new ones.

    Parameters
    ----------
    store : GraphStore
        The store the load wrote to.
    load_id : str
        The load, named on each alert.
    file_ids : collection of str
        The content digests of the load's files (the prefix of their provenance tokens).
    earlier : collection of str
        File ids that earlier completed loads had loaded: what only they support is not news.
    now : datetime, optional
        When the alerts are raised (default: now).

    Returns
    -------
    list of Alert
        The alerts not raised before, by owner and watch.

    Notes
    -----
    One search per watch of at most :data:`READ_LIMIT` nodes (``hops + 1`` calls of
    :meth:`GraphStore.neighbourhood`): O(w (n + m)) for w watches and n nodes and m
    relationships in their reach.
    """
    fresh = set(file_ids) - set(earlier)
    if not fresh:
        return []
    when = now or utc_now()
    found: list[tuple[Alert, Watch]] = []
    for watch in list_watches(store):
        start = start_nodes(store, watch)
        if not start:
            continue
        news = _News(watch, walk(store, start, watch.hops + 1), fresh, load_id, when)
        news.events()
        news.relationships()
        found.extend((alert, watch) for alert in news.alerts)
    return write_new(store, found)
