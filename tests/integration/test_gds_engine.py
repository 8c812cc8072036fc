"""Analysis on Neo4j: the Python engine and ``--engine gds`` against the embedded store.

The analysis acceptance checks run on the in-database engine (projection and clustering
inside the test Neo4j with its GDS library), and on the same data it must give exactly the
Python engine's results: the same clusters, ids, features, scores, reasons, key players and
suggested links, the same data hash and the same summary. On the first world the Python
engine on Neo4j must in turn give exactly what it gives on a fresh embedded store of the
same files, so the stores and the engines all agree.
"""

from __future__ import annotations

import functools
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from acceptance import assert_analysis_accepted
from servers import neo4j_test_settings

from loaders.pipeline import run as load
from ocgmap.analysis import indb
from ocgmap.analysis.indb import _context_parts, _Digest, analyse_in_database
from ocgmap.analysis.results import AnalysisParams, ClusterResult
from ocgmap.analysis.run import analyse, digest_items, run_settings
from ocgmap.collector import paused
from ocgmap.errors import AnalysisError
from ocgmap.schema.labels import Label
from ocgmap.schema.models import NodeRow
from ocgmap.store import GraphStore
from ocgmap.store.embedded import EmbeddedStore
from ocgmap.store.gds import find_clusters_in_database
from ocgmap.store.neo4j import Neo4jStore
from ocgmap.synth import generate

pytestmark = pytest.mark.neo4j

#: The worlds of the analysis acceptance tests (tests/integration/test_analysis.py).
SEEDS, SCALE = (3, 8), 0.02
PARAMS = AnalysisParams(detail_clusters=8)


def _core(cluster: ClusterResult) -> dict[str, object]:
    return cluster.model_dump(exclude={"change"})


@pytest.mark.parametrize("seed", SEEDS)
def test_gds_engine_passes_the_acceptance_checks_and_matches_the_python_engine(
    neo4j_session_store: GraphStore, tmp_path: Path, seed: int
) -> None:
    store = neo4j_session_store
    store.wipe()
    truth = generate(tmp_path / "data", seed=seed, scale=SCALE)
    load([tmp_path / "data"], store, tmp_path)

    if seed == SEEDS[0]:
        _python_engine_agrees_with_the_embedded_store(store, tmp_path)
    before = sum(store.counts().nodes.values())
    if seed == SEEDS[0]:  # the data hash computed by a process of its own
        run = analyse(store, PARAMS, engine="gds", out=tmp_path / "gds.json", jobs=2)
    else:  # read the scored clusters' context batch by batch, not the whole graph at once
        assert isinstance(store, Neo4jStore)
        run = analyse_in_database(store, PARAMS, whole_graph_share=1.0, batch_members=40)
        store.write_results(run)
    assert run.params.engine == "gds"
    assert_analysis_accepted(truth, run)
    counts = store.counts()
    assert counts.relationships["IN_CLUSTER"] == sum(len(c.members) for c in run.clusters)

    # the Python engine on the same store: the same results, and it carries the ids on
    python = analyse(store, PARAMS, engine="python", write=False)
    assert python.previous_run_id == run.run_id
    assert run.data_hash == python.data_hash
    # the whole graph's size now counts the run the GDS engine wrote (an AnalysisRun, and the
    # Cluster nodes no earlier run wrote); the rest is the same
    written = sum(store.counts().nodes.values()) - before
    assert written == 1 + (0 if seed == SEEDS[0] else len(run.clusters))
    assert python.summary.nodes == run.summary.nodes + written
    same = {"nodes", "edges"}
    assert run.summary.model_dump(exclude=same) == python.summary.model_dump(exclude=same)
    assert [_core(c) for c in run.clusters] == [_core(c) for c in python.clusters]
    if seed != SEEDS[0]:
        return
    # after the Python engine's run on this store, every cluster is carried on unchanged
    assert {c.change.status for c in run.clusters if c.change} == {"unchanged"}
    # one cluster's context at a time, the last run and the mapping read on their own
    assert isinstance(store, Neo4jStore)
    again = analyse_in_database(store, PARAMS, whole_graph_edges=0, batch_members=1)
    store.write_results(again)
    assert again.previous_run_id == run.run_id
    assert again.data_hash == run.data_hash
    assert [_core(c) for c in again.clusters] == [_core(c) for c in run.clusters]
    assert {c.change.status for c in again.clusters if c.change} == {"unchanged"}
    # the catalogue graphs of the runs are dropped
    left = store._read("CALL gds.graph.list() YIELD graphName RETURN count(*) AS n")  # type: ignore[attr-defined]
    assert left[0]["n"] == 0


