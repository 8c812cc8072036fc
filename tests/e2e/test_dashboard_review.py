"""Recording a review decision in the dashboard (AppTest): the panel, then the challenge list."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from dashboard_env import signed_in
from streamlit.testing.v1 import AppTest

from ocgmap.analysis.runs import latest_run
from ocgmap.review import Decision
from ocgmap.schema.labels import Label
from ocgmap.schema.models import NodeRow
from ocgmap.store.embedded import EmbeddedStore

pytestmark = pytest.mark.e2e


def _graph(home: Path) -> EmbeddedStore:
    return EmbeddedStore(home / "graph.json")


@pytest.fixture
def home(app: AppTest) -> Path:
    """The ``app`` fixture's home, with its saved run written into the store as clusters."""
    where = Path(os.environ["OCGMAP_HOME"])
    run = latest_run(where)
    assert run is not None
    store = _graph(where)
    for cluster in run.clusters:
        for m in cluster.members:
            label = Label(m.label)
            store.upsert_nodes(label, [NodeRow(label=label, key=m.key, sources=["L:m.csv#1"])])
    store.write_results(run)
    return where


def _panel_script() -> None:
    from dashboards.components.review import review_panel
    from dashboards.data import load_results

    run = load_results()
    assert run is not None
    review_panel(run.cluster("C-00001"), run.run_id)


@pytest.fixture
def panel(home: Path) -> AppTest:
    """The review panel of cluster C-00001, as the cluster page shows it."""
    return signed_in(AppTest.from_function(_panel_script, default_timeout=60))


def test_an_accepted_band_is_recorded_and_shown_in_the_challenge_list(
    panel: AppTest, app: AppTest, home: Path
) -> None:
    panel.run()
    assert not panel.exception
    assert panel.caption[0].value == "Not reviewed yet."
    assert panel.radio(key="review_decision").value == Decision.ACCEPT
    assert panel.selectbox(key="review_band").value == "2A"  # the recommended band
    panel.selectbox(key="review_band").set_value("2B")
    panel.button(key="review_submit").click().run()
    assert not panel.exception and not panel.error
    assert panel.success[0].value.endswith("by sam: accepted, proposed 2B")
    latest = [m.value for m in panel.markdown if m.value.startswith("**Latest:**")]
    assert len(latest) == 1 and latest[0].endswith("by sam: accepted, proposed 2B")
    [review] = _reviews(home)
    assert review["run_id"] == "R-20261128T120000-abcdef12" and review["user"] == "sam"

    app.run()
    assert not app.exception
    table = app.dataframe[0].value
    shown = dict(zip(table["cluster"], table["review"], strict=True))
    assert shown["C-00001"].startswith("reviewed ")
    assert shown["C-00001"].endswith("by sam: accepted, proposed 2B")
    assert shown["C-00002"] == ""


def test_a_reject_without_a_reason_shows_an_error_and_writes_nothing(
    panel: AppTest, home: Path
) -> None:
    panel.run()
    panel.radio(key="review_decision").set_value(Decision.REJECT).run()
    assert not panel.selectbox  # a band is only asked for on accept
    assert panel.text_area(key="review_reason").label == "reason"
    panel.button(key="review_submit").click().run()
    assert not panel.exception and not panel.success
    assert "A rejected cluster needs a reason" in panel.error[0].value
    assert panel.caption[0].value == "Not reviewed yet."
    assert _reviews(home) == []


def test_more_intelligence_records_what_is_needed(panel: AppTest, home: Path) -> None:
    panel.run()
    panel.radio(key="review_decision").set_value(Decision.MORE_INTELLIGENCE).run()
    panel.text_area(key="review_reason").set_value("PNC check on the driver")
    panel.button(key="review_submit").click().run()
    assert not panel.exception and not panel.error
    assert panel.success[0].value.endswith("more intelligence requested: PNC check on the driver")
    [review] = _reviews(home)
    assert review["decision"] == "more_intelligence" and "proposed_band" not in review


def _reviews(home: Path) -> list[dict[str, object]]:
    """The Review nodes as saved on disk (read afresh, not through the dashboard's cache)."""
    store = _graph(home)
    return [
        {**n.properties, "key": n.key}
        for n in store.search("C-0000", labels=[Label.REVIEW], limit=100)
    ]
