"""Every page on the demo's synthetic world (embedded store), as AppTest renders it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from dashboard_env import point_dashboard_at, signed_in
from streamlit.testing.v1 import AppTest

from ocgmap.analysis.runs import latest_run
from ocgmap.dashboard import app_path

pytestmark = pytest.mark.e2e

PAGES = [
    "pages/challenge.py",
    "pages/cluster.py",
    "pages/explore.py",
    "pages/overview.py",
    "pages/data.py",
    "pages/status.py",
]


@pytest.fixture
def app(
    demo: tuple[Path, subprocess.CompletedProcess[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AppTest:
    home, done = demo
    assert done.returncode == 0, done.stderr
    point_dashboard_at(monkeypatch, home, cwd=tmp_path)
    return signed_in(AppTest.from_file(app_path(), default_timeout=120))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_demo_world(app: AppTest, page: str) -> None:
    app.switch_page(page).run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert app.title, "every page has a title"


def test_the_challenge_list_and_its_clusters_come_from_the_latest_run(
    app: AppTest, demo: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    run = latest_run(demo[0])
    assert run is not None and run.challenges
    app.run()
    shown = list(app.dataframe[0].value["cluster"])
    assert shown == [c.cluster_id for c in run.challenges]
    app.toggle(key="all_clusters").set_value(True).run()
    assert list(app.dataframe[0].value["cluster"]) == [c.cluster_id for c in run.clusters]
    first = run.challenges[0]
    vehicle = next(m.key for m in first.members if m.label == "Vehicle")
    app.text_input(key="find").set_value(f"{vehicle[:4]} {vehicle[4:]}".lower()).run()
    assert first.cluster_id in list(app.dataframe[0].value["cluster"])
    app.selectbox(key="open_cluster").set_value(first.cluster_id).run()
    app.button(key="open").click().run()
    assert not app.exception
    assert app.title[0].value == f"Cluster {first.cluster_id} (rank {first.rank})"
    [members] = [
        d.value for d in app.dataframe if list(d.value.columns) == ["label", "key", "name", "kind"]
    ]
    assert sorted(members["key"]) == sorted(m.key for m in first.members)
