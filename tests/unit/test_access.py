"""Users and role rules (ocgmap.access): the users file, passwords, and who may do what."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from ocgmap.access import (
    RULES,
    AccessDenied,
    Permission,
    Role,
    Users,
    allowed,
    authorise,
)
from ocgmap.audit import Action, audit_log
from ocgmap.config import Settings
from ocgmap.errors import InputError

P = Permission
PASSWORD = "correct horse battery"

#: The rules as docs/access.md states them, role by role: a second statement to check against.
EXPECTED = {
    Role.ANALYST: {"view", "load", "analyse"},
    Role.SUPERVISOR: {"view", "analyse", "review", "export", "conditional", "read_audit"},
    Role.INVESTIGATOR: {"view", "export", "conditional"},
    Role.ADMIN: {"view", "load", "read_audit", "erase", "manage_users"},
}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(ocgmap_home=tmp_path / "home", ocgmap_users_file=None, ocgmap_user=None)


@pytest.fixture
def users(settings: Settings) -> Users:
    users = Users.of(settings)
    for name, role in (("ana", Role.ANALYST), ("sam", Role.SUPERVISOR), ("adam", Role.ADMIN)):
        users.add(name, role, PASSWORD, by="tests")
    return users


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_each_role_may_do_exactly_what_the_rules_say(role: Role, permission: Permission) -> None:
    assert allowed(role, permission) is (permission.value in EXPECTED[role])
    assert RULES[role] == {Permission(p) for p in EXPECTED[role]}


def test_passwords_are_stored_as_argon2id_hashes_in_a_private_file(users: Users) -> None:
    text = users.path.read_text(encoding="utf-8")
    assert PASSWORD not in text
    hashes = [u["password_hash"] for u in json.loads(text)["users"]]
    assert len(hashes) == 3 and all(h.startswith("$argon2id$") for h in hashes)
    assert len(set(hashes)) == 3  # salted: the same password hashes differently
    assert stat.S_IMODE(users.path.stat().st_mode) == 0o600
    assert "password_hash" not in repr(users.get("ana"))


def test_sign_in_needs_the_right_password_and_an_enabled_user(users: Users) -> None:
    ana = users.authenticate("ANA", PASSWORD)  # names ignore case
    assert ana is not None and ana.role is Role.ANALYST
    assert users.authenticate("ana", PASSWORD + "x") is None
    assert users.authenticate("nobody", PASSWORD) is None
    users.disable("ana")
    assert users.authenticate("ana", PASSWORD) is None
    disabled = users.get("ana")
    assert disabled is not None and disabled.disabled and not disabled.may(P.VIEW)


@pytest.mark.parametrize(
    ("name", "password", "why"),
    [
        ("sam", PASSWORD, "already a user"),
        ("../etc", PASSWORD, "not a user name"),
        ("bob", "short", "at least 12"),
    ],
)
def test_bad_users_are_refused(users: Users, name: str, password: str, why: str) -> None:
    with pytest.raises(InputError, match=why):
        users.add(name, Role.ANALYST, password)
    assert len(users.all()) == 3


def test_single_user_mode_until_the_first_user_is_added(settings: Settings) -> None:
    assert authorise(settings, "anyone", P.ERASE, what="db wipe") is None
    assert not audit_log(settings).entries()


def test_a_refusal_is_logged_with_the_reason_before_it_is_raised(
    settings: Settings, users: Users
) -> None:
    with pytest.raises(AccessDenied, match="ana \\(analyst\\) may not export"):
        authorise(settings, "ana", P.EXPORT, what="export", objects=["C-00001"])
    with pytest.raises(AccessDenied, match="'mallory' is not a user"):
        authorise(settings, "mallory", P.VIEW, what="load")
    users.disable("sam")
    with pytest.raises(AccessDenied, match="sam is disabled"):
        authorise(settings, "sam", P.REVIEW, what="review")
    refused = audit_log(settings).entries()
    assert [e.action for e in refused] == [Action.REFUSED] * 3
    assert [(e.user, e.what, e.objects) for e in refused] == [
        ("ana", "export", ["C-00001"]),
        ("mallory", "load", []),
        ("sam", "review", []),
    ]
    assert "needs the role supervisor or investigator" in str(refused[0].details["reason"])
    assert audit_log(settings).verify().ok


def test_an_allowed_user_is_returned_and_nothing_is_logged(
    settings: Settings, users: Users
) -> None:
    user = authorise(settings, "sam", P.EXPORT, P.CONDITIONAL, what="export")
    assert user is not None and user.name == "sam"
    assert not audit_log(settings).entries()


def test_the_users_file_can_live_elsewhere(tmp_path: Path) -> None:
    elsewhere = tmp_path / "secure" / "ocgmap-users.json"
    settings = Settings(ocgmap_home=tmp_path / "home", ocgmap_users_file=elsewhere)
    Users.of(settings).add("adam", Role.ADMIN, PASSWORD)
    assert elsewhere.exists() and not (tmp_path / "home" / "users.json").exists()


def test_an_unreadable_users_file_is_a_clear_error(settings: Settings) -> None:
    path = settings.home / "users.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="users file cannot be read"):
        Users.of(settings).get("ana")
