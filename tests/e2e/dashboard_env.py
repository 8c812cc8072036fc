"""Point the dashboard under test at a store: the settings a user would have."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ocgmap.store import GraphStore
from ocgmap.store.neo4j import Neo4jStore

__all__ = ["point_dashboard_at"]


def point_dashboard_at(
    monkeypatch: pytest.MonkeyPatch,
    home: Path,
    store: GraphStore | None = None,
    cwd: Path | None = None,
) -> None:
    """``OCGMAP_HOME=home``; the test Neo4j when ``store`` is one, else the embedded store."""
    for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "OCGMAP_STORE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OCGMAP_HOME", str(home))
    monkeypatch.chdir(cwd or home)
    if isinstance(store, Neo4jStore):
        uri = os.environ["OCGMAP_TEST_NEO4J_URI"]  # set, or the store fixture stopped the test
        monkeypatch.setenv("OCGMAP_STORE", "neo4j")
        monkeypatch.setenv("NEO4J_URI", uri)
        monkeypatch.setenv("NEO4J_USER", os.environ.get("OCGMAP_TEST_NEO4J_USER", "neo4j"))
        monkeypatch.setenv(
            "NEO4J_PASSWORD", os.environ.get("OCGMAP_TEST_NEO4J_PASSWORD", "ocgmap-local")
        )
