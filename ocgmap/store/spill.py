"""A bulk store on disk: a first load bigger than memory, collected for ``neo4j-admin import``.

:class:`~ocgmap.store.admin_import.BulkStore` holds a load in memory as the embedded store
does, about 2.4 GB per million relationships: a national first load (tens of millions of
relationships) does not fit. :class:`DiskBulkStore` keeps the nodes and relationships in a
SQLite file instead (Python's own ``sqlite3``, nothing to install) and merges each batch of
rows with the embedded store's rules (:class:`~ocgmap.store.merge.RowMerger`): a batch reads
the nodes or relationships it names, merges in memory and writes them back. Memory is one
batch plus SQLite's page cache, whatever the size of the load.

It hands its contents to :func:`~ocgmap.store.import_writer.write_import` in the order the
embedded store's graph would list them (nodes as first written; relationships by their
start node, then by the first relationship between the same two nodes, then as written), so
the import files are byte for byte those :class:`BulkStore` writes for the same load.

The SQLite file is a private working file of one bulk load: it is written without a
journal or fsync (a crash leaves nothing to resume; the load starts again), holds attribute
dicts as :mod:`pickle` (only this class writes or reads it) and is deleted by :meth:`close`.
Only what a load does is supported: merging rows, :meth:`get`, :meth:`to_networkx` (the
pipeline reads hauliers and people from it), :meth:`counts` and :meth:`wipe`; a query or an
analysis is made on the database the files are imported into.
"""

from __future__ import annotations

import contextlib
import pickle
import sqlite3
from collections import OrderedDict
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from ocgmap.errors import StoreError
from ocgmap.schema import load_schema
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import (
    Counts,
    EdgeRow,
    Node,
    NodeRef,
    NodeRow,
    Subgraph,
)
from ocgmap.schema.models import (
    Path as GraphPath,
)
from ocgmap.store.admin_import import EdgeGroup
from ocgmap.store.base import ErasureResult, GraphFilter, Tally, UpsertResult
from ocgmap.store.embedded import _node_model, label_of
from ocgmap.store.merge import RowMerger

__all__ = ["DiskBulkStore"]

#: Rows named in one SQL statement (SQLite allows 32,766 parameters).
_CHUNK = 900

#: Joins the ends and key of a relationship into one id (no node id or key holds it).
_SEP = "\x00"

_TABLES = (
    "CREATE TABLE nodes (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, "
    "label TEXT NOT NULL, attrs BLOB NOT NULL)",
    "CREATE TABLE edges (seq INTEGER PRIMARY KEY, eid TEXT NOT NULL UNIQUE, u TEXT NOT NULL, "
    "v TEXT NOT NULL, k TEXT NOT NULL, type TEXT NOT NULL, sl TEXT NOT NULL, el TEXT NOT NULL, "
    "u_seq INTEGER NOT NULL, pair INTEGER NOT NULL, attrs BLOB NOT NULL)",
    # the first relationship from one node to another: the embedded graph lists a node's
    # relationships by it
    "CREATE TABLE pairs (pid TEXT PRIMARY KEY, pair INTEGER NOT NULL) WITHOUT ROWID",
)
#: Made once the load is done, for reading back in order.
_READ_INDEXES = (
    "CREATE INDEX IF NOT EXISTS nodes_by_label ON nodes (label, seq)",
    "CREATE INDEX IF NOT EXISTS edges_by_group ON edges (type, sl, el, u_seq, pair, seq)",
)
_EDGE_ORDER = "ORDER BY u_seq, pair, seq"


def _dump(attrs: dict[str, Any]) -> bytes:
    return pickle.dumps(attrs, protocol=pickle.HIGHEST_PROTOCOL)


def _load(blob: bytes) -> dict[str, Any]:
    attrs: dict[str, Any] = pickle.loads(blob)  # noqa: S301 - written by this class only
    return attrs


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _marks(count: int, width: int = 1) -> str:
    one = "?" if width == 1 else "(" + ",".join("?" * width) + ")"
    return ",".join([one] * count)


