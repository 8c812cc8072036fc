"""Shared dashboard fixtures: a real embedded store and a saved analysis run."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from dashboard_env import point_dashboard_at, signed_in
from ocgmap_cli import OCGMAP, ocgmap_env
from streamlit.testing.v1 import AppTest

from ocgmap.analysis.results import (
    AnalysisParams,
    AnalysisRun,
    ClusterResult,
    KeyPlayerResult,
    Member,
    RunSummary,
)
from ocgmap.analysis.runs import save_run
from ocgmap.dashboard import app_path
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, NodeRef, NodeRow
from ocgmap.store.embedded import EmbeddedStore


def _cluster(rank: int, score: float, current: str | None, challenge: bool) -> ClusterResult:
    cid = f"C-{rank:05d}"
    return ClusterResult(
        cluster_id=cid,
        rank=rank,
        score=score,
        recommended_band="2A" if score > 0.5 else "3C",
        current_band=current,
        challenge=challenge,
        challenge_reason=f"reason of {cid}",
        reasons=[f"{rank} detections on {rank + 1} vehicles"],
        members=[
            Member(label="Vehicle", key=f"AB{rank:02d}CDE", kind="asset"),
            Member(label="Person", key=f"NAME {rank}|1980-01", name=f"Name {rank}", kind="actor"),
        ],
        contributions={"harm_detections": score / 2, "org_hauliers": score / 2},
        key_players=[
            KeyPlayerResult(label="Person", key=f"NAME {rank}|1980-01", score=0.9, why="hub")
        ],
        intelligence_gaps=[f"gap of {cid}"],
        agencies=["Kent Police"] if rank % 2 else ["Border Force", "NCA"],
        ports=["GBDVR"] if rank <= 2 else ["GBHUL"],
        first_event=dt.datetime(2026, rank, 1, tzinfo=dt.UTC),
        last_event=dt.datetime(2026, rank, 20, tzinfo=dt.UTC),
    )


CLUSTERS = [
    _cluster(1, 0.72, "3C", True),
    _cluster(2, 0.55, None, True),
    _cluster(3, 0.61, "1B", False),
    _cluster(4, 0.10, None, False),
]


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AppTest:
    """The app on an embedded store (three phones, a haulier and its lorry) and a saved run."""
    home = tmp_path / "home"
    store = EmbeddedStore(home / "graph.json")
    store.upsert_nodes(
        Label.PHONE,
        [
            NodeRow(label=Label.PHONE, key=f"+4477009000{i:02d}", sources=[f"L:c.csv#{i}"])
            for i in range(3)
        ],
    )
    lorry = NodeRef(label=Label.VEHICLE, key="AB12CDE")
    haulier = NodeRef(label=Label.HAULIER, key="CH:01234567")
    store.upsert_nodes(
        Label.VEHICLE, [NodeRow(label=Label.VEHICLE, key=lorry.key, sources=["L:v#2"])]
    )
    store.upsert_nodes(
        Label.HAULIER,
        [
            NodeRow(
                label=Label.HAULIER,
                key=haulier.key,
                properties={"name": "A LTD"},
                sources=["L:h#2"],
            )
        ],
    )
    store.upsert_edges(
        RelType.OPERATES,
        [EdgeRow(type=RelType.OPERATES, start=haulier, end=lorry, sources=["L:o.csv#7"])],
    )
    run = AnalysisRun(
        run_id="R-20261128T120000-abcdef12",
        generated_at=dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC),
        ocgmap_version="test",
        store="embedded",
        params=AnalysisParams(),
        data_hash="abcdef12" * 8,
        summary=RunSummary(scored=4, challenged=2),
        clusters=CLUSTERS,
    )
    save_run(run, home)
    point_dashboard_at(monkeypatch, home, cwd=tmp_path)
    return signed_in(AppTest.from_file(app_path(), default_timeout=60))


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """``ocgmap demo`` run once for the session: its home and what it printed."""
    home = tmp_path_factory.mktemp("demo") / "home"
    done = subprocess.run(
        [OCGMAP, "demo"],
        env=ocgmap_env(home),
        cwd=home.parent,
        capture_output=True,
        text=True,
        timeout=900,  # a bound on a hung command, not a performance assertion
    )
    return home, done
