"""Neo4jStore: the graph in a Neo4j 5 server, written through the official driver.

The only module that imports ``neo4j``. Writes go as ``UNWIND $rows ... MERGE`` in batches,
each batch one managed write transaction (the driver retries transient failures, so every
unit of work is idempotent). Driver errors never escape: an unreachable or misconfigured
server raises :class:`~ocgmap.errors.StoreUnavailable` naming the URI and what to check.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, LiteralString

import neo4j
import networkx as nx
from neo4j import exceptions as nex

from ocgmap.errors import StoreError, StoreUnavailable
from ocgmap.schema import PropType, load_schema
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import Counts, Edge, EdgeRow, Node, NodeRef, NodeRow, Path, Subgraph
from ocgmap.store import queries as q
from ocgmap.store.base import ErasureResult, GraphFilter, Tally, UpsertResult, check_tally
from ocgmap.store.erasure import erasure_marks
from ocgmap.store.merge import MANAGED, split_properties, union
from ocgmap.store.results import result_rows
from ocgmap.store.sharing import Shared

if TYPE_CHECKING:
    from ocgmap.analysis.results import AnalysisRun

__all__ = ["Neo4jStore"]

_HINT = (
    "Check that the server is running (scripts/neo4j-local start, or docker compose up neo4j) "
    "and that NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD are right."
)


_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def _shown(uri: str) -> str:
    """``uri`` fit to show: any ``user:password@`` taken out.

    >>> _shown("bolt://neo4j:s3cret@db.example:7687")
    'bolt://***@db.example:7687'
    >>> _shown("bolt://127.0.0.1:7687")
    'bolt://127.0.0.1:7687'
    """
    scheme, sep, rest = uri.partition("://")
    if not sep or "@" not in rest.split("/", 1)[0]:
        return uri
    return f"{scheme}://***@{rest.split('@', 1)[1]}"


def _one_line(reason: object) -> str:
    """Return the last line of a driver message, whitespace collapsed (drivers nest causes)."""
    lines = [line.strip() for line in str(reason).splitlines() if line.strip()]
    return " ".join(lines[-1].split()) if lines else type(reason).__name__


def _native(value: Any) -> Any:
    if isinstance(value, neo4j.time.DateTime | neo4j.time.Date):
        return value.to_native()
    if isinstance(value, list):
        return [_native(v) for v in value]
    return value


def _node(n: neo4j.graph.Node) -> Node:
    props = {k: _native(v) for k, v in n.items()}
    return Node(
        label=next(iter(n.labels)),
        key=props["key"],
        properties={k: v for k, v in props.items() if k not in MANAGED},
        sources=props.get("sources") or [],
        first_seen=props.get("first_seen"),
        last_seen=props.get("last_seen"),
    )


def _edge(r: neo4j.graph.Relationship, sl: str, sk: str, el: str, ek: str) -> Edge:
    props = {k: _native(v) for k, v in r.items()}
    return Edge(
        type=r.type,
        start=NodeRef(label=sl, key=sk),
        end=NodeRef(label=el, key=ek),
        key=props.get("key", ""),
        properties={k: v for k, v in props.items() if k not in MANAGED},
        sources=props.get("sources") or [],
        first_seen=props.get("first_seen"),
        last_seen=props.get("last_seen"),
    )


def _params(rows: Iterable[NodeRow | EdgeRow], types: Any) -> list[dict[str, Any]]:
    """One parameter row per node or relationship, rows for the same one merged first.

    Merging in Python with the rules of ``store/merge.py`` sends each node once per batch
    instead of once per mention (a batch of crossings names the same haulier hundreds of
    times); the Cypher then merges that one row into the stored node by the same rules.
    """
    merged: dict[tuple[str, ...], dict[str, Any]] = {}
    for row in rows:
        scalars, lists = split_properties(row, types)
        temporal = {k: v.isoformat() for k, v in scalars.items() if isinstance(v, dt.date)}
        scalars = {k: v for k, v in scalars.items() if k not in temporal}
        if isinstance(row, NodeRow):
            ident: tuple[str, ...] = (row.key,)
        else:
            ident = (row.start.key, row.end.key, row.key)
        seen = row.seen_at.astimezone(dt.UTC) if row.seen_at else None
        into = merged.get(ident)
        if into is None:
            merged[ident] = {
                "props": scalars,
                "temporal": temporal,
                "lists": lists,
                "sources": list(row.sources),
                "first": seen,
                "last": seen,
                **_ident(row),
            }
            continue
        into["props"].update(scalars)
        into["temporal"].update(temporal)
        for name, values in lists.items():
            into["lists"][name] = union(into["lists"].get(name, []), values)
        into["sources"] = union(into["sources"], row.sources)
        if seen is not None:
            into["first"] = seen if into["first"] is None else min(into["first"], seen)
            into["last"] = seen if into["last"] is None else max(into["last"], seen)
    for params in merged.values():
        for end in ("first", "last"):
            params[end] = params[end].isoformat() if params[end] else None
    return list(merged.values())


def _ident(row: NodeRow | EdgeRow) -> dict[str, str]:
    if isinstance(row, NodeRow):
        return {"key": row.key}
    return {"start": row.start.key, "end": row.end.key, "key": row.key}


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """No cyclic garbage collection inside (a large read makes only acyclic objects).

    The collector would otherwise walk every object read so far, again and again.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


