"""Read source files record by record, in bounded memory: CSV, XLSX (first sheet), JSONL.

Table records come as dicts keyed by header names stripped of surrounding spaces and
lower-cased (formats.md: header names are case-insensitive). Row numbers are what a person
sees: in a CSV or XLSX the header is row 1 and the first data row is row 2; in JSON lines the
first line is row 1. A file that cannot be read at all raises :class:`InputError` with one
line saying why; a single malformed record is returned with ``error`` set, for quarantine.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal
from xml.etree.ElementTree import ParseError

from ocgmap.config import Settings
from ocgmap.errors import InputError

__all__ = ["XLSX_MAX_RATIO", "Record", "check_xlsx", "file_digest", "read_records"]

csv.field_size_limit(10_000_000)
_CHUNK = 1 << 20
#: Half of a UTF-16 surrogate pair: what an unpaired ``\\ud800`` escape in JSON becomes.
_SURROGATE = re.compile("[\ud800-\udfff]")
_MB = 1 << 20

#: Highest compression ratio allowed for a workbook part of over 1 MB once unzipped. Real
#: sheets compress 5 to 30 times; zip bombs near deflate's limit of about 1000.
XLSX_MAX_RATIO = 200
#: Parts every OOXML workbook has.
_OOXML_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
#: Where a workbook keeps its links to other workbooks.
_EXTERNAL_LINKS = "xl/externalLinks/"
#: The signature of an OLE file: an old .xls, or an .xlsx saved with a password.
_OLE = bytes.fromhex("d0cf11e0a1b11ae1")
#: What openpyxl or zipfile raise on a damaged or hostile workbook (defusedxml's refusals
#: are ValueErrors).
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    KeyError,
    IndexError,
    EOFError,
    OSError,
    ValueError,
    TypeError,
    AttributeError,
)


@dataclass
class Record:
    """One input record: its row number, values, and a reason if it could not be parsed."""

    row: int
    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def file_digest(path: Path, text: bool) -> str:
    """SHA-256 of a file's bytes (12 hex digits); for text files also check it is UTF-8.

    Raises
    ------
    InputError
        The file cannot be opened, or a text file is not UTF-8.
    """
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
                if text:
                    decoder.decode(chunk)
                offset += len(chunk)
            if text:
                decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path.name} is not UTF-8 (bad byte near offset {offset + exc.start}): "
            "save it as UTF-8 and load it again."
        ) from None
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror}.") from None
    return digest.hexdigest()[:12]


def _key(name: Any) -> str:
    return str(name).strip().lower() if name is not None else ""


def _csv(path: Path) -> Iterator[Record]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, strict=True)
        try:
            header = [_key(h) for h in next(reader)]
        except StopIteration:
            raise InputError(f"{path.name} is empty: a header row is needed.") from None
        except csv.Error as exc:
            raise InputError(f"{path.name} is not a CSV table: {exc}.") from None
        yield from _table_rows(path, header, reader)


def _table_rows(path: Path, header: list[str], rows: Iterator[Any]) -> Iterator[Record]:
    number = 1
    while True:
        number += 1
        try:
            cells = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Record(number, error=f"cannot be parsed as CSV: {exc}")
            continue
        cells = list(cells)
        if not any(c not in (None, "") for c in cells):
            continue
        if len(cells) > len(header) and any(c not in (None, "") for c in cells[len(header) :]):
            yield Record(
                number,
                dict(zip(header, cells, strict=False)),
                error=f"has {len(cells)} cells but the header has {len(header)}",
            )
            continue
        yield Record(number, {h: c for h, c in zip(header, cells, strict=False) if h})


def _unsafe_part(name: str) -> bool:
    """Whether a zip member's name could reach outside the folder it is unzipped into."""
    if "\\" in name or name.startswith("/") or ":" in name.split("/", 1)[0]:
        return True
    return ".." in PurePosixPath(name).parts


def _check_parts(name: str, parts: list[zipfile.ZipInfo], max_bytes: int) -> None:
    names = {p.filename for p in parts}
    missing = [p for p in _OOXML_PARTS if p not in names]
    if missing:
        raise InputError(
            f"{name} is not an XLSX workbook (it has no {missing[0]}): save it from Excel "
            "as an Excel Workbook (.xlsx)."
        )
    for part in parts:
        if _unsafe_part(part.filename):
            raise InputError(f"{name} holds a part with an unsafe name {part.filename!r}.")
        if part.filename.startswith(_EXTERNAL_LINKS):
            raise InputError(
                f"{name} links to other workbooks ({part.filename}): break the links "
                "(Excel: Data > Edit Links > Break Link), save it and load it again."
            )
        if part.file_size > _MB and part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1):
            raise InputError(
                f"{name} is refused as a possible zip bomb: its part {part.filename} unzips "
                f"to {part.file_size // max(part.compress_size, 1):,} times its size."
            )
    total = sum(p.file_size for p in parts)
    if total > max_bytes:
        raise InputError(
            f"{name} unzips to {total / _MB:,.0f} MB, more than the {max_bytes / _MB:,.0f} MB "
            "allowed (OCGMAP_XLSX_MAX_MB): split it, or save it as CSV."
        )


