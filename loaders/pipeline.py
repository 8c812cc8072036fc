"""The one load pipeline: read -> map -> validate -> normalise -> resolve -> write.

Every source goes through :func:`run`. Bad rows never stop a load and are never lost: each
goes to ``OCGMAP_HOME/quarantine/<load id>/<file name>`` with its row number, failing fields,
a plain reason and its original values. A file that cannot be read fails alone with a one-line
error. Writes are idempotent (provenance tokens are derived from each file's content, so
loading a file again, or again after a crash, changes nothing), batched, and grouped so that a
crash leaves the graph as it was after the last completed group. A group is one
``store.bulk()`` block: files are read in chunks of ``commit_rows`` records, and a group ends
with the first chunk that brings it to that many records (or with the last file), so the small
files of a folder share one group rather than saving the graph once each. Automatic garbage
collection is paused while a load runs, and each written batch's young objects are collected
(:mod:`ocgmap.collector`).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from itertools import islice
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from loaders.base import FILE_PROVENANCE, GraphRow, RowContext, Source
from loaders.mapping import ColumnMapping
from loaders.quarantine import JsonLines, Quarantine
from loaders.read import Record, file_digest, read_records
from loaders.sources import discover
from ocgmap.audit import Action, audit_log, current_user
from ocgmap.collector import collect_young, paused
from ocgmap.config import Settings
from ocgmap.errors import InputError
from ocgmap.resolve import HaulierIndex
from ocgmap.retention import review_date
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, NodeRow, SourceRef
from ocgmap.store import GraphFilter, GraphStore

__all__ = ["FileReport", "LoadReport", "Progress", "load_reports", "report_row", "run"]

#: Called with a file name and how many more of its records were processed.
Progress = Callable[[str, int], None]


class FileReport(BaseModel):
    """What happened to one file."""

    path: str
    source: str
    file_id: str | None = None
    rows: int = 0
    loaded: int = 0
    quarantined: int = 0
    skipped: int = 0
    quarantine_file: str | None = None
    error: str | None = None


class LoadReport(BaseModel):
    """What one run of the loader did (written to ``loads/<load id>/report.json``).

    ``review_due`` is the day its facts are due for review (:mod:`ocgmap.retention`); reports
    written before review dates existed have none, and readers compute it from ``started_at``.
    """

    load_id: str
    started_at: dt.datetime
    review_due: dt.date | None = None
    finished_at: dt.datetime | None = None
    store: str
    files: list[FileReport] = Field(default_factory=list)
    ignored: list[str] = Field(default_factory=list)
    nodes: dict[str, int] = Field(default_factory=dict)
    relationships: dict[str, int] = Field(default_factory=dict)
    possibly_same: int = 0
    alerts: int = Field(default=0, description="new alerts raised for watchlists (ocgmap.alerts)")


class _Batch:
    """Graph rows waiting to be written, grouped by label and type."""

    def __init__(self) -> None:
        self.nodes: dict[Label, list[NodeRow]] = defaultdict(list)
        self.edges: dict[RelType, list[EdgeRow]] = defaultdict(list)
        self.hubs: dict[tuple[Any, ...], GraphRow] = {}
        self.records = 0

    def clear(self) -> None:
        self.nodes.clear()
        self.edges.clear()
        self.hubs.clear()
        self.records = 0

    def add(self, row: GraphRow) -> None:
        if isinstance(row, NodeRow):
            if row.label in FILE_PROVENANCE:
                self.hubs[(row.label, row.key)] = row
            else:
                self.nodes[row.label].append(row)
        elif row.type in FILE_PROVENANCE:
            self.hubs[(row.type, row.start, row.end, row.key)] = row
        else:
            self.edges[row.type].append(row)

    def flush(self, store: GraphStore) -> None:
        for hub in self.hubs.values():
            if isinstance(hub, NodeRow):
                self.nodes[hub.label].append(hub)
            else:
                self.edges[hub.type].append(hub)
        for label in Label:
            if self.nodes.get(label):
                store.upsert_nodes(label, self.nodes[label])
        for rel in RelType:
            if self.edges.get(rel):
                store.upsert_edges(rel, self.edges[rel])
        self.clear()
        collect_young()  # automatic collection is paused while a load runs


class _Group:
    """Input records whose writes are kept or lost together: one ``store.bulk()`` block.

    The block stays open across chunks (and files) until :meth:`done` has counted ``size``
    records, then commits; :meth:`abort` ends it with an exception, so the store drops the
    group's writes (the embedded store goes back to the graph it saved last).
    """

    def __init__(self, store: GraphStore, size: int) -> None:
        self.store, self.size = store, size
        self.records = 0
        self.failed = False
        self._block: AbstractContextManager[None] | None = None

    def open(self) -> None:
        """Start a group unless one is open."""
        if self._block is None:
            block = self.store.bulk()
            block.__enter__()
            self._block = block

    def done(self, records: int) -> None:
        """Count the records of a finished chunk; commit once the group is full."""
        self.records += records
        if self.records >= self.size:
            self.commit()

    def commit(self) -> None:
        """End the open group, keeping its writes."""
        block, self._block, self.records = self._block, None, 0
        if block is not None:
            block.__exit__(None, None, None)

    def abort(self, exc: BaseException) -> None:
        """End the open group because of ``exc``, dropping its writes."""
        block, self._block, self.records = self._block, None, 0
        if block is not None:
            self.failed = True
            block.__exit__(type(exc), exc, exc.__traceback__)


def new_load_id(now: dt.datetime) -> str:
    """A load id: UTC time and a random suffix, e.g. ``20250301T021400Z-3fa9c1``."""
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def _errors(exc: ValidationError) -> tuple[list[str], str]:
    fields, reasons = [], []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "(row)"
        fields.append(where)
        reasons.append(f"{where}: {error['msg']}")
    return fields, "; ".join(reasons)


def _load_record(
    record: Record, source: Source, mapping: ColumnMapping | None, ctx: RowContext
) -> tuple[list[GraphRow] | None, list[str], str, dict[str, Any]]:
    """Graph rows and extra columns of one record, or None with failing fields and reason."""
    if record.error:
        return None, ["(row)"], f"row {record.error}", {}
    values = mapping.apply(record.values) if mapping and source.kind == "table" else record.values
    ctx.raw = values
    try:
        row = source.model.model_validate(values)
        extras = row.extras() if source.kind == "table" else {}
        return list(source.to_graph(row, ctx)), [], "", extras
    except ValidationError as exc:
        fields, reason = _errors(exc)
        return None, fields, reason, {}
    except ValueError as exc:
        return None, ["(row)"], str(exc), {}


class _FileLoad:
    """Loads one file: validates each record, quarantines failures, writes in batches."""

    def __init__(
        self,
        path: Path,
        source: Source,
        store: GraphStore,
        run_dir: Path,
        quarantine_dir: Path,
        mapping: ColumnMapping | None,
        index: HaulierIndex,
    ) -> None:
        self.path, self.source, self.store, self.mapping = path, source, store, mapping
        self.index = index
        self.report = FileReport(path=str(path), source=source.name)
        self.quarantine = Quarantine(quarantine_dir / path.name)
        self.extras = JsonLines(run_dir / "extra_columns.jsonl")
        self.batch = _Batch()
        self.memo: dict[Any, Any] = {}

    def record(self, record: Record) -> None:
        self.report.rows += 1
        if self.source.skip and not record.error and self.source.skip(record.values):
            self.report.skipped += 1
            return
        assert self.report.file_id is not None
        ref = SourceRef(load_id=self.report.file_id, file=self.path.name, row=record.row)
        ctx = RowContext(ref, record.values, self.index, self.memo)
        rows, fields, why, extras = _load_record(record, self.source, self.mapping, ctx)
        if rows is None:
            self.quarantine.add(record.row, fields, why, record.values)
            self.report.quarantined += 1
            return
        if extras:
            self.extras.add({"source": ref.token, "values": extras})
        for row in rows:
            self.batch.add(row)
        self.report.loaded += 1
        self.batch.records += 1

    def run(self, progress: Progress | None, batch_rows: int, group: _Group) -> FileReport:
        self.report.file_id = file_digest(self.path, text=self.path.suffix.lower() != ".xlsx")
        records = read_records(self.path, self.source.kind)
        report = progress or (lambda name, n: None)
        report(self.path.name, 0)  # the file's counter starts when its work does
        try:
            while chunk := list(islice(records, group.size)):
                group.open()
                try:
                    done = self._chunk(chunk, batch_rows, report)
                except BaseException as exc:
                    group.abort(exc)
                    raise
                group.done(len(chunk))
                report(self.path.name, len(chunk) - done)
        finally:
            self.quarantine.close()
            self.extras.close()
        if self.quarantine.count:
            self.report.quarantine_file = str(self.quarantine.path)
        return self.report

    def _chunk(self, chunk: list[Record], batch_rows: int, report: Progress) -> int:
        """Load the records of one chunk, writing every ``batch_rows``; return those reported."""
        done = 0
        for record in chunk:
            self.record(record)
            if self.batch.records >= batch_rows:
                flushed = self.batch.records
                self.batch.flush(self.store)
                report(self.path.name, flushed)
                done += flushed
        self.batch.flush(self.store)
        return done


def run(
    paths: Iterable[Path],
    store: GraphStore,
    home: Path,
    *,
    source: str | None = None,
    mapping: ColumnMapping | None = None,
    progress: Progress | None = None,
    batch_rows: int = 5000,
    commit_rows: int = 50_000,
    user: str | None = None,
    retention_years: int | None = None,
    alerts: bool = True,
) -> LoadReport:
    """Load files or folders into a store and return (and write) the load report.

    Parameters
    ----------
    paths : iterable of pathlib.Path
        Files, or folders whose files are recognised by their standard names.
    store : GraphStore
        Where to write.
    home : pathlib.Path
        ``OCGMAP_HOME``: quarantine files and reports go under it.
    source : str, optional
        Treat every file as this source.
    mapping : ColumnMapping, optional
        Rename columns and add constants before validation (formats.md §10).
    progress : callable, optional
        ``progress(file_name, records)`` as records are processed.
    batch_rows, commit_rows : int
        Input records per write batch, and per chunk of a file. A group, whose writes are
        kept or lost together, ends with the first chunk that brings it to ``commit_rows``
        records (or with the last file), so small files share one.
    user : str, optional
        Who loads, for the audit log (default: ``OCGMAP_USER`` or the login name).
    retention_years : int, optional
        Years from the start to the report's ``review_due`` (default:
        ``OCGMAP_RETENTION_YEARS``, 6).
    alerts : bool
        Raise the alerts of the store's watchlists once the load is written
        (:func:`ocgmap.alerts.raise_load_alerts`); their number goes into the report and
        :func:`ocgmap.alerts.read_alerts` gives them (``origin=report.load_id``). Files an
        earlier completed load (a report under ``home``) had loaded raise none.

    Notes
    -----
    Every load is logged as a collection in ``OCGMAP_HOME/audit/audit.jsonl``
    (:mod:`ocgmap.audit`), also when it stops part-way. The ``POSSIBLY_SAME`` links the load
    leads to (:func:`loaders.candidates.link_candidates`) are written in its last group, so
    they are kept or lost with it.
    """
    started = dt.datetime.now(dt.UTC)
    years = Settings().ocgmap_retention_years if retention_years is None else retention_years
    report = LoadReport(
        load_id=new_load_id(started),
        started_at=started,
        review_due=review_date(started.date(), years),
        store=store.name,
    )
    files, ignored = discover(list(paths), source)
    report.ignored = [str(p) for p in ignored]
    if mapping is not None:
        files = [(p, s) for p, s in files if source is not None or s.name == mapping.source]
    store.ensure_schema()
    index = HaulierIndex.from_graph(
        store.to_networkx(GraphFilter(labels=frozenset({Label.HAULIER}), types=frozenset()))
    )
    quarantine_dir = home / "quarantine" / report.load_id
    run_dir = home / "loads" / report.load_id
    group = _Group(store, commit_rows)
    with paused():  # ocgmap/collector.py: no full collections while rows pile up
        try:
            for path, src in files:
                load = _FileLoad(path, src, store, run_dir, quarantine_dir, mapping, index)
                try:
                    load.run(progress, batch_rows, group)
                except InputError as exc:
                    if group.failed:  # not a file that cannot be read: the group's writes are gone
                        raise
                    load.report.error = str(exc)
                finally:
                    report.files.append(load.report)  # also a file a crash stopped part-way
            from loaders.candidates import link_candidates

            group.open()  # the links join the last group: the graph is saved once for both
            report.possibly_same = link_candidates(store)
            group.commit()
        except BaseException as exc:
            group.abort(exc)
            _audit(home, user, report, completed=False)
            raise
    _audit(home, user, report, completed=True)
    audit_log(home).append(  # combining records across sources into one picture
        current_user(user),
        Action.COMBINATION,
        "resolve",
        [report.load_id],
        details={"store": report.store, "possibly_same": report.possibly_same},
    )
    if alerts:
        from ocgmap.alerts import raise_load_alerts

        loaded = [f.file_id for f in report.files if f.file_id]
        earlier = _earlier_file_ids(home, report.load_id)
        report.alerts = len(raise_load_alerts(store, report.load_id, loaded, earlier=earlier))
    counts = store.counts()
    report.nodes, report.relationships = counts.nodes, counts.relationships
    report.finished_at = dt.datetime.now(dt.UTC)
    _write_report(run_dir / "report.json", report)
    return report


def _earlier_file_ids(home: Path, load_id: str) -> set[str]:
    """File ids that completed loads other than ``load_id`` had loaded (their reports)."""
    found: set[str] = set()
    for path in (home / "loads").glob("*/report.json"):
        if path.parent.name == load_id:
            continue
        try:
            report = LoadReport.model_validate_json(path.read_bytes())
        except (OSError, ValidationError):
            continue  # load_reports names an unreadable report; here it only adds no file
        found.update(f.file_id for f in report.files if f.file_id and not f.error)
    return found


def _audit(home: Path, user: str | None, report: LoadReport, *, completed: bool) -> None:
    """Log the load as a collection: its id, its files, and the rows loaded and quarantined."""
    audit_log(home).append(
        current_user(user),
        Action.COLLECTION,
        "load",
        [report.load_id, *(Path(f.path).name for f in report.files)],
        details={
            "store": report.store,
            "files": len(report.files),
            "rows": sum(f.rows for f in report.files),
            "loaded": sum(f.loaded for f in report.files),
            "quarantined": sum(f.quarantined for f in report.files),
            "skipped": sum(f.skipped for f in report.files),
            "failed_files": sum(1 for f in report.files if f.error),
            "completed": completed,
        },
    )


def _write_report(path: Path, report: LoadReport) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.model_dump(mode="json"), indent=2) + "\n", "utf-8")


def load_reports(home: Path, limit: int = 10) -> list[LoadReport]:
    """The saved load reports (``OCGMAP_HOME/loads/<load id>/report.json``), newest first.

    Parameters
    ----------
    home : pathlib.Path
        ``OCGMAP_HOME``.
    limit : int
        At most this many reports. Load ids start with their UTC start time, so the newest
        are the last names in order. A load that stopped before its end wrote no report.

    Raises
    ------
    InputError
        When a report file is not a load report (naming the file).

    Examples
    --------
    >>> import tempfile
    >>> load_reports(Path(tempfile.mkdtemp()))
    []
    """
    folder = home / "loads"
    if not folder.is_dir():
        return []
    paths = sorted(folder.glob("*/report.json"), key=lambda p: p.parent.name, reverse=True)
    reports = []
    for path in paths[:limit]:
        try:
            reports.append(LoadReport.model_validate_json(path.read_bytes()))
        except (OSError, ValidationError) as exc:
            raise InputError(
                f"The load report {path} cannot be read ({str(exc).splitlines()[0]}); "
                "move it aside or load the files again to write a new one."
            ) from exc
    return reports


def report_row(report: LoadReport) -> dict[str, Any]:
    """One table row summing up a load: when, where, files, rows loaded and quarantined.

    Examples
    --------
    >>> import datetime as dt
    >>> at = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    >>> row = report_row(LoadReport(load_id="L1", started_at=at, store="embedded",
    ...     files=[FileReport(path="a.csv", source="anpr", rows=3, loaded=2, quarantined=1)]))
    >>> row["loaded"], row["quarantined"], row["files"]
    (2, 1, 1)
    """
    return {
        "load id": report.load_id,
        "started": report.started_at,
        "finished": report.finished_at,
        "store": report.store,
        "files": len(report.files),
        "sources": ", ".join(sorted({f.source for f in report.files})),
        "rows": sum(f.rows for f in report.files),
        "loaded": sum(f.loaded for f in report.files),
        "quarantined": sum(f.quarantined for f in report.files),
        "failed files": sum(1 for f in report.files if f.error),
    }
