"""The graph as ``neo4j-admin database import`` files: a store that only collects, and the rules.

A first load of a large picture goes faster through Neo4j's offline import tool than through
``MERGE`` over Bolt. :class:`BulkStore` is the embedded store kept in memory (the same merge
rules, nothing saved), so the one load pipeline runs unchanged on it;
:func:`~ocgmap.store.import_writer.write_import` then writes what it holds as CSV files the
import tool reads, typed so that the imported database is the one
:class:`~ocgmap.store.neo4j.Neo4jStore` would have written: the same labels, types, property
names, property types (DATE, DATETIME, STRING, LIST<STRING>, INTEGER, FLOAT, BOOLEAN) and
values.

The rules mirror the Cypher of ``store/queries.py``:

* ``key`` is the node id (one id space per label) and a STRING property; every relationship
  has a ``key`` (empty text when one per pair suffices).
* ``first_seen``/``last_seen`` are DATETIMEs in UTC.
* A date or datetime value is written as the DATE or DATETIME its property is declared as in
  ``graph.yaml``; an undeclared one is not stored (as ``Neo4jStore`` does not store it).
* Every other value keeps the type of its Python value: ``bool`` BOOLEAN, ``int`` INTEGER,
  ``float`` FLOAT, ``str`` STRING, a list of ``str`` LIST<STRING>.

CSV: comma-separated, every value quoted (``"`` doubled inside), a missing value an empty
unquoted field; list elements are joined by a control character that no element holds. The
import tool cannot express an empty list, or a list of one empty text, so such a value stops
the writer with an error naming it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, Field

from ocgmap.errors import StoreError
from ocgmap.schema import PropType
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import Counts, EdgeRow, NodeRow
from ocgmap.store.base import ErasureResult, UpsertResult
from ocgmap.store.embedded import EmbeddedStore, label_of

if TYPE_CHECKING:
    from ocgmap.analysis.results import AnalysisRun

__all__ = [
    "ARRAY_DELIMITERS",
    "BulkStore",
    "EdgeGroup",
    "ImportFile",
    "ImportManifest",
    "ImportSource",
    "csv_type",
]

#: Candidate list-element delimiters, first one no element holds is used (the tool takes one).
ARRAY_DELIMITERS = ("\x1f", "\x1e", "\x1d", "\x1c", "\ue000", "\ue001")


#: Import tool header types of the property types ``Neo4jStore`` writes.
_TEMPORAL_TYPES = {PropType.DATE: "date", PropType.DATETIME: "datetime"}


#: (relationship type, start label, end label): one group of relationship import files.
EdgeGroup = tuple[str, str, str]

#: Nodes by label and relationships by group, each in graph order.
_Grouping = tuple[
    dict[str, list[dict[str, Any]]], dict[EdgeGroup, list[tuple[str, str, dict[str, Any]]]]
]


class BulkStore(EmbeddedStore):
    """An embedded store that never saves: it collects a load for ``write_import``.

    Merging follows the embedded store exactly. Like ``Neo4jStore`` (and unlike the embedded
    store), :meth:`bulk` groups nothing: what a failed group wrote before it failed stays, as
    it stays in Neo4j. ``name`` is ``"neo4j"``, the store the data is bound for, so load
    reports (and a later ``ocgmap erase``) name the right one.

    Parameters
    ----------
    path : pathlib.Path
        A path that does not exist (nothing is read from or written to it).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ocgmap.schema.models import NodeRow
    >>> store = BulkStore(pathlib.Path(tempfile.mkdtemp()) / "never.json")
    >>> _ = store.upsert_nodes(Label.PHONE, [NodeRow(label="Phone", key="+447700900123",
    ...                                              sources=["L1:calls.csv#2"])])
    >>> store.counts().nodes, store.path.exists()
    ({'Phone': 1}, False)
    """

    name = "neo4j"

    def __init__(self, path: Path) -> None:
        if path.exists():
            raise StoreError(f"BulkStore needs a path that does not exist; {path} does.")
        super().__init__(path)
        self._grouping: _Grouping | None = None

    def save(self) -> None:
        """Keep the graph in memory only."""

    # -- every write drops the grouping write_import reads (see _grouped) ------------------
    def upsert_nodes(self, label: Label, rows: Iterable[NodeRow]) -> UpsertResult:
        """Merge node rows as the embedded store does."""
        self._grouping = None
        return super().upsert_nodes(label, rows)

    def upsert_edges(self, type: RelType, rows: Iterable[EdgeRow]) -> UpsertResult:
        """Merge relationship rows as the embedded store does."""
        self._grouping = None
        return super().upsert_edges(type, rows)

    def write_results(self, run: AnalysisRun) -> None:
        """Write an analysis run as the embedded store does."""
        self._grouping = None
        super().write_results(run)

    def erase_sources(self, prefixes: Collection[str]) -> ErasureResult:
        """Erase facts by source as the embedded store does."""
        self._grouping = None
        return super().erase_sources(prefixes)

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """Nothing to group: each write is kept as it is made (as in Neo4j)."""
        yield

    def wipe(self) -> None:
        """Delete every node and relationship."""
        self._grouping = None
        self.graph.clear()

    # -- what write_import reads (ImportSource) -------------------------------------------
    #: write_import may read this store from forked children (it is all in this process).
    forks = True

    def node_labels(self) -> list[str]:
        """Every label that has nodes, sorted."""
        return sorted(self._grouped()[0])

    def group_sizes(self) -> dict[str | EdgeGroup, int]:
        """Nodes per label and relationships per group."""
        nodes, edges = self._grouped()
        return {**{k: len(v) for k, v in nodes.items()}, **{k: len(v) for k, v in edges.items()}}

    def node_items(self, label: str | None = None) -> Iterator[dict[str, Any]]:
        """Attribute dicts of every node, or of one label's, in graph order."""
        if label is None:
            return (attrs for _, attrs in self.graph.nodes(data=True))
        return iter(self._grouped()[0].get(label, []))

    def edge_groups(self) -> list[EdgeGroup]:
        """Every (type, start label, end label) that has relationships, sorted."""
        return sorted(self._grouped()[1])

    def edge_items(
        self, group: EdgeGroup | None = None
    ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """``(start id, end id, attrs)`` of every relationship, or of one group's, in order."""
        if group is None:
            return iter(self.graph.edges(data=True))
        return iter(self._grouped()[1].get(group, []))

    def _grouped(self) -> _Grouping:
        """Nodes by label and relationships by group, in one pass (kept until the next write).

        Every write drops it (counting the graph's relationships to notice a change would
        walk all of them on each call).
        """
        if self._grouping is None:
            nodes: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for _, attrs in self.graph.nodes(data=True):
                nodes[attrs["label"]].append(attrs)
            edges: dict[EdgeGroup, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
            for u, v, attrs in self.graph.edges(data=True):
                edges[(attrs["type"], label_of(u), label_of(v))].append((u, v, attrs))
            self._grouping = (nodes, edges)
        return self._grouping


class ImportSource(Protocol):
    """What ``write_import`` reads: a :class:`BulkStore`, or a ``DiskBulkStore``.

    Node ids are ``<Label>:<key>``; both orders are those of the embedded store's graph.
    """

    def node_labels(self) -> list[str]:
        """Every label that has nodes, sorted."""
        ...

    def group_sizes(self) -> dict[str | EdgeGroup, int]:
        """Nodes per label and relationships per (type, start label, end label)."""
        ...

    def node_items(self, label: str | None = None) -> Iterator[dict[str, Any]]:
        """Attribute dicts of every node, or of one label's, in graph order."""
        ...

    def edge_groups(self) -> list[EdgeGroup]:
        """Every (type, start label, end label) that has relationships, sorted."""
        ...

    def edge_items(
        self, group: EdgeGroup | None = None
    ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """``(start id, end id, attrs)`` of every relationship, or of one group's, in order."""
        ...


class ImportFile(BaseModel):
    """One CSV file of an import: what it holds and how many rows."""

    name: str
    kind: Literal["nodes", "relationships"]
    label: str | None = None
    type: str | None = None
    start: str | None = None
    end: str | None = None
    rows: int = 0
    multiline: bool = False


class ImportManifest(BaseModel):
    """``manifest.json`` of an import folder: the load, its files and the tool's arguments.

    ``import_args`` are the options to give ``neo4j-admin database import full`` (file names
    relative to the folder); ``counts`` is what ``ocgmap db status --json`` shows after it.
    """

    format: Literal["ocgmap-neo4j-import"] = "ocgmap-neo4j-import"
    version: int = 1
    load_id: str
    created_at: dt.datetime
    files: list[ImportFile] = Field(default_factory=list)
    counts: Counts
    array_delimiter: str
    import_args: list[str] = Field(default_factory=list)


def csv_type(value: Any, declared: PropType | None) -> str | None:
    """The import tool's header type for one value, or ``None`` when it is not stored.

    ``declared`` is the date/datetime type a property is declared with, if any.

    Examples
    --------
    >>> csv_type(True, None), csv_type(3, None), csv_type(2.5, None), csv_type("x", None)
    ('boolean', 'long', 'double', 'string')
    >>> csv_type(["a"], None), csv_type(dt.date(2025, 3, 1), PropType.DATE)
    ('string[]', 'date')
    >>> csv_type(dt.date(2025, 3, 1), None) is None
    True
    """
    if isinstance(value, dt.date):
        return _TEMPORAL_TYPES.get(declared) if declared else None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return "string[]"
    raise StoreError(f"cannot write a {type(value).__name__} value to the Neo4j import files")
