"""The Data page (AppTest): load a folder or uploads with a report, quarantine, analysis."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from dashboard_env import add_users, signed_in
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Progress
from tiny_sources import DETECTIONS

from loaders.pipeline import run
from ocgmap.analysis.runs import latest_run
from ocgmap.schema.labels import Label
from ocgmap.store.embedded import EmbeddedStore

pytestmark = pytest.mark.e2e

#: Row 3 breaks the contract: a call cannot last a negative time.
CALLS = (
    "call_id,from_number,to_number,started_at,duration_s\n"
    "C1,07700 900001,07700 900002,2025-03-01T02:14:00,60\n"
    "C2,07700 900002,07700 900003,2025-03-02T02:14:00,-5\n"
)


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty OCGMAP_HOME with the embedded store chosen."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("OCGMAP_STORE", raising=False)
    monkeypatch.setenv("OCGMAP_HOME", str(tmp_path / "home"))
    add_users(tmp_path / "home")
    return tmp_path / "home"


@pytest.fixture
def page(home: Path) -> AppTest:
    path = resources.files("dashboards").joinpath("pages", "data.py")
    return signed_in(AppTest.from_file(str(path), default_timeout=60), "ana")


@pytest.fixture
def sources_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "detections.csv").write_text(DETECTIONS, encoding="utf-8")
    (folder / "calls.csv").write_text(CALLS, encoding="utf-8")
    return folder


def _nodes(home: Path) -> int:
    path = home / "graph.json"
    return sum(EmbeddedStore(path).counts().nodes.values()) if path.exists() else 0


def _infos(app: AppTest) -> str:
    return " ".join(i.value for i in app.info)


def test_an_empty_home_explains_what_to_do(page: AppTest) -> None:
    page.run()
    assert not page.exception
    assert page.title[0].value == "Data"
    shown = _infos(page)
    assert "No loads yet" in shown and "The store is empty" in shown
    assert not page.button(key="data_load").disabled
    assert [b.key for b in page.button] == ["data_load"]  # no analysis without data


def test_loading_a_server_folder_reports_and_quarantines(
    page: AppTest, home: Path, sources_folder: Path
) -> None:
    page.run()
    page.radio(key="data_where").set_value("Folder on the server").run()
    page.text_input(key="data_folder").set_value(str(sources_folder)).run()
    assert _nodes(home) == 0
    page.button(key="data_load").click().run()
    assert not page.exception and not page.error
    load_id = page.session_state["data_last_load"].load_id
    assert [b.value for b in page.get("progress") if isinstance(b, Progress)] == [100]
    assert page.status[0].label == f"Load {load_id} finished"
    assert _nodes(home) == 7  # 2 detections, a vehicle, a person, 3 phones and Dover, less one
    store = EmbeddedStore(home / "graph.json")
    assert store.get(Label.DETECTION, "D-2") is not None
    report = page.dataframe[0].value
    assert dict(zip(report["file"], report["quarantined"], strict=True)) == {
        "detections.csv": 0,
        "calls.csv": 1,
    }
    assert list(page.dataframe[1].value["quarantined"]) == [1]  # the load reports table
    quarantined = page.dataframe[2].value
    assert page.selectbox(key="data_q_file").value == "calls.csv"
    assert list(quarantined["row"]) == [3]
    assert list(quarantined["fields"]) == ["duration_s"]
    assert "greater than or equal to 0" in quarantined["reason"][0]
    assert (quarantined["call_id"][0], quarantined["duration_s"][0]) == ("C2", "-5")


def test_run_analysis_saves_a_run_and_writes_it_back(
    page: AppTest, home: Path, sources_folder: Path
) -> None:
    run([sources_folder], EmbeddedStore(home / "graph.json"), home)
    page.run()
    assert latest_run(home) is None
    page.button(key="data_analyse").click().run()
    assert not page.exception and not page.error
    saved = latest_run(home)
    assert saved is not None and saved.params.weights_version
    assert page.status[0].label == f"Run {saved.run_id} saved"
    steps = [m.value for m in page.markdown]
    assert steps[:3] == ["read the graph", "hash the input", "project"] and "write back" in steps
    assert saved.run_id in page.success[0].value and "Challenge list" in page.success[0].value
    assert EmbeddedStore(home / "graph.json").get(Label.ANALYSIS_RUN, saved.run_id) is not None


def test_uploaded_files_are_saved_then_loaded(page: AppTest, home: Path) -> None:
    page.run()
    page.file_uploader(key="data_files").set_value(
        [
            ("calls.csv", CALLS.encode(), "text/csv"),
            ("../notes.csv", b"a,b\n1,2\n", "text/csv"),
        ]
    ).run()
    page.button(key="data_load").click().run()
    assert not page.exception and not page.error
    [folder] = (home / "uploads").iterdir()
    # generated names that keep the source's name first; the originals are in meta/
    saved = sorted(p.name for p in folder.iterdir() if p.is_file())
    assert saved == ["calls-01.csv", "notes-02.csv"]
    assert list(page.dataframe[0].value["loaded"]) == [1]
    assert "notes-02.csv" in page.warning[0].value  # not named as any source
    assert _nodes(home) == 2


def test_a_missing_folder_is_one_clear_error(page: AppTest, home: Path) -> None:
    page.run()
    page.radio(key="data_where").set_value("Folder on the server").run()
    page.text_input(key="data_folder").set_value(str(home / "nowhere")).run()
    page.button(key="data_load").click().run()
    assert not page.exception
    assert [e.value for e in page.error] == [
        f"{home / 'nowhere'} does not exist on the server: check the path."
    ]
    assert not (home / "loads").exists()


def test_after_a_new_load_the_quarantine_shows_that_load(
    page: AppTest, tmp_path: Path, sources_folder: Path
) -> None:
    anpr = tmp_path / "anpr"
    anpr.mkdir()
    (anpr / "anpr.csv").write_text("read_id,vrm,read_at,camera_id\nR1,ZZ01AAA,soon,CAM-1\n")
    page.run()
    page.radio(key="data_where").set_value("Folder on the server").run()
    for folder in (sources_folder, anpr):
        page.text_input(key="data_folder").set_value(str(folder)).run()
        page.button(key="data_load").click().run()
    assert not page.exception
    assert page.selectbox(key="data_q_load").value == page.session_state["data_last_load"].load_id
    assert page.selectbox(key="data_q_file").value == "anpr.csv"
    assert list(page.dataframe[-1].value["read_at"]) == ["soon"]
