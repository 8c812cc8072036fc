"""Preparing a load from the dashboard: uploaded files, a folder on the server, progress.

Uploaded files arrive in memory. :func:`save_uploads` checks them (type by name and by
content, size) and writes them into a new folder ``OCGMAP_HOME/uploads/<UTC time>/`` under
names it generates: the original name made safe, then a number (``calls 2025.csv`` becomes
``calls_2025-01.csv``), so sources are still recognised by name. The original names are
recorded in ``meta/upload.json`` beside them. A load of uploads is then an ordinary load of a
folder by :func:`loaders.pipeline.run`, and what was loaded stays on disk next to its report
and quarantine.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from loaders.mapping import MAPPING_MAX_BYTES, ColumnMapping
from loaders.read import check_xlsx
from loaders.sources import discover
from ocgmap.config import Settings
from ocgmap.errors import InputError

__all__ = [
    "MAPPING_MAX_BYTES",
    "MAPPING_TYPES",
    "UPLOAD_TYPES",
    "LoadProgress",
    "Upload",
    "check_upload",
    "plan_load",
    "safe_name",
    "save_uploads",
    "server_folder",
    "stored_name",
]

#: File types a source file may have (what :func:`loaders.read.read_records` reads).
UPLOAD_TYPES = ("csv", "xlsx", "jsonl", "ndjson", "json")
#: File types of a column mapping (formats.md §10).
MAPPING_TYPES = ("yaml", "yml")
_KEEP = frozenset("._-+()@ ")
_MB = 1 << 20
_STEM_MAX = 60
_NOT_STEM = re.compile(r"[^A-Za-z0-9-]+")
#: How files that are not text begin: a zip (an XLSX) and an OLE file (an old .xls).
_BINARY_MAGIC = (b"PK\x03\x04", bytes.fromhex("d0cf11e0a1b11ae1"))


class Upload(BaseModel):
    """Where one set of uploaded files was saved, and the names they were uploaded under."""

    folder: Path
    files: list[Path]
    mapping: Path | None = None
    #: The name each saved file (by its saved name) was uploaded under.
    originals: dict[str, str] = Field(default_factory=dict)


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


def stored_name(name: str, number: int) -> str:
    r"""The name an uploaded file is saved under: its safe name in ASCII, then ``-<number>``.

    The name keeps what a source is recognised by (it starts as the uploaded name does) and
    holds only ASCII letters, digits, ``_`` and ``-`` before its lower-case extension.

    Raises
    ------
    InputError
        Nothing usable is left of the name (:func:`safe_name`).

    Examples
    --------
    >>> stored_name("../exports/Détections 2025.CSV", 1)
    'Detections_2025-01.csv'
    >>> stored_name("\u202egnp.csv", 12)
    'gnp-12.csv'
    """
    safe = Path(safe_name(name))
    ascii_stem = unicodedata.normalize("NFKD", safe.stem).encode("ascii", "ignore").decode()
    stem = _NOT_STEM.sub("_", ascii_stem).strip("_-")[:_STEM_MAX].strip("_-") or "upload"
    return f"{stem}-{number:02d}{safe.suffix.lower()}"


def _check_type(name: str, types: Sequence[str], what: str) -> None:
    if Path(name).suffix.lower().lstrip(".") not in types:
        kinds = ", ".join(f".{t}" for t in types)
        raise InputError(f"{name}: a {what} must be one of {kinds}.")


def _check_text(name: str, data: bytes) -> None:
    """Refuse content that is not UTF-8 text: binary, NUL bytes, or another encoding."""
    if data.startswith(_BINARY_MAGIC):
        raise InputError(
            f"{name} is a spreadsheet or zip file, not text: save it as CSV (UTF-8), "
            "or upload the workbook as .xlsx."
        )
    if b"\x00" in data:
        raise InputError(f"{name} holds NUL bytes, so it is not a text file: save it as CSV.")
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), _MB):
            decoder.decode(view[start : start + _MB])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not UTF-8 text (bad byte near offset {start + exc.start}): save it as "
            "UTF-8 and upload it again."
        ) from None


def check_upload(name: str, data: bytes, max_bytes: int) -> None:
    r"""Check one uploaded source file: its type by name and by content, and its size.

    Parameters
    ----------
    name : str
        The (safe) name it was uploaded under, for messages and its type.
    data : bytes
        Its content.
    max_bytes : int
        Largest size allowed.

    Raises
    ------
    InputError
        The type is not one ocgmap reads, the content does not match it (an ``.xlsx`` must
        be an OOXML workbook, :func:`loaders.read.check_xlsx`; other types UTF-8 text), or
        the file is too large. The message names the file.

    Examples
    --------
    >>> check_upload("calls.csv", b"call_id\nC1\n", 1000)
    >>> check_upload("calls.xlsx", b"call_id\nC1\n", 1000)
    Traceback (most recent call last):
    ...
    ocgmap.errors.InputError: calls.xlsx is not a readable XLSX workbook (not a zip file).
    """
    _check_type(name, UPLOAD_TYPES, "source file")
    if len(data) > max_bytes:
        raise InputError(
            f"{name} is {len(data) / _MB:,.1f} MB: an uploaded file may be at most "
            f"{max_bytes / _MB:,.0f} MB (OCGMAP_UPLOAD_MAX_MB). Split it, or load it from a "
            "folder on the server."
        )
    if Path(name).suffix.lower() == ".xlsx":
        check_xlsx(io.BytesIO(data), name)
    else:
        _check_text(name, data)


def _check_mapping(name: str, data: bytes) -> None:
    _check_type(name, MAPPING_TYPES, "mapping file")
    if len(data) > MAPPING_MAX_BYTES:
        raise InputError(f"{name}: a mapping file may be at most 1 MB; it is {len(data):,} bytes.")
    _check_text(name, data)


def _check_total(named: Sequence[tuple[str, bytes]], max_bytes: int) -> None:
    total = sum(len(data) for _, data in named)
    if total > max_bytes:
        raise InputError(
            f"The {len(named)} uploaded files hold {total / _MB:,.1f} MB: at most "
            f"{max_bytes / _MB:,.0f} MB may be uploaded at once (OCGMAP_UPLOAD_TOTAL_MB). "
            "Upload them in smaller groups."
        )


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


def _limits(max_file_mb: int | None, max_total_mb: int | None) -> tuple[int, int]:
    if max_file_mb is None or max_total_mb is None:
        settings = Settings()
        max_file_mb = max_file_mb or settings.ocgmap_upload_max_mb
        max_total_mb = max_total_mb or settings.ocgmap_upload_total_mb
    return max_file_mb * _MB, max_total_mb * _MB


def save_uploads(
    files: Iterable[tuple[str, bytes]],
    home: Path,
    *,
    mapping: tuple[str, bytes] | None = None,
    now: dt.datetime | None = None,
    max_file_mb: int | None = None,
    max_total_mb: int | None = None,
) -> Upload:
    r"""Check uploaded files and save them into a new folder ``OCGMAP_HOME/uploads/<UTC time>/``.

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
    max_file_mb, max_total_mb : int, optional
        Largest file, and largest sum of the files, in MB (default ``OCGMAP_UPLOAD_MAX_MB``
        and ``OCGMAP_UPLOAD_TOTAL_MB``).

    Returns
    -------
    Upload
        The folder to load, the saved files, the saved mapping and the original names.

    Raises
    ------
    InputError
        A name is unusable, of a type ocgmap does not read, or used twice; a file's content
        is not of its type (:func:`check_upload`); a file or the upload is too large; or the
        folder cannot be written. Nothing is saved then.

    Notes
    -----
    Files are saved under :func:`stored_name` names, each checked to resolve inside
    ``OCGMAP_HOME/uploads``, and created afresh (an existing file or link is never
    followed or replaced). ``meta/upload.json`` in the folder lists each file's original
    name, saved name, size and SHA-256.

    Examples
    --------
    >>> import tempfile
    >>> up = save_uploads([("a/calls.csv", b"call_id\nC1\n")], Path(tempfile.mkdtemp()))
    >>> [p.name for p in up.files], up.originals, up.folder.parent.name
    (['calls-01.csv'], {'calls-01.csv': 'a/calls.csv'}, 'uploads')
    """
    file_limit, total_limit = _limits(max_file_mb, max_total_mb)
    given = list(files)
    named = [(safe_name(name), data) for name, data in given]
    seen: set[str] = set()
    for name, _ in named:
        _check_type(name, UPLOAD_TYPES, "source file")
        if name.lower() in seen:
            raise InputError(f"Two uploaded files are both named {name}: rename one of them.")
        seen.add(name.lower())
    if mapping:
        _check_type(safe_name(mapping[0]), MAPPING_TYPES, "mapping file")
    _check_total(named, total_limit)
    for name, data in named:
        check_upload(name, data, file_limit)
    if mapping:
        _check_mapping(safe_name(mapping[0]), mapping[1])
    stored = [(stored_name(n, i), d) for i, (n, d) in enumerate(given, start=1)]
    return _save(home, now or dt.datetime.now(dt.UTC), given, stored, mapping)


def _save(
    home: Path,
    now: dt.datetime,
    given: list[tuple[str, bytes]],
    stored: list[tuple[str, bytes]],
    mapping: tuple[str, bytes] | None,
) -> Upload:
    """Write checked files into a new upload folder with their manifest (all or nothing)."""
    root = home / "uploads"
    try:
        folder = _new_folder(home, now)
    except OSError as exc:
        raise _unwritable(home, exc) from None
    try:
        saved = [_write(root, folder / name, data) for name, data in stored]
        mapping_path = None
        if mapping:
            mapping_name = stored_name(mapping[0], 1)
            mapping_path = _write(root, folder / "mapping" / mapping_name, mapping[1])
        manifest = _manifest(now, given, saved, mapping, mapping_path)
        _write(root, folder / "meta" / "upload.json", manifest)
    except (OSError, InputError) as exc:
        if _below(folder, root):
            shutil.rmtree(folder, ignore_errors=True)
        if isinstance(exc, InputError):
            raise
        raise _unwritable(home, exc) from None
    originals = {path.name: name for path, (name, _) in zip(saved, given, strict=True)}
    return Upload(folder=folder, files=saved, mapping=mapping_path, originals=originals)


def _unwritable(home: Path, exc: OSError) -> InputError:
    return InputError(
        f"Cannot save the uploaded files under {home / 'uploads'}: {exc.strerror}. "
        "Check that OCGMAP_HOME is writable."
    )


def _below(path: Path, root: Path) -> bool:
    """Whether ``path``, links resolved, is below ``root`` (not ``root`` itself)."""
    resolved, base = path.resolve(), root.resolve()
    return resolved != base and resolved.is_relative_to(base)


def _manifest(
    now: dt.datetime,
    given: list[tuple[str, bytes]],
    saved: list[Path],
    mapping: tuple[str, bytes] | None,
    mapping_path: Path | None,
) -> bytes:
    def entry(name: str, data: bytes, path: Path) -> dict[str, object]:
        digest = hashlib.sha256(data).hexdigest()
        return {"name": name, "saved_as": path.name, "bytes": len(data), "sha256": digest}

    record = {
        "saved_at": now.astimezone(dt.UTC).isoformat(),
        "files": [entry(n, d, p) for (n, d), p in zip(given, saved, strict=True)],
        "mapping": entry(*mapping, mapping_path) if mapping and mapping_path else None,
    }
    return json.dumps(record, indent=2, ensure_ascii=True).encode("ascii")


def _write(root: Path, path: Path, data: bytes) -> Path:
    """Create ``path`` (never an existing file or link) after checking it is under ``root``."""
    if not _below(path, root):
        raise InputError(f"Refused to save {path.name!r} outside {root}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as fh:
        fh.write(data)
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
