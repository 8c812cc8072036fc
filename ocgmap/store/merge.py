"""The merge rules both stores implement, as pure functions on property dicts.

The embedded store applies them directly; the Neo4j store expresses the same rules in
Cypher (``queries.py``). The store contract tests check that both agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, MutableMapping
from typing import Any

from ocgmap.schema import PropType
from ocgmap.schema.models import EdgeRow, NodeRow

__all__ = ["MANAGED", "RowMerger", "merge_row", "split_properties", "union"]

#: Attributes a store manages itself, never taken from row properties.
MANAGED = frozenset({"label", "key", "type", "sources", "first_seen", "last_seen"})


def split_properties(
    row: NodeRow | EdgeRow, types: dict[str, PropType]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Split a row's properties into scalars to overwrite and lists to accumulate.

    The grading of intelligence rows is added to the scalars.
    """
    scalars: dict[str, Any] = {}
    lists: dict[str, list[str]] = {}
    for name, value in row.properties.items():
        if types.get(name) is PropType.STRING_LIST:
            lists[name] = list(value)
        else:
            scalars[name] = value
    if row.grading is not None:
        scalars.update(row.grading.as_properties())
    return scalars, lists


def union(old: Iterable[str], new: Iterable[str]) -> list[str]:
    """``old`` followed by the values of ``new`` it lacks, in order, without duplicates."""
    out = list(old)
    seen = set(out)
    for value in new:
        if value not in seen:
            seen.add(value)
            out.append(value)
    return out


class RowMerger:
    """Merges rows into attribute dicts by the rules of :func:`merge_row`, batch by batch.

    One merger serves one batch of rows of one label or relationship type. A list it puts
    into an attribute dict (a copy of the stored list with the row's values added, as
    :func:`union` makes) it remembers with the set of its values, and later rows of the batch
    add to that list in place instead of copying it again: the result is the one row-by-row
    :func:`merge_row` gives, without its cost growing with the length of the list for every
    row. Lists the merger did not make (those stored before, or held by a caller) are never
    changed.

    Parameters
    ----------
    types : dict of str to PropType
        The declared properties of the label or relationship type.

    Examples
    --------
    >>> from ocgmap.schema.labels import Label
    >>> merger = RowMerger({"names": PropType.STRING_LIST})
    >>> attrs = {"names": ["A"], "sources": ["L1:a.csv#1"]}
    >>> for n in (2, 3):
    ...     merger.merge(attrs, NodeRow(label=Label.PERSON, key="A|?", sources=[f"L1:a.csv#{n}"],
    ...                                 properties={"names": ["B"]}))
    >>> attrs["names"], attrs["sources"]
    (['A', 'B'], ['L1:a.csv#1', 'L1:a.csv#2', 'L1:a.csv#3'])
    """

    def __init__(self, types: dict[str, PropType]) -> None:
        self.lists = frozenset(n for n, kind in types.items() if kind is PropType.STRING_LIST)
        #: id -> (list, the set of its values, or None until a second row adds to it).
        self._made: dict[int, tuple[list[Any], set[Any] | None]] = {}

    def merge(self, attrs: MutableMapping[str, Any], row: NodeRow | EdgeRow) -> None:
        """Merge ``row`` into ``attrs`` in place (see :func:`merge_row`)."""
        grown: list[tuple[str, Any]] = []
        for name, value in row.properties.items():
            if name in self.lists:
                grown.append((name, value))
            else:
                attrs[name] = value
        if row.grading is not None:
            attrs.update(row.grading.as_properties())
        for name, value in grown:
            self._grow(attrs, name, value)
        self._grow(attrs, "sources", row.sources)
        seen: dt.datetime | None = row.seen_at
        if seen is not None:
            first, last = attrs.get("first_seen"), attrs.get("last_seen")
            attrs["first_seen"] = seen if first is None or seen < first else first
            attrs["last_seen"] = seen if last is None or seen > last else last

    def _grow(self, attrs: MutableMapping[str, Any], name: str, values: Iterable[Any]) -> None:
        """``attrs[name] = union(attrs.get(name) or [], values)``, in place when it can be.

        Most lists are made for a node or relationship the batch has just created, and no
        later row adds to them: such a list is ``values`` without duplicates, and the set of
        its values is only made when a second row comes.
        """
        current = attrs.get(name)
        if not current:  # nothing stored: union([], values)
            out = list(dict.fromkeys(values))
            attrs[name] = out
            self._made[id(out)] = (out, None)
            return
        made = self._made.get(id(current))
        if made is not None and made[0] is current:
            out, seen = made
            if seen is None:
                seen = set(out)
                self._made[id(out)] = (out, seen)
        else:
            out = list(current)
            seen = set(out)
            attrs[name] = out
            self._made[id(out)] = (out, seen)
        for value in values:
            if value not in seen:
                seen.add(value)
                out.append(value)


def merge_row(
    attrs: MutableMapping[str, Any], row: NodeRow | EdgeRow, types: dict[str, PropType]
) -> None:
    """Merge ``row`` into the attribute dict of an existing node or relationship in place.

    Scalars overwrite, lists and ``sources`` accumulate in order without duplicates, and
    ``first_seen``/``last_seen`` widen to include ``row.seen_at``.
    """
    RowMerger(types).merge(attrs, row)
