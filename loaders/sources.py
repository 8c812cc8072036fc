"""The registry of sources and how files are recognised by name."""

from __future__ import annotations

import fnmatch
import functools
import importlib
from pathlib import Path

from loaders.base import Source
from ocgmap.errors import InputError

__all__ = ["SOURCE_MODULES", "discover", "sources"]

#: Source modules in ``loaders/``, one per formats.md source.
SOURCE_MODULES = (
    "companies_house",
    "psc",
    "operator_licences",
    "ocgm",
    "detections",
    "crossings",
    "referrals",
    "anpr",
    "calls",
    "subscribers",
)


@functools.cache
def sources() -> dict[str, Source]:
    """Every source by name, in load order (registers first, then events)."""
    found = [importlib.import_module(f"loaders.{name}").SOURCE for name in SOURCE_MODULES]
    return {s.name: s for s in sorted(found, key=lambda s: s.order)}


def _match(path: Path) -> Source | None:
    name = path.name.lower()
    for source in sources().values():
        if any(fnmatch.fnmatch(name, pattern) for pattern in source.patterns):
            return source
    return None


def discover(
    paths: list[Path], source: str | None = None
) -> tuple[list[tuple[Path, Source]], list[Path]]:
    """The files to load with their source, in load order, and the files not recognised.

    A folder contributes the files whose names a source recognises; ``source`` forces one
    source for every file given.

    Raises
    ------
    InputError
        A path does not exist, ``source`` is unknown, or a named file is not recognised.
    """
    forced = None
    if source is not None:
        forced = sources().get(source)
        if forced is None:
            raise InputError(f"The source must be one of {sorted(sources())}. Got {source!r}.")
    found: list[tuple[Path, Source]] = []
    ignored: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path} does not exist.")
        files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
        for file in files:
            chosen = forced or _match(file)
            if chosen is None and not path.is_dir():
                raise InputError(f"{file.name}: cannot tell which source it is; use --source.")
            if chosen is None:
                ignored.append(file)
            else:
                found.append((file, chosen))
    found.sort(key=lambda item: (item[1].order, item[0].name))
    return found, ignored
