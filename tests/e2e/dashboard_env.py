"""Point the dashboard under test at a store, with its users, and sign one of them in."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboards.components.access import SESSION_USER
from ocgmap.access import Role, Users
from ocgmap.store import GraphStore
from ocgmap.store.neo4j import Neo4jStore

__all__ = ["PASSWORD", "USERS", "add_users", "point_dashboard_at", "signed_in"]

#: One user per role; all share :data:`PASSWORD`.
USERS = {"ana": Role.ANALYST, "sam": Role.SUPERVISOR, "ivy": Role.INVESTIGATOR, "adam": Role.ADMIN}
PASSWORD = "correct horse battery"


@functools.cache
def _users_file() -> bytes:
    """A users file of :data:`USERS`, hashed once per test session (Argon2 is slow on purpose)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        users = Users(Path(tmp) / "users.json")
        for name, role in USERS.items():
            users.add(name, role, PASSWORD, by="tests")
        return users.path.read_bytes()


def add_users(home: Path) -> Path:
    """Write the users of :data:`USERS` into ``home/users.json``; return its path."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / "users.json"
    path.write_bytes(_users_file())
    return path


def point_dashboard_at(
    monkeypatch: pytest.MonkeyPatch,
    home: Path,
    store: GraphStore | None = None,
    cwd: Path | None = None,
) -> None:
    """``OCGMAP_HOME=home`` with :data:`USERS`; the test Neo4j when ``store`` is one."""
    for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "OCGMAP_STORE", "OCGMAP_USER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("OCGMAP_USERS_FILE", raising=False)
    monkeypatch.delenv("OCGMAP_LOGIN", raising=False)
    monkeypatch.setenv("OCGMAP_HOME", str(home))
    monkeypatch.chdir(cwd or home)
    add_users(home)
    if isinstance(store, Neo4jStore):
        uri = os.environ["OCGMAP_TEST_NEO4J_URI"]  # set, or the store fixture stopped the test
        monkeypatch.setenv("OCGMAP_STORE", "neo4j")
        monkeypatch.setenv("NEO4J_URI", uri)
        monkeypatch.setenv("NEO4J_USER", os.environ.get("OCGMAP_TEST_NEO4J_USER", "neo4j"))
        monkeypatch.setenv(
            "NEO4J_PASSWORD", os.environ.get("OCGMAP_TEST_NEO4J_PASSWORD", "ocgmap-local")
        )


def signed_in(app: AppTest, name: str = "sam") -> AppTest:
    """``app`` with ``name`` (one of :data:`USERS`) signed in, as the sign-in form leaves it."""
    app.session_state[SESSION_USER] = name
    return app
