"""The graph as ``neo4j-admin database import`` files: a store that only collects, and its writer.

A first load of a large picture goes faster through Neo4j's offline import tool than through
``MERGE`` over Bolt. :class:`BulkStore` is the embedded store kept in memory (the same merge
rules, nothing saved), so the one load pipeline runs unchanged on it; :func:`write_import`
then writes what it holds as CSV files the import tool reads, typed so that the imported
database is the one :class:`~ocgmap.store.neo4j.Neo4jStore` would have written: the same
labels, types, property names, property types (DATE, DATETIME, STRING, LIST<STRING>, INTEGER,
FLOAT, BOOLEAN) and values.

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
import functools
import math
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, Field

from ocgmap.errors import StoreError
from ocgmap.schema import PropType
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import Counts, EdgeRow, NodeRow
from ocgmap.store.base import ErasureResult, UpsertResult
from ocgmap.store.embedded import EmbeddedStore
from ocgmap.store.queries import temporal_properties

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
    "write_import",
]

#: Candidate list-element delimiters, first one no element holds is used (the tool takes one).
ARRAY_DELIMITERS = ("\x1f", "\x1e", "\x1d", "\x1c", "\ue000", "\ue001")

_MANAGED_NODE = frozenset({"label", "key"})
_MANAGED_EDGE = frozenset({"type", "key"})
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SEEN = ("first_seen", "last_seen")

#: Import tool header types of the property types ``Neo4jStore`` writes.
_TEMPORAL_TYPES = {PropType.DATE: "date", PropType.DATETIME: "datetime"}


#: (relationship type, start label, end label): one group of relationship import files.
EdgeGroup = tuple[str, str, str]

#: Nodes by label and relationships by group, each in graph order.
_Grouping = tuple[
    dict[str, list[dict[str, Any]]], dict[EdgeGroup, list[tuple[str, str, dict[str, Any]]]]
]


class BulkStore(EmbeddedStore):
    """An embedded store that never saves: it collects a load for :func:`write_import`.

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
                edges[(attrs["type"], _label_of(u), _label_of(v))].append((u, v, attrs))
            self._grouping = (nodes, edges)
        return self._grouping


class ImportSource(Protocol):
    """What :func:`write_import` reads: a :class:`BulkStore`, or a ``DiskBulkStore``.

    Node ids are ``<Label>:<key>``; both orders are those of the embedded store's graph.
    """

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


def _label_of(node_id: str) -> str:
    return node_id.partition(":")[0]


def _key_of(node_id: str) -> str:
    return node_id.partition(":")[2]


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


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def _text(value: Any, kind: str, delimiter: str) -> str:
    """One CSV field (quoted) for a value of header type ``kind``."""
    if kind == "string":
        return _quote(value)
    if kind == "string[]":
        return _quote(delimiter.join(value))
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "long":
        return str(int(value))
    if kind == "double":
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(float(value))
    if kind == "datetime":
        if not isinstance(value, dt.datetime):
            return _quote(f"{value.isoformat()}T00:00:00Z")
        return _quote(value.isoformat())
    # date
    day = value.date() if isinstance(value, dt.datetime) else value
    return _quote(day.isoformat())


#: ``csv_type`` of a value of exactly these types, whatever its property is declared as.
_PLAIN_TYPES: dict[type, str] = {str: "string", bool: "boolean", int: "long", float: "double"}


class _Group:
    """Nodes of one label, or relationships of one type between two labels, being typed."""

    def __init__(self, temporal: Mapping[str, PropType]) -> None:
        self.temporal = temporal
        self.kinds: dict[str, set[str]] = defaultdict(set)

    def typed(self, attrs: Mapping[str, Any], managed: frozenset[str]) -> dict[str, str]:
        """Header type of each stored property of one node or relationship."""
        out: dict[str, str] = {}
        plain = _PLAIN_TYPES.get
        for name, value in attrs.items():
            if name in managed or value is None:
                continue
            # the common types without csv_type's isinstance chain; anything else goes to it
            kind = plain(type(value))
            if kind is None:
                if type(value) is list and all(type(v) is str for v in value):
                    kind = "string[]"
                else:
                    kind = csv_type(value, self.temporal.get(name))
                    if kind is None:
                        continue
            out[name] = kind
        return out


def _check_name(name: str, where: str) -> None:
    if not _NAME.match(name):
        raise StoreError(f"{where}: property name {name!r} cannot go into an import header")


def _check_list(value: Any, name: str, where: str) -> None:
    if not value or list(value) == [""]:
        raise StoreError(
            f"{where}: property {name} is {list(value)!r}, which neo4j-admin import cannot "
            "express; load these files with a normal `ocgmap load` instead."
        )


