"""Retention of loads: which are past their review date, and erasing one by its provenance.

Every load has a review date (:mod:`ocgmap.retention`). :func:`load_reviews` lists the loads
recorded under ``OCGMAP_HOME/loads`` with their dates; :func:`erase_load` removes a load:
the facts only its files support leave the graph (facts other loads also support stay, with
their provenance), its quarantined rows, extra columns and uploaded copies are deleted, its
report is replaced by a tombstone (``loads/<load id>/erased.json``: ids, dates, who and
counts, no personal data), and the erasure is logged (DPA 2018 s.62). See docs/retention.md.

Provenance tokens start with the *file id* (the digest of the file), not the load id, so a
file loaded in two loads supports its facts twice: erasing one of those loads keeps that
file's facts, and says so (``kept_file_ids``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, Field, ValidationError

from loaders.pipeline import LoadReport, load_reports
from ocgmap.audit import Action, audit_log, current_user
from ocgmap.config import Settings, StoreKind
from ocgmap.errors import InputError
from ocgmap.retention import is_due, review_date
from ocgmap.store import ErasureResult, GraphStore

_M = TypeVar("_M", bound=BaseModel)

__all__ = [
    "TOMBSTONE",
    "ErasedLoad",
    "LoadReview",
    "due_reviews",
    "erase_load",
    "load_reviews",
    "recorded_store",
]

#: The tombstone that replaces an erased load's report, in its folder under ``loads``.
TOMBSTONE = "erased.json"


class ErasedLoad(BaseModel):
    """The record of an erased load (its tombstone), and what one erasure did."""

    load_id: str
    store: str
    started_at: dt.datetime
    review_due: dt.date | None = None
    erased_at: dt.datetime
    erased_by: str
    rows: int = Field(default=0, description="input rows the load read")
    file_ids: list[str] = Field(default_factory=list, description="every file id of the load")
    erased_file_ids: list[str] = Field(
        default_factory=list, description="file ids whose provenance was removed"
    )
    kept_file_ids: dict[str, list[str]] = Field(
        default_factory=dict, description="file id -> other loads that also loaded it"
    )
    result: ErasureResult = Field(default_factory=ErasureResult)
    deleted_files: int = Field(default=0, description="quarantine, upload and load files")
    repeat: bool = Field(default=False, description="the load had been erased before")


class LoadReview(BaseModel):
    """One load and its review date."""

    load_id: str
    store: str
    started_at: dt.datetime
    review_due: dt.date
    files: int
    rows: int
    due: bool
    erased_at: dt.datetime | None = None


def _folder(home: Path, load_id: str) -> Path:
    """``OCGMAP_HOME/loads/<load id>``, refusing ids that are not plain names."""
    if not load_id or load_id in {".", ".."} or Path(load_id).name != load_id or "\\" in load_id:
        raise InputError(f"The load id must be a plain name without folders. Got {load_id!r}.")
    return home / "loads" / load_id


def _read_tombstone(folder: Path) -> ErasedLoad | None:
    return _read(folder / TOMBSTONE, ErasedLoad, "The erasure record", "restore it from a backup")


def _read_report(folder: Path) -> LoadReport | None:
    return _read(
        folder / "report.json",
        LoadReport,
        "The load report",
        "restore it from a backup before erasing the load",
    )


def _read(path: Path, model: type[_M], what: str, advice: str) -> _M | None:
    """``path`` read as ``model``; ``None`` when it does not exist."""
    if not path.exists():
        return None
    try:
        return model.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as exc:
        raise InputError(
            f"{what} {path} cannot be read ({str(exc).splitlines()[0]}); {advice}."
        ) from exc


def _tombstones(home: Path) -> dict[str, ErasedLoad]:
    folder = home / "loads"
    found = {}
    for path in sorted(folder.glob(f"*/{TOMBSTONE}")) if folder.is_dir() else []:
        tomb = _read_tombstone(path.parent)
        if tomb is not None:
            found[path.parent.name] = tomb
    return found


def _review(report: LoadReport, years: int, today: dt.date) -> LoadReview:
    due = report.review_due or review_date(report.started_at.astimezone(dt.UTC).date(), years)
    return LoadReview(
        load_id=report.load_id,
        store=report.store,
        started_at=report.started_at,
        review_due=due,
        files=len(report.files),
        rows=sum(f.rows for f in report.files),
        due=is_due(due, today),
    )


def _erased_review(tomb: ErasedLoad, years: int) -> LoadReview:
    due = tomb.review_due or review_date(tomb.started_at.astimezone(dt.UTC).date(), years)
    return LoadReview(
        load_id=tomb.load_id,
        store=tomb.store,
        started_at=tomb.started_at,
        review_due=due,
        files=len(tomb.file_ids),
        rows=tomb.rows,
        due=False,
        erased_at=tomb.erased_at,
    )


def load_reviews(
    home: Path, *, today: dt.date | None = None, years: int | None = None
) -> list[LoadReview]:
    """Every load recorded under ``home/loads`` with its review date, the earliest first.

    Parameters
    ----------
    home : pathlib.Path
        ``OCGMAP_HOME``.
    today : datetime.date, optional
        The day to judge against (default: today, UTC).
    years : int, optional
        Retention period for reports written before review dates were recorded (default:
        ``OCGMAP_RETENTION_YEARS``); newer reports carry their own date.

    Returns
    -------
    list of LoadReview
        Erased loads are included with ``erased_at`` set and are never due.

    Raises
    ------
    InputError
        If a report or an erasure record cannot be read (naming the file).

    Examples
    --------
    >>> import tempfile
    >>> load_reviews(Path(tempfile.mkdtemp()))
    []
    """
    day = today or dt.datetime.now(dt.UTC).date()
    period = Settings().ocgmap_retention_years if years is None else years
    erased = _tombstones(home)
    reviews = [_erased_review(t, period) for t in erased.values()]
    reviews += [
        _review(r, period, day)
        for r in load_reports(home, limit=sys.maxsize)
        if r.load_id not in erased
    ]
    return sorted(reviews, key=lambda r: (r.review_due, r.load_id))


def due_reviews(
    home: Path, *, today: dt.date | None = None, years: int | None = None
) -> list[LoadReview]:
    """The loads past their review date (on or after it) and not erased, the earliest first.

    Examples
    --------
    >>> import tempfile
    >>> due_reviews(Path(tempfile.mkdtemp()), today=dt.date(2031, 3, 1))
    []
    """
    return [r for r in load_reviews(home, today=today, years=years) if r.due]


def recorded_store(home: Path, load_id: str) -> StoreKind:
    """The kind of store a load was written to, from its report or its erasure record.

    Raises
    ------
    InputError
        If no load of that id is recorded (naming it and where it was looked for).
    """
    folder = _folder(home, load_id)
    source = _read_tombstone(folder) or _read_report(folder)
    if source is None:
        raise _unknown(home, load_id)
    kind = source.store
    if kind == "neo4j":
        return "neo4j"
    if kind == "embedded":
        return "embedded"
    raise InputError(f"Load {load_id!r} names an unknown store {kind!r}; use --store.")


def _unknown(home: Path, load_id: str) -> InputError:
    return InputError(
        f"No load {load_id!r} is recorded under {home / 'loads'}: check the id with "
        "`ocgmap review due --all` (and that OCGMAP_HOME is the one the load used)."
    )


def _holders(home: Path, load_id: str, store: str) -> tuple[dict[str, list[str]], set[Path]]:
    """File id -> other kept loads into ``store`` that loaded it; the paths those loads read."""
    erased = set(_tombstones(home))
    holders: dict[str, list[str]] = defaultdict(list)
    paths: set[Path] = set()
    for report in load_reports(home, limit=sys.maxsize):
        if report.load_id == load_id or report.load_id in erased or report.store != store:
            continue
        for f in report.files:
            paths.add(_resolved(f.path))
            if f.file_id and report.load_id not in holders[f.file_id]:
                holders[f.file_id].append(report.load_id)
    return {k: sorted(v) for k, v in holders.items() if v}, paths


def _resolved(path: str) -> Path:
    return Path(path).expanduser().resolve(strict=False)


def _delete_tree(folder: Path, keep: str | None = None) -> int:
    """Delete the files under ``folder`` (all but ``keep``), and the folder if emptied."""
    if not folder.is_dir():
        return 0
    count = 0
    for item in sorted(folder.iterdir()):
        if item.name == keep:
            continue
        if item.is_dir() and not item.is_symlink():
            count += sum(1 for p in item.rglob("*") if not p.is_dir())
            shutil.rmtree(item)
        else:
            item.unlink(missing_ok=True)
            count += 1
    if keep is None:
        folder.rmdir()
    return count


def _delete_uploads(home: Path, report: LoadReport, kept: set[str], used: set[Path]) -> int:
    """Delete the load's files saved under ``home/uploads`` that no kept load needs."""
    root = (home / "uploads").expanduser().resolve(strict=False)
    count = 0
    for f in report.files:
        path = _resolved(f.path)
        if not path.is_relative_to(root) or path == root or path in used or f.file_id in kept:
            continue
        if path.is_file():
            path.unlink()
            count += 1
            parent = path.parent
            if parent != root and parent.is_relative_to(root) and not any(parent.iterdir()):
                parent.rmdir()
    return count


