"""Role rules on the command line: each command allowed and refused as docs/access.md says.

The commands run in-process (typer's runner) for speed; ``test_cli_audit.py`` and
``test_cli_retention.py`` run the installed ``ocgmap`` binary.
"""

from __future__ import annotations

import json
from pathlib import Path

import export_world
import pytest
from tiny_sources import DETECTIONS
from typer.testing import CliRunner, Result

from ocgmap.access import Users
from ocgmap.analysis.runs import save_run
from ocgmap.audit import Action, audit_log
from ocgmap.cli import app
from ocgmap.config import Settings
from ocgmap.errors import OcgmapError
from ocgmap.store.embedded import EmbeddedStore

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An OCGMAP_HOME on the embedded store holding the export world and its saved run."""
    for name in ("NEO4J_URI", "OCGMAP_STORE", "OCGMAP_USER", "OCGMAP_USERS_FILE"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    monkeypatch.setenv("OCGMAP_HOME", str(home))
    monkeypatch.chdir(tmp_path)
    export_world.seed(EmbeddedStore(home / "graph.json"))
    save_run(export_world.run_of(), home)
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "detections.csv").write_text(DETECTIONS, encoding="utf-8")
    return home


def ocgmap(*args: str, user: str | None = None, stdin: str | None = None) -> Result:
    """Run ``ocgmap [--user USER] ARGS`` in-process."""
    return CliRunner().invoke(app, [*(["--user", user] if user else []), *args], input=stdin)


def add(name: str, role: str, by: str | None = None) -> Result:
    return ocgmap("users", "add", name, "--role", role, "--password-stdin", user=by, stdin=PASSWORD)


@pytest.fixture
def users(home: Path) -> Users:
    """An admin who added one user of every other role."""
    assert add("adam", "admin", by="adam").exit_code == 0
    for name, role in (("ana", "analyst"), ("sam", "supervisor"), ("ivy", "investigator")):
        done = add(name, role, by="adam")
        assert done.exit_code == 0, done.output
    return Users.of(Settings())


def refused(result: Result) -> str:
    assert result.exit_code != 0
    assert isinstance(result.exception, OcgmapError), result.output
    assert str(result.exception).startswith("Refused:")
    return str(result.exception)


def test_the_first_user_must_be_an_admin(home: Path) -> None:
    first = add("ana", "analyst")
    assert isinstance(first.exception, OcgmapError)
    assert "add an admin first" in str(first.exception)
    assert not (home / "users.json").exists()
    assert add("adam", "admin").exit_code == 0
    assert Users.of(Settings()).get("adam") is not None


def test_without_users_the_command_line_runs_as_a_single_user(home: Path) -> None:
    done = ocgmap("audit", "verify")
    assert done.exit_code == 0, done.output


# (command, as logged, a role that may, a role that may not): every guarded command once
CASES = [
    (["load", "sources"], "load", "ana", "ivy"),
    (["analyse", "--jobs", "1"], "analyse", "sam", "ivy"),
    (["audit", "verify"], "audit verify", "sam", "ana"),
    (["users", "list"], "users list", "adam", "sam"),
    (["db", "wipe", "--yes"], "db wipe", "adam", "ana"),
]


@pytest.mark.parametrize(("args", "what", "may", "may_not"), CASES, ids=[c[1] for c in CASES])
def test_a_command_is_allowed_or_refused_by_role_and_refusals_are_logged(
    users: Users, home: Path, args: list[str], what: str, may: str, may_not: str
) -> None:
    message = refused(ocgmap(*args, user=may_not))
    assert f"{may_not} (" in message and "needs the role" in message
    [entry] = [e for e in audit_log(home).entries() if e.action is Action.REFUSED]
    assert entry.user == may_not and entry.what == what
    done = ocgmap(*args, user=may)
    assert done.exit_code == 0, done.output
    assert audit_log(home).verify().ok


def test_export_needs_an_exporting_role_and_conditional_material_its_permission(
    users: Users, home: Path, tmp_path: Path
) -> None:
    base = ["export", export_world.CLUSTER_ID, "--justification", "case 12/345"]
    out = ["--recipient", "NCA", "--out"]
    assert "may not export" in refused(ocgmap(*base, *out, str(tmp_path / "a"), user="ana"))
    assert "may not export" in refused(ocgmap(*base, *out, str(tmp_path / "b"), user="adam"))
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
    done = ocgmap(*base, *out, str(tmp_path / "c"), "--include-conditional", user="ivy")
    assert done.exit_code == 0, done.output
    manifest = json.loads((tmp_path / "c" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["exported_by"] == "ivy" and manifest["included_conditional"]
    [disclosure] = [e for e in audit_log(home).entries() if e.action is Action.DISCLOSURE]
    assert disclosure.user == "ivy"


def test_unknown_and_disabled_users_are_refused(users: Users, home: Path) -> None:
    assert "'mallory' is not a user" in refused(ocgmap("audit", "verify", user="mallory"))
    assert ocgmap("users", "disable", "sam", user="adam").exit_code == 0
    assert "sam is disabled" in refused(ocgmap("audit", "verify", user="sam"))
    assert "last enabled admin" in str(ocgmap("users", "disable", "adam", user="adam").exception)
    whats = [(e.user, e.action.value, e.what) for e in audit_log(home).entries()]
    assert ("mallory", "refused", "audit verify") in whats
    assert ("adam", "alteration", "users disable") in whats
    assert ("sam", "refused", "audit verify") in whats


def test_users_list_never_shows_password_hashes(users: Users) -> None:
    done = ocgmap("users", "list", "--json", user="adam")
    listed = json.loads(done.output)
    assert [(u["name"], u["role"]) for u in listed] == [
        ("adam", "admin"),
        ("ana", "analyst"),
        ("sam", "supervisor"),
        ("ivy", "investigator"),
    ]
    assert "argon2" not in done.output and all("password_hash" not in u for u in listed)
