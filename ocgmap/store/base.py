"""The ``GraphStore`` protocol (DESIGN.md §4): the one interface both stores implement."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

import networkx as nx
from pydantic import BaseModel, Field

from ocgmap.errors import SchemaError
from ocgmap.schema import load_schema
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import Counts, EdgeRow, Node, NodeRef, NodeRow, Path, Subgraph

if TYPE_CHECKING:
    from ocgmap.analysis.results import AnalysisRun

__all__ = [
    "ErasureResult",
    "GraphFilter",
    "GraphStore",
    "Tally",
    "UpsertResult",
    "check_tally",
    "observations",
]


class GraphFilter(BaseModel):
    """Which part of the graph :meth:`GraphStore.to_networkx` hands out (``None`` = all)."""

    labels: frozenset[Label] | None = None
    types: frozenset[RelType] | None = None


class UpsertResult(BaseModel):
    """What one upsert call did."""

    rows: int = 0
    created: int = Field(default=0, description="new nodes or relationships")


class ErasureResult(BaseModel):
    """What one :meth:`GraphStore.erase_sources` call did.

    A relationship removed because one of its ends was deleted counts as deleted (whatever its
    own sources), never also as trimmed.
    """

    nodes_deleted: int = Field(default=0, description="nodes left without sources")
    relationships_deleted: int = Field(
        default=0, description="relationships left without sources or without an end"
    )
    nodes_trimmed: int = Field(default=0, description="nodes kept on their other sources")
    relationships_trimmed: int = Field(
        default=0, description="relationships kept on their other sources"
    )

    @property
    def changed(self) -> int:
        """How many nodes and relationships were deleted or trimmed."""
        return (
            self.nodes_deleted
            + self.relationships_deleted
            + self.nodes_trimmed
            + self.relationships_trimmed
        )


class Tally(NamedTuple):
    """What one node receives of one relationship type from one label (:meth:`GraphStore.tally`).

    >>> Tally(starts=2, observations=7)
    Tally(starts=2, observations=7)
    """

    starts: int
    """Distinct start nodes, however many relationships each has to the node."""
    observations: int
    """What the relationships stand for, summed (:func:`observations`)."""


def observations(attrs: dict[str, Any]) -> int:
    """What one relationship stands for: its ``count`` when positive, else its ``times``, else 1.

    An ANPR ``SIGHTED`` relationship holds one vehicle's reads at one camera on one day: the
    reads' ``times``, or only their ``count`` when the source gave no times.

    >>> observations({"count": 4}), observations({"times": ["08:00", "09:10"]}), observations({})
    (4, 2, 1)
    """
    count = attrs.get("count")
    if isinstance(count, int) and count > 0:
        return count
    return len(attrs.get("times") or ()) or 1


def check_tally(type: RelType, start: Label, end: Label) -> None:
    """Raise SchemaError unless the schema has ``type`` relationships from ``start`` to ``end``."""
    spec = load_schema().relationships[type]
    if start not in spec.from_ or end not in spec.to:
        raise SchemaError(
            f"The schema has no {type} relationship from {start} to {end}: it goes from "
            f"{[str(x) for x in spec.from_]} to {[str(x) for x in spec.to]}."
        )


@runtime_checkable
class GraphStore(Protocol):
    """A property graph of ocgmap's schema with idempotent, provenance-keeping writes.

    Upserts merge on ``(label, key)`` for nodes and ``(type, start, end, key)`` for
    relationships: scalar properties take the newest non-empty value, list properties and
    ``sources`` accumulate without duplicates, ``first_seen``/``last_seen`` widen to cover
    every ``seen_at``. Writing the same rows twice changes nothing.
    """

    name: str

    def ensure_schema(self) -> None:
        """Create constraints and indexes (idempotent)."""
        ...

    def upsert_nodes(self, label: Label, rows: Iterable[NodeRow]) -> UpsertResult:
        """Merge nodes of one label."""
        ...

    def upsert_edges(self, type: RelType, rows: Iterable[EdgeRow]) -> UpsertResult:
        """Merge relationships of one type; missing endpoint nodes are an error."""
        ...

    def get(self, label: Label, key: str) -> Node | None:
        """Return one node, or ``None``."""
        ...

    def search(
        self, text: str, labels: Sequence[Label] | None = None, limit: int = 50
    ) -> list[Node]:
        """Case-insensitive substring search on key, name and names."""
        ...

    def neighbourhood(self, refs: Sequence[NodeRef], hops: int = 1, limit: int = 500) -> Subgraph:
        """Nodes within ``hops`` of ``refs`` (either direction) and the edges among them."""
        ...

    def shortest_paths(self, a: NodeRef, b: NodeRef, max_hops: int = 6) -> list[Path]:
        """Every shortest path between two nodes, ignoring direction."""
        ...

    def subgraph(self, refs: Sequence[NodeRef]) -> Subgraph:
        """Return the given nodes and every relationship among them."""
        ...

    def to_networkx(
        self, filter: GraphFilter | None = None, *, copy: bool = True
    ) -> nx.MultiDiGraph:
        """Return the graph (or the filtered part) as a networkx MultiDiGraph.

        Node ids are ``"<Label>:<key>"``; node attributes are ``label``, ``key`` and the
        properties; edge keys are ``"<TYPE>|<key>"``, edge attributes ``type`` and properties.
        With ``copy=False`` the caller promises to change nothing: a store that holds the
        graph in memory may then hand out its own (the embedded store does, for the whole
        graph), which saves a copy of every node and relationship. It is only good until the
        store's next write.
        """
        ...

    def counts(self) -> Counts:
        """Node counts per label and relationship counts per type."""
        ...

    def tally(self, type: RelType, start: Label, end: Label) -> dict[str, Tally]:
        """Per ``end`` node: the ``type`` relationships it has from ``start`` nodes, counted.

        Keyed by the end node's key; a node with no such relationship is absent. Counted
        where the graph is (in the server, for Neo4j), so what comes back is one small row
        per end node, however many relationships there are: the map of ports, cameras and
        routes uses it rather than reading millions of crossings and ANPR reads.
        Raises SchemaError when the schema has no such relationship.
        """
        ...

    def write_results(self, run: AnalysisRun) -> None:
        """Record an analysis run: the run, its clusters and their members.

        ``IN_CLUSTER`` is replaced (it always describes the latest run); ``Cluster`` nodes
        are merged by their stable id and kept across runs, with any reviews on them.
        """
        ...

    def erase_sources(self, prefixes: Collection[str]) -> ErasureResult:
        """Remove the provenance of some source files, and the facts only they support.

        Every ``sources`` token that starts with ``"<prefix>:"`` for one of ``prefixes`` (file
        ids: the content digest a load report records for each file) is removed from nodes and
        relationships. A relationship left with no sources, or with an end node about to be
        deleted, is deleted; a node left with no sources is deleted; the rest keep their
        other sources. Nodes and relationships without such a token are never changed, except
        the relationships of deleted nodes (``IN_CLUSTER``, ``POSSIBLY_SAME``), which go with
        them. Running it again with the same prefixes changes nothing.

        Scalar properties an erased source set on a surviving node are not reverted, and
        ``first_seen``/``last_seen`` are not narrowed: the store keeps no per-source values.
        Raises InputError for a prefix that is empty or holds a ``:``.
        """
        ...

    def wipe(self) -> None:
        """Delete every node and relationship."""
        ...

    def bulk(self) -> AbstractContextManager[None]:
        """Group the writes made inside: they are kept together or not at all.

        The embedded store saves once when the block ends (and drops the block's writes if
        it fails); Neo4j writes each batch in its own transaction as it goes.
        """
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...