#: Start nodes (element ids) per query of :meth:`Neo4jStore.context`.
_IDS_PER_READ = 5_000
#: :meth:`Neo4jStore.context` sends the nodes already gone on from (``$done``) when they are
#: at most this many per start node of the query.
_DONE_PER_ID = 4


def _batched(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


class Neo4jStore:
    """A :class:`GraphStore` in a Neo4j 5 database.

    Parameters
    ----------
    driver : neo4j.Driver
        A driver owned by the caller (see :meth:`connect` to make one from settings).
    database : str
        The database to use.
    uri : str
        The URI the driver points at, for error messages.
    batch_size : int
        Rows per write transaction.
    """

    name = "neo4j"

    def __init__(
        self, driver: neo4j.Driver, database: str = "neo4j", uri: str = "", batch_size: int = 10_000
    ) -> None:
        self.driver = driver
        self.database = database
        self.uri = _shown(uri)
        self.batch_size = batch_size
        self._reopen: Callable[[], Neo4jStore] | None = None

    @classmethod
    def connect(cls, uri: str, user: str, password: str, database: str = "neo4j") -> Neo4jStore:
        """Open a driver, check the server answers, and return a store that owns it."""
        scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
        if scheme not in _SCHEMES:
            raise StoreUnavailable(
                f"Cannot use NEO4J_URI={_shown(uri)!r}: it must start with one of "
                f"{', '.join(s + '://' for s in _SCHEMES)} (e.g. bolt://127.0.0.1:7687)."
            )
        if _shown(uri) != uri:
            raise StoreUnavailable(
                f"Cannot use NEO4J_URI={_shown(uri)!r}: put the user name and password in "
                "NEO4J_USER and NEO4J_PASSWORD, not in the URI."
            )
        try:
            driver = neo4j.GraphDatabase.driver(
                uri,
                auth=(user, password),
                connection_timeout=10.0,
                max_transaction_retry_time=30.0,
                notifications_min_severity="OFF",
            )
        except (ValueError, nex.ConfigurationError) as exc:
            reason = _one_line(exc).replace(uri, _shown(uri))  # the driver quotes the URI
            raise StoreUnavailable(
                f"Cannot use NEO4J_URI={_shown(uri)!r}: {reason}. {_HINT}"
            ) from None
        store = cls(driver, database=database, uri=uri)
        try:
            with store._errors():
                driver.verify_connectivity()
                driver.execute_query(q.PING, database_=database)
        except StoreError:
            driver.close()
            raise
        store._reopen = functools.partial(cls.connect, uri, user, password, database)
        return store

    def reopener(self) -> Callable[[], Neo4jStore] | None:
        """A picklable function that connects again as this store did, or ``None``.

        For work in another process, which needs a driver of its own (a driver's
        connections are never shared across processes). ``None`` when the store was made
        from a driver rather than by :meth:`connect`.
        """
        return self._reopen

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except nex.AuthError:
            raise StoreUnavailable(
                f"Neo4j at {self.uri} refused the credentials of NEO4J_USER. {_HINT}"
            ) from None
        except (nex.ServiceUnavailable, nex.SessionExpired, OSError) as exc:
            raise StoreUnavailable(
                f"Cannot reach Neo4j at {self.uri} ({_one_line(exc)}). {_HINT}"
            ) from None
        except nex.Neo4jError as exc:
            raise StoreError(f"Neo4j at {self.uri} failed: {_one_line(exc.message)}") from None
        except nex.DriverError as exc:
            raise StoreUnavailable(
                f"Neo4j driver error for {self.uri}: {_one_line(exc)}. {_HINT}"
            ) from None

    def _read(self, query: LiteralString, **params: Any) -> list[neo4j.Record]:
        with self._errors():
            records, _, _ = self.driver.execute_query(
                query, params, database_=self.database, routing_=neo4j.RoutingControl.READ
            )
        return records

    def _each(self, query: LiteralString, **params: Any) -> Iterator[neo4j.Record]:
        """The records of a read one by one, as the server sends them.

        For reads of a whole label or type: :meth:`_read` would hold every record at once
        (millions at national scale) before the first is used.
        """
        with (
            self._errors(),
            self.driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS
            ) as session,
        ):
            yield from session.run(query, params)

    # -- writes -------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Create a uniqueness constraint on ``key`` for every label (idempotent)."""
        with self._errors():
            for label in Label:
                self.driver.execute_query(q.constraint_query(label), database_=self.database)

    def upsert_nodes(self, label: Label, rows: Iterable[NodeRow]) -> UpsertResult:
        """Merge nodes of one label in batches (see :class:`GraphStore`)."""
        types = load_schema().labels[label].properties
        query = q.upsert_nodes_query(label)
        result = UpsertResult()
        for batch in _batched(rows, self.batch_size):
            for row in batch:
                if row.label is not label:
                    raise StoreError(f"upsert_nodes({label}) was given a {row.label} row")
            params = _params(batch, types)
            result.created += self._write(query, params, len(params))
            result.rows += len(batch)
        return result

    def upsert_edges(self, type: RelType, rows: Iterable[EdgeRow]) -> UpsertResult:
        """Merge relationships of one type in batches (see :class:`GraphStore`)."""
        types = load_schema().relationships[type].properties
        result = UpsertResult()
        for batch in _batched(rows, self.batch_size):
            groups: dict[tuple[Label, Label], list[EdgeRow]] = defaultdict(list)
            for row in batch:
                if row.type is not type:
                    raise StoreError(f"upsert_edges({type}) was given a {row.type} row")
                groups[row.start.label, row.end.label].append(row)
            for (start, end), members in groups.items():
                query = q.upsert_edges_query(type, start, end)
                params = _params(members, types)
                result.created += self._write(query, params, len(params), rels=True)
            result.rows += len(batch)
        return result

    def _write(
        self, query: LiteralString, rows: list[dict[str, Any]], expected: int, rels: bool = False
    ) -> int:
        def work(tx: neo4j.ManagedTransaction) -> int:
            result = tx.run(query, rows=rows)
            record = result.single() if rels else None
            counters = result.consume().counters
            if record is not None and record["matched"] != expected:
                raise StoreError(
                    f"{expected - record['matched']} relationship(s) name nodes that do not "
                    "exist: upsert the nodes first. Nothing in this batch was written."
                )
            return counters.relationships_created if rels else counters.nodes_created

        with self._errors(), self.driver.session(database=self.database) as session:
            return session.execute_write(work)

    def write_results(self, run: AnalysisRun) -> None:
        """Record an analysis run: replace ``IN_CLUSTER``, merge the run and its clusters."""
        nodes, edges = result_rows(run)
        query = q.delete_relationships_query(RelType.IN_CLUSTER)
        while True:
            with self._errors():
                records, _, _ = self.driver.execute_query(
                    query, {"limit": self.batch_size}, database_=self.database
                )
            if not records[0]["n"]:
                break
        for label in (Label.ANALYSIS_RUN, Label.CLUSTER):
            self.upsert_nodes(label, [n for n in nodes if n.label is label])
        for rel, rows in edges.items():
            self.upsert_edges(rel, rows)

    def erase_sources(self, prefixes: Collection[str]) -> ErasureResult:
        """Remove the provenance of some source files, and the facts only they support.

        See :meth:`GraphStore.erase_sources`. Relationships first (those of nodes that lose
        every source go with them), then nodes. Each phase streams the element ids of what it
        changes from one read-only scan and changes them ``batch_size`` at a time, each batch
        its own write transaction that re-checks every item: the server never holds more than
        a batch, and if the erasure stops part-way, what is done stays done and running it
        again finishes the job.

        Notes
        -----
        Scalar properties set by an erased source on a surviving node are not reverted, and
        ``first_seen``/``last_seen`` are not narrowed. Two scans: every relationship, then
        every node (no index can find tokens by prefix).
        """
        marks = erasure_marks(prefixes)
        if not marks:
            return ErasureResult()
        rels = self._erase(q.ERASE_RELATIONSHIP_IDS, q.ERASE_RELATIONSHIPS, marks)
        nodes = self._erase(q.ERASE_NODE_IDS, q.ERASE_NODES, marks)
        return ErasureResult(
            nodes_deleted=nodes[0],
            relationships_deleted=rels[0],
            nodes_trimmed=nodes[1],
            relationships_trimmed=rels[1],
        )

    def _erase(
        self, find: LiteralString, change: LiteralString, marks: list[str]
    ) -> tuple[int, int]:
        """Stream the ids ``find`` names and run ``change`` on them in batches."""

        def work(tx: neo4j.ManagedTransaction, ids: list[str]) -> tuple[int, int]:
            record = tx.run(change, ids=ids, prefixes=marks).single(strict=True)
            return record["deleted"], record["trimmed"]

        deleted = trimmed = 0
        with (
            self._errors(),
            self.driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS
            ) as reader,
            self.driver.session(database=self.database) as writer,
        ):
            found = (r["id"] for r in reader.run(find, prefixes=marks))
            for ids in _batched(found, self.batch_size):
                gone, kept = writer.execute_write(work, ids)
                deleted, trimmed = deleted + gone, trimmed + kept
        return deleted, trimmed

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """Nothing to group: every batch is already its own transaction."""
        yield

    def audit_last(self, log: str) -> tuple[int, str] | None:
        """The sequence number and hash of the newest entry copied of audit log ``log``."""
        rows = self._read(q.AUDIT_LAST, log=log)
        return (int(rows[0]["seq"]), str(rows[0]["hash"])) if rows else None

    def audit_hashes(self, log: str) -> dict[int, str]:
        """Every copied entry of audit log ``log``: sequence number to hash."""
        return {int(r["seq"]): str(r["hash"]) for r in self._read(q.AUDIT_ALL, log=log)}

    def copy_audit(self, log: str, entries: Sequence[dict[str, Any]]) -> None:
        """Copy audit entries (``{seq, hash, line}``) of log ``log``, in batches; idempotent."""
        with self._errors():
            self.driver.execute_query(q.AUDIT_CONSTRAINT, database_=self.database)
            for batch in _batched(entries, 5000):
                self.driver.execute_query(
                    q.AUDIT_COPY, log=log, entries=batch, database_=self.database
                )

    def wipe(self) -> None:
        """Delete every node and relationship of the graph (constraints and audit copy stay)."""
        with self._errors(), self.driver.session(database=self.database) as session:
            session.run(q.WIPE_RELATIONSHIPS).consume()
            session.run(q.WIPE_NODES).consume()

    def close(self) -> None:
        """Close the driver."""
        self.driver.close()

    # -- reads --------------------------------------------------------------------------
    def get(self, label: Label, key: str) -> Node | None:
        """Return one node, or ``None``."""
        records = self._read(q.get_node_query(Label(label)), key=key)
        return _node(records[0]["n"]) if records else None

    def search(
        self, text: str, labels: Sequence[Label] | None = None, limit: int = 50
    ) -> list[Node]:
        """Case-insensitive substring search on key, name and names, ordered by label, key."""
        needle = text.strip().upper()
        if not needle:
            return []
        hits: list[Node] = []
        for label in sorted(Label(x) for x in (labels or list(Label))):
            records = self._read(q.search_query(label), text=needle, limit=limit)
            hits.extend(_node(r["n"]) for r in records)
        hits.sort(key=lambda n: (n.label, n.key))
        return hits[:limit]

    def _neighbours(self, refs: set[NodeRef]) -> set[NodeRef]:
        by_label: dict[Label, list[str]] = defaultdict(list)
        for ref in refs:
            by_label[ref.label].append(ref.key)
        found: set[NodeRef] = set()
        for label, keys in by_label.items():
            for r in self._read(q.neighbours_query(label), keys=keys):
                found.add(NodeRef(label=r["label"], key=r["key"]))
        return found

    def _nodes(self, refs: Iterable[NodeRef]) -> list[neo4j.graph.Node]:
        by_label: dict[Label, list[str]] = defaultdict(list)
        for ref in refs:
            by_label[ref.label].append(ref.key)
        out: list[neo4j.graph.Node] = []
        for label, keys in by_label.items():
            out.extend(r["n"] for r in self._read(q.nodes_among_query(label), keys=keys))
        return out

    def neighbourhood(self, refs: Sequence[NodeRef], hops: int = 1, limit: int = 500) -> Subgraph:
        """Nodes within ``hops`` of ``refs`` (either direction) and the edges among them.

        Breadth-first, layer by layer; within a layer nodes are taken in (label, key) order
        until ``limit`` nodes are held.
        """
        seen = {_ref(n) for n in self._nodes(refs)}
        seen = set(sorted(seen, key=lambda r: (r.label, r.key))[:limit])
        frontier = set(seen)
        for _ in range(hops):
            if not frontier:
                break
            layer = sorted(self._neighbours(frontier) - seen, key=lambda r: (r.label, r.key))
            layer = layer[: max(0, limit - len(seen))]
            seen.update(layer)
            frontier = set(layer)
        return self.subgraph(list(seen))

    def subgraph(self, refs: Sequence[NodeRef]) -> Subgraph:
        """Return the given nodes and every relationship among them."""
        nodes = self._nodes(refs)
        ids = [n.element_id for n in nodes]
        records = self._read(q.relationships_among_query(), ids=ids)
        edges = [
            _edge(r["r"], r["start_label"], r["start_key"], r["end_label"], r["end_key"])
            for r in records
        ]
        models = sorted((_node(n) for n in nodes), key=lambda n: f"{n.label}:{n.key}")
        return Subgraph(nodes=models, edges=edges)

    def shortest_paths(self, a: NodeRef, b: NodeRef, max_hops: int = 6) -> list[Path]:
        """Every shortest path (distinct node sequences) between two nodes, any direction."""
        if a == b:
            node = self.get(a.label, a.key)
            return [Path(nodes=[node], edges=[])] if node else []
        records = self._read(q.shortest_paths_query(a.label, b.label, max_hops), a=a.key, b=b.key)
        paths: dict[tuple[str, ...], Path] = {}
        for rec in records:
            nodes = [_node(n) for n in rec["nodes"]]
            ident = tuple(f"{n.label}:{n.key}" for n in nodes)
            rels = [
                _edge(x["r"], x["start_label"], x["start_key"], x["end_label"], x["end_key"])
                for x in rec["rels"]
            ]
            best = paths.get(ident)
            rank = [(e.type, e.key) for e in rels]
            if best is None or rank < [(e.type, e.key) for e in best.edges]:
                paths[ident] = Path(nodes=nodes, edges=rels)
        return [paths[k] for k in sorted(paths)]

    def to_networkx(
        self, filter: GraphFilter | None = None, *, copy: bool = True
    ) -> nx.MultiDiGraph:
        """Return the graph, or the part ``filter`` selects, as a networkx MultiDiGraph.

        Always a new graph read from the server (``copy`` changes nothing here).

        Reads whole labels and types as property maps with dates as text (see
        :func:`queries.temporal_properties`), so a large graph reads in seconds, not minutes.
        """
        flt = filter or GraphFilter()
        graph = nx.MultiDiGraph()
        shared = Shared()  # one object per repeated label, type, basis and node id
        ids: dict[str, str] = {}
        for label in flt.labels if flt.labels is not None else Label:
            temporal = q.temporal_properties(label)
            name = str(label)
            for rec in self._each(q.all_nodes_query(label)):
                attrs = shared.attrs(_map_attrs(rec["n"], temporal))
                attrs["label"] = name
                nid = f"{label}:{attrs['key']}"
                ids[nid] = nid
                graph.add_node(nid, **attrs)
        for rel in flt.types if flt.types is not None else RelType:
            temporal = q.temporal_properties(rel)
            kind = str(rel)
            edges = []
            for rec in self._each(q.all_relationships_query(rel)):
                u = ids.get(f"{rec['start_label']}:{rec['start_key']}")
                v = ids.get(f"{rec['end_label']}:{rec['end_key']}")
                if u is not None and v is not None:
                    attrs = shared.attrs(_map_attrs(rec["r"], temporal))
                    attrs["type"] = kind
                    attrs.setdefault("key", "")
                    edges.append((u, v, shared.edge_key(f"{rel}|{attrs['key']}"), attrs))
            graph.add_edges_from(edges)
        return graph

    def stream(self) -> Iterator[tuple[str, str, str | None, dict[str, Any]]]:
        """Every node as ``(id, label, None, attrs)`` and relationship as ``(u, v, key, attrs)``.

        The same ids and attributes as :meth:`to_networkx`, one label or type at a time, so a
        digest of the graph needs no copy of it in memory.
        """
        for label in Label:
            temporal = q.temporal_properties(label)
            for rec in self._each(q.all_nodes_query(label)):
                attrs = _map_attrs(rec["n"], temporal)
                attrs["label"] = str(label)
                yield f"{label}:{attrs['key']}", str(label), None, attrs
        for rel in RelType:
            temporal = q.temporal_properties(rel)
            for rec in self._each(q.all_relationships_query(rel)):
                attrs = _map_attrs(rec["r"], temporal)
                attrs["type"] = str(rel)
                attrs.setdefault("key", "")
                u = f"{rec['start_label']}:{rec['start_key']}"
                v = f"{rec['end_label']}:{rec['end_key']}"
                yield u, v, f"{rel}|{attrs['key']}", attrs

    def context(
        self,
        element_ids: Mapping[str, str],
        *,
        expand: Callable[[int, str], Collection[RelType] | None],
        outgoing: Callable[[int], bool],
        steps: int,
        extra_labels: Collection[Label] = (),
        extra_types: Collection[RelType] = (),
        skip: Collection[str] = (),
    ) -> nx.MultiDiGraph:
        """The part of the graph around some nodes, as :meth:`to_networkx` would show it.

        Starting from ``element_ids``, each of ``steps`` steps follows, from the nodes the
        previous step reached, the relationship types ``expand(step, label)`` names (``None``:
        do not go on from that node), outgoing only when ``outgoing(step)``. Every node of
        ``extra_labels`` and every relationship of ``extra_types`` (with both ends) is added.
        Nodes in ``skip`` (element ids) are never gone on from.

        Parameters
        ----------
        element_ids : mapping
            Element id -> label of the nodes to start from.

        Notes
        -----
        One query per step for each distinct set of types ``expand`` names (all types in
        one query, :func:`queries.relationships_of_query`), :data:`_IDS_PER_READ` start nodes
        at a time; then one query per label for the nodes reached.
        """
        with _no_gc():
            return self._context(
                element_ids, expand, outgoing, steps, extra_labels, extra_types, skip
            )

    def _context(
        self,
        element_ids: Mapping[str, str],
        expand: Callable[[int, str], Collection[RelType] | None],
        outgoing: Callable[[int], bool],
        steps: int,
        extra_labels: Collection[Label],
        extra_types: Collection[RelType],
        skip: Collection[str],
    ) -> nx.MultiDiGraph:
        labels: dict[str, str] = dict(element_ids)
        seen_rels: set[str] = set()
        edges: list[tuple[str, str, str, dict[str, Any]]] = []
        skipped = set(skip)
        frontier = [e for e in element_ids if e not in skipped]
        for label in extra_labels:
            for rec in self._read(q.element_ids_query(label)):
                labels[str(rec["id"])] = str(label)
        for rel in extra_types:
            query = q.all_relationships_with_ids_query(rel)
            self._add_rels(edges, query, None, labels, seen_rels)
        wanted = set(frontier)
        # nodes gone on from both ways, by the types followed: what is read again from
        # their neighbours is left out (it is already in ``edges``; the ends are wanted)
        both_ways: list[tuple[frozenset[RelType], list[str]]] = []
        for step in range(steps):
            by_types: defaultdict[tuple[RelType, ...], list[str]] = defaultdict(list)
            for eid in frontier:
                rels = expand(step, labels.get(eid, ""))
                if rels:
                    by_types[tuple(sorted(rels))].append(eid)
            reached: set[str] = set()
            for rels, ids in by_types.items():
                query = q.relationships_of_query(rels, outgoing(step))
                done = [e for types, gone in both_ways if types >= set(rels) for e in gone]
                if len(done) > _DONE_PER_ID * len(ids):
                    done = []  # more to send than it saves; the result is the same
                reached |= self._add_rels(edges, query, ids, labels, seen_rels, done)
            if not outgoing(step):
                both_ways.extend((frozenset(rels), ids) for rels, ids in by_types.items())
            frontier = [e for e in reached - wanted if e not in skipped]
            wanted |= reached
        graph = nx.MultiDiGraph()
        graph.add_edges_from(edges)
        self._add_nodes(graph, wanted | set(labels), labels)
        return graph

    def _add_rels(
        self,
        edges: list[tuple[str, str, str, dict[str, Any]]],
        query: LiteralString,
        ids: list[str] | None,
        labels: dict[str, str],
        seen: set[str],
        done: list[str] | None = None,
    ) -> set[str]:
        """Read relationships with ``query`` (at ``ids``, or all) into ``edges``; their ends.

        ``query`` returns the rows of :func:`queries.relationships_of_query` (with ``ids``)
        or records of the same columns (:func:`queries.all_relationships_with_ids_query`);
        ``done`` goes to the query as ``$done``. A relationship already in ``seen`` (element
        ids) is not added again.
        """
        if ids is None:
            rows: Iterable[Sequence[Any]] = self._read(query)
        else:
            rows = [
                row
                for chunk in _batched(ids, _IDS_PER_READ)
                for row in self._read(query, ids=chunk, done=done or [])[0]["rows"]
            ]
        reached: set[str] = set()
        temporal: dict[str, dict[str, PropType]] = {}
        for rid, rel, props, s, start_label, start_key, e, end_label, end_key in rows:
            labels[s], labels[e] = start_label, end_label
            reached.add(s)
            reached.add(e)
            if rid in seen:
                continue
            seen.add(rid)
            kinds = temporal.get(rel)
            if kinds is None:
                kinds = temporal[rel] = q.temporal_properties(RelType(rel))
            attrs = _map_attrs(props, kinds)
            attrs["type"] = rel
            key = attrs.setdefault("key", "")
            u, v = f"{start_label}:{start_key}", f"{end_label}:{end_key}"
            edges.append((u, v, f"{rel}|{key}", attrs))
        return reached

    def _add_nodes(self, graph: nx.MultiDiGraph, ids: set[str], labels: dict[str, str]) -> None:
        by_label: defaultdict[str, list[str]] = defaultdict(list)
        for eid in ids:
            if eid in labels:
                by_label[labels[eid]].append(eid)
        for name, label_ids in by_label.items():
            label = Label(name)
            temporal = q.temporal_properties(label)
            query = q.nodes_by_id_query(label)
            for chunk in _batched(label_ids, _IDS_PER_READ):
                for props in self._read(query, ids=chunk)[0]["nodes"]:
                    attrs = _map_attrs(props, temporal)
                    attrs["label"] = name
                    node = f"{name}:{attrs['key']}"
                    if node in graph:
                        graph.nodes[node].update(attrs)
                    else:
                        graph.add_node(node, **attrs)

    def tally(self, type: RelType, start: Label, end: Label) -> dict[str, Tally]:
        """See :meth:`GraphStore.tally`: counted in the server, one row per end node."""
        check_tally(type, start, end)
        return {
            str(r["key"]): Tally(starts=r["starts"], observations=r["observations"])
            for r in self._read(q.tally_query(type, start, end))
        }

    def counts(self) -> Counts:
        """Node counts per label and relationship counts per type (zeros omitted)."""
        nodes = {str(x): self._read(q.count_nodes_query(x))[0]["n"] for x in Label}
        rels = {str(x): self._read(q.count_relationships_query(x))[0]["n"] for x in RelType}
        return Counts(
            store=self.name,
            nodes={k: v for k, v in sorted(nodes.items()) if v},
            relationships={k: v for k, v in sorted(rels.items()) if v},
        )


def _ref(n: neo4j.graph.Node) -> NodeRef:
    return NodeRef(label=next(iter(n.labels)), key=n["key"])


_FROM_TEXT = {PropType.DATE: dt.date.fromisoformat, PropType.DATETIME: dt.datetime.fromisoformat}


def _map_attrs(props: dict[str, Any], temporal: dict[str, PropType]) -> dict[str, Any]:
    """Networkx attributes of a node or relationship read as a map: the same as :func:`_attrs`.

    Dates and datetimes come as ISO 8601 text (zone ids, which ocgmap never writes, would
    follow in brackets and are dropped; the offset is kept).
    """
    attrs = {name: value for name, value in props.items() if value is not None}
    for name, kind in temporal.items():
        value = attrs.get(name)
        if isinstance(value, str):
            attrs[name] = _FROM_TEXT[kind](value.split("[", 1)[0] if "[" in value else value)
    attrs["sources"] = attrs.get("sources") or []
    attrs.setdefault("first_seen", None)
    attrs.setdefault("last_seen", None)
    return attrs
