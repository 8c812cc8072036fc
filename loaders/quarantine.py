"""Where rows that break their contract go, with the reason, so that nothing is lost."""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, Field

from ocgmap.errors import InputError

__all__ = ["JsonLines", "Quarantine", "QuarantinedRow", "quarantine_path", "read_quarantine"]

#: The columns a CSV quarantine file starts with, before the row's original values.
_HEAD = ("row", "fields", "reason")


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, default=str)


def quarantine_path(path: Path) -> Path:
    """Where the quarantine of an input file named like ``path`` is written.

    An XLSX input's quarantine is CSV, named ``<file>.csv``; other inputs keep their name.

    Examples
    --------
    >>> quarantine_path(Path("q") / "detections.xlsx").name
    'detections.xlsx.csv'
    >>> quarantine_path(Path("q") / "psc.jsonl").name
    'psc.jsonl'
    """
    return path.with_name(path.name + ".csv") if path.suffix.lower() == ".xlsx" else path


class Quarantine:
    """Invalid rows of one file, written (lazily) as CSV or JSON lines with their reasons.

    A CSV, XLSX or JSONL input gets a file of the same name under the load's quarantine
    folder (an XLSX's quarantine is CSV, named ``<file>.csv``). Each entry has the row number,
    the failing field(s), the reason and every original value.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> q = Quarantine(pathlib.Path(tempfile.mkdtemp()) / "calls.csv")
    >>> q.add(7, ["duration_s"], "duration_s: must be >= 0", {"call_id": "C7", "duration_s": "-1"})
    >>> q.close()
    >>> q.path.read_text().splitlines()[1]
    '7,duration_s,duration_s: must be >= 0,C7,-1'
    """

    def __init__(self, path: Path) -> None:
        self.path = quarantine_path(path)
        self.count = 0
        self._fh: IO[str] | None = None
        self._writer: Any = None
        self._columns: list[str] = []

    def _open(self, values: Mapping[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = self.path.open("w", encoding="utf-8", newline="")
        if self.path.suffix.lower() != ".jsonl":
            self._columns = [str(k) for k in values]
            self._writer = csv.writer(self._fh)
            self._writer.writerow([*_HEAD, *self._columns])

    def add(self, row: int, fields: list[str], reason: str, values: Mapping[str, Any]) -> None:
        """Record one invalid row."""
        if self._fh is None:
            self._open(values)
        assert self._fh is not None
        self.count += 1
        if self._writer is None:
            entry = {"row": row, "fields": fields, "reason": reason, "values": dict(values)}
            self._fh.write(json.dumps(entry, default=str, ensure_ascii=False) + "\n")
            return
        extra = [k for k in values if k not in self._columns]
        cells = [_text(values.get(c)) for c in self._columns]
        cells += [f"{k}={_text(values[k])}" for k in extra]
        self._writer.writerow([row, ";".join(fields), reason, *cells])

    def close(self) -> None:
        """Close the file, if any row was quarantined."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None


class QuarantinedRow(BaseModel):
    """One quarantined row as read back: where it was, what failed, why, and what it held.

    Examples
    --------
    >>> row = QuarantinedRow(row=7, fields=["a", "b"], reason="why", values={"reason": "x"})
    >>> row.as_record()
    {'row': 7, 'fields': 'a; b', 'reason': 'why', 'original reason': 'x'}
    """

    row: int
    fields: list[str] = Field(default_factory=list)
    reason: str
    values: dict[str, Any] = Field(default_factory=dict)

    def as_record(self) -> dict[str, Any]:
        """One flat table row: row, fields and reason, then the original values as text.

        An original column named like one of the first three is shown as ``original <name>``.
        """
        out: dict[str, Any] = {"row": self.row, "fields": "; ".join(self.fields)}
        out["reason"] = self.reason
        for key, value in self.values.items():
            out[f"original {key}" if key in _HEAD else key] = _text(value)
        return out


def _csv_entries(fh: IO[str]) -> Iterator[QuarantinedRow]:
    reader = csv.reader(fh, strict=True)
    header = next(reader, None)
    if header is None:
        return
    columns = header[len(_HEAD) :]
    for cells in reader:
        values: dict[str, Any] = dict(zip(columns, cells[len(_HEAD) :], strict=False))
        for i, cell in enumerate(cells[len(header) :], start=1):
            key, sep, value = cell.partition("=")
            values[key if sep else f"extra {i}"] = value if sep else cell
        fields = [f for f in cells[1].split(";") if f] if len(cells) > 1 else []
        reason = cells[2] if len(cells) > 2 else ""
        yield QuarantinedRow(row=int(cells[0]), fields=fields, reason=reason, values=values)


def _json_entries(fh: IO[str]) -> Iterator[QuarantinedRow]:
    for line in fh:
        if line.strip():
            yield QuarantinedRow.model_validate_json(line)


def read_quarantine(path: Path, limit: int | None = None) -> list[QuarantinedRow]:
    """Read the rows of one quarantine file back, in the order they were quarantined.

    Parameters
    ----------
    path : pathlib.Path
        A quarantine file (CSV, or JSON lines for a JSONL input) as :class:`Quarantine` wrote it.
    limit : int, optional
        Read at most this many rows.

    Returns
    -------
    list of QuarantinedRow

    Raises
    ------
    InputError
        The file is missing or is not a quarantine file.

    Examples
    --------
    >>> import tempfile
    >>> q = Quarantine(Path(tempfile.mkdtemp()) / "calls.csv")
    >>> q.add(7, ["duration_s"], "must be >= 0", {"call_id": "C7", "duration_s": "-1"})
    >>> q.add(9, ["(row)"], "has 3 cells", {"call_id": "C9", "note": "x"})
    >>> q.close()
    >>> for entry in read_quarantine(q.path):
    ...     print(entry.row, entry.fields, entry.values)
    7 ['duration_s'] {'call_id': 'C7', 'duration_s': '-1'}
    9 ['(row)'] {'call_id': 'C9', 'duration_s': '', 'note': 'x'}
    """
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            entries = _json_entries(fh) if path.suffix.lower() == ".jsonl" else _csv_entries(fh)
            return list(itertools.islice(entries, limit))
    except OSError as exc:
        raise InputError(f"Cannot read the quarantine file {path}: {exc.strerror}.") from None
    except (csv.Error, ValueError, IndexError) as exc:
        raise InputError(f"{path} is not an ocgmap quarantine file: {exc}.") from None


class JsonLines:
    """An append-only JSON-lines file, created on first write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[str] | None = None

    def add(self, entry: Mapping[str, Any]) -> None:
        """Append one entry."""
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("a", encoding="utf-8")
        self._fh.write(json.dumps(entry, default=str, ensure_ascii=False) + "\n")

    def close(self) -> None:
        """Close the file if it was opened."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
