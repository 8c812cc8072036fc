"""Projection, clusters, scoring, challenge and edge-list analysis on hand-made graphs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from sklearn.base import clone

from ocgmap.analysis.challenge import decide
from ocgmap.analysis.clusters import assign_ids, find_clusters
from ocgmap.analysis.edgelist import analyse_edges
from ocgmap.analysis.projection import project
from ocgmap.analysis.scoring import ClusterScorer, load_weights, recommend_band
from ocgmap.errors import AnalysisError, InputError
from ocgmap.schema import load_bands

WHEN = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def _node(g: nx.MultiDiGraph, label: str, key: str, **props: object) -> str:
    nid = f"{label}:{key}"
    g.add_node(nid, label=label, key=key, **{"basis": "fact", **props})
    return nid


def _event(g: nx.MultiDiGraph, label: str, key: str, rel: str, *ends: str, **props: object) -> str:
    field = {"Detection": "detected_at", "Crossing": "crossed_at"}[label]
    event = _node(g, label, key, **{field: WHEN}, **props)
    for end in ends:
        g.add_edge(event, end, type=rel, basis="fact")
    return event


def _firm(g: nx.MultiDiGraph, name: str) -> tuple[str, str]:
    haulier = _node(g, "Haulier", f"CH:{name}")
    lorry = _node(g, "Vehicle", f"V{name}")
    g.add_edge(haulier, lorry, type="OPERATES", basis="fact")
    return haulier, lorry


def test_ports_never_join_and_one_crossing_is_not_a_link() -> None:
    g = nx.MultiDiGraph()
    a, va = _firm(g, "A")
    b, vb = _firm(g, "B")
    port = _node(g, "Port", "GBDVR")
    for i, (h, v) in enumerate([(a, va), (b, vb)]):
        det = _event(g, "Detection", f"D{i}", "INVOLVED", h, v)
        g.add_edge(det, port, type="AT", basis="fact")
    driver = _node(g, "Person", "X|1990-01-01")
    _event(g, "Crossing", "K1", "CROSSED", b, driver)
    p = project(g)
    assert port not in p.graph
    comps = find_clusters(p.clustering_graph(0.35))
    assert {frozenset({a, va}), frozenset({b, vb}), frozenset({driver})} == set(comps)
    _event(g, "Crossing", "K2", "CROSSED", b, driver)
    comps = find_clusters(project(g).clustering_graph(0.35))
    assert frozenset({b, vb, driver}) in comps


def test_a_shared_formation_address_glues_nothing() -> None:
    g = nx.MultiDiGraph()
    office = _node(g, "Address", "1 AGENT ROW")
    firms = [_firm(g, str(i))[0] for i in range(8)]
    for firm in firms:
        g.add_edge(firm, office, type="REGISTERED_AT", basis="fact")
    p = project(g, max_pivot_degree=6)
    assert p.hubs == {office: 8}
    assert max(len(c) for c in find_clusters(p.clustering_graph(0.35))) == 2
    small = project(g, max_pivot_degree=10)
    assert max(len(c) for c in find_clusters(small.clustering_graph(0.35))) == 17


def test_graded_intelligence_weighs_more_than_weak_intelligence() -> None:
    weights = {}
    for grade in (("1", "A"), ("3", "E")):
        g = nx.MultiDiGraph()
        a = _node(g, "Person", "A|1980-01-01")
        b = _node(g, "Phone", "+447700900001")
        ref = _node(g, "Referral", "R1", reported_at=WHEN, basis="assessment")
        g.nodes[ref].update(source_evaluation=grade[0], intel_assessment=grade[1])
        for end in (a, b):
            g.add_edge(ref, end, type="CONCERNS", basis="assessment")
        weights[grade] = project(g).graph.edges[a, b]["weight"]
    assert weights["1", "A"] > 4 * weights["3", "E"]


def test_large_components_split_into_communities_with_either_library() -> None:
    left, right = nx.complete_graph(12), nx.relabel_nodes(nx.complete_graph(12), lambda n: n + 12)
    g = nx.union(left, right)
    g.add_edge(0, 12, weight=0.1)
    g = nx.relabel_nodes(g, str)
    for community in ("networkx", "leiden"):
        parts = find_clusters(g, max_size=20, community=community, seed=1)  # type: ignore[arg-type]
        assert sorted(len(p) for p in parts) == [12, 12], community
        assert find_clusters(g, max_size=20, community=community, seed=1) == parts  # type: ignore[arg-type]
    assert len(find_clusters(g, max_size=30)) == 1


def test_ids_carry_over_by_overlap_and_new_groups_get_new_ids() -> None:
    first = assign_ids([frozenset("abc"), frozenset("xyz")], {})
    assert first == ["C-00001", "C-00002"]
    previous = dict(zip(first, ["abc", "xyz"], strict=True))
    grown = [frozenset("xyzw"), frozenset("q"), frozenset("abc")]
    assert assign_ids(grown, previous, first) == ["C-00002", "C-00003", "C-00001"]
    merged = [frozenset("abcxyz")]
    assert assign_ids(merged, previous, first) == ["C-00001"]
    assert assign_ids([frozenset("q")], previous, [*first, "C-00007"]) == ["C-00008"]


def test_contributions_add_up_and_the_scorer_is_an_estimator() -> None:
    scorer = ClusterScorer().fit([])
    rng = np.random.default_rng(0)
    rows = [{n: float(rng.integers(0, 6)) for n in scorer.feature_names_} for _ in range(20)]
    scores = scorer.score_samples(rows)
    assert np.allclose(scorer.contributions(rows).sum(axis=1), scores)
    assert ((scores >= 0) & (scores <= 1)).all()
    assert clone(scorer).get_params() == scorer.get_params()
    more = dict(rows[0], entrants=rows[0]["entrants"] + 40)
    assert scorer.score_samples([more])[0] > scores[0]


def test_supervised_fit_calibrates_on_labels() -> None:
    scorer = ClusterScorer()
    rng = np.random.default_rng(1)
    names = list(load_weights().features)
    rows, labels = [], []
    for i in range(60):
        label = i % 2
        row = {n: float(rng.integers(0, 3)) for n in names}
        row["entrants"] = float(rng.integers(20, 60) if label else rng.integers(0, 8))
        rows.append(row)
        labels.append(label)
    scorer.fit(rows, labels)
    scores = scorer.score_samples(rows)
    assert scores[1::2].mean() > scores[0::2].mean() + 0.3
    assert np.allclose(scorer.contributions(rows).sum(axis=1), scores)
    with pytest.raises(AnalysisError, match="labels 0 and 1"):
        ClusterScorer().fit(rows[:4], [1, 1, 1, 1])


def test_a_broken_weights_file_names_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "w.yaml"
    bad.write_text(
        "version: x\nfeatures: {no_such_feature: {weight: 1, half: 1}}\n"
        "banding: {floor: 0.1, top: 0.5}\n"
    )
    with pytest.raises(InputError, match="no_such_feature"):
        load_weights(bad)


def test_bands_follow_the_score_and_the_challenge_rule() -> None:
    scheme, banding = load_bands(), load_weights().banding
    ranks = [scheme.rank(recommend_band(s / 20, scheme, banding)) for s in range(21)]
    assert ranks == sorted(ranks, reverse=True)
    assert decide(0.9, "1A", "3E", scheme, margin=3).challenge
    assert not decide(0.9, "1A", "1C", scheme, margin=3).challenge
    assert not decide(0.1, "UNGRADED", None, scheme).challenge
    assert "not mapped" in decide(0.5, "2A", None, scheme, unmapped_threshold=0.3).reason


def test_an_edge_list_gets_clusters_key_players_and_links(tmp_path: Path) -> None:
    path = tmp_path / "edges.csv"
    rows = ["source,target,weight"]
    rows += [f"a{i},hub,1" for i in range(5)] + ["a0,a1,2", "x,y,1"]
    path.write_text("\n".join(rows) + "\n")
    result = analyse_edges(path)
    assert [c.size for c in result.clusters] == [6, 2]
    assert result.clusters[0].key_players[0].node == "hub"
    assert all(s.a != s.b for s in result.clusters[0].suggested_links)
    path.write_text("source,target,weight\na,b,heavy\n")
    with pytest.raises(InputError, match=r"row 2, field 'weight'"):
        analyse_edges(path)


def test_scoring_part_by_part_gives_what_the_whole_graph_gives() -> None:
    """Clusters measured part by part, in any order, score and rank as on the whole graph.

    A referral about a detection is read in the first part without the detection's
    vehicle and trailer (at the edge of what that part holds): it still joins the cluster
    holding most of what it involves in the whole graph, not the one that saw it first.
    """
    from ocgmap.analysis.results import AnalysisParams
    from ocgmap.analysis.run import run_settings, score_clusters, whole

    g = nx.MultiDiGraph()
    person, phone = _node(g, "Person", "P1"), _node(g, "Phone", "+447700900001")
    g.add_edge(person, phone, type="USES", basis="fact")
    vehicle, trailer = _node(g, "Vehicle", "AB12CDE"), _node(g, "Trailer", "T1")
    detection = _event(g, "Detection", "D1", "INVOLVED", vehicle, trailer)
    referral = _node(g, "Referral", "INT-1", reported_at=WHEN)
    g.add_edge(referral, phone, type="CONCERNS", basis="fact")
    g.add_edge(referral, detection, type="ABOUT", basis="fact")
    clusters = [frozenset({vehicle, trailer}), frozenset({person, phone})]
    params, weights, scheme = run_settings(AnalysisParams(detail_clusters=5), None, None)

    def run(parts: object) -> list[dict[str, object]]:
        done = score_clusters(
            g,
            parts,  # type: ignore[arg-type]
            clusters,
            params=params,
            weights=weights,
            scheme=scheme,
            store_name="test",
            progress=lambda step, n: None,
            digest_of=lambda: "0" * 64,
            generated=WHEN,
            size=(g.number_of_nodes(), g.number_of_edges()),
            cluster_count=len(clusters),
            projected=(0, 0),
            as_of=WHEN,
        )
        return [
            c.model_dump(exclude={"features", "contributions", "reasons"}) for c in done.clusters
        ]

    edge = g.copy()
    edge.remove_edges_from([(detection, vehicle), (detection, trailer)])

    def parts(wanted: list[int]) -> list[tuple[list[int], object]]:
        # the people's cluster first, from the part without the detection's ends
        first, second = [i for i in wanted if i == 1], [i for i in wanted if i == 0]
        out = [(first, project(edge, as_of=WHEN)), (second, project(g, as_of=WHEN))]
        return [(batch, proj) for batch, proj in out if batch]

    expected = run(whole(project(g, as_of=WHEN)))
    assert run(parts) == expected
    home = [c for c in expected if {m["key"] for m in c["members"]} >= {"INT-1"}]
    assert [{m["key"] for m in c["members"]} for c in home] == [{"AB12CDE", "T1", "D1", "INT-1"}]