def _python_engine_agrees_with_the_embedded_store(store: GraphStore, tmp_path: Path) -> None:
    """The Python engine on Neo4j gives what it gives on the same files in the embedded store.

    Its run is written to Neo4j, so the GDS run that follows must replace its clusters.
    """
    embedded = EmbeddedStore(tmp_path / "embedded" / "graph.json")
    embedded.ensure_schema()
    load([tmp_path / "data"], embedded, tmp_path / "embedded")
    mine = analyse(store, PARAMS, engine="python")
    ref = analyse(embedded, PARAMS, engine="python")
    assert mine.data_hash == ref.data_hash
    assert mine.challenges, "the world has planted groups to challenge"
    assert [_core(c) for c in mine.clusters] == [_core(c) for c in ref.clusters]
    assert store.counts().relationships["IN_CLUSTER"] == sum(len(c.members) for c in mine.clusters)


def test_gds_engine_needs_the_neo4j_store(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "graph.json")
    with pytest.raises(AnalysisError, match="needs the neo4j store"):
        analyse(store, PARAMS, engine="gds")


def test_batch_members_is_refused_without_the_gds_engine(tmp_path: Path) -> None:
    """The python engine reads the whole graph: a batch size would silently do nothing."""
    store = EmbeddedStore(tmp_path / "graph.json")
    with pytest.raises(AnalysisError, match="--batch-members is for --engine gds"):
        analyse(store, PARAMS, engine="python", batch_members=5)
    assert "AnalysisRun" not in store.counts().nodes  # refused before anything ran


def test_gds_data_hash_falls_back_to_this_process_when_its_own_fails(
    neo4j_session_store: GraphStore, tmp_path: Path
) -> None:
    """A digest process that cannot connect leaves the hash to the run: the same digest.

    The fallback is reported with the process's reason: at national scale hashing again
    takes as long as the rest of the run.
    """
    store = neo4j_session_store
    assert isinstance(store, Neo4jStore)
    store.wipe()
    generate(tmp_path / "data", seed=5, scale=0.005)
    load([tmp_path / "data"], store, tmp_path)
    expected = digest_items(store.stream())
    uri, user, _ = neo4j_test_settings()
    with ThreadPoolExecutor(max_workers=1) as pool:
        store._reopen = functools.partial(Neo4jStore.connect, uri, user, "not-the-password")
        try:
            steps: list[str] = []
            digest = _Digest(store, pool, jobs=2, tick=lambda step, n: steps.append(step))
            assert digest._child is not None  # a process of its own was started
            assert digest.result() == expected
            assert digest._child.returncode == 1  # it failed; the digest was computed here
            # and the run says so, with the child's reason, rather than hashing again silently
            assert len(steps) == 1
            assert steps[0].startswith("data hash in this process: its own process failed")
            assert "(exit status 1: " in steps[0]
            assert "refused the credentials" in steps[0]
        finally:
            store._reopen = functools.partial(Neo4jStore.connect, *neo4j_test_settings())


def test_gds_engine_on_an_empty_store_and_on_entities_without_links(
    neo4j_session_store: GraphStore,
) -> None:
    """What the Python engine gives: no clusters, then one cluster per lone entity."""
    store = neo4j_session_store
    store.wipe()
    for step in range(2):
        python = analyse(store, PARAMS, engine="python", write=False)
        gds = analyse(store, PARAMS, engine="gds", write=False)
        assert gds.summary == python.summary
        assert gds.summary.clusters == 2 * step  # nothing, then the two hauliers
        assert gds.clusters == python.clusters == []  # no event touches them, none is mapped
        rows = [
            NodeRow.build(Label.HAULIER, f"CH:0000000{n}", {"name": f"FIRM {n}"}, ["t.csv#1"])
            for n in (1, 2)
        ]
        store.upsert_nodes(Label.HAULIER, rows)


def test_each_batch_is_freed_as_the_next_is_read_without_the_cyclic_collector(
    neo4j_session_store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch's graphs go by reference counting: no collection walks the batch's objects."""
    monkeypatch.setattr(indb, "collect_young", lambda: None)
    store = neo4j_session_store
    assert isinstance(store, Neo4jStore)
    store.wipe()
    generate(tmp_path / "data", seed=5, scale=0.005)
    load([tmp_path / "data"], store, tmp_path)
    params, _, _ = run_settings(PARAMS, None, None)
    found = find_clusters_in_database(store, params, lambda step, n: None)
    parts = _context_parts(store, found, params, 10, lambda step, n: None)
    with paused():
        batches = iter(parts(range(len(found.scored))))
        _, proj = next(batches)
        graphs = [weakref.ref(proj.typed), weakref.ref(proj.graph)]
        assert proj.graph.number_of_nodes() and proj.typed.number_of_edges()
        del proj
        next(batches)  # the second batch is read: the first is gone, nothing collected it
        assert [graph() for graph in graphs] == [None, None]
