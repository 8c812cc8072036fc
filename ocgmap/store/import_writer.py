"""Write what a bulk store holds as ``neo4j-admin database import`` CSV files.

The rules (header types, quoting, list delimiters, what cannot be expressed) are those of
:mod:`ocgmap.store.admin_import`. The work goes group by group (the nodes of one label; the
relationships of one type between two labels), in two passes:

1. **scan**: the header type of every property of the group (a property whose type varies
   splits the group's rows into one file per combination), its size, and which list
   delimiters occur in its list values;
2. **write**: once one delimiter is chosen that no list element in any group holds, each
   group's rows as CSV files.

Groups are independent, so with ``jobs > 1`` (and a store that can be read from a forked
child: :class:`~ocgmap.store.admin_import.BulkStore`, or
:class:`~ocgmap.store.spill.DiskBulkStore` through a connection of the child's own) each pass
shares them out among forked children (:func:`ocgmap.store.forked.fork_map`): the same files,
written on more cores.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ocgmap.errors import StoreError
from ocgmap.schema import PropType
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import Counts
from ocgmap.store.admin_import import (
    ARRAY_DELIMITERS,
    ImportFile,
    ImportManifest,
    ImportSource,
    csv_type,
)
from ocgmap.store.forked import fork_map
from ocgmap.store.queries import temporal_properties

__all__ = ["value_kind", "write_import"]

_MANAGED_NODE = frozenset({"label", "key"})
_MANAGED_EDGE = frozenset({"type", "key"})
_SEEN = frozenset({"first_seen", "last_seen"})

#: ``csv_type`` of a value of exactly these types, whatever its property is declared as.
_PLAIN_TYPES: dict[type, str] = {str: "string", bool: "boolean", int: "long", float: "double"}

#: One group: ("nodes", label) or ("relationships", (type, start label, end label)).
_Task = tuple[str, Any]


def value_kind(value: Any, declared: PropType | None) -> str | None:
    """:func:`~ocgmap.store.admin_import.csv_type`, quicker for the common types.

    Examples
    --------
    >>> value_kind("x", None), value_kind(["a", "b"], None), value_kind(dt.date(2025, 1, 2), None)
    ('string', 'string[]', None)
    """
    kind = _PLAIN_TYPES.get(type(value))
    if kind is not None:
        return kind
    if type(value) is list and all(type(v) is str for v in value):
        return "string[]"
    return csv_type(value, declared)


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _double(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(float(value))


def _text(value: Any, kind: str, name: str, delimiter: str) -> str:
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
        return _double(value)
    if kind == "datetime":
        if not isinstance(value, dt.datetime):
            return _quote(f"{value.isoformat()}T00:00:00Z")
        if name in _SEEN:  # first_seen/last_seen are written in UTC
            value = value.astimezone(dt.UTC)
        return _quote(value.isoformat())
    if isinstance(value, dt.datetime):  # a date column
        return _quote((value.astimezone(dt.UTC) if name in _SEEN else value).date().isoformat())
    return _quote(value.isoformat())


def _converter(
    name: str, kind: str, delimiter: str, undeclared_dates: bool
) -> Callable[[Any], str]:
    """The field of one fixed column, for a value that is not ``None``.

    ``undeclared_dates``: the column also holds dates its property is not declared to hold,
    which are not stored (an empty field).
    """
    base: Callable[[Any], str]
    if kind == "string":
        base = _quote
    elif kind == "string[]":
        base = lambda v: _quote(delimiter.join(v))  # noqa: E731
    elif kind == "boolean":
        base = lambda v: "true" if v else "false"  # noqa: E731
    elif kind == "long":
        base = lambda v: str(int(v))  # noqa: E731
    elif kind == "datetime" and name in _SEEN:

        def base(v: Any) -> str:
            if type(v) is dt.datetime:
                return '"' + v.astimezone(dt.UTC).isoformat() + '"'
            return _text(v, kind, name, delimiter)

    elif kind == "datetime":

        def base(v: Any) -> str:
            if type(v) is dt.datetime:
                return '"' + v.isoformat() + '"'
            return _text(v, kind, name, delimiter)

    else:
        base = lambda v: _text(v, kind, name, delimiter)  # noqa: E731
    if not undeclared_dates:
        return base

    def undeclared(value: Any) -> str:
        return "" if isinstance(value, dt.date) else base(value)

    return undeclared


# -- pass one: scan ---------------------------------------------------------------------


@dataclass
class _Scan:
    """What pass one learns about one group."""

    kinds: dict[str, set[str]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    rows: int = 0
    #: properties that hold a date or datetime they are not declared to (not stored)
    undeclared: set[str] = field(default_factory=set)


def _check_list(value: Any, name: str, where: str) -> None:
    if not value or list(value) == [""]:
        raise StoreError(
            f"{where}: property {name} is {list(value)!r}, which neo4j-admin import cannot "
            "express; load these files with a normal `ocgmap load` instead."
        )


class _Groups:
    """How to read, name and type each group of one store."""

    def __init__(self, store: ImportSource) -> None:
        self.store = store

    def rows(self, task: _Task) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
        """``(start id, end id, attrs)`` of each row of a group (node rows: ``("", "", attrs)``)."""
        kind, ident = task
        if kind == "nodes":
            return (("", "", attrs) for attrs in self.store.node_items(ident))
        return iter(self.store.edge_items(ident))

    @staticmethod
    def temporal(task: _Task) -> Mapping[str, PropType]:
        kind, ident = task
        if kind == "nodes":
            return temporal_properties(Label(ident))
        return temporal_properties(RelType(ident[0]))

    @staticmethod
    def where(task: _Task, u: str, v: str, attrs: Mapping[str, Any]) -> str:
        """How an error names a node or relationship."""
        kind, ident = task
        if kind == "nodes":
            return f"{ident} {attrs['key']!r}"
        return f"{ident[0]} {u} -> {v}"

    def scan(self, task: _Task) -> _Scan:
        """Pass one over a group."""
        out = _Scan()
        kinds: defaultdict[str, set[str]] = defaultdict(set)
        managed = _MANAGED_NODE if task[0] == "nodes" else _MANAGED_EDGE
        temporal = self.temporal(task)
        plain = _PLAIN_TYPES.get
        known: dict[tuple[str, type], str | None] = {}  # the kind of a non-list by its type
        rows = 0
        for u, v, attrs in self.rows(task):
            rows += 1
            for name, value in attrs.items():
                if value is None or name in managed:
                    continue
                t = type(value)
                kind = plain(t)
                if kind is None:
                    if t is not list and t is not tuple and (name, t) in known:
                        kind = known[(name, t)]
                    else:
                        kind = value_kind(value, temporal.get(name))
                        if t is not list and t is not tuple:
                            known[(name, t)] = kind
                    if kind is None:
                        out.undeclared.add(name)
                        continue
                    if kind == "string[]":
                        if not value or (len(value) == 1 and value[0] == ""):
                            _check_list(value, name, self.where(task, u, v, attrs))
                        # a delimiter is one character: in an item exactly when in the items
                        text = "".join(value)
                        out.used.update(d for d in ARRAY_DELIMITERS if d in text)
                kinds[name].add(kind)
        out.kinds = dict(kinds)
        out.rows = rows
        return out


# -- pass two: write --------------------------------------------------------------------

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _check_name(name: str, where: str) -> None:
    if not _NAME.match(name):
        raise StoreError(f"{where}: property name {name!r} cannot go into an import header")


def _columns(scan: _Scan, where: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Fixed ``(name, type)`` columns, and the names whose type varies (split into files)."""
    fixed: list[tuple[str, str]] = []
    varying: list[str] = []
    for name in sorted(scan.kinds):
        _check_name(name, where)
        kinds = scan.kinds[name]
        if len(kinds) == 1:
            fixed.append((name, next(iter(kinds))))
        else:
            varying.append(name)
    return fixed, varying


