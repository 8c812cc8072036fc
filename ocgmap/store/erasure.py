"""The erasure rules both stores implement, as pure functions on ``sources`` lists.

The embedded store applies them directly; the Neo4j store expresses the same rules in
Cypher (``queries.ERASE_*``). The erasure contract tests check that both agree.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ocgmap.errors import InputError

__all__ = ["erasure_marks", "is_erased", "kept_sources"]


def erasure_marks(prefixes: Collection[str]) -> list[str]:
    """The token beginnings ``"<prefix>:"`` that an erasure removes, sorted, without repeats.

    Raises
    ------
    InputError
        If a prefix is empty or holds a ``:`` (it would match other provenance than a file's).

    Examples
    --------
    >>> erasure_marks(["3fa9c1d2e4b5", "3fa9c1d2e4b5", "0a1b2c3d4e5f"])
    ['0a1b2c3d4e5f:', '3fa9c1d2e4b5:']
    """
    for prefix in prefixes:
        if not prefix.strip() or ":" in prefix:
            raise InputError(
                "The 'prefixes' of erase_sources must be non-empty file ids without ':'. "
                f"Got {prefix!r} instead."
            )
    return sorted({f"{p}:" for p in prefixes})


def kept_sources(sources: Sequence[str] | None, marks: Sequence[str]) -> list[str] | None:
    """The tokens of ``sources`` an erasure keeps, or ``None`` when it removes none of them.

    Examples
    --------
    >>> kept_sources(["aa:d.csv#2", "bb:d.csv#2"], ["aa:"])
    ['bb:d.csv#2']
    >>> kept_sources(["aa:d.csv#2"], ["aa:"]), kept_sources(["R-1:analysis#1"], ["aa:"])
    ([], None)
    """
    tokens = list(sources or [])
    kept = [s for s in tokens if not s.startswith(tuple(marks))]
    return None if len(kept) == len(tokens) else kept


def is_erased(sources: Sequence[str] | None, marks: Sequence[str]) -> bool:
    """Whether an erasure leaves a node or relationship with these sources without any.

    Examples
    --------
    >>> is_erased(["aa:d.csv#2", "aa:d.csv#3"], ["aa:"]), is_erased(["aa:d.csv"], ["bb:"])
    (True, False)
    >>> is_erased([], ["aa:"])  # nothing to erase: never touched
    False
    """
    return kept_sources(sources, marks) == []
