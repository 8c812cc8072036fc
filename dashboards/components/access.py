"""Who is using the dashboard, what their role lets them do, and what they looked at.

Every page runs behind :func:`sign_in`: a user of the users file signs in with a password, or
through OpenID Connect (Streamlit's ``st.login``) when ``OCGMAP_LOGIN=oidc``. Only the user
name is kept in the session; the role is read from the users file on every run, so disabling
a user takes effect on their next click.

:func:`require` checks the role rules (:data:`ocgmap.access.RULES`) before an action and logs
a refusal; :func:`consulted` logs a view of a cluster, a person or a search as a consultation
(DPA 2018 s.62), once per session and subject.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from ocgmap.access import (
    Permission,
    User,
    Users,
    locked_until,
    log_refusal,
    refusal,
    roles_with,
)
from ocgmap.audit import Action, Detail, audit_log
from ocgmap.config import Settings

__all__ = ["SESSION_USER", "account", "consulted", "may", "permits", "require", "sign_in"]

#: The session-state key holding the signed-in user's name.
SESSION_USER = "ocgmap_user"
_LOGGED = "ocgmap_logged"


def sign_in() -> User:
    """The signed-in user; otherwise draw the sign-in and stop the page here."""
    settings = Settings()
    users = Users.of(settings)
    name = st.session_state.get(SESSION_USER)
    if isinstance(name, str):
        user = users.get(name)
        if user is not None and not user.disabled:
            return user
        del st.session_state[SESSION_USER]
        st.warning(f"{name} is no longer an enabled user: signed out.")
    st.title("ocgmap")
    if not users.exists():
        st.info(
            "No one can sign in yet: there are no users. An administrator adds the first with "
            "`ocgmap users add NAME --role admin`, and then the analysts, supervisors and "
            "investigators (docs/access.md)."
        )
    elif settings.ocgmap_login == "oidc":
        _oidc(settings, users)
    else:
        _password(settings, users)
    st.stop()


def _password(settings: Settings, users: Users) -> None:
    with st.form("sign_in"):
        name = st.text_input("user name", key="sign_in_name")
        password = st.text_input("password", type="password", key="sign_in_password")
        submitted = st.form_submit_button("Sign in", type="primary", key="sign_in_submit")
    if not submitted:
        return
    log = audit_log(settings)
    until = locked_until(log.entries(), name)
    if until is not None:
        log.append(name, Action.REFUSED, "sign in", [], details={"reason": "locked out"})
        st.error(
            f"Too many wrong sign-ins for {name}: try again after {until:%H:%M} UTC, "
            "or ask an admin."
        )
        return
    user = users.authenticate(name, password)
    if user is None:
        log.append(
            name, Action.REFUSED, "sign in", [], details={"reason": "wrong name or password"}
        )
        st.error("Wrong user name or password, or the user is disabled.")
        return
    st.session_state[SESSION_USER] = user.name
    st.rerun()


def _oidc(
    settings: Settings, users: Users
) -> None:  # pragma: no cover - needs an identity provider
    if not st.user.is_logged_in:
        st.button("Sign in", type="primary", on_click=st.login, key="oidc_sign_in")
        return
    email = str(st.user.get("email") or "")
    user = users.get(email) if email else None
    if user is None or user.disabled:
        audit_log(settings).append(
            email or "(no email)",
            Action.REFUSED,
            "sign in",
            [],
            details={"reason": "signed in with the identity provider but not an ocgmap user"},
        )
        st.error(f"{email or 'This account'} is not an enabled ocgmap user: ask an admin.")
        st.button("Sign out", on_click=st.logout, key="oidc_sign_out")
        return
    st.session_state[SESSION_USER] = user.name
    st.rerun()


def account(user: User) -> None:
    """Who is signed in, in the sidebar, with a way out."""
    with st.sidebar:
        st.caption(f"Signed in as **{user.name}** ({user.role.value})")
        if st.button("Sign out", key="sign_out"):
            st.session_state.pop(SESSION_USER, None)
            if Settings().ocgmap_login == "oidc":  # pragma: no cover - needs a provider
                st.logout()
            st.rerun()


def may(permission: Permission) -> bool:
    """Whether the signed-in user may do ``permission`` (no refusal is logged)."""
    return sign_in().may(permission)


def permits(*needs: Permission, doing: str) -> User | None:
    """The signed-in user if their role allows ``needs``; else say so (nothing is logged).

    For a section of a page the user may see without using: nothing was attempted, so
    nothing is refused. ``doing`` names the section ("Loading", "Exporting").
    """
    user = sign_in()
    missing = next((p for p in needs if not user.may(p)), None)
    if missing is None:
        return user
    roles = " or ".join(r.value for r in roles_with(missing))
    st.info(f"{doing} needs the role {roles}; {user.name} is signed in as {user.role.value}.")
    return None


def require(
    *needs: Permission, what: str, objects: Iterable[str] = (), show: bool = True
) -> User | None:
    """The signed-in user if their role allows every one of ``needs``, else ``None``.

    A refusal is logged once per session and action, and shown unless ``show`` is false.
    """
    user = sign_in()
    reason = refusal(user, needs)
    if reason is None:
        return user
    items = list(objects)
    key = ("refused", what, *items)
    logged: set[tuple[str, ...]] = st.session_state.setdefault(_LOGGED, set())
    if key not in logged:
        logged.add(key)
        log_refusal(Settings(), user.name, needs, reason, what=what, objects=items)
    if show:
        st.warning(f"Refused: {reason}.")
    return None


def consulted(
    what: str,
    objects: Iterable[str],
    *,
    justification: str | None = None,
    details: dict[str, Detail] | None = None,
) -> None:
    """Log that the signed-in user viewed ``objects`` (once per session and subject)."""
    user = sign_in()
    items = [o for o in objects if o]
    key = ("consulted", what, *items)
    logged: set[tuple[str, ...]] = st.session_state.setdefault(_LOGGED, set())
    if key in logged:
        return
    audit_log(Settings()).append(
        user.name,
        Action.CONSULTATION,
        what,
        items,
        justification=justification,
        details={"via": "dashboard", **(details or {})},
    )
    logged.add(key)
