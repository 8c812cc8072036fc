"""The Alerts page (AppTest): unread first, filters, open, mark read, handling codes, watches."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from dashboard_env import point_dashboard_at, signed_in
from streamlit.testing.v1 import AppTest
from tiny_sources import DETECTIONS

from loaders.pipeline import run as load
from ocgmap.alerts import Alert, read_alerts
from ocgmap.alerts.model import alert_key, write_new
from ocgmap.analysis.results import (
    AnalysisParams,
    AnalysisRun,
    ClusterResult,
    Member,
    RunSummary,
)
from ocgmap.analysis.runs import save_run
from ocgmap.audit import Action, audit_log
from ocgmap.dashboard import app_path
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, NodeRef, NodeRow
from ocgmap.store.embedded import EmbeddedStore
from ocgmap.watch import Watch, add_watch, list_watches

pytestmark = pytest.mark.e2e

#: How the page shows one alert: kind in bold, its status, then its summary.
_ROW = re.compile(r"^\*\*(\w+)\*\* \((unread|read)\): (.*)$")

T0 = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
RUN_ID = "R-20260303T120000-abcdef12"
LORRY = NodeRef(label=Label.VEHICLE, key="AB12CDE")
PHONES = [NodeRef(label=Label.PHONE, key=f"+4477009000{i:02d}") for i in (1, 2)]
#: What the tests' alerts say, by name.
DETECTED = "New detection D-1 of AB12CDE at Dover"
CALLED = "2 new calls between +447700900001 and +447700900002"
BAND = "C-00001 recommended band up from 3C to 2A"
REFERRED = "New referral R-9 about AB12CDE"


def _graph(home: Path) -> EmbeddedStore:
    return EmbeddedStore(home / "graph.json")


def _run() -> AnalysisRun:
    cluster = ClusterResult(
        cluster_id="C-00001",
        rank=1,
        score=0.72,
        recommended_band="2A",
        current_band="3C",
        challenge=True,
        challenge_reason="scored above its band",
        members=[Member(label="Vehicle", key=LORRY.key, kind="asset")],
    )
    return AnalysisRun(
        run_id=RUN_ID,
        generated_at=dt.datetime(2026, 3, 3, 12, tzinfo=dt.UTC),
        ocgmap_version="test",
        store="embedded",
        params=AnalysisParams(),
        data_hash="abcdef12" * 8,
        summary=RunSummary(scored=1, challenged=1),
        clusters=[cluster],
    )


def _alert(
    watch: Watch,
    kind: str,
    subject: tuple[str, str],
    summary: str,
    day: int,
    *,
    read: bool = False,
    conditional: bool = False,
    origin: tuple[str, str] = ("L-20260301", "load"),
    evidence: tuple[str, ...] = ("f1:detections.csv#2",),
) -> Alert:
    label, key = subject
    return Alert.model_validate(
        {
            "key": alert_key(watch, kind, f"{label}:{key}", evidence),
            "watch_key": watch.key,
            "owner": watch.owner,
            "kind": kind,
            "subject_label": label,
            "subject_key": key,
            "subject": f"{label} {key}",
            "summary": summary,
            "via": "" if label == "Cluster" else "Vehicle AB12CDE",
            "distance": 1,
            "origin": origin[0],
            "origin_kind": origin[1],
            "raised_at": T0 + dt.timedelta(days=day),
            "status": "read" if read else "unread",
            "read_at": T0 + dt.timedelta(days=day, hours=1) if read else None,
            "read_by": watch.owner if read else None,
            "handling": "conditional" if conditional else "open",
            "evidence": list(evidence),
        }
    )


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A lorry, two phones and cluster C-00001; sam watches both, with four alerts."""
    home = tmp_path / "home"
    store = _graph(home)
    store.upsert_nodes(
        Label.VEHICLE, [NodeRow(label=Label.VEHICLE, key=LORRY.key, sources=["f0:v.csv#2"])]
    )
    store.upsert_nodes(
        Label.PHONE,
        [
            NodeRow(label=Label.PHONE, key=p.key, sources=[f"f0:c.csv#{i}"])
            for i, p in enumerate(PHONES)
        ],
    )
    store.upsert_edges(
        RelType.CALLED,
        [EdgeRow(type=RelType.CALLED, start=PHONES[0], end=PHONES[1], sources=["f1:calls.csv#2"])],
    )
    run = _run()
    store.write_results(run)
    save_run(run, home)
    lorry = add_watch(store, "sam", "vehicle", "ab12 cde", reason="seen with OCG-7", now=T0)
    cluster = add_watch(store, "sam", "cluster", "c-00001", now=T0)
    others = add_watch(store, "ana", "vehicle", "ab12 cde", now=T0)
    ends = f"Phone:{PHONES[0].key}|Phone:{PHONES[1].key}|"
    write_new(
        store,
        [
            (_alert(lorry, "event", ("Detection", "D-1"), DETECTED, 1), lorry),
            (_alert(lorry, "calls", ("CALLED", ends), CALLED, 4, read=True), lorry),
            (
                _alert(
                    cluster, "band", ("Cluster", "C-00001"), BAND, 2, origin=(RUN_ID, "analysis")
                ),
                cluster,
            ),
            (_alert(lorry, "event", ("Referral", "R-9"), REFERRED, 3, conditional=True), lorry),
            (_alert(others, "event", ("Detection", "D-1"), "ana's own news", 1), others),
        ],
    )
    point_dashboard_at(monkeypatch, home, cwd=tmp_path)
    return home


