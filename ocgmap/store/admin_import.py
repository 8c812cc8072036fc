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
import math
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Literal

from pydantic import BaseModel, Field

from ocgmap.errors import StoreError
from ocgmap.schema import PropType
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import Counts
from ocgmap.store.embedded import EmbeddedStore
from ocgmap.store.queries import temporal_properties

__all__ = [
    "ARRAY_DELIMITERS",
    "BulkStore",
    "ImportFile",
    "ImportManifest",
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

    def save(self) -> None:
        """Keep the graph in memory only."""

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """Nothing to group: each write is kept as it is made (as in Neo4j)."""
        yield

    def wipe(self) -> None:
        """Delete every node and relationship."""
        self.graph.clear()


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


class _Group:
    """Nodes of one label, or relationships of one type between two labels, being typed."""

    def __init__(self, temporal: Mapping[str, PropType]) -> None:
        self.temporal = temporal
        self.kinds: dict[str, set[str]] = defaultdict(set)

    def typed(self, attrs: Mapping[str, Any], managed: frozenset[str]) -> dict[str, str]:
        """Header type of each stored property of one node or relationship."""
        out: dict[str, str] = {}
        for name, value in attrs.items():
            if name in managed or value is None:
                continue
            kind = csv_type(value, self.temporal.get(name))
            if kind is not None:
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

    def __init__(self, store: EmbeddedStore) -> None:
        self.graph = store.graph
        self.nodes: dict[str, _Group] = {}
        self.edges: dict[tuple[str, str, str], _Group] = {}
        self.used: set[str] = set()
        self.multiline: set[tuple[str, ...]] = set()
        self.node_counts: dict[str, int] = defaultdict(int)
        self.edge_counts: dict[str, int] = defaultdict(int)
        for _, attrs in self.graph.nodes(data=True):
            label = attrs["label"]
            self.node_counts[label] += 1
            group = self.nodes.get(label)
            if group is None:
                group = self.nodes[label] = _Group(temporal_properties(Label(label)))
            self._scan(group, attrs, _MANAGED_NODE, f"{label} {attrs['key']!r}", (label,))
        for u, v, attrs in self.graph.edges(data=True):
            start, end = self.graph.nodes[u]["label"], self.graph.nodes[v]["label"]
            ident = (attrs["type"], start, end)
            self.edge_counts[attrs["type"]] += 1
            group = self.edges.get(ident)
            if group is None:
                group = self.edges[ident] = _Group(temporal_properties(RelType(attrs["type"])))
            where = f"{attrs['type']} {u} -> {v}"
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
        where: str,
        ident: tuple[str, ...],
    ) -> None:
        key = attrs.get("key")
        if isinstance(key, str):
            self._strings(key, ident)
        for name, kind in group.typed(attrs, managed).items():
            group.kinds[name].add(kind)
            value = attrs[name]
            if kind == "string":
                self._strings(value, ident)
            elif kind == "string[]":
                _check_list(value, name, where)
                for item in value:
                    self._strings(item, ident)
                    self.used.update(d for d in ARRAY_DELIMITERS if d in item)


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


def write_import(store: EmbeddedStore, folder: Path, load_id: str) -> ImportManifest:
    """Write the graph a store holds as import tool CSV files and ``manifest.json``.

    Parameters
    ----------
    store : EmbeddedStore
        Usually a :class:`BulkStore` a load has just filled.
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
    Two passes over the graph, O(n + m) for n nodes and m relationships; memory beyond the
    graph is one row at a time.
    """
    plan = _Plan(store)
    graph = store.graph
    files: list[ImportFile] = []
    for label, group in sorted(plan.nodes.items()):
        fixed, varying = _columns(group, label)
        head = [f"key:ID({label})", ":LABEL"]
        out = _Files(folder, f"nodes-{label}", head, fixed)
        template = ImportFile(
            name="", kind="nodes", label=label, multiline=(label,) in plan.multiline
        )
        try:
            for _, attrs in graph.nodes(data=True):
                if attrs["label"] != label:
                    continue
                variant, fields = _fields(
                    attrs, group, fixed, varying, _MANAGED_NODE, plan.delimiter
                )
                fh, entry = out.row(variant, template)
                fh.write(",".join([_quote(attrs["key"]), _quote(label), *fields]) + "\n")
                entry.rows += 1
        finally:
            files.extend(out.close())
    by_group: dict[tuple[str, str, str], list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
    for u, v, attrs in graph.edges(data=True):
        ident = (attrs["type"], graph.nodes[u]["label"], graph.nodes[v]["label"])
        by_group[ident].append((u, v, attrs))
    for ident, edges in sorted(by_group.items()):
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
            for u, v, attrs in edges:
                variant, fields = _fields(
                    attrs, group, fixed, varying, _MANAGED_EDGE, plan.delimiter
                )
                fh, entry = out.row(variant, template)
                ends = [_quote(graph.nodes[u]["key"]), _quote(graph.nodes[v]["key"])]
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
