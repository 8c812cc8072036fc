"""Overview: what the store holds, activity over time and place, intelligence compliance."""

from __future__ import annotations

import pydeck as pdk  # type: ignore[import-untyped]
import streamlit as st

from dashboards.components.access import sign_in
from dashboards.components.clusters import no_run_yet
from dashboards.data import (
    load_activity,
    load_compliance,
    load_counts,
    load_places,
    load_results,
    recent_load_reports,
)
from loaders.pipeline import report_row
from ocgmap.errors import OcgmapError
from ocgmap.overview import Places

NO_DATA = "No data loaded: run `ocgmap demo` or load files on the Data page."

#: Map colours (RGBA) and how far a circle of weight 1 reaches, in metres, per kind of point.
POINTS = {
    "port": ([20, 90, 170, 200], 14_000),
    "camera": ([220, 110, 0, 200], 6_000),
    "place": ([120, 120, 120, 180], 6_000),
}


def _metrics() -> bool:
    """Node, relationship, detection and referral counts; False when the store is empty."""
    counts = load_counts()
    if not counts.nodes:
        st.info(NO_DATA)
        return False
    cells = st.columns(4)
    cells[0].metric("nodes", f"{sum(counts.nodes.values()):,}")
    cells[1].metric("relationships", f"{sum(counts.relationships.values()):,}")
    cells[2].metric("detections", f"{counts.nodes.get('Detection', 0):,}")
    cells[3].metric("referrals", f"{counts.nodes.get('Referral', 0):,}")
    st.caption(f"{counts.store} store")
    return True


def _activity() -> None:
    st.subheader("Detections and entrants per month")
    months = load_activity()
    if not months:
        st.caption("No dated detections yet: load a detections file on the Data page.")
        return
    rows = [m.model_dump() for m in months]
    st.line_chart(rows, x="month", y=["detections", "entrants", "minors"])


def _deck(found: Places) -> pdk.Deck:
    layers = [
        pdk.Layer(
            "ArcLayer",
            found.route_rows(),
            id="routes",
            get_source_position="[dep_lon, dep_lat]",
            get_target_position="[arr_lon, arr_lat]",
            get_source_color=[20, 90, 170, 160],
            get_target_color=[170, 40, 60, 160],
            get_width="weight",
            width_scale=6,
            width_min_pixels=1,
            pickable=True,
        )
    ]
    for kind, (colour, metres) in POINTS.items():
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                found.of_kind(kind),
                id=f"{kind}s",
                get_position="[lon, lat]",
                get_radius="weight",
                radius_scale=metres,
                radius_min_pixels=3,
                get_fill_color=colour,
                pickable=True,
            )
        )
    layers.append(
        pdk.Layer(
            "TextLayer",
            found.of_kind("port"),
            id="port-names",
            get_position="[lon, lat]",
            get_text="name",
            get_size=12,
            get_pixel_offset=[0, -14],
        )
    )
    lat, lon = found.centre() or (51.5, 0.5)
    return pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(latitude=lat, longitude=lon, zoom=6),
        map_style=None,  # no base map: tiles need the internet, the dashboard must not
        map_provider=None,
        tooltip={"text": "{label}"},
    )


def _map() -> None:
    st.subheader("Ports, routes and ANPR cameras")
    found = load_places()
    if not found.points and not found.routes:
        st.caption(
            "Nothing to map yet: ports come with detections and crossings, cameras with ANPR "
            "files (with lat and lon). Load them on the Data page."
        )
    else:
        st.pydeck_chart(_deck(found), alt="Ports, routes and ANPR cameras sized by activity")
        st.caption(
            "Blue: ports (detections there). Orange: ANPR cameras (reads). Grey: other places "
            "(detections). Arcs: routes (crossings). No base map is drawn: it works offline."
        )
    if found.unplaced:
        with st.expander(f"{len(found.unplaced)} places without coordinates, not drawn"):
            st.dataframe({"place": found.unplaced}, hide_index=True)


def _compliance() -> None:
    st.subheader("Intelligence compliance")
    result = load_compliance()
    if result.share is None:
        st.info(
            "No NCCU referrals loaded (a referral counts when it has an nccu_ref): load a "
            "referrals file on the Data page."
        )
        return
    st.metric(
        "NCCU referrals with the intelligence document",
        f"{result.share:.0%}",
        help="Submitted with the document (intel_submitted Y) out of every referral with an "
        "NCCU reference; N or not recorded count as without. See docs/dashboard.md.",
    )
    st.caption(result.summary)
    st.dataframe(
        [r.model_dump() for r in result.rows],
        hide_index=True,
        column_config={"share": st.column_config.NumberColumn("share", format="percent")},
        key="compliance_rows",
    )
    if not result.lacking:
        st.success("Every NCCU referral carries its intelligence document.")
        return
    st.markdown(f"**{len(result.lacking):,} NCCU referrals lack the intelligence document**")
    st.dataframe([r.model_dump() for r in result.lacking], hide_index=True, key="lacking")


def _latest_run() -> None:
    st.subheader("Latest analysis run")
    run = load_results()
    if run is None:
        no_run_yet()
        return
    left, right = st.columns(2)
    left.metric("clusters scored", f"{run.summary.scored:,}")
    right.metric("challenged", f"{run.summary.challenged:,}")
    st.caption(f"Run {run.run_id} of {run.generated_at:%d/%m/%Y %H:%M} UTC")


def _latest_loads() -> None:
    st.subheader("Latest loads")
    reports = recent_load_reports()
    if not reports:
        st.caption("No load reports yet: each `ocgmap load` or Data page load is reported here.")
        return
    st.dataframe([report_row(r) for r in reports], hide_index=True, key="load_reports")


def main() -> None:
    """Counts, activity by month, the map, compliance, the latest run and loads."""
    sign_in()
    st.title("Overview")
    try:
        loaded = _metrics()
    except OcgmapError as exc:
        st.error(str(exc))
        loaded = False
    sections = [_activity, _map, _compliance, _latest_run] if loaded else []
    for section in [*sections, _latest_loads]:
        try:
            section()
        except OcgmapError as exc:  # one unreadable part does not hide the others
            st.error(str(exc))


main()