def _alerts_page(name: str = "sam") -> AppTest:
    app = signed_in(AppTest.from_file(app_path(), default_timeout=60), name).run()
    return app.switch_page("pages/alerts.py").run()


def _summaries(app: AppTest) -> list[str]:
    """The alerts shown, as ``kind (status): summary``, in page order."""
    rows = (_ROW.match(m.value) for m in app.markdown)
    return [f"{r[1]} ({r[2]}): {r[3]}" for r in rows if r]


def _page_titles(name: str) -> set[str]:
    """The page titles in the navigation the app shows ``name`` when it opens."""
    app = signed_in(AppTest.from_file(app_path(), default_timeout=60), name).run()
    assert not app.exception
    return {str(info.get("page_name")) for info in app._registered_pages.values()}


def _status_in_store(home: Path, summary: str) -> str:
    [alert] = [a for a in read_alerts(_graph(home)) if a.summary == summary]
    return alert.status


def test_the_alerts_page_is_in_the_navigation_with_the_unread_count(home: Path) -> None:
    assert "Alerts (3)" in _page_titles("sam")  # the held one counts: the page says it is held
    assert "Alerts (1)" in _page_titles("ana")
    app = signed_in(AppTest.from_file(app_path(), default_timeout=60), "sam").run()
    app.switch_page("pages/alerts.py").run()
    assert not app.exception
    assert app.title[0].value == "Alerts"


def test_unread_alerts_come_first_and_conditional_ones_are_held_from_an_analyst(
    home: Path,
) -> None:
    app = _alerts_page("ana")
    assert not app.exception and not app.error
    assert _summaries(app) == ["event (unread): ana's own news"]  # never sam's
    app = _alerts_page("sam")
    assert not app.exception and not app.error
    assert _summaries(app) == [
        f"band (unread): {BAND}",
        f"event (unread): {DETECTED}",
        f"calls (read): {CALLED}",
    ]
    captions = [c.value for c in app.caption]
    assert (
        "1 alert(s) rest on intelligence with handling conditions and are not shown (3 shown)."
        in captions
    )
    assert any(c.startswith("Evidence: f1:detections.csv#2") for c in captions)
    assert any("Raised by analysis R-20260303T120000-abcdef12" in c for c in captions)
    assert all(REFERRED not in m.value for m in app.markdown)
    logged = [
        (e.user, e.action, e.objects) for e in audit_log(home).entries() if e.what == "alerts"
    ]
    watched = sorted(w.key for w in list_watches(_graph(home), "sam"))
    assert ("sam", Action.CONSULTATION, watched) in logged


def test_an_analyst_is_told_the_role_that_sees_conditional_alerts(home: Path) -> None:
    store = _graph(home)
    [watch] = list_watches(store, "ana")
    write_new(
        store, [(_alert(watch, "event", ("Referral", "R-9"), REFERRED, 3, conditional=True), watch)]
    )
    app = _alerts_page("ana")
    assert not app.exception
    assert _summaries(app) == ["event (unread): ana's own news"]
    assert any(
        "1 alert(s) rest on intelligence with handling conditions" in c.value for c in app.caption
    )
    assert any(
        "Viewing alerts with handling conditions needs the role supervisor or investigator"
        in i.value
        for i in app.info
    )
    assert "alerts_why_show" not in {b.key for b in app.get("form_submit_button")}


