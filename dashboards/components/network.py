"""The interactive network view (Cytoscape.js through st-link-analysis, MIT licence).

It draws an :class:`ocgmap.network.NetworkView` (what to draw is chosen there), colours nodes
by label with a legend, sizes them by the view's ``size`` (key-player score), and returns the
element id of a clicked node so the page can show its details and provenance.

Small drawings are laid out by the browser (Cytoscape.js fcose). From ``SERVER_LAYOUT_FROM``
nodes the positions are computed here once (:func:`ocgmap.layout.spring_positions`, cached
per drawing) and the browser only places the nodes: in headless Chromium fcose took minutes
for 2,000 nodes (BENCHMARKS.md, "Dashboard first paint").
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from st_link_analysis import EdgeStyle, Event, NodeStyle, st_link_analysis

from ocgmap.layout import spring_positions
from ocgmap.network import NetworkView, links, placed
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import Subgraph

__all__ = ["LABEL_STYLE", "SERVER_LAYOUT_FROM", "network", "node_details"]

#: Colour and Material icon per label (icons are those st-link-analysis ships).
LABEL_STYLE: dict[Label, tuple[str, str]] = {
    Label.HAULIER: ("#1f77b4", "business"),
    Label.VEHICLE: ("#2ca02c", "local_shipping"),
    Label.TRAILER: ("#17becf", "inventory"),
    Label.PERSON: ("#d62728", "person"),
    Label.PHONE: ("#9467bd", "smartphone"),
    Label.ADDRESS: ("#8c564b", "home"),
    Label.PORT: ("#7f7f7f", "place"),
    Label.ROUTE: ("#c7c7c7", "swap_horiz"),
    Label.LOCATION: ("#bcbd22", "cell_tower"),
    Label.DETECTION: ("#ff7f0e", "flag"),
    Label.REFERRAL: ("#e377c2", "description"),
    Label.CROSSING: ("#aec7e8", "swap_horiz"),
    Label.OCG: ("#000000", "group"),
    Label.CLUSTER: ("#393b79", "analytics"),
    Label.ANALYSIS_RUN: ("#393b79", "analytics"),
    Label.REVIEW: ("#393b79", "badge"),
    Label.WATCH: ("#393b79", "badge"),
    Label.ALERT: ("#393b79", "badge"),
}

#: Above this many nodes the browser's layout runs without animation.
_ANIMATE_UP_TO = 300

#: From this many nodes the positions are computed on the server (a preset layout).
SERVER_LAYOUT_FROM = 200


@st.cache_data(max_entries=16, show_spinner="Laying out the network...")
def _positions(
    nodes: tuple[str, ...], edges: tuple[tuple[str, str], ...]
) -> dict[str, tuple[float, float]]:
    return spring_positions(nodes, edges)


def _layout(view: NetworkView) -> tuple[NetworkView, dict[str, Any]]:
    """The view to send and the Cytoscape.js layout that draws it."""
    if view.shown >= SERVER_LAYOUT_FROM:
        view = placed(view, _positions(*links(view)))
        return view, {"name": "preset", "fit": True, "padding": 20}
    return view, {
        "name": "fcose",
        "animate": view.shown <= _ANIMATE_UP_TO,
        "fit": True,
        "padding": 20,
        "nodeDimensionsIncludeLabels": True,
    }


class _SizeStyle:
    """Every node's diameter from its ``size`` data in [0, 1] (st-link-analysis only dumps it)."""

    def dump(self) -> dict[str, Any]:
        size = "mapData(size, 0, 1, 26, 70)"
        return {"selector": "node", "style": {"width": size, "height": size}}


def _legend(view: NetworkView) -> None:
    swatches = [
        f"<span style='color:{LABEL_STYLE[Label(label)][0]}'>&#9679;</span> {label} ({count})"
        for label, count in view.labels.items()
    ]
    st.markdown(" &nbsp; ".join(swatches), unsafe_allow_html=True)


def network(
    view: NetworkView, key: str, height: int = 560, sized_by: str | None = None
) -> str | None:
    """Draw ``view``; return the element id of the node last clicked, if any.

    Says on screen how many nodes are drawn and why any were left out, and what node size
    means (``sized_by``) when the view carries sizes.
    """
    if not view.shown:
        st.info("Nothing to draw here.")
        return None
    note = f"Drawing {view.shown:,} of {view.total:,} nodes."
    if view.hidden:
        note += " Not drawn: " + ", ".join(f"{n:,} {lab}" for lab, n in view.hidden.items())
        note += " (see the timeline and tables)."
    if sized_by:
        note += f" Node size: {sized_by}."
    st.caption(note + " Click a node for its details.")
    if view.truncated:
        st.warning(
            f"{view.cut:,} nodes were cut to keep the drawing usable; the best-connected are "
            "drawn. Narrow the view (fewer hops, one member) to see the rest."
        )
    _legend(view)
    styles: list[Any] = [
        NodeStyle(label=str(label), color=colour, caption="name", icon=icon)
        for label, (colour, icon) in LABEL_STYLE.items()
    ]
    styles.append(_SizeStyle())
    view, layout = _layout(view)
    clicked = st_link_analysis(
        view.elements,
        layout=layout,
        node_styles=styles,
        edge_styles=[
            EdgeStyle(label=str(t), caption="label", directed=True, labeled=None) for t in RelType
        ],
        height=height,
        key=key,
        events=[Event("node_click", "tap", "node")],
    )
    if isinstance(clicked, dict) and clicked.get("action") == "node_click":
        target = clicked.get("data", {}).get("target_id")
        return str(target) if target else None
    return None


def node_details(subgraph: Subgraph, element: str) -> None:
    """Properties, first and last seen, and every provenance token of one drawn node."""
    label, _, key = element.partition(":")
    node = next((n for n in subgraph.nodes if str(n.label) == label and n.key == key), None)
    if node is None:
        return
    st.markdown(f"**{node.label}: {node.key}**")
    left, right = st.columns(2)
    with left:
        facts = {k: str(v) for k, v in sorted(node.properties.items())}
        facts["first seen"] = str(node.first_seen or "")
        facts["last seen"] = str(node.last_seen or "")
        st.dataframe(
            [{"property": k, "value": v} for k, v in facts.items()],
            hide_index=True,
            key=f"details_{element}",
        )
    with right:
        st.markdown(f"Provenance ({len(node.sources)} rows)")
        st.dataframe([{"source": s} for s in node.sources], hide_index=True, key=f"prov_{element}")
