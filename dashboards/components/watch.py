"""A Watch or Unwatch button for an entity or cluster a page shows, for the signed-in user."""

from __future__ import annotations

import hashlib

import streamlit as st

from dashboards.components.access import sign_in
from dashboards.data import drop_watch, load_watches, save_watch
from ocgmap.errors import InputError, OcgmapError
from ocgmap.watch import WATCHABLE, Watch, target_key

__all__ = ["watch_button", "watchable"]


def watchable(label: str) -> bool:
    """Whether a node of ``label`` can be watched (entities, mapped OCGs and clusters)."""
    return label in {str(w) for w in WATCHABLE}


def _target(label: str, key: str) -> tuple[str, str]:
    """The label and key a watch on this node names; the key as shown when it reads no better."""
    try:
        return target_key(label, key)
    except InputError:
        return label, key


def _widget_key(label: str, key: str) -> str:
    digest = hashlib.sha256(f"{label}|{key}".encode()).hexdigest()[:12]
    return f"watch_{digest}"


def watch_button(label: str, key: str, *, text: str | None = None) -> Watch | None:
    """Draw Watch (or Unwatch, when the user already watches it) for the node ``label``/``key``.

    Parameters
    ----------
    label : str
        The node's label as the dashboard shows it (``Vehicle``, ``Cluster``, ...).
    key : str
        The node's key as stored (already normalised).
    text : str, optional
        What the button's help names the target by (default: label and key).

    Returns
    -------
    Watch or None
        The user's watch on the node, if there is one.

    Notes
    -----
    Adding a watch is logged as an alteration and removing one as an erasure; either reruns
    the page so the button turns over. An error (a cluster not yet written to the store, a
    busy store) is shown in place of the button's effect.
    """
    user = sign_in()
    name, target = _target(label, key)
    what = text or f"{name} {target}"
    try:
        watches = load_watches(user.name)
    except OcgmapError as exc:
        st.error(f"Watches cannot be read: {exc}")
        return None
    mine = next(
        (w for w in watches if (w.target_label, w.target_key) in {(name, target), (label, key)}),
        None,
    )
    widget = _widget_key(name, target)
    if mine is None:
        clicked = st.button(
            "Watch",
            key=widget,
            icon=":material/visibility:",
            help=f"Raise alerts for you when loads or analyses add news about {what}.",
        )
    else:
        clicked = st.button(
            "Unwatch",
            key=widget,
            icon=":material/visibility_off:",
            help=f"Stop watching {what}; its alerts are deleted with the watch.",
        )
    if not clicked:
        return mine
    try:
        if mine is None:
            mine = save_watch(user.name, name, target)
        else:
            drop_watch(mine.key, user.name)
            mine = None
    except OcgmapError as exc:
        st.error(str(exc))
        return mine
    st.rerun()
    return mine  # pragma: no cover - st.rerun does not return