def test_a_supervisor_sees_conditional_alerts_after_giving_a_reason_which_is_logged(
    home: Path,
) -> None:
    app = _alerts_page("sam")
    app.button(key="alerts_why_show").click().run()  # no reason: refused
    assert "Say why you need to see them" in app.error[0].value
    assert all(REFERRED not in s for s in _summaries(app))
    app.text_input(key="alerts_why_text").input("Operation Kestrel tasking")
    app.button(key="alerts_why_show").click().run()
    assert not app.exception and not app.error
    assert _summaries(app)[0] == f"event (unread): {REFERRED}"
    assert any("handling conditions apply" in c.value for c in app.caption)
    [logged] = [e for e in audit_log(home).entries() if e.what == "conditional alerts"]
    assert logged.user == "sam" and logged.justification == "Operation Kestrel tasking"
    assert logged.action is Action.CONSULTATION and len(logged.objects) == 1


def test_filtering_by_kind_and_by_watch_narrows_the_list(home: Path) -> None:
    app = _alerts_page()
    app.multiselect(key="alerts_kinds").set_value(["event"]).run()
    assert _summaries(app) == [f"event (unread): {DETECTED}"]
    app.multiselect(key="alerts_kinds").set_value([]).run()
    [cluster] = [w for w in list_watches(_graph(home), "sam") if w.target_label == "Cluster"]
    app.multiselect(key="alerts_watches").set_value([cluster.key]).run()
    assert _summaries(app) == [f"band (unread): {BAND}"]
    app.multiselect(key="alerts_watches").set_value([]).run()
    app.toggle(key="alerts_unread").set_value(True).run()
    assert [s.split(":")[0] for s in _summaries(app)] == ["band (unread)", "event (unread)"]


def test_marking_one_read_changes_the_store_and_the_page(home: Path) -> None:
    app = _alerts_page()
    [detected] = [a for a in read_alerts(_graph(home), owner="sam") if a.summary == DETECTED]
    app.button(key=f"alert_read_{detected.key}").click().run()
    assert not app.exception and not app.error
    assert _status_in_store(home, DETECTED) == "read"
    assert _status_in_store(home, BAND) == "unread"
    assert _summaries(app) == [
        f"band (unread): {BAND}",
        f"calls (read): {CALLED}",  # read a day later than the detection was raised
        f"event (read): {DETECTED}",
    ]
    assert f"alert_read_{detected.key}" not in {b.key for b in app.button}
    assert "Alerts (2)" in _page_titles("sam")
    app.button(key="alerts_read_all").click().run()
    assert _status_in_store(home, BAND) == "read"
    assert _status_in_store(home, REFERRED) == "unread"  # held back, so not shown, not marked
    assert "alerts_read_all" not in {b.key for b in app.button}


def test_opening_a_cluster_alert_switches_to_the_cluster_page(home: Path) -> None:
    app = _alerts_page()
    [band] = [a for a in read_alerts(_graph(home), owner="sam") if a.kind == "band"]
    app.button(key=f"alert_open_{band.key}").click().run()
    assert not app.exception
    assert app.title[0].value == "Cluster C-00001 (rank 1)"
    assert app.session_state["cluster_id"] == "C-00001"


def test_opening_a_call_alert_explores_its_first_phone(home: Path) -> None:
    app = _alerts_page()
    [calls] = [a for a in read_alerts(_graph(home), owner="sam") if a.kind == "calls"]
    app.button(key=f"alert_open_{calls.key}").click().run()
    assert not app.exception
    assert app.title[0].value == "Explore"
    assert app.text_input(key="explore_text").value == PHONES[0].key
    assert app.dataframe[0].value["key"][0] == PHONES[0].key


def test_the_watch_button_on_the_cluster_page_adds_then_removes_a_watch(home: Path) -> None:
    store = _graph(home)
    [cluster] = [w for w in list_watches(store, "sam") if w.target_label == "Cluster"]
    app = signed_in(AppTest.from_file(app_path(), default_timeout=60), "ivy").run()
    app.switch_page("pages/cluster.py").run()
    [button] = [b for b in app.button if b.label == "Watch"]
    button.click().run()
    assert not app.exception and not app.error
    [mine] = list_watches(_graph(home), "ivy")
    assert (mine.target_label, mine.target_key) == ("Cluster", "C-00001")
    assert cluster in list_watches(_graph(home), "sam")  # sam's watch is sam's
    [button] = [b for b in app.button if b.label == "Unwatch"]
    button.click().run()
    assert not app.exception and not app.error
    assert list_watches(_graph(home), "ivy") == []
    assert [b.label for b in app.button if b.label in ("Watch", "Unwatch")] == ["Watch"]
    logged = [(e.action, e.what) for e in audit_log(home).entries() if e.user == "ivy"]
    assert (Action.ALTERATION, "watch") in logged and (Action.ERASURE, "unwatch") in logged


