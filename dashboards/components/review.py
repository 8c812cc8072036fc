"""A supervisor's review of one cluster: the decisions so far and a form to record one."""

from __future__ import annotations

import streamlit as st

from dashboards.components.access import permits
from dashboards.data import load_review_history, save_review
from ocgmap.access import Permission
from ocgmap.analysis.results import ClusterResult
from ocgmap.config import band_scheme
from ocgmap.errors import OcgmapError
from ocgmap.review import Decision, describe, parse_review

__all__ = ["review_panel"]

_CHOICES = {
    Decision.ACCEPT: "accept",
    Decision.REJECT: "reject",
    Decision.MORE_INTELLIGENCE: "request more intelligence",
}
_REASON = {
    Decision.ACCEPT: "note (optional)",
    Decision.REJECT: "reason",
    Decision.MORE_INTELLIGENCE: "what intelligence is needed",
}


def review_panel(cluster: ClusterResult, run_id: str) -> None:
    """The latest decision and history on ``cluster``, and a form to record a new one."""
    st.subheader("Review")
    summary = st.container()  # filled after the form, so a decision just recorded shows
    reviewer = permits(Permission.REVIEW, doing="Recording a review decision")
    if reviewer is None:
        with summary:
            _history(cluster.cluster_id)
        return
    decision = st.radio(
        "decision",
        list(_CHOICES),
        format_func=_CHOICES.__getitem__,
        horizontal=True,
        key="review_decision",
    )
    with st.form("review_form"):
        band = None
        if decision == Decision.ACCEPT:
            codes = list(band_scheme().codes)
            at = codes.index(cluster.recommended_band) if cluster.recommended_band in codes else 0
            band = st.selectbox("proposed band", codes, index=at, key="review_band")
        reason = st.text_area(_REASON[decision], key="review_reason")
        st.caption(f"Recorded as {reviewer.name} ({reviewer.role.value}).")
        submitted = st.form_submit_button("Record decision", key="review_submit")
    if submitted:
        fields = {"cluster_id": cluster.cluster_id, "decision": decision, "proposed_band": band}
        _record({**fields, "reason": reason, "user": reviewer.name, "run_id": run_id})
    with summary:
        _history(cluster.cluster_id)


def _record(fields: dict[str, object]) -> None:
    try:
        recorded = save_review(parse_review(fields))
    except OcgmapError as exc:
        st.error(str(exc))
        return
    st.success(f"Recorded: {describe(recorded)}")


def _history(cluster_id: str) -> None:
    try:
        history = load_review_history(cluster_id)
    except OcgmapError as exc:
        st.error(str(exc))
        return
    if not history:
        st.caption("Not reviewed yet.")
        return
    st.markdown(f"**Latest:** {describe(history[0])}")
    if len(history) > 1:
        st.markdown("**Earlier decisions**")
        st.markdown("\n".join(f"- {describe(r)}" for r in history[1:]))
