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
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ocgmap.errors import InputError

__all__ = ["Record", "file_digest", "read_records"]

csv.field_size_limit(10_000_000)
_CHUNK = 1 << 20


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


def _xlsx(path: Path) -> Iterator[Record]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"{path.name} is not a readable XLSX workbook ({exc}).") from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        try:
            header = [_key(h) for h in next(rows)]
        except StopIteration:
            raise InputError(f"{path.name} has an empty first sheet.") from None
        yield from _table_rows(path, header, rows)
    except (zipfile.BadZipFile, KeyError, EOFError) as exc:
        raise InputError(f"{path.name} is truncated or damaged ({exc}).") from None
    finally:
        book.close()


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
