"""``manifest.json``: what a package holds, where it came from, and what was withheld."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from pydantic import BaseModel, Field

from ocgmap.export.package import Marking, TargetPackage, Withheld

__all__ = ["MANIFEST", "Manifest", "PackageFile", "build_manifest", "sha256"]

MANIFEST = "manifest.json"


class PackageFile(BaseModel):
    """One file of the package and its fingerprint."""

    name: str
    bytes: int
    sha256: str


class Manifest(BaseModel):
    """Every file with its SHA-256, the run and data behind them, the marking and handling."""

    cluster_id: str
    run_id: str
    data_hash: str = Field(description="hash of the input data of the run")
    ocgmap_version: str = Field(description="the version of ocgmap that made the run")
    exported_with: str = Field(description="the version of ocgmap that exported")
    marking: Marking
    exported_by: str
    exported_at: dt.datetime
    files: list[PackageFile]
    withheld: Withheld
    included_conditional: list[str] = Field(
        description="referrals with handling conditions included, by reference"
    )
    justification: str | None = None


def sha256(path: Path) -> str:
    """The SHA-256 of a file, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def build_manifest(package: TargetPackage, files: list[Path], version: str) -> Manifest:
    """The manifest of ``files`` (written already) for ``package``."""
    return Manifest(
        cluster_id=package.cluster.cluster_id,
        run_id=package.run_id,
        data_hash=package.data_hash,
        ocgmap_version=package.ocgmap_version,
        exported_with=version,
        marking=package.marking,
        exported_by=package.exported_by,
        exported_at=package.exported_at,
        files=[
            PackageFile(name=p.name, bytes=p.stat().st_size, sha256=sha256(p))
            for p in sorted(files, key=lambda p: p.name)
        ],
        withheld=package.withheld,
        included_conditional=package.included_conditional,
        justification=package.justification,
    )
