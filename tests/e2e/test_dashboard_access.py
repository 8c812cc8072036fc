"""Signing in, role rules and consultation logging in the dashboard (AppTest)."""

from __future__ import annotations

from pathlib import Path

import export_world
import pytest
from dashboard_env import PASSWORD, add_users, point_dashboard_at, signed_in
from streamlit.testing.v1 import AppTest

from dashboards.components.access import SESSION_USER
from ocgmap.access import LOCKOUT_ATTEMPTS, Users
from ocgmap.analysis.runs import save_run
from ocgmap.audit import Action, AuditEntry, audit_log
from ocgmap.dashboard import app_path
from ocgmap.store.embedded import EmbeddedStore

pytestmark = pytest.mark.e2e


def _entries(home: Path, action: Action) -> list[AuditEntry]:
    return [e for e in audit_log(home).entries() if e.action is action]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The export world (one referral with handling code C) and its run, with the test users."""
    home = tmp_path / "home"
    export_world.seed(EmbeddedStore(home / "graph.json"))
    save_run(export_world.run_of(), home)
    point_dashboard_at(monkeypatch, home, cwd=tmp_path)
    return home


def _as(name: str) -> AppTest:
    return signed_in(AppTest.from_file(app_path(), default_timeout=60), name)


def test_nothing_shows_until_a_user_signs_in_and_a_wrong_password_is_logged(home: Path) -> None:
    app = AppTest.from_file(app_path(), default_timeout=60).run()
    assert not app.exception
    assert [t.value for t in app.title] == ["ocgmap"]  # the sign-in, no page
    app.text_input(key="sign_in_name").input("sam")
    app.text_input(key="sign_in_password").input("wrong password!")
    app.button(key="sign_in_submit").click().run()
    assert app.error[0].value.startswith("Wrong user name or password")
    assert SESSION_USER not in app.session_state
    [refusal] = _entries(home, Action.REFUSED)
    assert (refusal.user, refusal.what) == ("sam", "sign in")
    assert PASSWORD not in refusal.line() and "wrong password!" not in refusal.line()
    app.text_input(key="sign_in_password").input(PASSWORD)
    app.button(key="sign_in_submit").click().run()
    assert not app.exception and not app.error
    assert app.session_state[SESSION_USER] == "sam"
    assert app.title[0].value == "Challenge list"


def test_without_users_no_one_can_sign_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    point_dashboard_at(monkeypatch, tmp_path / "home", cwd=tmp_path)
    (tmp_path / "home" / "users.json").unlink()
    app = signed_in(AppTest.from_file(app_path(), default_timeout=60), "sam").run()
    assert "there are no users" in app.info[0].value
    assert [t.value for t in app.title] == ["ocgmap"]


def test_a_disabled_user_is_signed_out_at_the_next_click(home: Path) -> None:
    app = _as("ana").run()
    assert app.title[0].value == "Challenge list"
    Users(home / "users.json").disable("ana")
    app.run()
    assert "ana is no longer an enabled user" in app.warning[0].value
    assert SESSION_USER not in app.session_state


@pytest.mark.parametrize(
    ("name", "exports", "reviews"),
    [("ana", False, False), ("sam", True, True), ("ivy", True, False), ("adam", False, False)],
)
def test_export_and_review_are_offered_by_role(
    home: Path, name: str, exports: bool, reviews: bool
) -> None:
    app = _as(name)
    app.switch_page("pages/cluster.py").run()
    assert not app.exception
    keys = {b.key for b in app.button} | {b.key for b in app.get("form_submit_button")}
    assert ("export_go" in keys) is exports
    assert ("review_submit" in keys) is reviews
    notes = " ".join(i.value for i in app.info)
    assert ("Exporting a target package needs the role" in notes) is not exports
    assert ("Recording a review decision needs the role supervisor" in notes) is not reviews


def test_the_audit_page_refuses_an_analyst_once_and_logs_it(home: Path) -> None:
    app = _as("ana").run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("pages/audit.py")  # not offered to an analyst
    # and reached some other way (the page file run on its own), it refuses
    page = signed_in(AppTest.from_file(str(Path(app_path()).parent / "pages" / "audit.py")), "ana")
    app = page.run()
    assert "ana (analyst) may not read the audit log" in app.warning[0].value
    assert not app.dataframe
    app.run()  # a rerun is the same refusal, not a second one
    [refusal] = _entries(home, Action.REFUSED)
    assert (refusal.user, refusal.what) == ("ana", "audit log")


def test_a_supervisor_reads_the_audit_log_with_every_view_logged(home: Path) -> None:
    app = _as("sam")
    app.switch_page("pages/cluster.py").run()
    app.switch_page("pages/cluster.py").run()  # viewed again in the session: logged once
    app.switch_page("pages/audit.py").run()
    assert not app.exception and not app.error
    assert app.success[0].value.startswith("The hash chain verifies")
    table = app.dataframe[0].value
    assert list(table["what"]) == ["cluster", "analyse"]  # newest first
    assert list(table["objects"])[0] == export_world.CLUSTER_ID
    app.multiselect(key="audit_users").set_value(["sam"]).run()  # now the page's view too
    assert list(app.dataframe[0].value["what"]) == ["audit log", "cluster"]
    app.multiselect(key="audit_actions").set_value(["refused"]).run()
    assert app.dataframe[0].value.empty
    app.button(key="audit_prepare").click().run()
    assert app.get("download_button")
    assert [e.what for e in _entries(home, Action.CONSULTATION)] == [
        "cluster",
        "audit log",
        "audit export",
    ]


def test_searches_and_neighbourhoods_are_logged_as_consultations(home: Path) -> None:
    app = _as("ivy")
    app.switch_page("pages/explore.py").run()
    app.text_input(key="explore_text").set_value("ab12 cde").run()
    assert not app.exception
    logged = [(e.user, e.what, e.objects) for e in _entries(home, Action.CONSULTATION)]
    assert ("ivy", "search", ["ab12 cde"]) in logged
    assert ("ivy", "neighbourhood", [f"Vehicle:{export_world.LORRY.key}"]) in logged


def test_conditional_intelligence_needs_the_role_and_a_logged_justification(home: Path) -> None:
    def shown(app: AppTest) -> list[str]:
        frames = [d.value for d in app.dataframe if "referral" in d.value.columns]
        return sorted(frames[0]["referral"]) if frames else []

    def on_timeline(app: AppTest) -> list[str]:
        [frame] = [d.value for d in app.dataframe if "involves" in d.value.columns]
        return list(frame["ref"])

    analyst = _as("ana")
    analyst.switch_page("pages/cluster.py").run()
    assert export_world.SECRET_REF not in shown(analyst)
    assert any("handling conditions needs the role" in i.value for i in analyst.info)

    app = _as("ivy")
    app.switch_page("pages/cluster.py").run()
    assert export_world.SECRET_REF not in shown(app) and shown(app)
    assert export_world.SECRET_REF not in on_timeline(app)  # nor anywhere else on the page
    assert any("left out: see the Intelligence tab" in c.value for c in app.caption)
    form = f"intel_show_{export_world.CLUSTER_ID}"
    app.button(key=form).click().run()  # no reason given
    assert "Say why you need to see them" in app.error[0].value
    assert export_world.SECRET_REF not in shown(app)
    app.text_input(key=f"intel_reason_{export_world.CLUSTER_ID}").input("NCA case 12/345")
    app.button(key=form).click().run()
    assert export_world.SECRET_REF in shown(app)
    assert export_world.SECRET_REF in on_timeline(app)
    [seen] = [e for e in _entries(home, Action.CONSULTATION) if e.what != "cluster"]
    assert (seen.user, seen.what, seen.justification) == (
        "ivy",
        "conditional intelligence",
        "NCA case 12/345",
    )
    assert export_world.SECRET_REF in seen.objects and seen.details["handling_code"] == "C"


def test_users_file_helper_writes_every_role(tmp_path: Path) -> None:
    users = Users(add_users(tmp_path))
    assert {u.role.value for u in users.all()} == {"analyst", "supervisor", "investigator", "admin"}


def test_five_wrong_passwords_lock_the_name_out(home: Path) -> None:
    app = AppTest.from_file(app_path(), default_timeout=60).run()
    for _ in range(LOCKOUT_ATTEMPTS):
        app.text_input(key="sign_in_name").input("ivy")
        app.text_input(key="sign_in_password").input("not the password")
        app.button(key="sign_in_submit").click().run()
        assert app.error[0].value.startswith("Wrong user name or password")
    app.text_input(key="sign_in_password").input(PASSWORD)  # right, but too late
    app.button(key="sign_in_submit").click().run()
    assert app.error[0].value.startswith("Too many wrong sign-ins for ivy")
    assert SESSION_USER not in app.session_state
    reasons = [e.details["reason"] for e in _entries(home, Action.REFUSED)]
    assert reasons == ["wrong name or password"] * LOCKOUT_ATTEMPTS + ["locked out"]
    app.text_input(key="sign_in_name").input("sam")  # another name is not locked out
    app.button(key="sign_in_submit").click().run()
    assert app.session_state[SESSION_USER] == "sam"
