"""Saved analysis runs: ``OCGMAP_HOME/runs/<run id>.json``, one file per run.

``ocgmap analyse`` and ``ocgmap demo`` save every run here; the dashboard and the exports read
the latest one (or a named one) back. Run ids start ``R-<UTC time>``, so names sort by time.
"""

from __future__ import annotations

from pathlib import Path

from ocgmap.analysis.results import AnalysisRun
from ocgmap.audit import Action, audit_log, current_user
from ocgmap.errors import InputError

__all__ = ["latest_run", "run_ids", "runs_dir", "save_run"]


def runs_dir(home: Path) -> Path:
    """Where runs are saved under ``OCGMAP_HOME``."""
    return home / "runs"


def save_run(run: AnalysisRun, home: Path, *, user: str | None = None) -> Path:
    """Save a run under ``OCGMAP_HOME/runs``, log it, and return its path.

    Parameters
    ----------
    run : AnalysisRun
        The run to save.
    home : pathlib.Path
        ``OCGMAP_HOME``.
    user : str, optional
        Who ran it, for the audit log (default: ``OCGMAP_USER`` or the login name).

    Returns
    -------
    pathlib.Path
        The saved file.

    Notes
    -----
    The run is logged as a combination (DPA 2018 s.62) in ``OCGMAP_HOME/audit/audit.jsonl``:
    its id, the challenged clusters, and its counts.
    """
    path = run.write(runs_dir(home) / f"{run.run_id}.json")
    s = run.summary
    audit_log(home).append(
        current_user(user),
        Action.COMBINATION,
        "analyse",
        [run.run_id, *(c.cluster_id for c in run.challenges)],
        details={
            "store": run.store,
            "data_hash": run.data_hash,
            "previous_run_id": run.previous_run_id,
            "clusters": s.clusters,
            "scored": s.scored,
            "challenged": s.challenged,
        },
    )
    return path


def run_ids(home: Path) -> list[str]:
    """Ids of the saved runs, newest first.

    Examples
    --------
    >>> import tempfile
    >>> run_ids(Path(tempfile.mkdtemp()))
    []
    """
    folder = runs_dir(home)
    if not folder.is_dir():
        return []
    # the time in the id, then when the file was written: two runs within one second
    paths = folder.glob("R-*.json")
    order = sorted(paths, key=lambda p: (p.stem.rsplit("-", 1)[0], p.stat().st_mtime_ns))
    return [p.stem for p in reversed(order)]


def latest_run(home: Path, run_id: str | None = None) -> AnalysisRun | None:
    """The newest saved run (or the one named), or None when no run was saved yet."""
    ids = run_ids(home)
    if run_id is None:
        return AnalysisRun.read(runs_dir(home) / f"{ids[0]}.json") if ids else None
    if run_id not in ids:
        raise InputError(
            f"No saved run {run_id!r} in {runs_dir(home)}; saved runs: "
            f"{', '.join(ids[:5]) or 'none (run ocgmap analyse)'}"
        )
    return AnalysisRun.read(runs_dir(home) / f"{run_id}.json")
