"""A bulk load imported with neo4j-admin is the graph a normal load writes, to the property type.

One small synthetic world is loaded three ways: normally into the test Neo4j, normally into
the embedded store, and with ``ocgmap load --bulk`` then ``scripts/neo4j-local import`` into
a throwaway server this test starts under ``tmp_path`` (the jars of the repository's
``.neo4j`` are reused). ``OCGMAP_TEST_IMPORT_PORT`` fixes its Bolt port; by default a free one.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from servers import neo4j_test_settings
from small_world import small_world

from loaders.pipeline import run
from ocgmap.store import GraphStore
from ocgmap.store.embedded import EmbeddedStore
from ocgmap.store.neo4j import Neo4jStore

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "neo4j-local"
OCGMAP = shutil.which("ocgmap") or str(Path(sys.executable).parent / "ocgmap")
PASSWORD = "ocgmap-import-test"
SEED, SCALE = 5, 0.001
#: Records kept of the large event files: every source loads, the test stays quick.
ROWS = 200

#: Property value types of the whole graph: (label or type, property, Cypher type, count).
VALUE_TYPES = (
    "MATCH (n) WHERE NOT n:AuditEntry UNWIND keys(n) AS k "
    "RETURN labels(n)[0] AS owner, k, valueType(n[k]) AS t, count(*) AS c ORDER BY owner, k, t"
)
REL_VALUE_TYPES = (
    "MATCH ()-[r]->() UNWIND keys(r) AS k "
    "RETURN type(r) AS owner, k, valueType(r[k]) AS t, count(*) AS c ORDER BY owner, k, t"
)


def _free_port() -> int:
    fixed = os.environ.get("OCGMAP_TEST_IMPORT_PORT")
    if fixed:
        return int(fixed)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "OCGMAP_"))}
    env.update(extra)
    return env


def _awkward(folder: Path) -> Path:
    """Detections whose text holds commas, quotes, backslashes, line breaks and delimiters."""
    folder.mkdir()
    with (folder / "detections.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["detection_ref", "detected_at", "location_type", "port_locode", "vrm"]
            + ["entrants_count", "reporting_agency", "notes"]
        )
        notes = [
            'a comma, "quotes" and a backslash \\',
            "two\nlines\r\nand a return",
            "unit\x1fseparator; semicolon",
        ]
        for i, note in enumerate(notes):
            agency = ["Kent; Police", 'Border "Force", UK', "x\x1fy"][i]
            row = [f"AWK-{i}", "2025-03-01T02:14:00", "PORT", "GBDVR", f"ZZ0{i} AWK", "2"]
            writer.writerow([*row, agency, note])
    return folder


@pytest.fixture
def imported(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """A synthetic world bulk-loaded and imported into a throwaway server; its env."""
    world = tmp_path / "world"
    small_world(world, seed=SEED, scale=SCALE, rows=ROWS)
    awkward = _awkward(tmp_path / "awkward")
    home = tmp_path / "home-bulk"
    out = tmp_path / "import"
    load = subprocess.run(
        [OCGMAP, "load", "--bulk", str(world), str(awkward), "--out", str(out)],
        env=_env(OCGMAP_HOME=str(home), COLUMNS="400"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert load.returncode == 0, load.stderr
    assert f"scripts/neo4j-local import {out}" in " ".join(load.stdout.split())
    port = _free_port()
    server = _env(
        OCGMAP_HOME=str(home),
        NEO4J_LOCAL_INSTANCE=str(tmp_path / "neo4j"),
        NEO4J_BOLT_PORT=str(port),
        NEO4J_HEAP="512m",
        NEO4J_PAGECACHE="256m",
        NEO4J_PASSWORD=PASSWORD,
        NEO4J_PLUGINS="0",
        NEO4J_LOCAL_HOME=str(ROOT / ".neo4j"),
    )
    try:
        done = subprocess.run(
            [str(SCRIPT), "import", str(out)], env=server, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-3000:]
        assert "IMPORT DONE" in done.stderr
        yield (
            world,
            _env(
                OCGMAP_HOME=str(home),
                NEO4J_URI=f"bolt://127.0.0.1:{port}",
                NEO4J_PASSWORD=PASSWORD,
            ),
        )
    finally:
        subprocess.run([str(SCRIPT), "stop"], env=server, capture_output=True, check=False)


def _status(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [OCGMAP, "db", "status", "--json"], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def _strict(value: Any) -> Any:
    """Values compared by their text for dates and times (an offset must match too)."""
    if isinstance(value, dt.date):
        return (type(value).__name__, value.isoformat())
    if isinstance(value, list):
        return [_strict(v) for v in value]
    return value


def _canonical(graph: nx.MultiDiGraph, strict: bool) -> tuple[dict[Any, Any], dict[Any, Any]]:
    def attrs(a: dict[str, Any]) -> dict[str, Any]:
        out = {"first_seen": None, "last_seen": None, "sources": [], **a}
        return {k: _strict(v) for k, v in out.items()} if strict else out

    nodes = {n: attrs(a) for n, a in graph.nodes(data=True)}
    edges = {(u, v, k): attrs(a) for u, v, k, a in graph.edges(keys=True, data=True)}
    return nodes, edges


def _value_types(store: Neo4jStore) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for query in (VALUE_TYPES, REL_VALUE_TYPES):
        records, _, _ = store.driver.execute_query(query)
        rows.extend(tuple(r.values()) for r in records)
    return rows


def test_bulk_import_equals_a_normal_load(
    imported: tuple[Path, dict[str, str]], neo4j_session_store: GraphStore, tmp_path: Path
) -> None:
    world, bulk_env = imported
    normal = neo4j_session_store
    assert isinstance(normal, Neo4jStore)
    normal.wipe()
    run([world, tmp_path / "awkward"], normal, tmp_path / "home-normal")
    uri, user, password = neo4j_test_settings()
    normal_env = _env(
        OCGMAP_HOME=str(tmp_path / "home-normal"),
        NEO4J_URI=uri,
        NEO4J_USER=user,
        NEO4J_PASSWORD=password,
    )
    status = _status(bulk_env)
    assert sum(status["nodes"].values()) > 500
    assert status == _status(normal_env)
    manifest = json.loads((world.parent / "import" / "manifest.json").read_text("utf-8"))
    assert manifest["counts"] == status

    bulk = Neo4jStore.connect(bulk_env["NEO4J_URI"], "neo4j", PASSWORD)
    try:
        bulk_graph = bulk.to_networkx()
        assert _canonical(bulk_graph, strict=True) == _canonical(normal.to_networkx(), strict=True)
        assert _value_types(bulk) == _value_types(normal)
        notes = {a.get("notes") for _, a in bulk_graph.nodes(data=True)}
        assert "two\nlines\r\nand a return" in notes
    finally:
        bulk.close()

    embedded = EmbeddedStore(tmp_path / "graph.json")
    run([world, tmp_path / "awkward"], embedded, tmp_path / "home-embedded")
    assert _canonical(embedded.to_networkx(), strict=False) == _canonical(bulk_graph, strict=False)