def check_xlsx(source: Path | IO[bytes], name: str, max_bytes: int | None = None) -> None:
    """Check a workbook before it is parsed: OOXML parts, no external links, no zip bomb.

    Reads only the zip's directory (the sizes it declares; :mod:`zipfile` never returns
    more than a member declares, so the check holds while the parts are read).

    Parameters
    ----------
    source : pathlib.Path or binary file
        The workbook.
    name : str
        The file's name, for messages.
    max_bytes : int, optional
        Largest total unzipped size (default ``OCGMAP_XLSX_MAX_MB``).

    Raises
    ------
    InputError
        The file is not an XLSX zip, a part has an unsafe name, the workbook links to other
        workbooks, a part is compressed suspiciously well, or it unzips too large.

    Examples
    --------
    >>> import io
    >>> check_xlsx(io.BytesIO(b"name,vrm"), "detections.xlsx")
    Traceback (most recent call last):
    ...
    ocgmap.errors.InputError: detections.xlsx is not a readable XLSX workbook (not a zip file).
    """
    limit = max_bytes if max_bytes is not None else Settings().ocgmap_xlsx_max_mb * _MB
    try:
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InputError(f"{name} is not a readable XLSX workbook ({_not_zip(source)}).") from None
    _check_parts(name, parts, limit)


def _not_zip(source: Path | IO[bytes]) -> str:
    """Why a file that should be an XLSX zip is not one, as a person would put it."""
    try:
        if isinstance(source, Path):
            with source.open("rb") as fh:
                head = fh.read(len(_OLE))
        else:
            source.seek(0)
            head = source.read(len(_OLE))
    except OSError:
        return "cannot be read"
    if head == _OLE:
        return "an old .xls, or protected by a password: save it as .xlsx without one"
    return "not a zip file"


def _xlsx(path: Path) -> Iterator[Record]:
    """The first sheet's rows: cached cell values, as openpyxl never evaluates formulas."""
    from openpyxl import load_workbook

    check_xlsx(path, path.name)
    try:
        book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except _DAMAGED as exc:
        raise InputError(f"{path.name} is not a readable XLSX workbook ({_why(exc)}).") from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        try:
            header = [_key(h) for h in next(rows)]
        except StopIteration:
            raise InputError(f"{path.name} has an empty first sheet.") from None
        yield from _table_rows(path, header, rows)
    except _DAMAGED as exc:
        raise InputError(f"{path.name} is truncated or damaged ({_why(exc)}).") from None
    finally:
        book.close()


def _why(exc: BaseException) -> str:
    """Why openpyxl failed, on one line; defusedxml's refusals (maybe wrapped) say so."""
    cause: BaseException | None = exc
    for _ in range(10):  # a chain of causes is short; never follow a loop
        if cause is None:
            break
        if type(cause).__module__.startswith("defusedxml"):
            return f"its XML declares entities or a DTD, which ocgmap refuses to read: {cause}"
        cause = cause.__cause__ or cause.__context__
    return " ".join(str(exc).split()) or type(exc).__name__


def _lone_surrogate(value: Any, path: str = "") -> str | None:
    r"""Where a parsed JSON value holds half of a UTF-16 surrogate pair, or ``None``.

    ``json.loads`` turns an unpaired ``\ud800``-``\udfff`` escape into a code point that
    is not text: it cannot be written as UTF-8, so no store could keep it.

    >>> _lone_surrogate({"a": {"b": ["x", "\ud800"]}})
    'a.b[1]'
    >>> _lone_surrogate({"\udc00": 1})
    'a field name'
    >>> _lone_surrogate({"a": "\U0001f600"}) is None
    True
    """
    if isinstance(value, str):
        return (path or "the value") if _SURROGATE.search(value) else None
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _lone_surrogate(item, f"{path}[{i}]")
            if found is not None:
                return found
    elif isinstance(value, dict):
        for key, item in value.items():
            if _SURROGATE.search(str(key)):
                return "a field name"
            found = _lone_surrogate(item, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
    return None


def _jsonl(path: Path, kind: Literal["table", "records"]) -> Iterator[Record]:
    with path.open(encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Record(number, {"line": line[:2000]}, error=f"is not valid JSON: {exc.msg}")
                continue
            if not isinstance(value, dict):
                yield Record(number, {"line": line[:2000]}, error="is not a JSON object")
                continue
            where = _lone_surrogate(value) if "\\u" in line else None
            if where is not None:
                yield Record(
                    number,
                    {"line": line[:2000]},
                    error=f"has a \\u escape in {where} that is half of a UTF-16 pair, not text",
                )
                continue
            yield Record(
                number, value if kind == "records" else {_key(k): v for k, v in value.items()}
            )


def read_records(path: Path, kind: Literal["table", "records"] = "table") -> Iterator[Record]:
    r"""Yield the records of a CSV, XLSX or JSONL file one at a time.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "calls.csv"
    >>> _ = path.write_text("\ufeffCall_ID , From_Number\nC1,07700 900123\n")
    >>> [(r.row, r.values) for r in read_records(path)]
    [(2, {'call_id': 'C1', 'from_number': '07700 900123'})]
    """
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _xlsx(path)
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return _jsonl(path, kind)
    if suffix in {".csv", ".txt", ".tsv"} or kind == "table":
        return _csv(path)
    raise InputError(f"{path.name}: ocgmap reads .csv, .xlsx and .jsonl files.")
