"""Cluster change alerts: band moves, members, merges, splits, the top of the challenge list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ocgmap.alerts import raise_analysis_alerts, read_alerts
from ocgmap.alerts.analysis import cluster_changes
from ocgmap.analysis.results import (
    AnalysisParams,
    AnalysisRun,
    ClusterChange,
    ClusterResult,
    Member,
)
from ocgmap.schema.labels import Label
from ocgmap.schema.models import NodeRow
from ocgmap.store.embedded import EmbeddedStore
from ocgmap.watch import add_watch, target_key

T0 = dt.datetime(2026, 3, 12, 9, 30, tzinfo=dt.UTC)


def _cluster(
    cid: str,
    vrms: str,
    band: str = "3C",
    score: float = 0.2,
    rank: int = 1,
    challenge: bool = False,
    change: ClusterChange | None = None,
) -> ClusterResult:
    members = [Member(label="Vehicle", key=v, kind="asset") for v in vrms.split()]
    members.append(Member(label="Detection", key=f"D-{cid}", kind="event"))  # not counted
    return ClusterResult(
        cluster_id=cid,
        rank=rank,
        score=score,
        recommended_band=band,
        challenge=challenge,
        members=members,
        change=change,
    )


def _run(run_id: str, clusters: list[ClusterResult], previous: str | None = None) -> AnalysisRun:
    return AnalysisRun(
        run_id=run_id,
        generated_at=T0,
        ocgmap_version="test",
        store="test",
        params=AnalysisParams(),
        data_hash="0" * 64,
        previous_run_id=previous,
        clusters=clusters,
    )


BEFORE = _run("R-1", [_cluster("C-1", "A B C D E"), _cluster("C-2", "F G H I J", rank=2)])


def test_a_band_move_and_members_gained_and_lost() -> None:
    after = _run("R-2", [_cluster("C-1", "A B C D X", band="2B", score=0.45)], "R-1")
    changes = dict(cluster_changes("C-1", after, BEFORE))
    assert changes["band"] == "C-1: recommended band 3C -> 2B (score 0.20 -> 0.45) since run R-1"
    assert changes["members"] == "C-1 since run R-1: 1 members gained, 1 lost: gained Vehicle:X"
    assert set(changes) == {"band", "members"}


def test_without_the_previous_run_the_cluster_s_own_change_record_is_used() -> None:
    change = ClusterChange(
        status="changed",
        previous_run_id="R-1",
        previous_score=0.2,
        previous_recommended_band="3C",
        members_gained=2,
    )
    after = _run("R-2", [_cluster("C-1", "A B", band="1D", change=change)], "R-1")
    changes = dict(cluster_changes("C-1", after, None))
    assert changes["band"].startswith("C-1: recommended band 3C -> 1D (score 0.20 -> 0.20)")
    assert changes["members"] == "C-1 since run R-1: 2 members gained, 0 lost"


def test_a_merge_a_split_and_a_cluster_that_is_gone() -> None:
    merged = _run("R-2", [_cluster("C-1", "A B C D E F G H")], "R-1")
    assert [k for k, _ in cluster_changes("C-1", merged, BEFORE)] == ["members", "merge"]
    assert "3 members of C-2" in dict(cluster_changes("C-1", merged, BEFORE))["merge"]
    absorbed = dict(cluster_changes("C-2", merged, BEFORE))
    assert absorbed == {
        "merge": "C-2 is no longer a cluster of its own since run R-1: its members went 3 to C-1"
    }
    split = _run("R-2", [_cluster("C-1", "A B C"), _cluster("C-3", "D E", rank=2)], "R-1")
    assert "2 of its members to C-3" in dict(cluster_changes("C-1", split, BEFORE))["split"]
    gone = _run("R-2", [_cluster("C-1", "A B C D E")], "R-1")
    assert cluster_changes("C-2", gone, BEFORE) == [
        ("gone", "C-2 is no longer among the scored clusters since run R-1")
    ]
    assert cluster_changes("C-1", gone, BEFORE) == []  # unchanged: nothing to say


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    graph = EmbeddedStore(tmp_path / "graph.json")
    graph.upsert_nodes(
        Label.CLUSTER, [NodeRow(label=Label.CLUSTER, key="C-1", sources=["R-1:analysis#1"])]
    )
    return graph


def test_a_challenge_list_watch_hears_of_new_entries_once(store: EmbeddedStore) -> None:
    add_watch(store, "sam", "challenges", "", top=2)
    add_watch(store, "ana", "cluster", "C-1")
    first = _run("R-1", [_cluster("C-1", "A", challenge=True, score=0.6, band="1C")])
    raised = raise_analysis_alerts(store, first, None, now=T0)
    assert [(a.owner, a.kind, a.subject_key) for a in raised] == [("sam", "top", "C-1")]
    assert raised[0].summary == (
        "C-1 entered the top 2 of the challenge list at rank 1: score 0.60, recommended 1C, "
        "graded not mapped"
    )
    second = _run(
        "R-2",
        [
            _cluster("C-1", "A", challenge=True, score=0.6, band="1C"),
            _cluster("C-2", "B", challenge=True, score=0.5, band="1D", rank=2),
            _cluster("C-3", "C", challenge=True, score=0.4, band="2A", rank=3),
        ],
        "R-1",
    )
    raised = raise_analysis_alerts(store, second, first, now=T0)
    assert [(a.owner, a.subject_key) for a in raised] == [("sam", "C-2")]  # C-3 is not top 2
    assert raise_analysis_alerts(store, second, first, now=T0) == []  # once per run
    assert raise_analysis_alerts(store, second, None, now=T0) == []  # unknown top before
    assert len(read_alerts(store, owner="sam")) == 2


@pytest.mark.parametrize(
    ("label", "text", "expected"),
    [
        ("Trailer", "c088 653", ("Trailer", "C088653")),
        ("haulier", "OL: ob1234567", ("Haulier", "OL:OB1234567")),
        ("haulier", "NAME:Harbour Freight Limited|gb", ("Haulier", "NAME:HARBOUR FREIGHT LTD|GB")),
        ("person", "Jan Nowak|?CH:01234567", ("Person", "JAN NOWAK|?CH:01234567")),
        ("person", "Mr Jan Nowak|03/02/1980", ("Person", "JAN NOWAK|1980-02-03")),
        ("address", "Unit 9, Berry Ct, CT16 1AA", ("Address", "UNIT 9 BERRY CT CT16 1AA")),
        ("OCG", " OCG-00042 ", ("OCG", "OCG-00042")),
        ("challenges", "", ("challenges", "challenges")),
    ],
)
def test_targets_are_normalised_as_the_loaders_normalise_them(
    label: str, text: str, expected: tuple[str, str]
) -> None:
    assert target_key(label, text) == expected
