"""The pages on every store kind: Cluster, Explore, Overview and Data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import export_world
import pytest
from dashboard_env import point_dashboard_at, signed_in
from evidence_world import FIRM, LORRY, PHONE_A, seed
from overview_world import seed as seed_overview
from streamlit.testing.v1 import AppTest
from tiny_sources import DETECTIONS

from ocgmap.analysis.results import (
    AnalysisParams,
    AnalysisRun,
    ClusterResult,
    KeyPlayerResult,
    Member,
    RunSummary,
)
from ocgmap.analysis.runs import latest_run, save_run
from ocgmap.audit import Action, audit_log
from ocgmap.dashboard import app_path
from ocgmap.review import Decision, ReviewDecision, record_review
from ocgmap.schema.labels import Label
from ocgmap.store import GraphStore
from ocgmap.store.embedded import EmbeddedStore
from ocgmap.store.neo4j import Neo4jStore

pytestmark = pytest.mark.e2e

CLUSTER = ClusterResult(
    cluster_id="C-00001",
    rank=1,
    score=0.7,
    recommended_band="2A",
    current_band=None,
    challenge=True,
    challenge_reason="not mapped to any OCG",
    members=[Member(label=str(r.label), key=r.key, kind="actor") for r in (FIRM, LORRY, PHONE_A)],
    key_players=[KeyPlayerResult(label="Haulier", key=FIRM.key, score=0.8, why="hub")],
)


RUN = AnalysisRun(
    run_id="R-20261128T120000-00000001",
    generated_at=dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC),
    ocgmap_version="test",
    store="test",
    params=AnalysisParams(),
    data_hash="0" * 64,
    summary=RunSummary(scored=1, challenged=1),
    clusters=[CLUSTER],
)


@pytest.fixture
def app(store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    seed(store)
    home = tmp_path  # the embedded store fixture keeps its graph in tmp_path/graph.json
    save_run(RUN, home)
    point_dashboard_at(monkeypatch, home, store)
    return signed_in(AppTest.from_file(app_path(), default_timeout=60))


def _table(app: AppTest, column: str) -> list[object]:
    [frame] = [d.value for d in app.dataframe if column in d.value.columns]
    return list(frame[column])


def test_challenge_list_with_reviews_from_the_store(app: AppTest, store: GraphStore) -> None:
    store.write_results(RUN)
    record_review(
        store,
        ReviewDecision(
            cluster_id="C-00001",
            decision=Decision.ACCEPT,
            proposed_band="2B",
            user="J Smith",
            decided_at=dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC),
        ),
    )
    app.run()
    assert not app.exception and not app.error
    assert app.title[0].value == "Challenge list"
    table = app.dataframe[0].value
    assert list(table["cluster"]) == ["C-00001"]
    assert list(table["review"]) == ["reviewed 03/12/2026 by J Smith: accepted, proposed 2B"]


def test_cluster_page_draws_the_network_and_lists_timeline_and_intelligence(app: AppTest) -> None:
    app.switch_page("pages/cluster.py").run()
    assert not app.exception
    captions = [c.value for c in app.caption]
    assert any(c.startswith("Drawing 7 of 8 nodes. Not drawn: 1 Crossing") for c in captions)
    assert _table(app, "what")[-1] == "detection: 6 entrants (2 minors) at Dover"
    assert _table(app, "what")[0] == "referral by NCA, graded 2B, without intelligence document"
    assert _table(app, "grading") == ["2B"] and _table(app, "handling") == ["P"]
    assert _table(app, "scheme") == ["3x5x2"]


def test_explore_finds_the_shortest_path_between_two_identifiers(app: AppTest) -> None:
    app.switch_page("pages/explore.py").run()
    app.text_input(key="explore_text").set_value("ab12 cde").run()
    app.text_input(key="path_text").set_value("07700 900002").run()
    assert not app.exception
    assert "1 shortest path(s) of 3 hops." in [c.value for c in app.caption]
    assert (
        "- Vehicle AB12CDE <-OPERATES- Haulier CH:01234567 -USES-> Phone +447700900001 "
        "-CALLED-> Phone +447700900002"
    ) in [m.value for m in app.markdown]
    app.slider(key="path_hops").set_value(2).run()
    assert "No path of 2 hops or fewer" in app.info[0].value


def test_a_member_opens_in_explore(app: AppTest) -> None:
    app.switch_page("pages/cluster.py").run()
    app.selectbox(key="explore_member").set_value("Vehicle: AB12CDE").run()
    app.button(key="to_explore").click().run()
    assert not app.exception
    assert app.title[0].value == "Explore"
    assert app.text_input(key="explore_text").value == "AB12CDE"


def test_overview_counts_and_compliance(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_overview(store)
    point_dashboard_at(monkeypatch, tmp_path, store)
    app = signed_in(AppTest.from_file(app_path(), default_timeout=60))
    app.switch_page("pages/overview.py").run()
    assert not app.exception and not app.error
    shown = {m.label: m.value for m in app.metric}
    assert (shown["detections"], shown["referrals"]) == ("5", "6")
    assert shown["NCCU referrals with the intelligence document"] == "60%"
    assert app.get("deck_gl_json_chart"), "the map is drawn"


def test_data_page_loads_a_folder_and_runs_the_analysis(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "detections.csv").write_text(DETECTIONS, encoding="utf-8")
    point_dashboard_at(monkeypatch, tmp_path, store)
    app = signed_in(AppTest.from_file(app_path(), default_timeout=60), "ana")  # an analyst
    app.switch_page("pages/data.py").run()
    app.radio(key="data_where").set_value("Folder on the server").run()
    app.text_input(key="data_folder").set_value(str(folder)).run()
    app.button(key="data_load").click().run()
    assert not app.exception and not app.error
    # what the dashboard wrote, read afresh (an embedded store is read from its file)
    fresh = store if isinstance(store, Neo4jStore) else EmbeddedStore(tmp_path / "graph.json")
    assert fresh.counts().nodes["Detection"] == 2
    app.button(key="data_analyse").click().run()
    assert not app.exception and not app.error
    saved = latest_run(tmp_path)
    assert saved is not None
    fresh = store if isinstance(store, Neo4jStore) else EmbeddedStore(tmp_path / "graph.json")
    assert fresh.get(Label.ANALYSIS_RUN, saved.run_id) is not None


def test_cluster_page_exports_the_target_package(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export_world.seed(store)
    save_run(export_world.run_of(), tmp_path)
    point_dashboard_at(monkeypatch, tmp_path, store)
    app = signed_in(AppTest.from_file(app_path(), default_timeout=120), "ivy")  # investigator
    app.switch_page("pages/cluster.py").run()
    app.selectbox(key="export_marking").set_value("OFFICIAL-SENSITIVE").run()
    app.button(key="export_go").click().run()
    assert "needs a justification and a recipient" in app.error[0].value  # s.62: both required
    app.text_input(key="export_recipients").set_value("NCA case officer, CPS lawyer").run()
    app.text_area(key="export_justification").set_value("NCA case 12/345").run()
    app.button(key="export_go").click().run()
    assert not app.exception and not app.error
    folder = tmp_path / "exports" / f"{export_world.CLUSTER_ID}-{export_world.run_of().run_id}"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["marking"] == "OFFICIAL-SENSITIVE" and manifest["exported_by"] == "ivy"
    assert "Withheld: referrals 1 with handling code C" in app.info[-1].value
    [logged] = [e for e in audit_log(tmp_path).entries() if e.action == Action.DISCLOSURE]
    assert logged.recipients == ["NCA case officer", "CPS lawyer"] and logged.user == "ivy"
    assert logged.justification == "NCA case 12/345"
    app.checkbox(key="export_conditional").check().run()
    app.text_area(key="export_justification").set_value(" ").run()
    app.button(key="export_go").click().run()
    assert "needs a justification" in app.error[0].value
