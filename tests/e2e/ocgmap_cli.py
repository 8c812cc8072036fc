"""How the end-to-end tests run the ``ocgmap`` command: which binary, which environment."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

__all__ = ["OCGMAP", "ocgmap_env"]

OCGMAP = shutil.which("ocgmap") or str(Path(sys.executable).parent / "ocgmap")


def ocgmap_env(home: Path) -> dict[str, str]:
    """The environment of a user with only ``OCGMAP_HOME`` set (test-server settings kept)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NEO4J_", "OCGMAP_")) or k.startswith("OCGMAP_TEST_")
    }
    clean.update(OCGMAP_HOME=str(home), COLUMNS="200")
    return clean
