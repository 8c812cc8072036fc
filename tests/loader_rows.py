"""Helpers shared by the loader unit tests: rows as the reader hands them, graph rows."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from loaders.base import GraphRow, RowContext
from ocgmap.resolve import HaulierIndex
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, NodeRow, SourceRef

Rows = list[tuple[int, dict[str, str]]]
M = TypeVar("M", bound=BaseModel)


def read_rows(path: Path) -> Rows:
    """Data rows numbered as a spreadsheet shows them, keys stripped and lower-cased."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [
            (n, {k.strip().lower(): v for k, v in record.items()})
            for n, record in enumerate(csv.DictReader(fh), start=2)
        ]


def failing_fields(exc: ValidationError) -> set[str]:
    return {str(error["loc"][0]) for error in exc.errors() if error["loc"]}


def validate(model: type[M], rows: Rows) -> tuple[dict[int, M], dict[int, ValidationError]]:
    good: dict[int, M] = {}
    bad: dict[int, ValidationError] = {}
    for n, raw in rows:
        try:
            good[n] = model.model_validate(raw)
        except ValidationError as exc:
            bad[n] = exc
    return good, bad


def build(
    to_graph: Callable[[Any, RowContext], Iterable[GraphRow]],
    file: str,
    row: Any,
    raw: dict[str, Any],
    n: int = 2,
) -> list[GraphRow]:
    ctx = RowContext(SourceRef(load_id="T1", file=file, row=n), raw, HaulierIndex())
    return list(to_graph(row, ctx))


def one(out: list[GraphRow], label: Label) -> NodeRow:
    (node,) = [r for r in out if isinstance(r, NodeRow) and r.label == label]
    return node


def edges(out: list[GraphRow], type: RelType) -> list[EdgeRow]:
    return [r for r in out if isinstance(r, EdgeRow) and r.type == type]