class _Files:
    """The CSV files of one group: one per combination of the varying property types."""

    def __init__(
        self,
        folder: Path,
        stem: str,
        head: list[str],
        fixed: list[tuple[str, str]],
        template: ImportFile,
    ) -> None:
        self.folder, self.stem, self.head, self.fixed = folder, stem, head, fixed
        self.template = template
        self.open: dict[tuple[tuple[str, str], ...], tuple[IO[str], ImportFile]] = {}

    def get(self, variant: tuple[tuple[str, str], ...]) -> tuple[IO[str], ImportFile]:
        found = self.open.get(variant)
        if found is not None:
            return found
        n = len(self.open)
        name = f"{self.stem}.csv" if n == 0 else f"{self.stem}-{n + 1}.csv"
        fh = (self.folder / name).open("w", encoding="utf-8", newline="")
        columns = [*self.fixed, *variant]
        fh.write(",".join([*self.head, *(f"{c}:{k}" for c, k in columns)]) + "\n")
        entry = self.template.model_copy(update={"name": name})
        self.open[variant] = (fh, entry)
        return fh, entry

    def close(self) -> list[ImportFile]:
        out = []
        for fh, entry in self.open.values():
            fh.close()
            out.append(entry)
        return out


class _Writer(_Groups):
    """Pass two: the files of each group, once the delimiter is known."""

    def __init__(
        self, store: ImportSource, scans: Mapping[_Task, _Scan], delimiter: str, folder: Path
    ) -> None:
        super().__init__(store)
        self.scans, self.delimiter, self.folder = scans, delimiter, folder

    def write(self, task: _Task) -> list[ImportFile]:
        kind, ident = task
        scan = self.scans[task]
        if kind == "nodes":
            fixed, varying = _columns(scan, ident)
            head = [f"key:ID({ident})", ":LABEL"]
            stem = f"nodes-{ident}"
            template = ImportFile(name="", kind="nodes", label=ident)
        else:
            rel, start, end = ident
            fixed, varying = _columns(scan, rel)
            head = [f":START_ID({start})", f":END_ID({end})", ":TYPE", "key:string"]
            stem = f"relationships-{rel}-{start}-{end}"
            template = ImportFile(name="", kind="relationships", type=rel, start=start, end=end)
        temporal = self.temporal(task)
        columns = [
            (name, _converter(name, k, self.delimiter, name in scan.undeclared))
            for name, k in fixed
        ]
        rows: dict[str, int] = defaultdict(int)  # per file (counted here: the model is slow)
        files = _Files(self.folder, stem, head, fixed, template)
        label = _quote(ident) if kind == "nodes" else _quote(ident[0])
        try:
            for u, v, attrs in self.rows(task):
                get = attrs.get
                if kind == "nodes":
                    parts = [_quote(attrs["key"]), label]
                else:
                    key = get("key")
                    parts = [
                        _quote(u.partition(":")[2]),
                        _quote(v.partition(":")[2]),
                        label,
                        _quote(str(key or "")),
                    ]
                for name, convert in columns:
                    value = get(name)
                    parts.append("" if value is None else convert(value))
                variant: tuple[tuple[str, str], ...] = ()
                if varying:
                    variant = self._variant(attrs, varying, temporal)
                    parts.extend(_text(attrs[name], k, name, self.delimiter) for name, k in variant)
                line = ",".join(parts)
                fh, entry = files.get(variant)
                if not entry.multiline and ("\n" in line or "\r" in line):
                    entry.multiline = True
                fh.write(line)
                fh.write("\n")
                rows[entry.name] += 1
        finally:
            written = files.close()
        for entry in written:
            entry.rows = rows[entry.name]
        return written

    @staticmethod
    def _variant(
        attrs: Mapping[str, Any], varying: list[str], temporal: Mapping[str, PropType]
    ) -> tuple[tuple[str, str], ...]:
        """The types of the varying properties one row holds.

        ``key``, ``label`` and ``type`` are never among them: the scan leaves those out.
        """
        out = []
        for name in varying:
            value = attrs.get(name)
            if value is None:
                continue
            k = value_kind(value, temporal.get(name))
            if k is not None:
                out.append((name, k))
        return tuple(out)


