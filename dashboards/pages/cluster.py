"""Cluster: why one cluster is where it is on the list, who is in it, and what to do next."""

from __future__ import annotations

import streamlit as st

from dashboards.components.clusters import band_badges, no_run_yet, reasons_list
from dashboards.data import load_results
from ocgmap.errors import OcgmapError


def main() -> None:
    """Bands, reasons, gaps, members, contributions, key players and suggested links."""
    try:
        run = load_results()
    except OcgmapError as exc:
        st.error(str(exc))
        return
    if run is None:
        st.title("Cluster")
        no_run_yet()
        return
    ids = [c.cluster_id for c in run.clusters]
    wanted = st.session_state.get("cluster_id")
    cluster_id = st.selectbox(
        "cluster", ids, index=ids.index(wanted) if wanted in ids else 0, key="cluster_pick"
    )
    st.session_state["cluster_id"] = cluster_id
    cluster = run.cluster(cluster_id)
    st.title(f"Cluster {cluster.cluster_id} (rank {cluster.rank})")
    band_badges(cluster)
    if cluster.challenge:
        st.warning(f"Challenged: {cluster.challenge_reason}")
    elif cluster.challenge_reason:
        st.caption(f"Not challenged: {cluster.challenge_reason}")
    if cluster.ocg_refs:
        st.caption(f"Mapped OCGs: {', '.join(cluster.ocg_refs)}")
    if cluster.change is not None:
        st.caption(f"Since run {cluster.change.previous_run_id}: {cluster.change.status}")
    left, right = st.columns(2)
    with left:
        reasons_list("Reasons", cluster.reasons, "No feature stands out.")
    with right:
        reasons_list("Intelligence gaps", cluster.intelligence_gaps, "No gap found.")
    st.subheader("Members")
    st.dataframe(
        [
            {"label": m.label, "key": m.key, "name": m.name or "", "kind": m.kind}
            for m in cluster.members
        ],
        hide_index=True,
        key="members",
    )
    st.subheader("What the score is made of")
    st.bar_chart(
        [{"feature": k, "contribution": v} for k, v in cluster.contributions.items() if v],
        x="feature",
        y="contribution",
        horizontal=True,
    )
    left, right = st.columns(2)
    with left:
        st.subheader("Key players")
        if cluster.key_players:
            st.dataframe(
                [
                    {"label": p.label, "key": p.key, "score": p.score, "why": p.why}
                    for p in cluster.key_players
                ],
                hide_index=True,
                key="key_players",
            )
        else:
            st.caption("Worked out for the top-ranked and challenged clusters only.")
    with right:
        st.subheader("Suggested links")
        if cluster.suggested_links:
            st.dataframe(
                [
                    {
                        "a": f"{s.a.label} {s.a.key}",
                        "b": f"{s.b.label} {s.b.key}",
                        "score": s.score,
                        "why": s.why,
                    }
                    for s in cluster.suggested_links
                ],
                hide_index=True,
                key="suggested_links",
            )
        else:
            st.caption("No hidden link is suggested.")


main()
