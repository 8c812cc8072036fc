"""Cluster: why one cluster is where it is on the list, who is in it, and what to do next."""

from __future__ import annotations

import streamlit as st

from dashboards.components.access import consulted, permits, sign_in
from dashboards.components.clusters import band_badges, latest_run_or_explain, reasons_list
from dashboards.components.export import export_panel
from dashboards.components.network import network, node_details
from dashboards.components.review import review_panel
from dashboards.components.watch import watch_button
from dashboards.data import load_around
from ocgmap.access import Permission
from ocgmap.analysis.results import AnalysisRun, ClusterResult
from ocgmap.evidence import GradedIntelligence, intelligence, timeline
from ocgmap.handling import conditional_view, handling_decision
from ocgmap.network import network_view
from ocgmap.schema.models import Subgraph

#: Most nodes read around a cluster's members, and most drawn.
READ_LIMIT = 3000
DRAW_LIMIT = 2000


def _pick(run: AnalysisRun) -> ClusterResult:
    ids = [c.cluster_id for c in run.clusters]
    wanted = st.session_state.get("cluster_id")
    cluster_id = st.selectbox(
        "cluster", ids, index=ids.index(wanted) if wanted in ids else 0, key="cluster_pick"
    )
    st.session_state["cluster_id"] = cluster_id
    return run.cluster(cluster_id)


def _headline(cluster: ClusterResult) -> None:
    st.title(f"Cluster {cluster.cluster_id} (rank {cluster.rank})")
    watch_button("cluster", cluster.cluster_id)
    band_badges(cluster)
    if cluster.challenge:
        st.warning(f"Challenged: {cluster.challenge_reason}")
    elif cluster.challenge_reason:
        st.caption(f"Not challenged: {cluster.challenge_reason}")
    if cluster.ocg_refs:
        st.caption(f"Mapped OCGs: {', '.join(cluster.ocg_refs)}")
    if cluster.change is not None:
        change = cluster.change.describe(cluster.score, cluster.recommended_band, cluster.rank)
        st.caption(f"Change: {change}")
    left, right = st.columns(2)
    with left:
        reasons_list("Reasons", cluster.reasons, "No feature stands out.")
    with right:
        reasons_list("Intelligence gaps", cluster.intelligence_gaps, "No gap found.")


def _members(cluster: ClusterResult) -> None:
    st.dataframe(
        [
            {"label": m.label, "key": m.key, "name": m.name or "", "kind": m.kind}
            for m in cluster.members
        ],
        hide_index=True,
        key="members",
    )
    left, right = st.columns([3, 1])
    choices = [f"{m.label}: {m.key}" for m in cluster.members]
    chosen = left.selectbox("member", choices, key="explore_member")
    right.write("")
    if right.button("Open in Explore", key="to_explore") and chosen:
        st.session_state["explore_text"] = chosen.partition(": ")[2]
        st.switch_page("pages/explore.py")


def _around(cluster: ClusterResult) -> Subgraph:
    """What lies around the members, less conditional intelligence until the user said why."""
    refs = tuple((m.label, m.key) for m in cluster.members)
    around = load_around(refs, READ_LIMIT)
    if isinstance(st.session_state.get(_why_key(cluster)), str):
        return around
    visible, held = conditional_view(around)
    if held:
        st.caption(
            f"{held} referral(s) with handling conditions, and what is known only from them, "
            "are left out: see the Intelligence tab."
        )
    return visible


def _why_key(cluster: ClusterResult) -> str:
    return f"intel_why_{cluster.cluster_id}"


def _network(cluster: ClusterResult) -> None:
    refs = tuple((m.label, m.key) for m in cluster.members)
    around = _around(cluster)
    focus = [f"{label}:{key}" for label, key in refs]
    top = max((p.score for p in cluster.key_players), default=0.0) or 1.0
    sizes = {f"{p.label}:{p.key}": p.score / top for p in cluster.key_players}
    if len(around.nodes) >= READ_LIMIT:
        st.warning(f"Only the first {READ_LIMIT:,} nodes around the members were read.")
    view = network_view(around, sizes=sizes, focus=focus, limit=DRAW_LIMIT)
    clicked = network(view, key=f"net_{cluster.cluster_id}", sized_by="key-player score")
    if clicked:
        consulted("entity", [clicked], details={"cluster": cluster.cluster_id})
        node_details(around, clicked)