def _write_tombstone(folder: Path, tomb: ErasedLoad) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".erased-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(tomb.model_dump(mode="json"), indent=2) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, folder / TOMBSTONE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _contents(report: LoadReport | None, previous: ErasedLoad | None) -> tuple[list[str], int]:
    """The load's file ids in load order, once each, and its rows (report, else tombstone)."""
    if report is not None:
        ids = dict.fromkeys(f.file_id for f in report.files if f.file_id)
        return list(ids), sum(f.rows for f in report.files)
    return (list(previous.file_ids), previous.rows) if previous is not None else ([], 0)


def _files_in(folder: Path) -> int:
    """How many files under ``folder`` an erasure deletes (all but the tombstone)."""
    if not folder.is_dir():
        return 0
    return sum(1 for p in folder.rglob("*") if p.is_file() and p.name != TOMBSTONE)


def erase_load(
    store: GraphStore,
    home: Path,
    load_id: str,
    *,
    justification: str,
    user: str | None = None,
) -> ErasedLoad:
    """Erase a load: the facts only its files support, its files on disk, and log it.

    Parameters
    ----------
    store : GraphStore
        The store the load was written to (its report names it).
    home : pathlib.Path
        ``OCGMAP_HOME``.
    load_id : str
        The load, as in ``OCGMAP_HOME/loads/<load id>``.
    justification : str
        Why the load is erased, for the audit log.
    user : str, optional
        Who erases (default: ``OCGMAP_USER`` or the login name).

    Returns
    -------
    ErasedLoad
        What was erased and kept. Running it again for an erased load is safe: it finishes an
        erasure that stopped part-way, else changes nothing, and returns ``repeat=True``.

    Raises
    ------
    InputError
        If no such load is recorded, it was written to another kind of store, the
        justification is blank, or a load report cannot be read.

    Notes
    -----
    A file id is erased only when no other load into the same kind of store that is not
    erased also loaded that file; those are listed in ``kept_file_ids``. A load that stopped
    before its end wrote no report, so its files do not count as support. Uploaded copies
    are deleted only under ``OCGMAP_HOME/uploads`` and when no kept load read them.
    """
    why = justification.strip()
    if not why:
        raise InputError(
            "An erasure needs a justification (DPA 2018 s.62): say why (--justification)."
        )
    folder = _folder(home, load_id)
    previous, report = _read_tombstone(folder), _read_report(folder)
    source = report or previous
    if source is None:
        raise _unknown(home, load_id)
    if store.name != source.store:
        raise InputError(
            f"Load {load_id} was written to the {source.store} store, not the {store.name} one: "
            f"erase it there (--store {source.store})."
        )
    file_ids, rows = _contents(report, previous)
    holders, used = _holders(home, load_id, source.store)
    kept = {f: holders[f] for f in file_ids if f in holders}
    erased = [f for f in file_ids if f not in kept]
    result = store.erase_sources(erased)
    deleted = _delete_tree(home / "quarantine" / load_id)
    if report is not None:
        deleted += _delete_uploads(home, report, set(kept), used)
    tomb = ErasedLoad(
        load_id=load_id,
        store=source.store,
        started_at=source.started_at,
        review_due=source.review_due,
        erased_at=dt.datetime.now(dt.UTC),
        erased_by=current_user(user),
        rows=rows,
        file_ids=file_ids,
        erased_file_ids=erased,
        kept_file_ids=kept,
        result=result,
        deleted_files=deleted + _files_in(folder),
        repeat=previous is not None,
    )
    if previous is None:
        _write_tombstone(folder, tomb)
    _delete_tree(folder, keep=TOMBSTONE)
    _audit(home, tomb, why)
    return tomb


def _audit(home: Path, tomb: ErasedLoad, justification: str) -> None:
    """Log the erasure: the load, its file ids, and the counts."""
    audit_log(home).append(
        tomb.erased_by,
        Action.ERASURE,
        "load",
        [tomb.load_id, *tomb.file_ids],
        justification=justification,
        details={
            "store": tomb.store,
            "files": len(tomb.file_ids),
            "erased_files": len(tomb.erased_file_ids),
            "shared_files": len(tomb.kept_file_ids),
            "nodes_deleted": tomb.result.nodes_deleted,
            "relationships_deleted": tomb.result.relationships_deleted,
            "nodes_trimmed": tomb.result.nodes_trimmed,
            "relationships_trimmed": tomb.result.relationships_trimmed,
            "deleted_files": tomb.deleted_files,
            "repeat": tomb.repeat,
        },
    )
