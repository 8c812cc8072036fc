"""One object per repeated value while a store hands out a graph.

A graph read back from a file or a server gets a fresh string for every label, relationship
type, basis and node id it meets: a million relationships of type ``CROSSED`` hold a million
copies of the word, and each adjacency entry its own copy of the node id. :class:`Shared`
hands back the first copy instead, and lets a relationship seen only once share one
timestamp for ``first_seen`` and ``last_seen``. The graph is equal either way; it is smaller.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["Shared"]

#: Attributes whose values repeat across nodes and relationships.
_REPEATED = ("label", "type", "basis", "grading_scheme")


class Shared:
    """The values met so far, each kept once.

    Examples
    --------
    >>> shared = Shared()
    >>> a = shared.attrs({"type": "".join(["CROSS", "ED"]), "basis": "fact"})
    >>> b = shared.attrs({"type": "".join(["CROSS", "ED"]), "basis": "fact"})
    >>> a["type"] is b["type"], a == b
    (True, True)
    """

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def text(self, value: str) -> str:
        """``value``, or the equal string met before it."""
        return self._seen.setdefault(value, value)

    def attrs(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """``attrs`` with its repeated values shared (changed in place and returned)."""
        seen = self._seen
        for name in _REPEATED:
            value = attrs.get(name)
            if isinstance(value, str):
                got = seen.get(value)
                if got is None:  # the interned copy: the one the code's own literals are
                    got = seen[value] = sys.intern(value)
                attrs[name] = got
        first, last = attrs.get("first_seen"), attrs.get("last_seen")
        if first is not None and last is not first and first == last:
            if getattr(first, "tzinfo", None) == getattr(last, "tzinfo", None):
                attrs["last_seen"] = first
        return attrs

    def edge_key(self, key: str) -> str:
        """An edge key: shared when it has no discriminator (``"TYPE|"``), as most have."""
        return self._seen.setdefault(key, key) if key.endswith("|") else key