class _Plan:
    """Pass one over the graph: header types per group and the list delimiter."""

    def __init__(self, store: ImportSource) -> None:
        self.nodes: dict[str, _Group] = {}
        self.edges: dict[tuple[str, str, str], _Group] = {}
        self.used: set[str] = set()
        self.multiline: set[tuple[str, ...]] = set()
        self.node_counts: dict[str, int] = defaultdict(int)
        self.edge_counts: dict[str, int] = defaultdict(int)
        for attrs in store.node_items():
            label = attrs["label"]
            self.node_counts[label] += 1
            group = self.nodes.get(label)
            if group is None:
                group = self.nodes[label] = _Group(temporal_properties(Label(label)))
            where = functools.partial(_node_where, label, attrs["key"])
            self._scan(group, attrs, _MANAGED_NODE, where, (label,))
        for u, v, attrs in store.edge_items():
            ident = (attrs["type"], _label_of(u), _label_of(v))
            self.edge_counts[attrs["type"]] += 1
            group = self.edges.get(ident)
            if group is None:
                group = self.edges[ident] = _Group(temporal_properties(RelType(attrs["type"])))
            where = functools.partial(_edge_where, attrs["type"], u, v)
            self._scan(group, attrs, _MANAGED_EDGE, where, ident)
            if isinstance(attrs.get("key"), str):
                self._strings(attrs["key"], ident)
        self.delimiter = next((d for d in ARRAY_DELIMITERS if d not in self.used), "")
        if not self.delimiter:
            raise StoreError(
                "every list delimiter the import can use occurs inside a list value; "
                "load these files with a normal `ocgmap load` instead."
            )

    def _strings(self, text: str, ident: tuple[str, ...]) -> None:
        if "\n" in text or "\r" in text:
            self.multiline.add(ident)

    def _scan(
        self,
        group: _Group,
        attrs: Mapping[str, Any],
        managed: frozenset[str],
        where: Callable[[], str],
        ident: tuple[str, ...],
    ) -> None:
        """Record the types, line breaks and delimiters of one entity; ``where`` names it."""
        key = attrs.get("key")
        if isinstance(key, str):
            self._strings(key, ident)
        kinds = group.kinds
        for name, kind in group.typed(attrs, managed).items():
            kinds[name].add(kind)
            value = attrs[name]
            if kind == "string":
                self._strings(value, ident)
            elif kind == "string[]":
                if not value or (len(value) == 1 and value[0] == ""):
                    _check_list(value, name, where())
                # line breaks and delimiters are single characters: one is in an item exactly
                # when it is in the items joined
                text = "".join(value)
                self._strings(text, ident)
                self.used.update(d for d in ARRAY_DELIMITERS if d in text)


def _node_where(label: str, key: str) -> str:
    """How an error names a node."""
    return f"{label} {key!r}"


def _edge_where(type: str, u: str, v: str) -> str:
    """How an error names a relationship."""
    return f"{type} {u} -> {v}"


def _header(name: str, kind: str) -> str:
    return f"{name}:{kind}"


