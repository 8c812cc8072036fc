"""The Overview page renders headlessly (AppTest) on a real embedded store."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path

import pytest
from dashboard_env import add_users, signed_in
from overview_world import seed
from streamlit.testing.v1 import AppTest

from ocgmap.analysis.results import AnalysisParams, AnalysisRun, RunSummary
from ocgmap.analysis.runs import save_run
from ocgmap.store.embedded import EmbeddedStore

pytestmark = pytest.mark.e2e

PAGE = str(resources.files("dashboards").joinpath("pages/overview.py"))
SHARE_LABEL = "NCCU referrals with the intelligence document"


def _page(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, home: Path) -> AppTest:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("OCGMAP_STORE", raising=False)
    monkeypatch.setenv("OCGMAP_HOME", str(home))
    add_users(home)
    return signed_in(AppTest.from_file(PAGE, default_timeout=60))


@pytest.fixture
def overview(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AppTest:
    """The page on the Overview graph, with a saved run and one load report."""
    home = tmp_path / "home"
    store = EmbeddedStore(home / "graph.json")
    seed(store)
    store.close()
    save_run(
        AnalysisRun(
            run_id="R-20250501T120000-abcdef12",
            generated_at=dt.datetime(2025, 5, 1, 12, tzinfo=dt.UTC),
            ocgmap_version="test",
            store="embedded",
            params=AnalysisParams(),
            data_hash="abcdef12" * 8,
            summary=RunSummary(scored=12, challenged=3),
        ),
        home,
    )
    folder = home / "loads" / "20250301T021400Z-aaaaaa"
    folder.mkdir(parents=True)
    report = {"load_id": folder.name, "started_at": "2025-03-01T02:14:00Z", "store": "embedded"}
    (folder / "report.json").write_text(json.dumps(report))
    return _page(monkeypatch, tmp_path, home)


def _metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_overview_shows_counts_share_run_and_loads(overview: AppTest) -> None:
    overview.run()
    assert not overview.exception and not overview.error
    assert overview.title[0].value == "Overview"
    shown = _metrics(overview)
    assert (shown["detections"], shown["referrals"]) == ("5", "6")
    assert shown[SHARE_LABEL] == "60%"
    assert (shown["clusters scored"], shown["challenged"]) == ("12", "3")
    [rows] = [t.value for t in overview.dataframe if "share" in t.value.columns]
    assert list(rows["agency"]) == ["Border Force", "Kent Police", "Kent Police"]
    [lacking] = [t.value for t in overview.dataframe if "nccu_ref" in t.value.columns]
    assert list(lacking["ref"]) == ["R2", "R5"]
    [loads] = [t.value for t in overview.dataframe if "load id" in t.value.columns]
    assert list(loads["load id"]) == ["20250301T021400Z-aaaaaa"]
    assert overview.get("deck_gl_json_chart"), "the map is drawn"


def test_an_empty_store_says_what_to_do_next(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = _page(monkeypatch, tmp_path, tmp_path / "empty")
    app.run()
    assert not app.exception
    assert "ocgmap demo" in app.info[0].value and "Data page" in app.info[0].value
    assert not app.metric
    assert "No load reports yet" in app.caption[-1].value
