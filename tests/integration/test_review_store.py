"""Review decisions on clusters, on every store kind: written once, kept across runs."""

from __future__ import annotations

import datetime as dt

import pytest

from ocgmap.analysis.results import AnalysisParams, AnalysisRun, ClusterResult, Member
from ocgmap.errors import InputError
from ocgmap.review import ReviewDecision, latest_reviews, record_review, review_history
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import NodeRef, NodeRow
from ocgmap.store import GraphStore

T0 = dt.datetime(2026, 3, 12, 9, 30, tzinfo=dt.UTC)


def _run(run_id: str, score: float, when: dt.datetime) -> AnalysisRun:
    clusters = [
        ClusterResult(
            cluster_id=f"C-0000{i}",
            rank=i,
            score=score / i,
            recommended_band="2A",
            challenge=i == 1,
            members=[Member(label="Vehicle", key=f"AB0{i}CDE", kind="asset")],
        )
        for i in (1, 2)
    ]
    return AnalysisRun(
        run_id=run_id,
        generated_at=when,
        ocgmap_version="test",
        store="test",
        params=AnalysisParams(),
        data_hash="0" * 64,
        clusters=clusters,
    )


@pytest.fixture
def analysed(store: GraphStore) -> GraphStore:
    """A store holding two vehicles and a run that put each in its own cluster."""
    store.upsert_nodes(
        Label.VEHICLE,
        [NodeRow(label=Label.VEHICLE, key=f"AB0{i}CDE", sources=[f"L:v.csv#{i}"]) for i in (1, 2)],
    )
    store.write_results(_run("R-1", 0.8, T0))
    return store


def _review(minutes: int, **fields: str) -> ReviewDecision:
    base = {"cluster_id": "C-00001", "user": "J Smith", "run_id": "R-1"}
    return ReviewDecision.model_validate(
        {**base, **fields, "decided_at": T0 + dt.timedelta(minutes=minutes)}
    )


def test_a_decision_round_trips_with_its_provenance(analysed: GraphStore) -> None:
    review = _review(5, decision="accept", proposed_band="2B")
    assert record_review(analysed, review) == review
    assert latest_reviews(analysed) == {"C-00001": review}
    node = analysed.get(Label.REVIEW, review.key)
    assert node is not None
    assert node.sources == ["review:J Smith@2026-03-12T09:35:00+00:00"]
    assert node.properties["decided_at"] == T0 + dt.timedelta(minutes=5)
    cluster = NodeRef(label=Label.CLUSTER, key="C-00001")
    [edge] = analysed.subgraph([node.ref, cluster]).edges
    assert (edge.type, edge.start, edge.end) == (RelType.REVIEWS, node.ref, cluster)


def test_latest_wins_and_history_is_newest_first(analysed: GraphStore) -> None:
    first = _review(1, decision="more_intelligence", reason="PNC check on the driver")
    second = _review(30, decision="reject", reason="one-off incident")
    third = _review(90, decision="accept", proposed_band="1C", user="A Jones")
    other = _review(60, decision="reject", reason="known haulier", cluster_id="C-00002")
    for review in (second, other, third, first):
        record_review(analysed, review)
    assert latest_reviews(analysed) == {"C-00001": third, "C-00002": other}
    assert latest_reviews(analysed, ["C-00002", "C-99999"]) == {"C-00002": other}
    assert review_history(analysed, "C-00001") == [third, second, first]
    assert review_history(analysed, "C-99999") == []
    assert analysed.counts().nodes["Review"] == 4


def test_writing_the_same_decision_again_changes_nothing(analysed: GraphStore) -> None:
    review = _review(5, decision="reject", reason="one-off incident")
    record_review(analysed, review)
    before = analysed.counts()
    record_review(analysed, review)
    assert analysed.counts() == before
    assert before.nodes["Review"] == 1 and before.relationships["REVIEWS"] == 1
    assert review_history(analysed, "C-00001") == [review]


def test_a_decision_survives_a_later_run_of_the_same_cluster(analysed: GraphStore) -> None:
    review = _review(5, decision="accept", proposed_band="2B")
    record_review(analysed, review)
    analysed.write_results(_run("R-2", 0.6, T0 + dt.timedelta(days=7)))
    cluster = analysed.get(Label.CLUSTER, "C-00001")
    assert cluster is not None and cluster.properties["run_id"] == "R-2"
    assert latest_reviews(analysed) == {"C-00001": review}
    assert analysed.counts().relationships["REVIEWS"] == 1
    around = analysed.neighbourhood([NodeRef(label=Label.CLUSTER, key="C-00001")])
    assert NodeRef(label=Label.REVIEW, key=review.key) in around.refs()


def test_an_unknown_cluster_is_refused_and_nothing_is_written(analysed: GraphStore) -> None:
    review = _review(5, decision="reject", reason="x", cluster_id="C-99999")
    with pytest.raises(InputError, match="Cluster 'C-99999' is not in the .* store"):
        record_review(analysed, review)
    assert "Review" not in analysed.counts().nodes
    assert latest_reviews(analysed) == {}