def write_import(
    store: ImportSource,
    folder: Path,
    load_id: str,
    *,
    jobs: int = 1,
    progress: Callable[[str, int], None] | None = None,
) -> ImportManifest:
    """Write the graph a store holds as import tool CSV files and ``manifest.json``.

    Parameters
    ----------
    store : ImportSource
        A :class:`~ocgmap.store.admin_import.BulkStore` or
        :class:`~ocgmap.store.spill.DiskBulkStore` a load has just filled.
    folder : pathlib.Path
        An existing, empty folder.
    load_id : str
        The load the files hold, recorded in the manifest.
    jobs : int
        Processes to write with, this one included. More than one only for a store whose
        ``forks`` is true (it can be read from a forked child, after its ``after_fork``
        if it has one); the files are the same whatever the number.
    progress : callable, optional
        ``progress(name, rows)`` with each group's rows once they are written (a child's
        groups when the child ends).

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
    store holds, memory is one row of text at a time (and, for a ``BulkStore``, a reference
    to each node and relationship, to write them grouped by label and by type).
    """
    if not getattr(store, "forks", False):
        jobs = 1
    init = getattr(store, "after_fork", None)
    sizes = store.group_sizes()
    tasks: list[_Task] = [("nodes", label) for label in sorted(store.node_labels())]
    tasks += [("relationships", ident) for ident in store.edge_groups()]
    weights = [sizes.get(t[1], 1) for t in tasks]
    groups = _Groups(store)
    scans = dict(zip(tasks, fork_map(groups.scan, tasks, weights, jobs, init), strict=True))
    used = set().union(*(s.used for s in scans.values())) if scans else set()
    delimiter = next((d for d in ARRAY_DELIMITERS if d not in used), "")
    if not delimiter:
        raise StoreError(
            "every list delimiter the import can use occurs inside a list value; "
            "load these files with a normal `ocgmap load` instead."
        )
    writer = _Writer(store, scans, delimiter, folder)

    def written(i: int) -> None:
        if progress is not None:
            progress("import files", scans[tasks[i]].rows)

    files = [
        entry
        for group in fork_map(writer.write, tasks, weights, jobs, init, written)
        for entry in group
    ]
    counts = Counts(
        store="neo4j",
        nodes={t[1]: scans[t].rows for t in tasks if t[0] == "nodes" and scans[t].rows},
        relationships=_edge_counts(tasks, scans),
    )
    manifest = ImportManifest(
        load_id=load_id,
        created_at=dt.datetime.now(dt.UTC),
        files=files,
        counts=counts,
        array_delimiter=f"U+{ord(delimiter):04X}",
        import_args=_import_args(files, delimiter),
    )
    (folder / "manifest.json").write_text(manifest.model_dump_json(indent=2) + "\n", "utf-8")
    return manifest


def _edge_counts(tasks: list[_Task], scans: Mapping[_Task, _Scan]) -> dict[str, int]:
    out: defaultdict[str, int] = defaultdict(int)
    for task in tasks:
        if task[0] == "relationships" and scans[task].rows:
            out[task[1][0]] += scans[task].rows
    return dict(sorted(out.items()))


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
