"""Saved analysis runs: ``OCGMAP_HOME/runs/<run id>.json``, one file per run.

``ocgmap analyse`` and ``ocgmap demo`` save every run here; the dashboard and the exports read
the latest one (or a named one) back. Run ids start ``R-<UTC time>``, so names sort by time.
"""

from __future__ import annotations

from pathlib import Path

from ocgmap.analysis.results import AnalysisRun
from ocgmap.errors import InputError

__all__ = ["latest_run", "run_ids", "runs_dir", "save_run"]


def runs_dir(home: Path) -> Path:
    """Where runs are saved under ``OCGMAP_HOME``."""
    return home / "runs"


def save_run(run: AnalysisRun, home: Path) -> Path:
    """Save a run under ``OCGMAP_HOME/runs`` and return its path."""
    return run.write(runs_dir(home) / f"{run.run_id}.json")


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
    return sorted((p.stem for p in folder.glob("R-*.json")), reverse=True)


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
