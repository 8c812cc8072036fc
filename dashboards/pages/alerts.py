"""Alerts: what loads and analyses raised for the signed-in user's watches, and the watches."""

from __future__ import annotations

import datetime as dt
import re
from typing import get_args

import streamlit as st

from dashboards.components.access import consulted, permits, sign_in
from dashboards.data import drop_watch, load_alerts, load_watches, mark_alerts_read, save_watch
from ocgmap.access import Permission, User
from ocgmap.alerts import Alert, AlertKind
from ocgmap.errors import OcgmapError
from ocgmap.schema.labels import Label
from ocgmap.watch import CHALLENGES, DEFAULT_HOPS, DEFAULT_TOP, WATCHABLE, Watch

#: Most alerts drawn at once; the filters narrow the rest.
SHOWN = 100
#: Alert kinds in the order they are offered.
KINDS: tuple[str, ...] = get_args(AlertKind)
#: Session-state key of the reason given for seeing alerts with handling conditions.
_WHY = "alerts_why"
#: Session-state key of the message shown once after a watch was added or removed.
_DONE = "alerts_done"
_LABELS = "|".join(re.escape(str(label)) for label in Label)
#: The first end of a relationship subject: ``<Label>:<key>|<Label>:<key>|<edge key>``.
_FIRST_END = re.compile(rf"^(?:{_LABELS}):(.+?)\|(?=(?:{_LABELS}):)")
_MARKDOWN = re.compile(r"([\\`*_\[\]$~])")


def _plain(text: str) -> str:
    """``text`` with the characters Markdown would read escaped."""
    return _MARKDOWN.sub(r"\\\1", text)


def _when(at: dt.datetime) -> str:
    return f"{at.astimezone(dt.UTC):%d/%m/%Y %H:%M} UTC"


def _opens(alert: Alert) -> tuple[str, str] | None:
    """Where an alert's subject opens: ``("cluster", id)`` or ``("explore", key)``."""
    if alert.cluster_id is not None:
        return "cluster", alert.cluster_id
    if alert.subject_label in {str(label) for label in Label}:
        return "explore", alert.subject_key
    first = _FIRST_END.match(alert.subject_key)  # a relationship: open its first end
    return ("explore", first.group(1)) if first else None


def _conditional(alert: Alert) -> bool:
    return alert.handling == "conditional"


def _filters(alerts: list[Alert], watches: dict[str, Watch]) -> list[Alert]:
    """The unread-only, kind and watch filters, applied in the order the alerts come."""
    left, middle, right = st.columns([1, 2, 3])
    unread_only = left.toggle("unread only", key="alerts_unread")
    present = {a.kind for a in alerts}
    kinds = middle.multiselect(
        "kind", [k for k in KINDS if k in present], key="alerts_kinds", placeholder="every kind"
    )
    keys = list(dict.fromkeys([*watches, *(a.watch_key for a in alerts)]))
    chosen = right.multiselect(
        "watch",
        keys,
        format_func=lambda key: watches[key].describe() if key in watches else key,
        key="alerts_watches",
        placeholder="every watch",
    )
    return [
        a
        for a in alerts
        if (not unread_only or a.unread)
        and (not kinds or a.kind in kinds)
        and (not chosen or a.watch_key in chosen)
    ]


def _justified(held: list[Alert]) -> bool:
    """Whether the user may see alerts with handling conditions and has said why (logged)."""
    given = st.session_state.get(_WHY)
    if isinstance(given, str):
        consulted(
            "conditional alerts",
            [a.key for a in held],
            justification=given,
            details={"handling_code": "C"},
        )
        return True
    if permits(Permission.CONDITIONAL, doing="Viewing alerts with handling conditions") is None:
        return False
    with st.form("alerts_why_form"):
        why = st.text_input(
            f"{len(held)} alert(s) rest on intelligence with handling conditions: "
            "why do you need to see them?",
            key="alerts_why_text",
        )
        shown = st.form_submit_button("Show with conditions", key="alerts_why_show")
    if not shown:
        return False
    if not why.strip():
        st.error("Say why you need to see them: the reason goes into the audit log.")
        return False
    st.session_state[_WHY] = why.strip()
    consulted(
        "conditional alerts",
        [a.key for a in held],
        justification=why.strip(),
        details={"handling_code": "C"},
    )
    return True


def _row(alert: Alert, watch: Watch | None, user: User) -> None:
    """One alert: what, how it was reached, its evidence, who raised it; open and mark read."""
    with st.container(border=True):
        text, actions = st.columns([5, 1])
        status = "unread" if alert.unread else "read"
        text.markdown(f"**{alert.kind}** ({status}): {_plain(alert.summary)}")
        about = alert.subject + (f", via {alert.via}" if alert.via else "")
        text.caption(_plain(about))
        if watch is not None:
            because = f" ({watch.reason})" if watch.reason else ""
            text.caption(_plain(f"Watch {watch.key}: {watch.describe()}{because}"))
        shown = ", ".join(alert.evidence[:5]) + (" ..." if len(alert.evidence) > 5 else "")
        text.caption(_plain(f"Evidence: {shown or 'none recorded'}"))
        raised = f"Raised by {alert.origin_kind} {alert.origin} on {_when(alert.raised_at)}"
        if alert.read_at is not None:
            raised += f"; read by {alert.read_by} on {_when(alert.read_at)}"
        if _conditional(alert):
            raised += "; handling conditions apply"
        text.caption(_plain(raised))
        target = _opens(alert)
        if target is not None:
            page, ref = target
            title = "Open cluster" if page == "cluster" else "Open in Explore"
            if actions.button(title, key=f"alert_open_{alert.key}"):
                if page == "cluster":
                    st.session_state["cluster_id"] = ref
                    st.switch_page("pages/cluster.py")
                else:
                    st.session_state["explore_text"] = ref
                    st.switch_page("pages/explore.py")
        if alert.unread and actions.button("Mark read", key=f"alert_read_{alert.key}"):
            _mark([alert.key], user)


