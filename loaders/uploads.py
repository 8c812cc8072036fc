"""Preparing a load from the dashboard: uploaded files, a folder on the server, progress.

Uploaded files arrive in memory. :func:`save_uploads` writes them into a new folder
``OCGMAP_HOME/uploads/<UTC time>/`` under their own (sanitised) names, so a load of uploads is
an ordinary load of a folder by :func:`loaders.pipeline.run`, and what was loaded stays on
disk next to its report and quarantine.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel

from loaders.mapping import ColumnMapping
from loaders.sources import discover
from ocgmap.errors import InputError

__all__ = [
    "MAPPING_TYPES",
    "UPLOAD_TYPES",
    "LoadProgress",
    "Upload",
    "plan_load",
    "safe_name",
    "save_uploads",
    "server_folder",
]

#: File types a source file may have (what :func:`loaders.read.read_records` reads).
UPLOAD_TYPES = ("csv", "xlsx", "jsonl", "ndjson", "json")
#: File types of a column mapping (formats.md §10).
MAPPING_TYPES = ("yaml", "yml")
_KEEP = frozenset("._-+()@ ")


class Upload(BaseModel):
    """Where one set of uploaded files was saved."""

    folder: Path
    files: list[Path]
    mapping: Path | None = None


def safe_name(name: str) -> str:
    r"""A file name that is safe to save under: no folders, no control or odd characters.

    Only the last part of a path is kept; characters other than letters, digits, spaces and
    ``._-+()@`` become ``_``; leading dots and spaces go.

    Raises
    ------
    InputError
        Nothing usable is left of the name.

    Examples
    --------
    >>> safe_name("../../etc/Detections 2025.csv")
    'Detections 2025.csv'
    >>> safe_name("C:\\exports\\calls;rm.csv")
    'calls_rm.csv'
    """
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    last = unicodedata.normalize("NFC", last)
    clean = "".join(c if c.isalnum() or c in _KEEP else "_" for c in last).strip().lstrip(".")
    if not clean.strip("._ "):
        raise InputError(f"The uploaded file name {name!r} has no usable characters: rename it.")
    return clean


def _check_type(name: str, types: Sequence[str], what: str) -> None:
    if Path(name).suffix.lower().lstrip(".") not in types:
        kinds = ", ".join(f".{t}" for t in types)
        raise InputError(f"{name}: a {what} must be one of {kinds}.")


def _new_folder(home: Path, now: dt.datetime) -> Path:
    base = home / "uploads" / f"{now.astimezone(dt.UTC):%Y%m%dT%H%M%S%fZ}"
    for n in range(1, 1000):
        folder = base if n == 1 else base.with_name(f"{base.name}-{n}")
        try:
            folder.mkdir(parents=True)
        except FileExistsError:
            continue
        return folder
    raise InputError(f"Cannot make a new upload folder next to {base}: remove old uploads.")


def save_uploads(
    files: Iterable[tuple[str, bytes]],
    home: Path,
    *,
    mapping: tuple[str, bytes] | None = None,
    now: dt.datetime | None = None,
) -> Upload:
    r"""Save uploaded files into a new folder ``OCGMAP_HOME/uploads/<UTC time>/``.

    Parameters
    ----------
    files : iterable of (str, bytes)
        Each file's name as uploaded and its content.
    home : pathlib.Path
        ``OCGMAP_HOME``.
    mapping : (str, bytes), optional
        A column mapping file; saved in the ``mapping`` subfolder, which a load of the
        folder does not read as data.
    now : datetime.datetime, optional
        The time that names the folder (now by default).

    Returns
    -------
    Upload
        The folder to load, the saved files and the saved mapping.

    Raises
    ------
    InputError
        A name is unusable, of a type ocgmap does not read, or used twice; or the folder
        cannot be written. Nothing is saved then.

    Examples
    --------
    >>> import tempfile
    >>> up = save_uploads([("a/calls.csv", b"call_id\nC1\n")], Path(tempfile.mkdtemp()))
    >>> [p.name for p in up.files], up.folder.parent.name
    (['calls.csv'], 'uploads')
    """
    named = [(safe_name(name), data) for name, data in files]
    for name, _ in named:
        _check_type(name, UPLOAD_TYPES, "source file")
    seen: set[str] = set()
    for name, _ in named:
        if name.lower() in seen:
            raise InputError(f"Two uploaded files are both named {name}: rename one of them.")
        seen.add(name.lower())
    mapped = (safe_name(mapping[0]), mapping[1]) if mapping else None
    if mapped:
        _check_type(mapped[0], MAPPING_TYPES, "mapping file")
    try:
        folder = _new_folder(home, now or dt.datetime.now(dt.UTC))
        saved = [_write(folder / name, data) for name, data in named]
        mapping_path = _write(folder / "mapping" / mapped[0], mapped[1]) if mapped else None
    except OSError as exc:
        raise InputError(
            f"Cannot save the uploaded files under {home / 'uploads'}: {exc.strerror}. "
            "Check that OCGMAP_HOME is writable."
        ) from None
    return Upload(folder=folder, files=saved, mapping=mapping_path)


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def server_folder(text: str) -> Path:
    """The folder on the server that a typed path names, checked to be readable.

    Raises
    ------
    InputError
        The path is empty, does not exist, is not a folder, or cannot be read.

    Examples
    --------
    >>> import tempfile
    >>> server_folder(tempfile.gettempdir()).is_dir()
    True
    """
    typed = text.strip()
    if not typed:
        raise InputError("Type the path of a folder on the server that holds source files.")
    path = Path(typed).expanduser()
    if not path.exists():
        raise InputError(f"{path} does not exist on the server: check the path.")
    if not path.is_dir():
        raise InputError(f"{path} is a file, not a folder: give the folder that holds it.")
    if not os.access(path, os.R_OK | os.X_OK):
        raise InputError(f"{path} cannot be read by the user the dashboard runs as.")
    return path.resolve()


def plan_load(
    paths: Sequence[Path], source: str | None = None, mapping: ColumnMapping | None = None
) -> tuple[list[Path], list[Path]]:
    """The files a load of ``paths`` will read, in load order, and the files it will ignore.

    The same choice :func:`loaders.pipeline.run` makes: files recognised by name (or all, with
    ``source``), and with a mapping only those of the mapping's source.

    Raises
    ------
    InputError
        As :func:`loaders.sources.discover`.
    """
    files, ignored = discover(list(paths), source)
    if mapping is not None:
        files = [(p, s) for p, s in files if source is not None or s.name == mapping.source]
    return [p for p, _ in files], ignored


class LoadProgress:
    """Turns the loader's ``progress(file_name, rows)`` calls into a fraction and a line.

    Parameters
    ----------
    files : sequence of pathlib.Path
        The files the load will read (:func:`plan_load`).

    Examples
    --------
    >>> bar = LoadProgress([Path("detections.csv"), Path("calls.csv")])
    >>> bar.advance("detections.csv", 0)
    (0.0, 'detections.csv (file 1 of 2): 0 rows')
    >>> bar.advance("calls.csv", 1200)
    (0.5, 'calls.csv (file 2 of 2): 1,200 rows')
    """

    def __init__(self, files: Sequence[Path]) -> None:
        self.names = [p.name for p in files]
        self.rows: dict[str, int] = {}

    def advance(self, name: str, rows: int) -> tuple[float, str]:
        """Count ``rows`` more of file ``name``; return the fraction of files begun and a line."""
        self.rows[name] = self.rows.get(name, 0) + rows
        total = max(len(self.names), 1)
        index = self.names.index(name) if name in self.names else len(self.rows) - 1
        line = f"{name} (file {index + 1} of {total}): {self.rows[name]:,} rows"
        return min(index / total, 1.0), line
