"""The dashboard renders headlessly (AppTest) against a real embedded store and saved runs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dashboard_env import add_users
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.e2e


def _shown(app: AppTest) -> list[str]:
    return list(app.dataframe[0].value["cluster"])


def test_challenge_list_is_the_landing_page_in_rank_order(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert app.title[0].value == "Challenge list"
    assert _shown(app) == ["C-00001", "C-00002"]


def test_filters_change_the_list(app: AppTest) -> None:
    app.run()
    app.toggle(key="all_clusters").set_value(True).run()
    assert _shown(app) == ["C-00001", "C-00002", "C-00003", "C-00004"]
    app.slider(key="min_score").set_value(0.6).run()
    assert _shown(app) == ["C-00001", "C-00003"]
    app.multiselect(key="current").set_value(["1B"]).run()
    assert _shown(app) == ["C-00003"]


def test_force_port_and_time_window_filters(app: AppTest) -> None:
    app.run()
    app.toggle(key="all_clusters").set_value(True).run()
    app.multiselect(key="agencies").set_value(["Kent Police"]).run()
    assert _shown(app) == ["C-00001", "C-00003"]
    app.multiselect(key="ports").set_value(["GBDVR"]).run()
    assert _shown(app) == ["C-00001"]
    app.multiselect(key="agencies").set_value([]).run()
    app.multiselect(key="ports").set_value([]).run()
    app.date_input(key="window").set_value((dt.date(2026, 2, 10), dt.date(2026, 3, 5))).run()
    assert not app.exception
    assert _shown(app) == ["C-00002", "C-00003"]
    assert list(app.dataframe[0].value["active"])[0] == "01/02/2026 to 20/02/2026"


def test_a_vrm_typed_with_spaces_in_lower_case_finds_its_cluster(app: AppTest) -> None:
    app.run()
    app.text_input(key="find").set_value("ab02 cde").run()
    assert _shown(app) == ["C-00002"]
    app.text_input(key="find").set_value("zz99 zzz").run()
    assert not app.dataframe and "Nothing matches" in app.caption[-1].value


def test_opening_a_cluster_shows_its_members_and_why(app: AppTest) -> None:
    app.run()
    app.selectbox(key="open_cluster").set_value("C-00002").run()
    app.button(key="open").click().run()
    assert not app.exception
    assert app.title[0].value == "Cluster C-00002 (rank 2)"
    [members] = [
        d.value for d in app.dataframe if list(d.value.columns) == ["label", "key", "name", "kind"]
    ]
    assert list(members["key"]) == ["AB02CDE", "NAME 2|1980-01"]
    assert [m.value for m in app.metric] == ["not mapped", "2A", "0.55"]
    shown = [m.value for m in app.markdown]
    assert "- 2 detections on 3 vehicles" in shown and "- gap of C-00002" in shown


def test_store_page_shows_counts(app: AppTest) -> None:
    app.switch_page("pages/status.py").run()
    assert not app.exception
    assert [m.value for m in app.metric] == ["5", "1"]
    assert app.subheader[0].value == "embedded store"


def test_pages_explain_what_to_do_before_the_first_run(
    app: AppTest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OCGMAP_HOME", str(tmp_path / "empty"))
    add_users(tmp_path / "empty")
    app.run()
    assert not app.exception
    assert "ocgmap demo" in app.info[0].value
    app.switch_page("pages/cluster.py").run()
    assert not app.exception and "ocgmap demo" in app.info[0].value


def test_explore_finds_identifiers_as_typed_and_shows_the_neighbourhood(app: AppTest) -> None:
    app.switch_page("pages/explore.py").run()
    app.text_input(key="explore_text").set_value("ab12 cde").run()
    assert not app.exception
    assert app.dataframe[0].value["key"][0] == "AB12CDE"
    around = app.dataframe[1].value
    assert set(around["key"]) == {"AB12CDE", "CH:01234567"}
    assert list(app.dataframe[2].value["provenance"]) == ["L:o.csv#7"]
    app.text_input(key="explore_text").set_value("07700 900001").run()
    assert list(app.dataframe[0].value["key"]) == ["+447700900001"]
    app.text_input(key="explore_text").set_value("nothing like this").run()
    assert "Nothing in the store matches" in app.info[0].value