def _mark(keys: list[str], user: User) -> None:
    try:
        mark_alerts_read(keys, user.name)
    except OcgmapError as exc:
        st.error(str(exc))
        return
    st.rerun()


def _alerts_section(user: User, alerts: list[Alert], watches: dict[str, Watch]) -> None:
    unread = sum(1 for a in alerts if a.unread)
    st.caption(
        f"{unread} unread of {len(alerts)} alert(s) for {user.name}'s {len(watches)} watch(es): "
        "unread first, newest first. Loads and analysis runs raise them."
    )
    if not alerts:
        st.info("No alerts yet. Watch an entity, an OCG, a cluster or the challenge list below.")
        return
    chosen = _filters(alerts, watches)
    held = [a for a in chosen if _conditional(a)]
    if held and not _justified(held):
        chosen = [a for a in chosen if not _conditional(a)]
        st.caption(
            f"{len(held)} alert(s) rest on intelligence with handling conditions and are "
            f"not shown ({len(chosen)} shown)."
        )
    consulted(
        "alerts",
        sorted({a.watch_key for a in chosen}),
        justification=st.session_state.get(_WHY) if held else None,
        details={
            "alerts": len(chosen),
            "held_back": 0 if isinstance(st.session_state.get(_WHY), str) else len(held),
        },
    )
    if not chosen:
        st.caption("No alert matches these filters.")
        return
    fresh = [a.key for a in chosen[:SHOWN] if a.unread]
    if fresh and st.button(
        f"Mark all shown read ({len(fresh)} unread)", key="alerts_read_all", type="primary"
    ):
        _mark(fresh, user)
    if len(chosen) > SHOWN:
        st.caption(f"Showing the first {SHOWN} of {len(chosen)}: filter by kind or watch.")
    for alert in chosen[:SHOWN]:
        _row(alert, watches.get(alert.watch_key), user)


def _watches_section(user: User, watches: list[Watch], alerts: list[Alert]) -> None:
    st.header("Watching")
    done = st.session_state.pop(_DONE, None)
    if isinstance(done, str):
        st.success(done)
    if not watches:
        st.caption("You watch nothing yet: add a watch below.")
    unread = {w.key: sum(1 for a in alerts if a.watch_key == w.key and a.unread) for w in watches}
    for watch in watches:
        text, action = st.columns([5, 1])
        text.markdown(f"**{_plain(watch.describe())}**, {unread[watch.key]} unread")
        because = f"{watch.reason}; " if watch.reason else ""
        text.caption(_plain(f"{because}since {_when(watch.created_at)} ({watch.key})"))
        if action.button("Unwatch", key=f"unwatch_{watch.key}"):
            _unwatch(watch, user)
    _add_form(user)


def _unwatch(watch: Watch, user: User) -> None:
    try:
        drop_watch(watch.key, user.name)
    except OcgmapError as exc:
        st.error(str(exc))
        return
    st.session_state[_DONE] = f"No longer watching {watch.describe()}; its alerts were deleted."
    st.rerun()


def _add_form(user: User) -> None:
    st.subheader("Watch something")
    labels = [*(str(label) for label in WATCHABLE), CHALLENGES]
    with st.form("watch_add_form"):
        left, right = st.columns([1, 3])
        label = left.selectbox("what", labels, key="watch_add_label")
        text = right.text_input(
            "identifier",
            key="watch_add_text",
            placeholder="VRM, phone, company number, NAME|date of birth, OCG or cluster id",
        )
        reason = st.text_input("reason", key="watch_add_reason")
        left, right = st.columns(2)
        hops = left.slider("hops", 1, 4, DEFAULT_HOPS, key="watch_add_hops")
        top = right.number_input(
            "places of the challenge list (challenges only)",
            min_value=1,
            max_value=100,
            value=DEFAULT_TOP,
            key="watch_add_top",
        )
        submitted = st.form_submit_button("Watch", key="watch_add_submit")
    if not submitted:
        return
    try:
        watch = save_watch(user.name, label, text, reason=reason or None, hops=hops, top=int(top))
    except OcgmapError as exc:
        st.error(str(exc))
        return
    st.session_state[_DONE] = f"Watching {watch.describe()}: {watch.key}."
    st.rerun()


def main() -> None:
    """The user's alerts with filters, open and mark-read buttons; their watches; a watch form."""
    user = sign_in()
    st.title("Alerts")
    if permits(Permission.VIEW, doing="Reading alerts") is None:
        return
    try:
        alerts = load_alerts(user.name)
        watches = load_watches(user.name)
    except OcgmapError as exc:
        st.error(str(exc))
        return
    _alerts_section(user, alerts, {w.key: w for w in watches})
    _watches_section(user, watches, alerts)


main()
