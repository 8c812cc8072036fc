"""Streaming writers for synthetic source files that count rows and record planted faults."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from ocgmap.synth.truth import BadRow, FileTruth

__all__ = ["CsvSink", "JsonlSink"]


class CsvSink:
    """Write one CSV file row by row (never the whole file in memory).

    Parameters
    ----------
    path : pathlib.Path
        The file to write.
    header : sequence of str
        Column names, written as given (a caller may upper-case them or pad them with
        spaces, as real exports do).
    bom : bool
        Start the file with a UTF-8 byte order mark.
    quote_all : bool
        Quote every value (Companies House style) instead of only where needed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> with CsvSink(path, ["a", "b"]) as sink:
    ...     sink.write({"a": 1, "b": "x,y"})
    ...     sink.write({"a": "", "b": "z"}, bad=("a", "missing required value"))
    >>> sink.truth.rows, sink.truth.bad_rows[0].row
    (2, 3)
    >>> path.read_text().splitlines()[1]
    '1,"x,y"'
    """

    def __init__(
        self, path: Path, header: Sequence[str], bom: bool = False, quote_all: bool = False
    ) -> None:
        self.path = path
        self.header = list(header)
        self.truth = FileTruth()
        self._fh = path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="")
        self._writer = csv.writer(
            self._fh,
            quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
            lineterminator="\r\n",
        )
        self._writer.writerow(self.header)

    def write(self, row: Mapping[str, Any], bad: tuple[str, str] | None = None) -> None:
        """Write one row (keys are header names; missing keys are empty cells).

        ``bad`` marks the row as a planted fault: the field it breaks and why.
        """
        self._writer.writerow(["" if row.get(h) is None else row.get(h) for h in self.header])
        self.truth.rows += 1
        if bad is not None:
            self.truth.bad_rows.append(BadRow(row=self.truth.rows + 1, field=bad[0], reason=bad[1]))
            self.truth.quarantine += 1

    def close(self) -> None:
        """Flush and close the file."""
        self._fh.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class JsonlSink:
    """Write one JSON-lines file object by object; ``row`` numbers are line numbers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.truth = FileTruth()
        self._fh = path.open("w", encoding="utf-8", newline="\n")

    def write(self, obj: Mapping[str, Any], bad: tuple[str, str] | None = None) -> None:
        """Write one object on its own line; ``bad`` marks a planted fault."""
        self._fh.write(json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n")
        self.truth.rows += 1
        if bad is not None:
            self.truth.bad_rows.append(BadRow(row=self.truth.rows, field=bad[0], reason=bad[1]))
            self.truth.quarantine += 1

    def write_trailer(self, obj: Mapping[str, Any]) -> None:
        """Write a closing line that is not a data row (the PSC snapshot's totals line)."""
        self._fh.write(json.dumps(obj, separators=(",", ":")) + "\n")

    def close(self) -> None:
        """Flush and close the file."""
        self._fh.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
