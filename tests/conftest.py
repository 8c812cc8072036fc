"""Shared fixtures: the store contract suite runs on every store kind.

The Neo4j parameter talks to the real server named by ``OCGMAP_TEST_NEO4J_URI`` (started by
``scripts/neo4j-local``; ``.ci/run`` sets it). That server is wiped before each test, so it
must be a throwaway one: the suite never uses ``NEO4J_URI``. Without the variable the Neo4j
tests are skipped with a reason, except when ``OCGMAP_REQUIRE_NEO4J=1`` (CI), where they fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import neo4j_test_settings

from ocgmap.errors import StoreUnavailable
from ocgmap.store import GraphStore
from ocgmap.store.embedded import EmbeddedStore

STORE_KINDS = ["embedded", "neo4j"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", help="run tests marked slow")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _group_for_workers(items)
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def _uses_neo4j(item: pytest.Item) -> bool:
    """Whether a test talks to the test Neo4j server (which tests wipe: one at a time)."""
    callspec = getattr(item, "callspec", None)
    return (
        item.get_closest_marker("neo4j") is not None
        or "neo4j_session_store" in getattr(item, "fixturenames", ())
        or (callspec is not None and callspec.params.get("store") == "neo4j")
    )


def _module_fixtures(item: pytest.Item) -> bool:
    """Whether a test uses a fixture built once per module."""
    info = getattr(item, "_fixtureinfo", None)  # doctests have none
    defs = info.name2fixturedefs.values() if info is not None else ()
    return any(d.scope == "module" for chain in defs for d in chain)


def _group_for_workers(items: list[pytest.Item]) -> None:
    """Which tests share a worker under ``pytest -n N --dist loadgroup`` (scripts/check).

    Every test of the test Neo4j runs on one worker, since tests wipe it; so does every test
    of a file whose module-scoped fixtures a Neo4j test shares (built once, not per worker).
    The ``demo`` run is shared by its tests in the same way; every other file is one group,
    so its module fixtures are built once.
    """
    shared = {item.path for item in items if _uses_neo4j(item) and _module_fixtures(item)}
    for item in items:
        if _uses_neo4j(item) or item.path in shared:
            group = "neo4j"
        elif "demo" in getattr(item, "fixturenames", ()):
            group = "demo"
        else:
            group = item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session")
def neo4j_session_store() -> Iterator[GraphStore]:
    from ocgmap.store.neo4j import Neo4jStore

    uri, user, password = neo4j_test_settings()
    try:
        store = Neo4jStore.connect(uri, user, password)
    except StoreUnavailable as exc:
        pytest.fail(f"the test Neo4j server is not usable: {exc}")
    store.ensure_schema()
    yield store
    store.close()


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each kind, schema ensured."""
    if request.param == "embedded":
        embedded = EmbeddedStore(tmp_path / "graph.json")
        embedded.ensure_schema()
        yield embedded
        return
    neo = request.getfixturevalue("neo4j_session_store")
    neo.wipe()
    yield neo
