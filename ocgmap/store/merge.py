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

__all__ = ["MANAGED", "merge_row", "split_properties", "union"]

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


def merge_row(
    attrs: MutableMapping[str, Any], row: NodeRow | EdgeRow, types: dict[str, PropType]
) -> None:
    """Merge ``row`` into the attribute dict of an existing node or relationship in place.

    Scalars overwrite, lists and ``sources`` accumulate in order without duplicates, and
    ``first_seen``/``last_seen`` widen to include ``row.seen_at``.
    """
    scalars, lists = split_properties(row, types)
    attrs.update(scalars)
    for name, values in lists.items():
        attrs[name] = union(attrs.get(name) or [], values)
    attrs["sources"] = union(attrs.get("sources") or [], row.sources)
    seen: dt.datetime | None = row.seen_at
    if seen is not None:
        first, last = attrs.get("first_seen"), attrs.get("last_seen")
        attrs["first_seen"] = seen if first is None or seen < first else first
        attrs["last_seen"] = seen if last is None or seen > last else last
