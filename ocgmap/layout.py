"""Node positions for a drawing, computed once on the server instead of in the browser.

A browser lays out a network with a force-directed layout (Cytoscape.js fcose in the
dashboard); in headless Chromium on a 2-core machine that took about 9 s for 250 nodes and
over 100 s for 1,000 (BENCHMARKS.md, "Dashboard first paint"). :func:`spring_positions` runs
the same kind of layout (Fruchterman-Reingold: every pair of nodes repels, every link pulls)
in numpy, a few seconds for 2,000 nodes, so the browser only has to place the nodes where
they are told (Cytoscape.js ``preset`` layout).

The layout is deterministic: the same nodes and links, in any order, give the same
positions, so a re-run of a page draws the same picture and the browser component is not
redrawn. It needs no optional library (igraph's layouts are faster, but igraph is an
optional extra under the GPL, see pyproject.toml).

>>> pos = spring_positions(["a", "b", "c"], [("a", "b"), ("b", "c")])
>>> sorted(pos)
['a', 'b', 'c']
>>> pos == spring_positions(["c", "b", "a"], [("c", "b"), ("b", "a")])
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["SPACING", "spring_positions"]

#: The layout's ideal distance (Fruchterman-Reingold's k) in drawing units (pixels at zoom 1):
#: nodes end about a third to a half of it from their nearest neighbour, and the dashboard's
#: nodes are 26-70 pixels wide.
SPACING = 150.0

#: Pairwise repulsion is computed for this many nodes at a time (bounds memory to about
#: ``_ROWS * n * 4`` bytes per array).
_ROWS = 1024

#: Work budget: iterations times node pairs, so small drawings get more iterations.
_BUDGET = 5e7
_MIN_ITERATIONS, _MAX_ITERATIONS = 50, 300

Array = npt.NDArray[np.float32]


def _start(names: Sequence[str], seed: int) -> tuple[Array, Array]:
    """Start positions in the unit square from each node's name, not its place in a list."""
    x = np.empty(len(names), dtype=np.float32)
    y = np.empty(len(names), dtype=np.float32)
    for i, name in enumerate(names):
        digest = hashlib.blake2b(f"{seed}|{name}".encode(), digest_size=8).digest()
        x[i] = int.from_bytes(digest[:4], "big") / 2**32
        y[i] = int.from_bytes(digest[4:], "big") / 2**32
    return x, y


def _repulsion(x: Array, y: Array, k2: np.float32) -> tuple[Array, Array]:
    """Sum over all other nodes of ``k^2 / d^2 * (p_i - p_j)``, ``_ROWS`` rows at a time."""
    rx = np.empty_like(x)
    ry = np.empty_like(y)
    tiny = np.float32(1e-9)
    for lo in range(0, len(x), _ROWS):
        hi = min(lo + _ROWS, len(x))
        dx = x[lo:hi, None] - x[None, :]
        dy = y[lo:hi, None] - y[None, :]
        d2 = dx * dx
        d2 += dy * dy
        d2 += tiny
        np.divide(k2, d2, out=d2)
        rx[lo:hi] = np.einsum("ij,ij->i", d2, dx)
        ry[lo:hi] = np.einsum("ij,ij->i", d2, dy)
    return rx, ry


def spring_positions(
    nodes: Sequence[str],
    edges: Iterable[tuple[str, str]],
    *,
    seed: int = 7,
    iterations: int | None = None,
    spacing: float = SPACING,
) -> dict[str, tuple[float, float]]:
    """Force-directed positions of ``nodes``, linked by ``edges``.

    Parameters
    ----------
    nodes
        Node ids; duplicates are dropped.
    edges
        ``(source, target)`` pairs; pairs naming a node not in ``nodes``, and self-loops,
        are ignored; a link pulls both ways, so its direction does not matter; a pair
        given twice pulls twice as hard.
    seed
        Changes the start positions, and so the picture; the same seed gives the same one.
    iterations
        Steps of the layout; by default as many as about ``5e7 / n^2`` (50-300).
    spacing
        The ideal distance between nodes (see ``SPACING``); it scales the whole picture.

    Returns
    -------
    dict
        Node id -> ``(x, y)``, rounded to 0.1 and centred on the origin.
    """
    names = sorted(set(nodes))
    n = len(names)
    if n == 0:
        return {}
    if n == 1:
        return {names[0]: (0.0, 0.0)}
    index = {name: i for i, name in enumerate(names)}
    pairs = sorted(
        (min(index[a], index[b]), max(index[a], index[b]))
        for a, b in edges
        if a in index and b in index and a != b
    )
    src = np.array([a for a, _ in pairs], dtype=np.intp)
    dst = np.array([b for _, b in pairs], dtype=np.intp)
    steps = iterations or int(np.clip(_BUDGET / n**2, _MIN_ITERATIONS, _MAX_ITERATIONS))
    x, y = _start(names, seed)
    k2 = np.float32(1.0 / n)
    k = np.float32(np.sqrt(k2))
    heat = np.float32(0.1)
    cool = heat / np.float32(steps + 1)
    for _ in range(steps):
        fx, fy = _repulsion(x, y, k2)
        if len(pairs):
            ex = x[src] - x[dst]
            ey = y[src] - y[dst]
            pull = np.sqrt(ex * ex + ey * ey) / k
            ex *= pull
            ey *= pull
            fx -= np.bincount(src, ex, n).astype(np.float32)
            fx += np.bincount(dst, ex, n).astype(np.float32)
            fy -= np.bincount(src, ey, n).astype(np.float32)
            fy += np.bincount(dst, ey, n).astype(np.float32)
        length = np.sqrt(fx * fx + fy * fy) + np.float32(1e-12)
        move = np.minimum(length, heat) / length
        x += fx * move
        y += fy * move
        heat -= cool
    scale = spacing / float(k)
    cx, cy = float(x.mean()), float(y.mean())
    return {
        name: (round((float(x[i]) - cx) * scale, 1), round((float(y[i]) - cy) * scale, 1))
        for i, name in enumerate(names)
    }
