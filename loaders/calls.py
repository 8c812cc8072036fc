"""Communications data (formats.md §5): one row per call or SMS between two numbers.

Calls are aggregated in the graph: one ``CALLED`` relationship per ordered pair of numbers.
Each call adds its provenance token to ``sources`` (so the number of calls is the number of
sources) and widens first and last seen (the first and last call). Duration and kind are
validated but not stored: ``CALLED`` declares no property a merge could accumulate them in.
"""

from __future__ import annotations

from collections.abc import Iterator

from loaders import entities
from loaders.base import GraphRow, RowContext, Source, SourceRow
from loaders.types import Code, Count, Phone, Text, Timestamp
from ocgmap.schema.labels import Label, RelType

__all__ = ["SOURCE", "CallRow", "to_graph"]

KINDS = ("CALL", "SMS")


class CallRow(SourceRow):
    """One call or SMS from a handset or provider record."""

    call_id: Text
    from_number: Phone
    to_number: Phone
    started_at: Timestamp
    duration_s: Count | None = None
    kind: Code(*KINDS) | None = None  # type: ignore[valid-type]


def to_graph(row: CallRow, ctx: RowContext) -> Iterator[GraphRow]:
    """The two phones and the call from one to the other.

    Parameters
    ----------
    row : CallRow
        The validated call.
    ctx : RowContext
        Provenance and raw values of the row.

    Yields
    ------
    NodeRow or EdgeRow
        The calling and called Phone (one node when a number calls itself) and, between two
        different numbers, a ``CALLED`` relationship with an empty key, seen at the call.

    Examples
    --------
    >>> from ocgmap.resolve import HaulierIndex
    >>> from ocgmap.schema.models import SourceRef
    >>> ctx = RowContext(SourceRef(load_id="L1", file="calls.csv", row=2), {}, HaulierIndex())
    >>> row = CallRow(call_id="C1", from_number="07700 900123", to_number="07700 900124",
    ...               started_at="2025-03-01T02:14:00")
    >>> [r.key for r in to_graph(row, ctx)]
    ['+447700900123', '+447700900124', '']
    """
    at = row.started_at
    raw_from, raw_to = ctx.raw_text("from_number"), ctx.raw_text("to_number")
    if row.to_number == row.from_number:
        # One node for both ends, keeping both spellings; a self-call links nothing.
        spellings = [r for r in dict.fromkeys((raw_from, raw_to)) if r]
        yield ctx.node(Label.PHONE, row.from_number, seen_at=at, raw_number=spellings)
        return
    caller = entities.phone(ctx, row.from_number, raw_from, at)
    yield caller
    called = entities.phone(ctx, row.to_number, raw_to, at)
    yield called
    yield ctx.edge(RelType.CALLED, caller, called, seen_at=at)


SOURCE = Source(
    name="calls",
    model=CallRow,
    to_graph=to_graph,
    patterns=("calls*.csv", "calls*.xlsx", "calls*.jsonl", "cdr*.csv"),
    order=90,
)
