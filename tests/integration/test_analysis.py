"""Analysis end to end: synthetic worlds loaded, analysed and judged against their truth.

These run on the embedded store; the same worlds in the test Neo4j, analysed by either
engine, must give these results exactly (tests/integration/test_gds_engine.py).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from acceptance import assert_analysis_accepted

from loaders.pipeline import run as load
from ocgmap.analysis.results import AnalysisParams, AnalysisRun, ClusterResult
from ocgmap.analysis.run import analyse
from ocgmap.errors import AnalysisError
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, NodeRef, NodeRow
from ocgmap.store.embedded import EmbeddedStore
from ocgmap.synth import Truth, generate

#: Two small worlds; every archetype and decoy is planted once at any scale.
SEEDS, SCALE = (3, 8), 0.02
#: The checks that need one world, not two, run on the first.
ONE_WORLD = pytest.mark.parametrize("world", SEEDS[:1], indirect=True)
#: Key players and suggested links for the top clusters only: enough to check, quicker.
PARAMS = AnalysisParams(detail_clusters=8)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], tuple[Path, Path, Truth]]:
    """Generate and load a world once per module: its data, its pristine graph, its truth.

    Tests copy the graph file and open the copy, so each starts from the graph of one clean
    load without loading again.
    """
    done: dict[int, tuple[Path, Path, Truth]] = {}

    def get(seed: int) -> tuple[Path, Path, Truth]:
        if seed not in done:
            tmp = tmp_path_factory.mktemp(f"loaded-{seed}")
            truth = generate(tmp / "data", seed=seed, scale=SCALE)
            store = EmbeddedStore(tmp / "graph.json")
            store.ensure_schema()
            load([tmp / "data"], store, tmp)
            store.close()
            done[seed] = (tmp / "data", tmp / "graph.json", truth)
        return done[seed]

    return get


def _fresh(pristine: Path, into: Path) -> EmbeddedStore:
    into.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pristine, into / "graph.json")
    return EmbeddedStore(into / "graph.json")


@pytest.fixture(scope="module", params=SEEDS)
def world(
    request: pytest.FixtureRequest,
    loaded: Callable[[int], tuple[Path, Path, Truth]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[EmbeddedStore, Truth, AnalysisRun]]:
    tmp = tmp_path_factory.mktemp(f"analysis-{request.param}")
    _, pristine, truth = loaded(request.param)
    store = _fresh(pristine, tmp)
    first = analyse(store, PARAMS, out=tmp / "results.json")
    yield store, truth, first
    store.close()


def test_planted_groups_are_challenged_and_decoys_are_not(
    world: tuple[EmbeddedStore, Truth, AnalysisRun],
) -> None:
    _, truth, run = world
    assert_analysis_accepted(truth, run)


@ONE_WORLD
def test_rerun_gives_the_same_clusters_and_ids_and_the_store_and_file_hold_it(
    world: tuple[EmbeddedStore, Truth, AnalysisRun], tmp_path: Path
) -> None:
    store, _, first = world
    again = analyse(store, PARAMS, out=tmp_path / "r.json", jobs=2)  # the hash in a child
    assert again.data_hash == first.data_hash
    assert again.previous_run_id == first.run_id
    assert [_core(c) for c in again.clusters] == [_core(c) for c in first.clusters]
    assert {c.change.status for c in again.clusters if c.change} == {"unchanged"}
    assert AnalysisRun.read(tmp_path / "r.json") == again
    counts = store.counts()
    assert counts.nodes["Cluster"] >= len(again.clusters)
    assert counts.relationships["IN_CLUSTER"] == sum(len(c.members) for c in again.clusters)
    top = again.clusters[0]
    node = store.get(Label.CLUSTER, top.cluster_id)
    assert node is not None
    assert node.properties["rank"] == 1 and node.properties["run_id"] == again.run_id
    assert top.key_players and all(p.why for p in top.key_players)


@ONE_WORLD
def test_an_unrelated_haulier_changes_no_existing_cluster_id(
    world: tuple[EmbeddedStore, Truth, AnalysisRun], tmp_path: Path
) -> None:
    store, _, before = world  # nothing but analysis output was written since
    token = ["T1:test.csv#2"]
    haulier = NodeRef(label=Label.HAULIER, key="CH:99999999")
    lorry = NodeRef(label=Label.VEHICLE, key="ZZ99ZZZ")
    detection = NodeRef(label=Label.DETECTION, key="TEST-DET-1")
    store.upsert_nodes(
        Label.HAULIER,
        [NodeRow(label=Label.HAULIER, key=haulier.key, properties={"name": "X"}, sources=token)],
    )
    store.upsert_nodes(Label.VEHICLE, [NodeRow(label=Label.VEHICLE, key=lorry.key, sources=token)])
    store.upsert_nodes(
        Label.DETECTION,
        [
            NodeRow(
                label=Label.DETECTION,
                key=detection.key,
                properties={"entrants_count": 1},
                sources=token,
            )
        ],
    )
    store.upsert_edges(
        RelType.OPERATES,
        [EdgeRow(type=RelType.OPERATES, start=haulier, end=lorry, sources=token)],
    )
    store.upsert_edges(
        RelType.INVOLVED,
        [
            EdgeRow(type=RelType.INVOLVED, start=detection, end=end, sources=token)
            for end in (haulier, lorry)
        ],
    )
    after = analyse(store, PARAMS)
    old = {c.cluster_id: c.member_keys() for c in before.clusters}
    new = {c.cluster_id: c.member_keys() for c in after.clusters}
    assert after.data_hash != before.data_hash
    for cid, members in old.items():
        assert new.get(cid) == members, cid
    [added] = [cid for cid in new if cid not in old]
    assert ("Haulier", "CH:99999999") in new[added]
    assert int(added.split("-")[1]) > max(int(c.split("-")[1]) for c in old)


@ONE_WORLD
def test_reasons_cite_numbers_recomputed_from_the_graph(
    world: tuple[EmbeddedStore, Truth, AnalysisRun],
) -> None:
    store, _, run = world
    graph = store.to_networkx()
    checked = 0
    for cluster in run.challenges:
        entities = {f"{m.label}:{m.key}" for m in cluster.members if m.kind not in ("event",)}
        entities -= {f"Referral:{m.key}" for m in cluster.members if m.label == "Referral"}
        detections = {
            u
            for u, v, t in graph.edges(data="type")
            if t == "INVOLVED" and v in entities and graph.nodes[u]["label"] == "Detection"
        }
        entrants = sum(graph.nodes[d].get("entrants_count") or 0 for d in detections)
        harm = next((r for r in cluster.reasons if re.search(r"\d+ detections? on", r)), None)
        assert harm is not None, cluster.reasons
        numbers = re.match(r"(\d+) detections? on .*? with (\d+) (?:person|people) found", harm)
        assert numbers is not None, harm
        assert (int(numbers[1]), int(numbers[2])) == (len(detections), entrants)
        # the scope the challenge list filters on covers these detections
        ports = {
            graph.nodes[p]["key"]
            for d in detections
            for _, p, t in graph.out_edges(d, data="type")
            if t == "AT" and graph.nodes[p]["label"] == "Port"
        }
        agencies = {a for d in detections for a in graph.nodes[d].get("reporting_agencies") or ()}
        assert ports <= set(cluster.ports) and agencies <= set(cluster.agencies)
        assert cluster.first_event is not None and cluster.last_event is not None
        assert cluster.first_event <= cluster.last_event
        checked += 1
    assert checked >= 4


@ONE_WORLD
def test_confirmed_outcomes_fit_the_scorer(
    world: tuple[EmbeddedStore, Truth, AnalysisRun], tmp_path: Path
) -> None:
    store, _, first = world
    confirmed = [c.cluster_id for c in first.challenges]
    cleared = [c.cluster_id for c in first.clusters if not c.challenge][: len(confirmed) + 2]
    assert len(confirmed) >= 3 and len(cleared) >= 3, "enough of each for 3-fold calibration"
    labels = tmp_path / "labels.csv"
    lines = ["cluster_id,outcome", *(f"{c},1" for c in confirmed), *(f"{c},0" for c in cleared)]
    labels.write_text("\n".join(lines) + "\n", encoding="utf-8")
    params = PARAMS.model_copy(update={"labels_file": str(labels)})
    fitted = analyse(store, params, write=False)
    assert fitted.params.labels == len(confirmed) + len(cleared)
    score = {c.cluster_id: c for c in fitted.clusters}
    for cluster in fitted.clusters:
        assert sum(cluster.contributions.values()) == pytest.approx(cluster.score, abs=1e-3)

    # the fit learned what it was told: confirmed groups score above cleared clusters on average
    def mean(ids: list[str]) -> float:
        return sum(score[c].score for c in ids) / len(ids)

    assert mean(confirmed) > mean(cleared) + 0.1
    labels.write_text("cluster_id,outcome\nC-99999,1\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match="not scored in this run .C-99999."):
        analyse(store, params, write=False)


def _core(cluster: ClusterResult) -> dict[str, object]:
    return cluster.model_dump(exclude={"change"})