class DiskBulkStore:
    """A store that collects one first load in a SQLite file, for the import tool.

    The nodes and relationships touched last are kept in memory (at most ``cache_entries``
    of each; written to the file when they leave, or before anything is read back): a port,
    a route or a busy haulier that every batch merges into stays in memory instead of going
    through the file, with its long ``sources`` list, every time.

    Parameters
    ----------
    path : pathlib.Path
        The working file to create; it must not exist. :meth:`close` deletes it.
    cache_entries : int
        Most nodes, and most relationships, kept in memory.
    cache_mib : int
        SQLite's page cache, in MiB.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = DiskBulkStore(pathlib.Path(tempfile.mkdtemp()) / "load.sqlite")
    >>> row = NodeRow(label="Phone", key="+447700900123", sources=["L1:calls.csv#2"])
    >>> store.upsert_nodes(Label.PHONE, [row, row]).created
    1
    >>> store.counts().nodes, store.get(Label.PHONE, "+447700900123").sources
    ({'Phone': 1}, ['L1:calls.csv#2'])
    >>> store.close(); store.path.exists()
    False
    """

    name = "neo4j"

    def __init__(self, path: Path, cache_entries: int = 500_000, cache_mib: int = 256) -> None:
        if path.exists():
            raise StoreError(f"DiskBulkStore needs a path that does not exist; {path} does.")
        if cache_entries < 1:
            raise ValueError("cache_entries must be at least 1")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.cache_entries = cache_entries
        self._cache_mib = int(cache_mib)
        self._db = sqlite3.connect(path, isolation_level=None)
        for pragma in (
            "journal_mode = OFF",
            "synchronous = OFF",
            "temp_store = FILE",
            f"cache_size = -{int(cache_mib) * 1024}",
        ):
            self._db.execute(f"PRAGMA {pragma}")
        for statement in _TABLES:
            self._db.execute(statement)
        self._node_seq = 0
        self._edge_seq = 0
        self._indexed = False
        #: id -> [seq, attrs, dirty, stored]
        self._node_cache: OrderedDict[str, list[Any]] = OrderedDict()
        #: (u, v, k) -> [seq, attrs, dirty, stored, type, u_seq, pair]
        self._edge_cache: OrderedDict[tuple[str, str, str], list[Any]] = OrderedDict()

    # -- the store contract a load uses ---------------------------------------------------
    def ensure_schema(self) -> None:
        """Nothing to create: the tables exist from the start."""

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """Nothing to group: each write is kept as it is made (as in Neo4j)."""
        yield

    def upsert_nodes(self, label: Label, rows: Iterable[NodeRow]) -> UpsertResult:
        """Merge nodes of one label, as the embedded store does."""
        batch = list(rows)
        for row in batch:
            if row.label is not label:
                raise StoreError(f"upsert_nodes({label}) was given a {row.label} row")
        prefix, name = f"{label}:", str(label)
        known = self._nodes(list(dict.fromkeys(prefix + row.key for row in batch)))
        merger = RowMerger(load_schema().labels[label].properties)
        created = 0
        for row in batch:
            nid = prefix + row.key
            entry = known.get(nid)
            if entry is None:
                self._node_seq += 1
                entry = [self._node_seq, {"label": name, "key": row.key}, True, False]
                known[nid] = self._node_cache[nid] = entry
                created += 1
            entry[2] = True
            merger.merge(entry[1], row)
        self._indexed = False
        self._evict_nodes()
        return UpsertResult(rows=len(batch), created=created)

    def upsert_edges(self, type: RelType, rows: Iterable[EdgeRow]) -> UpsertResult:
        """Merge relationships of one type, as the embedded store does."""
        batch = [
            (row, f"{row.start.label}:{row.start.key}", f"{row.end.label}:{row.end.key}")
            for row in rows
        ]
        seqs = self._node_seqs(list(dict.fromkeys(n for _, u, v in batch for n in (u, v))))
        missing = [
            ref
            for row, u, v in batch
            for ref, nid in ((row.start, u), (row.end, v))
            if nid not in seqs
        ]
        if missing:
            raise StoreError(
                f"{len(missing)} {type} relationship end(s) name nodes that do not exist, e.g. "
                f"{missing[0].label} {missing[0].key!r}: upsert the nodes first."
            )
        for row, _, _ in batch:
            if row.type is not type:
                raise StoreError(f"upsert_edges({type}) was given a {row.type} row")
        prefix, name = f"{type}|", str(type)
        keyed = [(row, (u, v, prefix + row.key)) for row, u, v in batch]
        known = self._edges(list(dict.fromkeys(triple for _, triple in keyed)))
        pairs = self._pairs([(t[0], t[1]) for _, t in keyed if t not in known])
        had = set(pairs)
        merger = RowMerger(load_schema().relationships[type].properties)
        created = 0
        for row, triple in keyed:
            entry = known.get(triple)
            if entry is None:
                u, v, _ = triple
                self._edge_seq += 1
                seq = self._edge_seq
                pair = pairs.setdefault((u, v), seq)
                attrs: dict[str, Any] = {"type": name, "key": row.key}
                entry = [seq, attrs, True, False, name, seqs[u], pair]
                known[triple] = self._edge_cache[triple] = entry
                created += 1
            entry[2] = True
            merger.merge(entry[1], row)
        self._db.execute("BEGIN")
        self._db.executemany(
            "INSERT INTO pairs (pid, pair) VALUES (?, ?)",
            ((_SEP.join(p), seq) for p, seq in pairs.items() if p not in had),
        )
        self._db.execute("COMMIT")
        self._indexed = False
        self._evict_edges()
        return UpsertResult(rows=len(keyed), created=created)

    def get(self, label: Label, key: str) -> Node | None:
        """One node, or ``None``."""
        found = self._nodes([f"{label}:{key}"], keep=False).get(f"{label}:{key}")
        if found is None:
            return None
        return _node_model(found[1])

    def to_networkx(
        self, filter: GraphFilter | None = None, *, copy: bool = True
    ) -> nx.MultiDiGraph:
        """The graph, or the part ``filter`` selects, in the embedded store's order.

        A new graph either way: ``copy`` changes nothing here.
        """
        self.flush()
        flt = filter or GraphFilter()
        labels = sorted(str(x) for x in flt.labels) if flt.labels is not None else None
        types = sorted(str(x) for x in flt.types) if flt.types is not None else None
        out = nx.MultiDiGraph()
        out.add_nodes_from((nid, attrs) for nid, attrs in self._node_rows(labels))
        if types is not None and not types:
            return out
        query = "SELECT u, v, k, attrs FROM edges"
        params: list[str] = []
        if types is not None:
            query += f" WHERE type IN ({_marks(len(types))})"
            params = types
        out.add_edges_from(
            (u, v, k, _load(blob))
            for u, v, k, blob in self._db.execute(f"{query} {_EDGE_ORDER}", params)
            if u in out and v in out
        )
        return out

    def counts(self) -> Counts:
        """Node counts per label and relationship counts per type."""
        self.flush()
        nodes = self._db.execute("SELECT label, count(*) FROM nodes GROUP BY label").fetchall()
        rels = self._db.execute("SELECT type, count(*) FROM edges GROUP BY type").fetchall()
        return Counts(store=self.name, nodes=dict(sorted(nodes)), relationships=dict(sorted(rels)))

    def wipe(self) -> None:
        """Delete every node and relationship."""
        for table in ("pairs", "edges", "nodes"):
            self._db.execute(f"DELETE FROM {table}")
        self._node_cache.clear()
        self._edge_cache.clear()
        self._node_seq = self._edge_seq = 0

    def close(self) -> None:
        """Close and delete the working file."""
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        self.path.unlink(missing_ok=True)

    # -- what a bulk store does not do ----------------------------------------------------
    def _refuse(self, what: str) -> StoreError:
        return StoreError(
            f"a bulk store only collects a first load for neo4j-admin import; {what} is "
            "made on the database the files are imported into."
        )

    def search(
        self, text: str, labels: Collection[Label] | None = None, limit: int = 25
    ) -> list[Node]:
        """Not supported (see the module notes)."""
        raise self._refuse("a search")

    def neighbourhood(self, refs: Sequence[NodeRef], hops: int = 1, limit: int = 500) -> Subgraph:
        """Not supported (see the module notes)."""
        raise self._refuse("a neighbourhood query")

    def shortest_paths(self, a: NodeRef, b: NodeRef, max_hops: int = 6) -> list[GraphPath]:
        """Not supported (see the module notes)."""
        raise self._refuse("a path query")

    def subgraph(self, refs: Sequence[NodeRef]) -> Subgraph:
        """Not supported (see the module notes)."""
        raise self._refuse("a subgraph query")

    def tally(self, type: RelType, start: Label, end: Label) -> dict[str, Tally]:
        """Not supported (see the module notes)."""
        raise self._refuse("a tally")

    def write_results(self, run: Any) -> None:
        """Not supported (see the module notes)."""
        raise self._refuse("an analysis")

    def erase_sources(self, prefixes: Collection[str]) -> ErasureResult:
        """Not supported (see the module notes)."""
        raise self._refuse("an erasure")

    # -- reading back for the import files ------------------------------------------------
    def flush(self) -> None:
        """Write every node and relationship changed in memory to the file (they stay)."""
        self._write_nodes(list(self._node_cache.items()))
        self._write_edges(list(self._edge_cache.items()))

    def _index(self) -> None:
        """Make the file complete and indexed for reading, once after each run of writes.

        Every write clears ``_indexed``; until the next one the file already holds all that
        the cache does (walking a cache of a million entries on each read is what it saves).
        """
        if self._indexed:
            return
        self.flush()
        for statement in _READ_INDEXES:
            self._db.execute(statement)
        self._db.execute("ANALYZE")
        self._indexed = True

    #: write_import may read this store from forked children, each with a connection of its
    #: own (:meth:`after_fork`): a SQLite connection must not be used across a fork.
    forks = True

    def after_fork(self) -> None:
        """In a forked child: read the file through a new read-only connection.

        The parent's connection is left alone (not even closed); the file is complete and
        indexed (:meth:`_index`, which every reader calls first, ran before the fork).
        """
        if not self._indexed:
            raise StoreError("the working file must be indexed before a child reads it")
        self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
        self._db.execute(f"PRAGMA cache_size = -{self._cache_mib * 1024}")

    def node_labels(self) -> list[str]:
        """Every label that has nodes, sorted."""
        self._index()
        rows = self._db.execute("SELECT DISTINCT label FROM nodes ORDER BY label")
        return [str(label) for (label,) in rows]

    def group_sizes(self) -> dict[str | EdgeGroup, int]:
        """Nodes per label and relationships per (type, start label, end label)."""
        self._index()
        out: dict[str | EdgeGroup, int] = {
            str(label): int(n)
            for label, n in self._db.execute("SELECT label, COUNT(*) FROM nodes GROUP BY label")
        }
        for t, sl, el, n in self._db.execute(
            "SELECT type, sl, el, COUNT(*) FROM edges GROUP BY type, sl, el"
        ):
            out[(str(t), str(sl), str(el))] = int(n)
        return out

    def node_items(self, label: str | None = None) -> Iterator[dict[str, Any]]:
        """Attribute dicts of every node, or of one label's, in the order they were made."""
        self._index()
        for _, attrs in self._node_rows(None if label is None else [label]):
            yield attrs

    def edge_groups(self) -> list[EdgeGroup]:
        """Every (type, start label, end label) that has relationships, sorted."""
        self._index()
        rows = self._db.execute("SELECT DISTINCT type, sl, el FROM edges ORDER BY type, sl, el")
        return [(str(t), str(s), str(e)) for t, s, e in rows]

    def edge_items(
        self, group: EdgeGroup | None = None
    ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """``(start id, end id, attrs)`` of every relationship, or of one group's, in order."""
        self._index()
        if group is None:
            rows = self._db.execute(f"SELECT u, v, attrs FROM edges {_EDGE_ORDER}")
        else:
            rows = self._db.execute(
                f"SELECT u, v, attrs FROM edges WHERE type = ? AND sl = ? AND el = ? {_EDGE_ORDER}",
                group,
            )
        for u, v, blob in rows:
            yield u, v, _load(blob)

    # -- batches --------------------------------------------------------------------------
    def _node_rows(self, labels: list[str] | None) -> Iterator[tuple[str, dict[str, Any]]]:
        if labels is None:
            rows = self._db.execute("SELECT id, attrs FROM nodes ORDER BY seq")
        else:
            rows = self._db.execute(
                f"SELECT id, attrs FROM nodes WHERE label IN ({_marks(len(labels))}) ORDER BY seq",
                labels,
            )
        for nid, blob in rows:
            yield nid, _load(blob)

    def _nodes(self, ids: Sequence[str], keep: bool = True) -> dict[str, list[Any]]:
        """Cache entries of the nodes ``ids`` names that exist (read in, unless not ``keep``)."""
        cache = self._node_cache
        out: dict[str, list[Any]] = {}
        wanted = []
        for nid in ids:
            entry = cache.get(nid)
            if entry is None:
                wanted.append(nid)
            else:
                cache.move_to_end(nid)
                out[nid] = entry
        for chunk in _chunks(wanted):
            rows = self._db.execute(
                f"SELECT id, seq, attrs FROM nodes WHERE id IN ({_marks(len(chunk))})", chunk
            )
            for nid, seq, blob in rows:
                out[nid] = [seq, _load(blob), False, True]
                if keep:
                    cache[nid] = out[nid]
        return out

    def _node_seqs(self, ids: Sequence[str]) -> dict[str, int]:
        cache = self._node_cache
        out = {nid: cache[nid][0] for nid in ids if nid in cache}
        wanted = [nid for nid in ids if nid not in out]
        for chunk in _chunks(wanted):
            rows = self._db.execute(
                f"SELECT id, seq FROM nodes WHERE id IN ({_marks(len(chunk))})", chunk
            )
            out.update(rows)
        return out

    def _edges(
        self, triples: Sequence[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], list[Any]]:
        cache = self._edge_cache
        out: dict[tuple[str, str, str], list[Any]] = {}
        wanted = []
        for triple in triples:
            entry = cache.get(triple)
            if entry is None:
                wanted.append(_SEP.join(triple))
            else:
                cache.move_to_end(triple)
                out[triple] = entry
        for chunk in _chunks(wanted):
            rows = self._db.execute(
                "SELECT u, v, k, seq, attrs, type, u_seq, pair FROM edges "
                f"WHERE eid IN ({_marks(len(chunk))})",
                chunk,
            )
            for u, v, k, seq, blob, name, u_seq, pair in rows:
                out[(u, v, k)] = cache[(u, v, k)] = [
                    seq,
                    _load(blob),
                    False,
                    True,
                    name,
                    u_seq,
                    pair,
                ]
        return out

    def _pairs(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """The ``pair`` order of node pairs that already have a relationship."""
        wanted = {_SEP.join(p): p for p in pairs}
        out: dict[tuple[str, str], int] = {}
        for chunk in _chunks(list(wanted)):
            rows = self._db.execute(
                f"SELECT pid, pair FROM pairs WHERE pid IN ({_marks(len(chunk))})", chunk
            )
            out.update((wanted[pid], pair) for pid, pair in rows)
        return out

    def _evict_nodes(self) -> None:
        cache = self._node_cache
        if len(cache) > self.cache_entries:
            keep = self.cache_entries * 9 // 10
            self._write_nodes([cache.popitem(last=False) for _ in range(len(cache) - keep)])

    def _evict_edges(self) -> None:
        cache = self._edge_cache
        if len(cache) > self.cache_entries:
            keep = self.cache_entries * 9 // 10
            self._write_edges([cache.popitem(last=False) for _ in range(len(cache) - keep)])

    def _write_nodes(self, entries: list[tuple[str, list[Any]]]) -> None:
        dirty = [(nid, e) for nid, e in entries if e[2]]
        if not dirty:
            return
        self._db.execute("BEGIN")
        self._db.executemany(
            "UPDATE nodes SET attrs = ? WHERE seq = ?",
            ((_dump(e[1]), e[0]) for _, e in dirty if e[3]),
        )
        self._db.executemany(
            "INSERT INTO nodes (seq, id, label, attrs) VALUES (?, ?, ?, ?)",
            ((e[0], nid, e[1]["label"], _dump(e[1])) for nid, e in dirty if not e[3]),
        )
        self._db.execute("COMMIT")
        for _, e in dirty:
            e[2], e[3] = False, True

    def _write_edges(self, entries: list[tuple[tuple[str, str, str], list[Any]]]) -> None:
        dirty = [(t, e) for t, e in entries if e[2]]
        if not dirty:
            return
        self._db.execute("BEGIN")
        self._db.executemany(
            "UPDATE edges SET attrs = ? WHERE seq = ?",
            ((_dump(e[1]), e[0]) for _, e in dirty if e[3]),
        )
        self._db.executemany(
            "INSERT INTO edges (seq, eid, u, v, k, type, sl, el, u_seq, pair, attrs) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (e[0], _SEP.join(t), *t, e[4], label_of(t[0]), label_of(t[1]), e[5], e[6])
                + (_dump(e[1]),)
                for t, e in dirty
                if not e[3]
            ),
        )
        self._db.execute("COMMIT")
        for _, e in dirty:
            e[2], e[3] = False, True