def test_the_watch_button_in_explore_watches_the_chosen_entity(home: Path) -> None:
    app = signed_in(AppTest.from_file(app_path(), default_timeout=60), "ivy").run()
    app.switch_page("pages/explore.py").run()
    app.text_input(key="explore_text").set_value("07700 900001").run()
    [button] = [b for b in app.button if b.label == "Watch"]
    button.click().run()
    assert not app.exception and not app.error
    assert [(w.target_label, w.target_key) for w in list_watches(_graph(home), "ivy")] == [
        ("Phone", "+447700900001")
    ]


def test_the_watch_list_adds_with_clear_errors_and_removes_with_the_alerts(home: Path) -> None:
    app = _alerts_page()
    app.selectbox(key="watch_add_label").set_value("Person")
    app.text_input(key="watch_add_text").input("Jan Testowy")
    app.button(key="watch_add_submit").click().run()
    assert not app.exception
    assert "needs a date of birth" in app.error[0].value
    assert len(list_watches(_graph(home), "sam")) == 2
    app.text_input(key="watch_add_text").input("jan testowy|1980-01-02")
    app.text_input(key="watch_add_reason").input("driver of AB12CDE")
    app.slider(key="watch_add_hops").set_value(1)
    app.button(key="watch_add_submit").click().run()
    assert not app.exception and not app.error
    assert app.success[0].value.startswith("Watching Person JAN TESTOWY|1980-01-02 (1 hops)")
    watches = list_watches(_graph(home), "sam")
    assert [(w.target_key, w.reason, w.hops) for w in watches if w.target_label == "Person"] == [
        ("JAN TESTOWY|1980-01-02", "driver of AB12CDE", 1)
    ]
    [lorry] = [w for w in watches if w.target_label == "Vehicle"]
    app.button(key=f"unwatch_{lorry.key}").click().run()
    assert not app.exception and not app.error
    assert lorry not in list_watches(_graph(home), "sam")
    assert {a.summary for a in read_alerts(_graph(home), owner="sam")} == {BAND}
    assert _summaries(app) == [f"band (unread): {BAND}"]


def test_loads_and_analyses_on_the_data_page_raise_alerts_the_page_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    store = _graph(home)
    header, first, second = DETECTIONS.strip().split("\n")
    for name, row in (("one", first), ("two", second)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "detections.csv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    load([tmp_path / "one"], store, home)
    add_watch(store, "sam", "vehicle", "zz01 aaa", reason="Dover lorry")
    add_watch(store, "sam", "challenges", "")
    point_dashboard_at(monkeypatch, home, cwd=tmp_path)
    data = signed_in(AppTest.from_file(app_path(), default_timeout=60), "ana").run()
    data.switch_page("pages/data.py").run()
    data.radio(key="data_where").set_value("Folder on the server").run()
    data.text_input(key="data_folder").set_value(str(tmp_path / "two")).run()
    data.button(key="data_load").click().run()
    assert not data.exception and not data.error
    report = data.session_state["data_last_load"]
    assert report.alerts >= 1
    said = f"The load raised {report.alerts} new alert(s) for watchlists"
    assert any(c.value.startswith(said) for c in data.caption)
    data.button(key="data_analyse").click().run()
    assert not data.exception and not data.error
    run_id = data.session_state["data_last_run"].split(":")[0].removeprefix("Run ")
    by_run = read_alerts(_graph(home), origin=run_id)
    said = "The analysis raised " + (f"{len(by_run)} new" if by_run else "no alert")
    assert any(c.value.startswith(said) for c in data.caption)

    app = _alerts_page()
    assert not app.exception and not app.error
    shown = _summaries(app)
    raised = read_alerts(_graph(home), owner="sam")
    assert len(shown) == len(raised) == report.alerts + len(by_run)
    [event] = [a for a in raised if a.kind == "event"]
    assert f"event (unread): {event.summary}" in shown and "D-2" in event.subject_key
    captions = [c.value for c in app.caption]
    assert any(c.startswith("Evidence: ") and "detections.csv#2" in c for c in captions)
    assert any(c.startswith(f"Raised by load {report.load_id}") for c in captions)
