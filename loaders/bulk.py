"""A first load as ``neo4j-admin database import`` files: ``ocgmap load --bulk PATH --out DIR``.

The files go through the one load pipeline (:func:`loaders.pipeline.run`): the same
validation, normalisation, resolution, quarantine, load report and audit entries as a normal
load, into a :class:`~ocgmap.store.admin_import.BulkStore` instead of Neo4j (held in memory),
or with ``on_disk`` a :class:`~ocgmap.store.spill.DiskBulkStore` (a working file, for loads
bigger than memory; the same files come out). The graph is then written as CSV files and
``manifest.json`` into ``DIR.tmp``, which is renamed to ``DIR`` only when complete;
``scripts/neo4j-local import DIR`` imports them into an empty database.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from loaders.mapping import ColumnMapping
from loaders.pipeline import LoadReport, Progress, run
from ocgmap.collector import paused
from ocgmap.errors import InputError
from ocgmap.store.admin_import import BulkStore, ImportManifest
from ocgmap.store.import_writer import write_import
from ocgmap.store.spill import DiskBulkStore

__all__ = ["BulkLoad", "bulk_load", "check_target"]


class BulkLoad(BaseModel):
    """What a bulk load did: the load report, and the import folder with its manifest."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    report: LoadReport
    out: Path
    manifest: ImportManifest


def check_target(out: Path, force: bool = False) -> None:
    """Refuse an output folder that is a file, or that holds anything unless ``force``.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> check_target(folder / "new")
    >>> (folder / "old.csv").write_text("x")
    1
    >>> try:
    ...     check_target(folder)
    ... except InputError:
    ...     print("refused")
    refused
    """
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file, not a folder: choose another --out.")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise InputError(
            f"{out} is not empty: choose an empty or new folder for --out, or add --force to "
            "replace what it holds."
        )


def _replace(staging: Path, out: Path) -> None:
    """Put the finished ``staging`` folder at ``out``, replacing what is there, atomically."""
    if not out.exists():
        os.replace(staging, out)
        return
    old = out.with_name(f".{out.name}.old-{secrets.token_hex(3)}")
    os.replace(out, old)
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def bulk_load(
    paths: Iterable[Path],
    out: Path,
    home: Path,
    *,
    force: bool = False,
    on_disk: bool = False,
    source: str | None = None,
    mapping: ColumnMapping | None = None,
    progress: Progress | None = None,
    user: str | None = None,
    jobs: int = 2,
) -> BulkLoad:
    """Load files as a normal load does, but into Neo4j import files in ``out``.

    Parameters
    ----------
    paths : iterable of pathlib.Path
        Files, or folders whose files are recognised by their standard names.
    out : pathlib.Path
        The folder to write; it must be new or empty unless ``force``.
    home : pathlib.Path
        ``OCGMAP_HOME``: quarantine files, the load report and the audit log go under it.
    force : bool
        Replace whatever ``out`` holds (only once the new files are complete).
    on_disk : bool
        Collect the load in a working file (``DIR.tmp/.load.sqlite``, deleted when the files
        are written) instead of in memory: slower, for loads bigger than memory.
    source, mapping, progress, user
        As for :func:`loaders.pipeline.run`.
    jobs : int
        Processes that write the import files (forked: they share the graph in memory, or
        each reads the working file ``on_disk``). The files are the same.

    Returns
    -------
    BulkLoad
        The load report (its ``store`` is ``neo4j``, where the data is bound) and manifest.

    Raises
    ------
    InputError
        ``out`` is a file, or not empty without ``force``.
    StoreError
        A value the import tool cannot express; nothing is written to ``out``.
    """
    out = Path(out)
    check_target(out, force)
    staging = out.with_name(out.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    store: BulkStore | DiskBulkStore = (
        DiskBulkStore(staging / ".load.sqlite") if on_disk else BulkStore(staging / ".graph.json")
    )
    try:
        with paused():  # ocgmap/collector.py: the writer walks every node and relationship
            report = run(
                paths,
                store,
                home,
                source=source,
                mapping=mapping,
                progress=progress,
                user=user,
                alerts=False,  # a first load into an empty database: nothing is watched yet
            )
            manifest = write_import(store, staging, report.load_id, jobs=jobs, progress=progress)
        store.close()
        _replace(staging, out)
    except BaseException:
        store.close()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BulkLoad(report=report, out=out, manifest=manifest)
