"""Find entities by any identifier as a person would type it.

The text is read as each kind of identifier in turn, normalised exactly as the loaders
normalise it (a VRM with spaces in lower case, a phone number in national format, a company
number without its leading zeros, a port name or LOCODE, an operator licence), and every node
with that key is returned first; a case-insensitive substring search on keys and names follows.
"""

from __future__ import annotations

from collections.abc import Callable

from ocgmap import normalise
from ocgmap.errors import NormaliseError
from ocgmap.schema.labels import Label
from ocgmap.schema.models import Node
from ocgmap.store.base import GraphStore

__all__ = ["candidate_keys", "find"]

#: How typed text may name a node: its label and the key the loaders would give it.
_READINGS: tuple[tuple[Label, Callable[[str], str | None]], ...] = (
    (Label.VEHICLE, normalise.vrm),
    (Label.TRAILER, normalise.trailer_id),
    (Label.PHONE, normalise.phone),
    (Label.HAULIER, lambda t: _prefixed("CH:", normalise.company_number(t))),
    (Label.HAULIER, lambda t: _prefixed("OL:", normalise.operator_licence(t))),
    (Label.PORT, normalise.locode),
)


def _prefixed(prefix: str, value: str | None) -> str | None:
    return f"{prefix}{value}" if value else None


def candidate_keys(text: str) -> list[tuple[Label, str]]:
    """Every ``(label, key)`` that ``text`` normalises to, in a fixed order.

    Examples
    --------
    >>> (Label.VEHICLE, "AB12CDE") in candidate_keys("ab12 cde")
    True
    >>> (Label.PHONE, "+447700900123") in candidate_keys("07700 900123")
    True
    """
    found: list[tuple[Label, str]] = []
    for label, read in _READINGS:
        try:
            key = read(text)
        except NormaliseError:
            continue
        if key and (label, key) not in found:
            found.append((label, key))
    return found


def find(store: GraphStore, text: str, limit: int = 50) -> list[Node]:
    """Nodes ``text`` identifies exactly, then nodes whose key or name contains it."""
    text = text.strip()
    if not text:
        return []
    hits: dict[tuple[str, str], Node] = {}
    for label, key in candidate_keys(text):
        node = store.get(label, key)
        if node is not None:
            hits[(str(node.label), node.key)] = node
    for node in store.search(text, limit=limit):
        hits.setdefault((str(node.label), node.key), node)
    return list(hits.values())[:limit]