def _columns(group: _Group, where: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Fixed ``(name, type)`` columns, and the names whose type varies (split into files)."""
    fixed: list[tuple[str, str]] = []
    varying: list[str] = []
    for name in sorted(group.kinds):
        _check_name(name, where)
        kinds = group.kinds[name]
        if len(kinds) == 1:
            fixed.append((name, next(iter(kinds))))
        else:
            varying.append(name)
    return fixed, varying


class _Files:
    """The CSV files of one group: one per combination of the varying property types."""

    def __init__(
        self, folder: Path, stem: str, head: list[str], fixed: list[tuple[str, str]]
    ) -> None:
        self.folder, self.stem, self.head, self.fixed = folder, stem, head, fixed
        self.open: dict[tuple[tuple[str, str], ...], tuple[IO[str], ImportFile]] = {}

    def row(
        self, variant: tuple[tuple[str, str], ...], template: ImportFile
    ) -> tuple[IO[str], ImportFile]:
        found = self.open.get(variant)
        if found is not None:
            return found
        n = len(self.open)
        name = f"{self.stem}.csv" if n == 0 else f"{self.stem}-{n + 1}.csv"
        fh = (self.folder / name).open("w", encoding="utf-8", newline="")
        columns = [*self.fixed, *variant]
        fh.write(",".join([*self.head, *(_header(c, k) for c, k in columns)]) + "\n")
        entry = template.model_copy(update={"name": name})
        self.open[variant] = (fh, entry)
        return fh, entry

    def close(self) -> list[ImportFile]:
        out = []
        for fh, entry in self.open.values():
            fh.flush()
            fh.close()
            out.append(entry)
        return out


def _fields(
    attrs: Mapping[str, Any],
    group: _Group,
    fixed: list[tuple[str, str]],
    varying: list[str],
    managed: frozenset[str],
    delimiter: str,
) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """The variant (types of the varying properties) and the CSV fields of one entity."""
    kinds = group.typed(attrs, managed)
    fields = []
    for name, kind in fixed:
        if name not in kinds:
            fields.append("")
            continue
        value = attrs[name]
        if name in _SEEN and isinstance(value, dt.datetime):
            value = _utc(value)
        fields.append(_text(value, kind, delimiter))
    variant = tuple((name, kinds[name]) for name in varying if name in kinds)
    fields.extend(_text(attrs[name], kind, delimiter) for name, kind in variant)
    return variant, fields


def write_import(store: ImportSource, folder: Path, load_id: str) -> ImportManifest:
    """Write the graph a store holds as import tool CSV files and ``manifest.json``.

    Parameters
    ----------
    store : ImportSource
        A :class:`BulkStore` or :class:`~ocgmap.store.spill.DiskBulkStore` a load has just
        filled.
    folder : pathlib.Path
        An existing, empty folder.
    load_id : str
        The load the files hold, recorded in the manifest.

    Returns
    -------
    ImportManifest
        What was written, with the arguments ``neo4j-admin database import full`` needs.

    Raises
    ------
    StoreError
        A value the import tool cannot express (an empty list, or a list of one empty text).

    Notes
    -----
    Two passes over the graph, O(n + m) for n nodes and m relationships. Beyond what the
    store holds, memory is one row of text at a time (and, for a :class:`BulkStore`, a
    reference to each node and relationship, to write them grouped by label and by type).
    """
    plan = _Plan(store)
    files: list[ImportFile] = []
    for label, group in sorted(plan.nodes.items()):
        fixed, varying = _columns(group, label)
        head = [f"key:ID({label})", ":LABEL"]
        out = _Files(folder, f"nodes-{label}", head, fixed)
        template = ImportFile(
            name="", kind="nodes", label=label, multiline=(label,) in plan.multiline
        )
        try:
            for attrs in store.node_items(label):
                variant, fields = _fields(
                    attrs, group, fixed, varying, _MANAGED_NODE, plan.delimiter
                )
                fh, entry = out.row(variant, template)
                fh.write(",".join([_quote(attrs["key"]), _quote(label), *fields]) + "\n")
                entry.rows += 1
        finally:
            files.extend(out.close())
    for ident in store.edge_groups():
        rel, start, end = ident
        group = plan.edges[ident]
        fixed, varying = _columns(group, rel)
        head = [f":START_ID({start})", f":END_ID({end})", ":TYPE", "key:string"]
        out = _Files(folder, f"relationships-{rel}-{start}-{end}", head, fixed)
        template = ImportFile(
            name="",
            kind="relationships",
            type=rel,
            start=start,
            end=end,
            multiline=ident in plan.multiline,
        )
        try:
            for u, v, attrs in store.edge_items(ident):
                variant, fields = _fields(
                    attrs, group, fixed, varying, _MANAGED_EDGE, plan.delimiter
                )
                fh, entry = out.row(variant, template)
                ends = [_quote(_key_of(u)), _quote(_key_of(v))]
                key = _quote(str(attrs.get("key") or ""))
                fh.write(",".join([*ends, _quote(rel), key, *fields]) + "\n")
                entry.rows += 1
        finally:
            files.extend(out.close())
    counts = Counts(
        store="neo4j",
        nodes=dict(sorted(plan.node_counts.items())),
        relationships=dict(sorted(plan.edge_counts.items())),
    )
    manifest = ImportManifest(
        load_id=load_id,
        created_at=dt.datetime.now(dt.UTC),
        files=files,
        counts=counts,
        array_delimiter=f"U+{ord(plan.delimiter):04X}",
        import_args=_import_args(files, plan.delimiter),
    )
    (folder / "manifest.json").write_text(manifest.model_dump_json(indent=2) + "\n", "utf-8")
    return manifest


def _import_args(files: list[ImportFile], delimiter: str) -> list[str]:
    """Options of ``neo4j-admin database import full`` for these files (names relative)."""
    args = [f"--nodes={f.name}" for f in files if f.kind == "nodes"]
    args += [f"--relationships={f.name}" for f in files if f.kind == "relationships"]
    args += [
        "--id-type=string",
        "--delimiter=,",
        f"--array-delimiter=U+{ord(delimiter):04X}",
        '--quote="',
        "--ignore-empty-strings=false",
        "--trim-strings=false",
        "--legacy-style-quoting=false",
        "--normalize-types=true",
        "--bad-tolerance=0",
        "--skip-bad-relationships=false",
        "--skip-duplicate-nodes=false",
        "--strict=true",
    ]
    if any(f.multiline for f in files):
        args.append("--multiline-fields=true")
    return args
