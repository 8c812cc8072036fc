"""What a source module declares, and what it gets to build graph rows from one input row.

A source module (``loaders/<source>.py``) declares a :class:`SourceRow` model and a
``to_graph(row, ctx)`` function and registers both as a :class:`Source`; it does no I/O, has
no Cypher and no try/except. The pipeline (``loaders/pipeline.py``) does everything else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from ocgmap.resolve import HaulierIndex
from ocgmap.schema import load_schema
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, Grading, NodeRef, NodeRow, SourceRef

__all__ = ["GraphRow", "RowContext", "Source", "SourceRow"]

GraphRow = NodeRow | EdgeRow

#: Labels whose nodes are reference hubs (every crossing passes a port): their provenance
#: names the file, not each of millions of rows; the events linked to them keep row provenance.
FILE_PROVENANCE: frozenset[Label | RelType] = frozenset(
    {Label.PORT, Label.ROUTE, Label.LOCATION, RelType.FROM, RelType.TO}
)


class SourceRow(BaseModel):
    """Base of every row model: empty cells are missing values, extra columns are kept."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_empty(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        out = {}
        for key, value in data.items():
            if isinstance(value, str):
                value = value.strip()
                if not value:
                    continue
            if value is not None:
                out[key] = value
        return out

    def extras(self) -> dict[str, Any]:
        """Columns the source does not define, kept as they came."""
        return dict(self.model_extra or {})


@dataclass
class RowContext:
    """Everything ``to_graph`` may use: provenance, the raw values and the haulier index."""

    ref: SourceRef
    raw: Mapping[str, Any]
    hauliers: HaulierIndex
    #: Rows built once per file and reused (reference hubs such as routes and ports).
    memo: dict[Any, Any] = field(default_factory=dict)
    _row_sources: tuple[str] | None = field(default=None, init=False, repr=False, compare=False)

    def raw_text(self, column: str) -> str | None:
        """The raw value of a column as text (XLSX and JSON may hold numbers), or None."""
        value = self.raw.get(column)
        if value is None:
            return None
        text = value.strip() if isinstance(value, str) else str(value)
        return text or None

    @property
    def token(self) -> str:
        """The provenance token of this row."""
        return self.ref.token

    def _sources(self, owner: Label | RelType) -> tuple[str]:
        """The provenance of a row of ``owner``: the file for reference hubs, else this row."""
        if owner in FILE_PROVENANCE:
            return (f"{self.ref.load_id}:{self.ref.file}",)
        mine = self._row_sources
        if mine is None:  # a row builds several graph rows: make its token once
            mine = self._row_sources = (self.token,)
        return mine

    def node(
        self,
        label: Label,
        key: str,
        *,
        seen_at: dt.datetime | None = None,
        grading: Grading | None = None,
        **props: Any,
    ) -> NodeRow:
        """A node row from this input row (``None`` properties are left out)."""
        clean = {k: v for k, v in props.items() if v is not None and v != []}
        return NodeRow.build(label, key, clean, self._sources(label), seen_at, grading)

    def edge(
        self,
        type: RelType,
        start: NodeRow | NodeRef,
        end: NodeRow | NodeRef,
        *,
        key: str = "",
        seen_at: dt.datetime | None = None,
        grading: Grading | None = None,
        **props: Any,
    ) -> EdgeRow:
        """A relationship row from this input row between two nodes it also emits."""
        a = self._ref(start) if isinstance(start, NodeRow) else start
        b = self._ref(end) if isinstance(end, NodeRow) else end
        clean = {k: v for k, v in props.items() if v is not None and v != []}
        return EdgeRow.build(type, a, b, key, clean, self._sources(type), seen_at, grading)

    def _ref(self, row: NodeRow) -> NodeRef:
        """``row.ref``, one object per node and file (a batch names the same nodes often)."""
        memo_key = ("ref", row.label, row.key)
        ref: NodeRef | None = self.memo.get(memo_key)
        if ref is None:
            ref = self.memo[memo_key] = row.ref
        return ref


@dataclass(frozen=True)
class Source:
    """A formats.md source: its row model, how a row becomes graph rows, and its files.

    Parameters
    ----------
    name : str
        The source name (``--source``), e.g. ``"detections"``.
    model : type[SourceRow]
        Validates and normalises one input row.
    to_graph : callable
        ``to_graph(row, ctx) -> Iterable[NodeRow | EdgeRow]``.
    patterns : tuple of str
        File name patterns (fnmatch, lower case) recognised in a folder.
    order : int
        Load order in a folder: registers first, so events resolve to them.
    skip : callable, optional
        Returns a reason when a raw record is not a data row (the PSC totals line).
    """

    name: str
    model: type[SourceRow]
    to_graph: Callable[[Any, RowContext], Iterable[GraphRow]]
    patterns: tuple[str, ...]
    order: int
    kind: Literal["table", "records"] = "table"
    skip: Callable[[Mapping[str, Any]], str | None] | None = None

    def __post_init__(self) -> None:
        load_schema()  # fail early if the model cannot load
