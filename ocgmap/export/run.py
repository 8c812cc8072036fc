"""``ocgmap export``: write one cluster's target package, every format, and its manifest.

The files are written into a fresh folder beside ``out`` and moved in only when all of them
exist, so a failed export never leaves a half package that looks complete.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from ocgmap import __version__
from ocgmap.analysis.runs import latest_run
from ocgmap.audit import Action, audit_log, check_disclosure
from ocgmap.errors import ExportError, InputError, OcgmapError
from ocgmap.export.charts import write_charts
from ocgmap.export.graphml import write_graphml
from ocgmap.export.html import write_html
from ocgmap.export.i2 import write_i2
from ocgmap.export.manifest import MANIFEST, Manifest, build_manifest, sha256
from ocgmap.export.package import Marking, TargetPackage, assemble
from ocgmap.export.pdf import write_pdf
from ocgmap.export.tables import write_xlsx
from ocgmap.store.base import GraphStore

__all__ = ["export", "write_package", "zip_package"]

Step = Callable[[str, int], None]


def write_package(package: TargetPackage, out: Path, progress: Step | None = None) -> Manifest:
    """Render ``package`` into ``out`` (created; our files replaced) with its manifest."""
    tick = progress or (lambda step, n: None)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}-") as tmp:
        work = Path(tmp)
        charts = write_charts(package, work)
        tick("charts", 1)
        files = [charts.network, charts.timeline]
        files.append(write_html(package, work / "package.html", charts))
        files.append(write_pdf(package, work / "package.pdf", charts))
        tick("package.html and package.pdf", 1)
        files.append(write_xlsx(package, work / "subjects.xlsx"))
        files.append(write_graphml(package, work / "network.graphml"))
        files.extend(write_i2(package, work / "i2_entities.csv", work / "i2_links.csv"))
        cluster_json = work / "cluster.json"
        cluster_json.write_text(package.model_dump_json(indent=1) + "\n", encoding="utf-8")
        files.append(cluster_json)
        tick("subjects.xlsx, network.graphml, i2, cluster.json", 1)
        manifest = build_manifest(package, files, __version__)
        (work / MANIFEST).write_text(manifest.model_dump_json(indent=1) + "\n", encoding="utf-8")
        for path in [*files, work / MANIFEST]:
            os.replace(path, out / path.name)
        tick("manifest", 1)
    return manifest


def export(
    store: GraphStore,
    home: Path,
    cluster_id: str,
    out: Path,
    *,
    run_id: str | None = None,
    marking: Marking = "OFFICIAL",
    include_conditional: bool = False,
    justification: str | None = None,
    recipients: Iterable[str] = (),
    exported_by: str,
    exported_at: dt.datetime | None = None,
    progress: Step | None = None,
) -> Manifest:
    """Export one cluster of the latest saved run (or ``run_id``) as a target package, logged.

    Every export is a disclosure under DPA 2018 s.62: it needs a ``justification`` and at least
    one recipient, and is logged in ``OCGMAP_HOME/audit/audit.jsonl`` with them, the files
    written, what was withheld and what was included with handling conditions.

    Parameters
    ----------
    store : GraphStore
        The store the run was made from.
    home : pathlib.Path
        ``OCGMAP_HOME``, where the saved runs are.
    cluster_id : str
        The cluster to export.
    out : pathlib.Path
        The folder to write into.
    run_id, marking, include_conditional, exported_by, exported_at
        As for :func:`ocgmap.export.package.assemble`.
    justification : str
        Why the package is disclosed (required); with ``include_conditional`` it must also
        say why the recipients meet the handling conditions.
    recipients : iterable of str
        Who receives the package (at least one).
    progress : callable, optional
        ``progress(step, n)`` as files are written.

    Returns
    -------
    Manifest
        What was written (also in ``out/manifest.json``).

    Raises
    ------
    InputError
        Before anything is written, if the justification or the recipients are missing.
    ExportError
        If the audit log cannot record the export; the package is removed again.
    """
    to = [r.strip() for r in recipients if r.strip()]
    check_disclosure(justification, to)
    run = latest_run(home, run_id)
    if run is None:
        raise InputError(f"No analysis run saved in {home}: run `ocgmap analyse` first.")
    package = assemble(
        store,
        run,
        cluster_id,
        marking=marking,
        include_conditional=include_conditional,
        justification=justification,
        exported_by=exported_by,
        exported_at=exported_at,
    )
    if progress:
        progress("assemble", 1)
    manifest = write_package(package, out, progress)
    try:
        _log_disclosure(home, manifest, out, justification or "", to)
    except (OSError, OcgmapError) as exc:
        for name in [*(f.name for f in manifest.files), MANIFEST]:
            (out / name).unlink(missing_ok=True)
        raise ExportError(
            f"The export of {cluster_id} could not be written to the audit log ({exc}), so "
            f"the package was removed from {out}. Fix the audit log, then export again."
        ) from exc
    return manifest


def _log_disclosure(
    home: Path, manifest: Manifest, out: Path, justification: str, recipients: list[str]
) -> None:
    """Log an export as a disclosure: cluster, run, files, marking and handling."""
    held = manifest.withheld
    audit_log(home).append(
        manifest.exported_by,
        Action.DISCLOSURE,
        "export",
        [manifest.cluster_id, manifest.run_id, *(f.name for f in manifest.files), MANIFEST],
        justification=justification,
        recipients=recipients,
        details={
            "marking": manifest.marking,
            "folder": str(out),
            "manifest_sha256": sha256(out / MANIFEST),
            "withheld_referrals": ", ".join(f"{c}:{n}" for c, n in held.referrals.items()),
            "withheld_subjects": held.subjects,
            "withheld_links": held.links,
            "included_conditional": ", ".join(manifest.included_conditional),
        },
    )


def zip_package(folder: Path, manifest: Manifest) -> bytes:
    """The files a manifest lists, zipped (for a download), in manifest order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in manifest.files:
            archive.write(folder / item.name, item.name)
        archive.write(folder / MANIFEST, MANIFEST)
    return buffer.getvalue()