def _timeline(cluster: ClusterResult) -> None:
    refs = tuple((m.label, m.key) for m in cluster.members)
    around = _around(cluster)
    events = timeline(around, [f"{label}:{key}" for label, key in refs])
    if not events:
        st.caption("No dated detection, crossing, referral, call or ANPR read around the members.")
        return
    kinds = sorted({e.kind for e in events})
    shown = st.multiselect("show", kinds, default=kinds, key="timeline_kinds")
    st.dataframe(
        [
            {
                "when": e.when,
                "kind": e.kind,
                "what": e.summary,
                "ref": e.ref,
                "involves": ", ".join(e.involves),
                "sources": e.sources,
            }
            for e in events
            if e.kind in shown
        ],
        hide_index=True,
        key="timeline",
    )
    st.caption(f"{len(events):,} dated events; calls and ANPR reads are placed at first seen.")


def _intelligence(cluster: ClusterResult) -> None:
    refs = tuple((m.label, m.key) for m in cluster.members)
    graded = intelligence(load_around(refs, READ_LIMIT), [f"{lab}:{key}" for lab, key in refs])
    if not graded:
        st.caption("No referral concerns the members.")
        return
    open_ = [g for g in graded if not _conditional(g)]
    held = [g for g in graded if _conditional(g)]
    if held and _justified(cluster, held):
        open_ = graded
    elif held:
        st.caption(
            f"{len(held)} referral(s) with handling conditions are not shown ({len(open_)} shown)."
        )
    if open_:
        _graded_table(open_)


def _conditional(g: GradedIntelligence) -> bool:
    """Whether handling conditions apply (3x5x2 C; 5x5x5 handling 2 to 5)."""
    props = {"handling_code": g.handling_code, "grading_scheme": g.scheme}
    return handling_decision(props, include_conditional=False) != "export"


def _justified(cluster: ClusterResult, held: list[GradedIntelligence]) -> bool:
    """Whether the user may see conditional referrals and has said why (logged)."""
    key = _why_key(cluster)
    given = st.session_state.get(key)
    if isinstance(given, str):
        return True
    if (
        permits(Permission.CONDITIONAL, doing="Viewing intelligence with handling conditions")
        is None
    ):
        return False
    with st.form(f"intel_form_{cluster.cluster_id}"):
        why = st.text_input(
            f"{len(held)} referral(s) have handling conditions: why do you need to see them?",
            key=f"intel_reason_{cluster.cluster_id}",
        )
        shown = st.form_submit_button(
            "Show with conditions", key=f"intel_show_{cluster.cluster_id}"
        )
    if not shown:
        return False
    if not why.strip():
        st.error("Say why you need to see them: the reason goes into the audit log.")
        return False
    consulted(
        "conditional intelligence",
        [g.referral_ref for g in held],
        justification=why.strip(),
        details={"cluster": cluster.cluster_id, "handling_code": "C"},
    )
    st.session_state[key] = why.strip()
    st.rerun()  # so the network and timeline, drawn above, show them too
    return True


def _graded_table(graded: list[GradedIntelligence]) -> None:
    st.dataframe(
        [
            {
                "referral": g.referral_ref,
                "reported": g.reported_at,
                "agency": g.reporting_agency or "",
                "grading": g.grading,
                "scheme": g.scheme or "",
                "handling": g.handling_code or "",
                "conditions": g.handling_conditions or "",
                "intelligence document": g.intel_submitted,
                "concerns": ", ".join(g.concerns),
                "provenance": ", ".join(g.sources),
            }
            for g in graded
        ],
        hide_index=True,
        key="intelligence",
    )


def _score(cluster: ClusterResult) -> None:
    parts = [{"feature": k, "contribution": v} for k, v in cluster.contributions.items() if v]
    if parts:
        st.bar_chart(parts, x="feature", y="contribution", horizontal=True)
    else:
        st.caption("No feature adds to this cluster's score.")
    st.dataframe(
        [{"feature": k, "value": v} for k, v in cluster.features.items()],
        hide_index=True,
        key="features",
    )


def _leads(cluster: ClusterResult) -> None:
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


def main() -> None:
    """Bands, reasons, gaps; network, timeline, members, score, leads, intelligence, review."""
    sign_in()
    run = latest_run_or_explain("Cluster")
    if run is None:
        return
    cluster = _pick(run)
    consulted("cluster", [cluster.cluster_id], details={"run": run.run_id})
    _headline(cluster)
    tabs = st.tabs(
        ["Network", "Timeline", "Members", "Score", "Leads", "Intelligence", "Review", "Export"]
    )
    with tabs[0]:
        _network(cluster)
    with tabs[1]:
        _timeline(cluster)
    with tabs[2]:
        _members(cluster)
    with tabs[3]:
        _score(cluster)
    with tabs[4]:
        _leads(cluster)
    with tabs[5]:
        _intelligence(cluster)
    with tabs[6]:
        review_panel(cluster, run.run_id)
    with tabs[7]:
        if permits(Permission.EXPORT, doing="Exporting a target package"):
            export_panel(cluster, run.run_id)


main()
