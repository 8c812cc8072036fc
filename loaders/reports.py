"""Read back the rows a load quarantined, with their reasons and original values.

:func:`loaders.pipeline.run` writes each file's invalid rows to
``OCGMAP_HOME/quarantine/<load id>/<file>`` (and its report, which
:func:`loaders.pipeline.load_reports` reads, to ``OCGMAP_HOME/loads/<load id>/report.json``).
"""

from __future__ import annotations

from pathlib import Path

from loaders.pipeline import LoadReport
from loaders.quarantine import QuarantinedRow, quarantine_path, read_quarantine
from ocgmap.errors import InputError

__all__ = ["quarantined_files", "quarantined_rows"]


def _plain_name(name: str, what: str) -> str:
    """``name`` if it is a bare file or folder name, else an InputError."""
    if not name or name in {".", ".."} or Path(name).name != name or "\\" in name:
        raise InputError(f"The {what} must be a plain name without folders. Got {name!r} instead.")
    return name


def quarantined_files(report: LoadReport) -> list[str]:
    """Names of the input files of a load that had rows quarantined, in load order.

    Examples
    --------
    >>> import datetime as dt
    >>> from loaders.pipeline import FileReport
    >>> report = LoadReport(load_id="L1", started_at=dt.datetime.now(dt.UTC), store="embedded",
    ...     files=[FileReport(path="in/detections.csv", source="detections", quarantined=2),
    ...            FileReport(path="in/calls.csv", source="calls", loaded=5)])
    >>> quarantined_files(report)
    ['detections.csv']
    """
    return [Path(f.path).name for f in report.files if f.quarantined]


def quarantined_rows(
    home: Path, load_id: str, file: str, limit: int | None = None
) -> list[QuarantinedRow]:
    """The quarantined rows of one input file of one load, with reasons and original values.

    Parameters
    ----------
    home : pathlib.Path
        ``OCGMAP_HOME``.
    load_id : str
        The load.
    file : str
        The input file's name, e.g. ``detections.xlsx`` (not the quarantine file's name).
    limit : int, optional
        Read at most this many rows.

    Returns
    -------
    list of QuarantinedRow
        Empty when no row of that file was quarantined in that load.

    Raises
    ------
    InputError
        A name has folders in it, or the quarantine file cannot be read.

    Examples
    --------
    >>> import tempfile
    >>> quarantined_rows(Path(tempfile.mkdtemp()), "20250301T021400Z-3fa9c1", "calls.csv")
    []
    """
    folder = home / "quarantine" / _plain_name(load_id, "load id")
    path = quarantine_path(folder / _plain_name(file, "file name"))
    if not path.exists():
        return []
    return read_quarantine(path, limit)
