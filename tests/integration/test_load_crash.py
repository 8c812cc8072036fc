"""A load killed with SIGKILL part-way, then run again, ends in the graph of one clean load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from loaders.pipeline import run
from ocgmap.store import GraphStore
from ocgmap.store.embedded import EmbeddedStore
from ocgmap.synth import generate

#: The child loads in small groups and reports its progress through the crossings (the
#: largest file), so the test can kill it in the middle of the load, mid-group or between
#: groups, rather than before or after it.
CHILD = """
import sys
from pathlib import Path
from loaders.pipeline import run
from ocgmap.store.embedded import EmbeddedStore
from ocgmap.store.neo4j import Neo4jStore

kind, data, home = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
if kind == "embedded":
    store = EmbeddedStore(home / "graph.json")
else:
    store = Neo4jStore.connect(sys.argv[4], sys.argv[5], sys.argv[6])

def progress(name, rows):
    if name == "crossings.csv" and rows:
        print("group", name, rows, flush=True)

run([data], store, home, progress=progress, batch_rows=250, commit_rows=1000)
print("finished", flush=True)
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate(out, seed=8, scale=0.02)
    return out


def _snapshot(store: GraphStore) -> tuple[object, ...]:
    graph = store.to_networkx()
    nodes = sorted((n, sorted(a["sources"])) for n, a in graph.nodes(data=True))
    edges = sorted(
        (u, v, k, sorted(a["sources"])) for u, v, k, a in graph.edges(keys=True, data=True)
    )
    return store.counts().nodes, store.counts().relationships, nodes, edges


def _kill_mid_load(args: list[str], groups: int) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, *args], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    seen = 0
    for line in child.stdout:
        assert not line.startswith("finished"), "the load ended before it could be killed"
        seen += line.startswith("group")
        if seen == groups:
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL


@pytest.fixture(scope="module")
def clean_embedded(world: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[object, ...]:
    home = tmp_path_factory.mktemp("clean")
    store = EmbeddedStore(home / "graph.json")
    run([world], store, home)
    return _snapshot(store)


@pytest.mark.parametrize("groups", [5])
def test_embedded_load_killed_and_rerun_equals_a_clean_load(
    world: Path, clean_embedded: tuple[object, ...], tmp_path: Path, groups: int
) -> None:
    _kill_mid_load(["embedded", str(world), str(tmp_path)], groups)
    crashed = EmbeddedStore(tmp_path / "graph.json")
    partial = sum(crashed.counts().nodes.values())
    assert 0 < partial < sum(clean_embedded[0].values())  # type: ignore[attr-defined]
    run([world], crashed, tmp_path)
    assert _snapshot(crashed) == clean_embedded


@pytest.mark.neo4j
def test_neo4j_load_killed_and_rerun_equals_a_clean_load(
    world: Path, clean_embedded: tuple[object, ...], tmp_path: Path
) -> None:
    """The clean load to compare with is the embedded one: both stores hold the same graph."""
    from servers import neo4j_test_settings

    from ocgmap.store.neo4j import Neo4jStore

    uri, user, password = neo4j_test_settings()
    store = Neo4jStore.connect(uri, user, password)
    expected = clean_embedded
    try:
        store.wipe()
        _kill_mid_load(["neo4j", str(world), str(tmp_path / "crashed"), uri, user, password], 7)
        partial = sum(store.counts().nodes.values())
        assert 0 < partial < sum(expected[0].values())  # type: ignore[attr-defined]
        run([world], store, tmp_path / "crashed")
        assert _snapshot(store) == expected
    finally:
        store.wipe()
        store.close()
