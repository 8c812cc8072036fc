"""``python -m ocgmap.analysis.digest_child``: a Neo4j store's data hash, in a process of its own.

The in-database engine (:mod:`ocgmap.analysis.indb`) starts it so that streaming and
hashing the whole graph takes another core. It reads a pickled
:meth:`Neo4jStore.reopener` on stdin (from its parent, never from a file or the command
line, so the password appears in neither), connects with it, and prints the digest of
:func:`ocgmap.analysis.run.digest_items` on stdout.
"""

from __future__ import annotations

import pickle
import sys

from ocgmap.analysis.run import digest_items
from ocgmap.errors import OcgmapError


def main() -> int:
    """Hash the store the parent names; 0 when the digest was printed.

    A store error ends it with status 1 and its message as the last line on stderr, which
    the parent reports before hashing in its own process.
    """
    reopen = pickle.load(sys.stdin.buffer)  # noqa: S301 (its parent's pipe, not user data)
    sys.stdin.close()
    try:
        store = reopen()
        try:
            digest = digest_items(store.stream())
        finally:
            store.close()
    except OcgmapError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    sys.stdout.write(digest + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
