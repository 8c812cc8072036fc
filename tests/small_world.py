"""A small synthetic world for tests that load every source: the large event files cut short."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

from ocgmap.synth import generate

__all__ = ["EVENT_FILES", "keep_first", "small_world"]

#: The files that hold most of a world's rows.
EVENT_FILES = ("crossings.csv", "anpr.csv", "calls.csv")


def keep_first(path: Path, rows: int) -> None:
    """Cut a CSV to its header and first ``rows`` records."""
    with path.open(encoding="utf-8", newline="") as fh:
        records = list(itertools.islice(csv.reader(fh), rows + 1))
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(records)


def small_world(folder: Path, seed: int, scale: float, rows: int) -> Path:
    """Generate a world into ``folder`` and keep ``rows`` records of each event file."""
    generate(folder, seed=seed, scale=scale)
    for name in EVENT_FILES:
        keep_first(folder / name, rows)
    return folder
