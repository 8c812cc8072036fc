"""Where rows that break their contract go, with the reason, so that nothing is lost."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

__all__ = ["JsonLines", "Quarantine"]


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, default=str)


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
        self.path = path.with_name(path.name + ".csv") if path.suffix.lower() == ".xlsx" else path
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
            self._writer.writerow(["row", "fields", "reason", *self._columns])

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
