"""EmbeddedStore: the graph in a networkx MultiDiGraph, persisted atomically as JSON.

The default store for a first run on a bare machine: no server, one file under
``OCGMAP_HOME``. It implements exactly the semantics of :class:`~ocgmap.store.base.GraphStore`
that the Neo4j store implements, and the same contract tests run against both.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from collections import Counter, defaultdict, deque
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

import networkx as nx

from ocgmap.errors import StoreError
from ocgmap.schema import load_schema
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import Counts, Edge, EdgeRow, Node, NodeRef, NodeRow, Path, Subgraph
from ocgmap.store.base import (
    ErasureResult,
    GraphFilter,
    Tally,
    UpsertResult,
    check_tally,
    observations,
)
from ocgmap.store.erasure import erasure_marks, is_erased, kept_sources
from ocgmap.store.merge import MANAGED, RowMerger
from ocgmap.store.results import result_rows
from ocgmap.store.sharing import Shared

if TYPE_CHECKING:
    from ocgmap.analysis.results import AnalysisRun

__all__ = ["EmbeddedStore"]

_FORMAT = "ocgmap-embedded-graph"
_VERSION = 1


def node_id(ref: NodeRef) -> str:
    """Return the networkx node id of a node reference: ``"<Label>:<key>"``."""
    return f"{ref.label}:{ref.key}"


def label_of(node: str) -> str:
    """The label of a networkx node id (labels hold no colon).

    >>> label_of("Vehicle:GB:AB12CDE")
    'Vehicle'
    """
    return node.partition(":")[0]


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    raise TypeError(f"cannot store a {type(value).__name__} in the embedded graph")


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "$datetime" in obj:
            return dt.datetime.fromisoformat(obj["$datetime"])
        if "$date" in obj:
            return dt.date.fromisoformat(obj["$date"])
    return obj


class EmbeddedStore:
    """A :class:`GraphStore` held in memory and saved to ``path`` after every write.

    Parameters
    ----------
    path : pathlib.Path
        The JSON file that holds the graph; created on the first write.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = EmbeddedStore(pathlib.Path(tempfile.mkdtemp()) / "graph.json")
    >>> row = NodeRow(label="Phone", key="+447700900123", sources=["L1:calls.csv#2"])
    >>> store.upsert_nodes(Label.PHONE, [row]).created
    1
    >>> store.counts().nodes
    {'Phone': 1}
    """

    name = "embedded"

    def __init__(self, path: FsPath) -> None:
        self.path = path
        self.graph: nx.MultiDiGraph = self._read() if path.exists() else nx.MultiDiGraph()
        self._deferred = 0

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """Save once when the block ends; if it fails, go back to the last saved graph."""
        self._deferred += 1
        try:
            yield
        except BaseException:
            self._deferred -= 1
            if not self._deferred:
                self.graph = self._read() if self.path.exists() else nx.MultiDiGraph()
            raise
        self._deferred -= 1
        if not self._deferred:
            self.save()

    def _saved(self) -> None:
        if not self._deferred:
            self.save()

    # -- persistence -------------------------------------------------------------------
    def _read(self) -> nx.MultiDiGraph:
        try:
            data = json.loads(self.path.read_text("utf-8"), object_hook=_decode)
        except (OSError, ValueError) as exc:
            raise StoreError(
                f"Cannot read the embedded graph {self.path}: {exc}. Restore it from a backup "
                "or remove it and load the sources again."
            ) from exc
        if data.get("format") != _FORMAT or data.get("version") != _VERSION:
            raise StoreError(f"{self.path} is not an ocgmap embedded graph (version {_VERSION}).")
        graph = nx.MultiDiGraph()
        shared = Shared()  # one object per repeated label, type, basis and node id
        ids = {n: n for n, _ in data["nodes"]}
        graph.add_nodes_from((n, shared.attrs(a)) for n, a in data["nodes"])
        graph.add_edges_from(
            (ids.get(u, u), ids.get(v, v), shared.edge_key(k), shared.attrs(a))
            for u, v, k, a in data["edges"]
        )
        return graph

    def save(self) -> None:
        """Write the graph to ``path`` atomically (temporary file, fsync, rename)."""
        data = {
            "format": _FORMAT,
            "version": _VERSION,
            "nodes": [[n, a] for n, a in self.graph.nodes(data=True)],
            "edges": [
                [u, v, k, a]
                for u, nbrs in self.graph.adjacency()
                for v, keyed in nbrs.items()
                for k, a in keyed.items()
            ],
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".graph-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                # dumps (one shot) runs the C encoder; dump would stream through Python.
                # The graph holds no reference cycles (it is read from JSON and written
                # from rows), so the encoder's cycle check is skipped.
                text = json.dumps(
                    data, default=_encode, separators=(",", ":"), check_circular=False
                )
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            FsPath(tmp).unlink(missing_ok=True)
            raise

    # -- writes -------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Create the graph file if it does not exist yet (idempotent)."""
        if not self.path.exists():
            self.save()

    def upsert_nodes(self, label: Label, rows: Iterable[NodeRow]) -> UpsertResult:
        """Merge nodes of one label (see :class:`GraphStore`)."""
        merger = RowMerger(load_schema().labels[label].properties)
        done = created = 0
        nodes = self.graph.nodes
        name, prefix = str(label), f"{label}:"
        for row in list(rows):
            _check_label(label, row)
            nid = prefix + row.key  # node_id(row.ref), without building the ref
            attrs = nodes.get(nid)
            if attrs is None:
                self.graph.add_node(nid, label=name, key=row.key)
                attrs = nodes[nid]
                created += 1
            merger.merge(attrs, row)
            done += 1
        self._saved()
        return UpsertResult(rows=done, created=created)

    def upsert_edges(self, type: RelType, rows: Iterable[EdgeRow]) -> UpsertResult:
        """Merge relationships of one type (see :class:`GraphStore`)."""
        merger = RowMerger(load_schema().relationships[type].properties)
        done = created = 0
        nodes = self.graph.nodes
        pending = []
        missing: list[NodeRef] = []
        for row in rows:
            start, end = row.start, row.end
            # node_id(), by concatenation: a StrEnum label adds its value, as f"{label}" does
            u, v = start.label + ":" + start.key, end.label + ":" + end.key
            if u not in nodes:
                missing.append(start)
            if v not in nodes:
                missing.append(end)
            pending.append((row, u, v))
        if missing:
            raise StoreError(
                f"{len(missing)} {type} relationship end(s) name nodes that do not exist, e.g. "
                f"{missing[0].label} {missing[0].key!r}: upsert the nodes first."
            )
        name, prefix = str(type), f"{type}|"
        for row, u, v in pending:
            if row.type is not type:
                raise StoreError(f"upsert_edges({type}) was given a {row.type} row")
            k = prefix + row.key
            attrs = self.graph.get_edge_data(u, v, k)
            if attrs is None:
                self.graph.add_edge(u, v, k)
                attrs = self.graph.get_edge_data(u, v, k)
                attrs.update(type=name, key=row.key)
                created += 1
            merger.merge(attrs, row)
            done += 1
        self._saved()
        return UpsertResult(rows=done, created=created)

    def write_results(self, run: AnalysisRun) -> None:
        """Record an analysis run: replace ``IN_CLUSTER``, merge the run and its clusters."""
        nodes, edges = result_rows(run)
        with self.bulk():
            stale = [
                (u, v, k)
                for u, v, k, t in self.graph.edges(keys=True, data="type")
                if t == "IN_CLUSTER"
            ]
            self.graph.remove_edges_from(stale)
            for label in (Label.ANALYSIS_RUN, Label.CLUSTER):
                self.upsert_nodes(label, [n for n in nodes if n.label is label])
            for rel, rows in edges.items():
                self.upsert_edges(rel, rows)

    def erase_sources(self, prefixes: Collection[str]) -> ErasureResult:
        """Remove the provenance of some source files, and the facts only they support.

        See :meth:`GraphStore.erase_sources`. Relationships first (those of nodes that lose
        every source go with them), then nodes; the graph is saved once, so a failure part-way
        leaves it as it was.

        Notes
        -----
        Scalar properties set by an erased source on a surviving node are not reverted, and
        ``first_seen``/``last_seen`` are not narrowed. O(n + m) for n nodes and m
        relationships.
        """
        marks = erasure_marks(prefixes)
        result = ErasureResult()
        if not marks:
            return result
        doomed = {n for n, s in self.graph.nodes(data="sources") if is_erased(s, marks)}
        with self.bulk():
            for u, v, k, attrs in list(self.graph.edges(keys=True, data=True)):
                kept = kept_sources(attrs.get("sources"), marks)
                if u in doomed or v in doomed or kept == []:
                    self.graph.remove_edge(u, v, k)
                    result.relationships_deleted += 1
                elif kept is not None:
                    attrs["sources"] = kept
                    result.relationships_trimmed += 1
            for nid, attrs in list(self.graph.nodes(data=True)):
                kept = kept_sources(attrs.get("sources"), marks)
                if kept == []:
                    self.graph.remove_node(nid)
                    result.nodes_deleted += 1
                elif kept is not None:
                    attrs["sources"] = kept
                    result.nodes_trimmed += 1
        return result

    def wipe(self) -> None:
        """Delete every node and relationship."""
        self.graph.clear()
        self.save()

    def close(self) -> None:
        """Nothing to release: every write is already saved."""

    # -- reads --------------------------------------------------------------------------
    def _node(self, nid: str) -> Node:
        return _node_model(self.graph.nodes[nid])

    def get(self, label: Label, key: str) -> Node | None:
        """Return one node, or ``None``."""
        nid = node_id(NodeRef(label=label, key=key))
        return self._node(nid) if nid in self.graph else None

    def search(
        self, text: str, labels: Sequence[Label] | None = None, limit: int = 50
    ) -> list[Node]:
        """Case-insensitive substring search on key, name and names, ordered by label, key."""
        needle = text.strip().upper()
        wanted = {str(x) for x in labels} if labels else None
        hits = []
        for _, attrs in self.graph.nodes(data=True):
            if wanted is not None and attrs["label"] not in wanted:
                continue
            hay = [attrs["key"], attrs.get("name") or "", *(attrs.get("names") or [])]
            if needle and any(needle in str(h).upper() for h in hay):
                hits.append(attrs)
        hits.sort(key=lambda a: (a["label"], a["key"]))
        return [_node_model(a) for a in hits[:limit]]

    def neighbourhood(self, refs: Sequence[NodeRef], hops: int = 1, limit: int = 500) -> Subgraph:
        """Nodes within ``hops`` of ``refs`` (either direction) and the edges among them.

        Breadth-first, layer by layer; within a layer nodes are taken in (label, key) order
        until ``limit`` nodes are held.
        """
        found = [node_id(r) for r in refs if node_id(r) in self.graph][:limit]
        seen = set(found)
        frontier = deque(found)
        for _ in range(hops):
            layer = sorted(
                {m for n in frontier for m in nx.all_neighbors(self.graph, n)} - seen,
                key=lambda n: (self.graph.nodes[n]["label"], self.graph.nodes[n]["key"]),
            )[: max(0, limit - len(seen))]
            seen.update(layer)
            frontier = deque(layer)
        return self._subgraph(seen)

    def subgraph(self, refs: Sequence[NodeRef]) -> Subgraph:
        """Return the given nodes and every relationship among them."""
        return self._subgraph({node_id(r) for r in refs if node_id(r) in self.graph})

    def _subgraph(self, nids: set[str]) -> Subgraph:
        view = self.graph.subgraph(nids)
        return Subgraph(
            nodes=[self._node(n) for n in sorted(nids)],
            edges=[_edge_model(self.graph, u, v, a) for u, v, a in view.edges(data=True)],
        )

    def shortest_paths(self, a: NodeRef, b: NodeRef, max_hops: int = 6) -> list[Path]:
        """Every shortest path (distinct node sequences) between two nodes, any direction."""
        ua, ub = node_id(a), node_id(b)
        if ua not in self.graph or ub not in self.graph:
            return []
        undirected = self.graph.to_undirected(as_view=True)
        try:
            paths = list(nx.all_shortest_paths(undirected, ua, ub))
        except nx.NetworkXNoPath:
            return []
        out = [self._path(p) for p in sorted(paths) if len(p) - 1 <= max_hops]
        return out

    def _path(self, nids: list[str]) -> Path:
        edges = []
        for u, v in zip(nids, nids[1:], strict=False):
            found = [(u, v, a) for a in self.graph.get_edge_data(u, v, default={}).values()]
            found += [(v, u, a) for a in self.graph.get_edge_data(v, u, default={}).values()]
            found.sort(key=lambda e: (e[2]["type"], e[2]["key"]))
            edges.append(_edge_model(self.graph, *found[0]))
        return Path(nodes=[self._node(n) for n in nids], edges=edges)

    def to_networkx(
        self, filter: GraphFilter | None = None, *, copy: bool = True
    ) -> nx.MultiDiGraph:
        """Return a copy of the graph, or of the part ``filter`` selects.

        ``copy=False`` without a filter hands out the store's own graph (read only, until the
        next write): an analysis then holds the graph once, not twice.
        """
        if not copy and filter is None:
            return self.graph
        flt = filter or GraphFilter()
        labels = {str(x) for x in flt.labels} if flt.labels is not None else None
        types = {str(x) for x in flt.types} if flt.types is not None else None
        out = nx.MultiDiGraph()
        out.add_nodes_from(
            (n, dict(a))
            for n, a in self.graph.nodes(data=True)
            if labels is None or a["label"] in labels
        )
        if types is not None and not types:
            return out  # no relationship type wanted
        out.add_edges_from(
            (u, v, k, dict(a))
            # the edges of the kept nodes, in the graph's order (nbunch keeps node order)
            for u, v, k, a in self.graph.edges(
                out if labels is not None else None, keys=True, data=True
            )
            if v in out and (types is None or a["type"] in types)
        )
        return out

    def counts(self) -> Counts:
        """Node counts per label and relationship counts per type."""
        nodes = Counter(a["label"] for _, a in self.graph.nodes(data=True))
        rels = Counter(a["type"] for _, _, a in self.graph.edges(data=True))
        return Counts(
            store=self.name,
            nodes=dict(sorted(nodes.items())),
            relationships=dict(sorted(rels.items())),
        )

    def tally(self, type: RelType, start: Label, end: Label) -> dict[str, Tally]:
        """See :meth:`GraphStore.tally`. O(m) over every relationship."""
        check_tally(type, start, end)
        starts: defaultdict[str, set[str]] = defaultdict(set)
        seen: Counter[str] = Counter()
        nodes = self.graph.nodes
        for u, v, attrs in self.graph.edges(data=True):
            if attrs["type"] == type and nodes[u]["label"] == start and nodes[v]["label"] == end:
                starts[v].add(u)
                seen[v] += observations(attrs)
        return {
            str(nodes[v]["key"]): Tally(starts=len(s), observations=seen[v])
            for v, s in starts.items()
        }


def _check_label(label: Label, row: NodeRow) -> None:
    if row.label is not label:
        raise StoreError(f"upsert_nodes({label}) was given a {row.label} row")


def _node_model(attrs: dict[str, Any]) -> Node:
    return Node(
        label=attrs["label"],
        key=attrs["key"],
        properties={k: v for k, v in attrs.items() if k not in MANAGED},
        sources=list(attrs.get("sources") or []),
        first_seen=attrs.get("first_seen"),
        last_seen=attrs.get("last_seen"),
    )


def _edge_model(graph: nx.MultiDiGraph, u: str, v: str, attrs: dict[str, Any]) -> Edge:
    start, end = graph.nodes[u], graph.nodes[v]
    return Edge(
        type=attrs["type"],
        start=NodeRef(label=start["label"], key=start["key"]),
        end=NodeRef(label=end["label"], key=end["key"]),
        key=attrs["key"],
        properties={k: v for k, v in attrs.items() if k not in MANAGED},
        sources=list(attrs.get("sources") or []),
        first_seen=attrs.get("first_seen"),
        last_seen=attrs.get("last_seen"),
    )
