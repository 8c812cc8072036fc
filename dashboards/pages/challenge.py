"""Challenge list: the clusters whose evidence says they are graded too low, for a DCI."""

from __future__ import annotations

import streamlit as st

from dashboards.components.access import consulted, sign_in
from dashboards.components.clusters import no_run_yet
from dashboards.data import load_results, load_reviews
from ocgmap.analysis.challenge import choices, select
from ocgmap.analysis.show import cluster_rows
from ocgmap.errors import OcgmapError
from ocgmap.review import add_review_column


def main() -> None:
    """Filters, the ranked table, and a way into each cluster."""
    sign_in()
    st.title("Challenge list")
    try:
        run = load_results()
    except OcgmapError as exc:
        st.error(str(exc))
        return
    if run is None:
        no_run_yet()
        return
    s = run.summary
    st.caption(
        f"Run {run.run_id} of {run.generated_at:%d/%m/%Y %H:%M} UTC: {s.challenged} of "
        f"{s.scored:,} scored clusters challenged (weights {run.params.weights_version}, "
        f"bands {run.params.band_scheme}, data {run.data_hash[:12]})"
    )
    top, middle, bottom = st.columns([1, 1, 2])
    everything = top.toggle("all scored clusters", key="all_clusters")
    min_score = middle.slider("minimum score", 0.0, 1.0, 0.0, 0.05, key="min_score")
    text = bottom.text_input(
        "member or cluster", key="find", placeholder="VRM, name, phone, company number, C-00012"
    )
    if text.strip():
        consulted("search", [text.strip()], details={"page": "challenge list"})
    offered = choices(run.clusters)
    left, right = st.columns(2)
    recommended = left.multiselect("recommended band", offered.recommended, key="recommended")
    current = right.multiselect("current band", offered.current, key="current")
    left, middle, right = st.columns(3)
    agencies = left.multiselect("force or agency", offered.agencies, key="agencies")
    ports = middle.multiselect("port", offered.ports, key="ports")
    window = right.date_input("active between", value=[], key="window", format="DD/MM/YYYY")
    clusters = select(
        run.clusters,
        challenged_only=not everything,
        min_score=min_score,
        recommended=recommended or None,
        current=current or None,
        text=text,
        agencies=agencies or None,
        ports=ports or None,
        window=(window[0], window[1]) if isinstance(window, tuple) and len(window) == 2 else None,
    )
    st.markdown(f"**{len(clusters)}** cluster{'s' if len(clusters) != 1 else ''} shown")
    if not clusters:
        st.caption("Nothing matches these filters.")
        return
    try:
        reviews = load_reviews()
    except OcgmapError as exc:
        st.warning(f"Review decisions are not shown: {exc}")
        reviews = {}
    picked = st.dataframe(
        add_review_column(cluster_rows(clusters), reviews),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="challenge_table",
    )
    rows = picked.selection.rows if picked is not None else []
    choice = st.selectbox(
        "open a cluster",
        [c.cluster_id for c in clusters],
        index=rows[0] if rows else 0,
        key="open_cluster",
    )
    if st.button("Open cluster", type="primary", key="open") or rows:
        st.session_state["cluster_id"] = choice
        st.switch_page("pages/cluster.py")


main()
