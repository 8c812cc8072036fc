"""Python's cyclic garbage collector, paused while a load or an analysis in batches runs.

A load keeps millions of objects alive (the rows of a batch, the graph of an embedded or bulk
store) and makes few reference cycles. CPython starts a full collection whenever the objects
that survived its young collections grow by a quarter of the old ones, so while a batch
fills, full collections run again and again, each walking every live object: about a third
of the time of a load went to them. :func:`paused` turns automatic collection off for the
load, and the pipeline calls :func:`collect_young` after each written batch, which frees any
cycles among that batch's objects (the young ones) without walking the graph. What a load
computes does not depend on when garbage is collected; memory freed by reference counting
(nearly all of it) is freed as before. The GDS engine (:mod:`ocgmap.analysis.indb`) does the
same for each batch of clusters whose context it reads.

Loads can run at once in several threads (uploads in the dashboard): the collector is off
while at least one runs, and is put back as it was when the last one ends.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["collect_young", "paused"]

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Turn automatic garbage collection off for the block (nested and threaded blocks too).

    Examples
    --------
    >>> enabled = gc.isenabled()
    >>> with paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled() == enabled
    True
    """
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()


def collect_young() -> None:
    """Collect the two young generations (objects made since the last such collection)."""
    gc.collect(1)
