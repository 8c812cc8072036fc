"""Explore: find any entity by an identifier as typed, what lies around it, and paths between."""

from __future__ import annotations

import streamlit as st

from dashboards.components.access import consulted, sign_in
from dashboards.components.network import network, node_details
from dashboards.components.watch import watch_button, watchable
from dashboards.data import find_nodes, load_neighbourhood, load_paths
from ocgmap.errors import OcgmapError
from ocgmap.network import describe_path, element_id, network_view, paths_subgraph
from ocgmap.schema.models import Node

#: Node limits an analyst can choose for a neighbourhood; the page says when one cuts.
NODE_LIMITS = (100, 500, 2000)


def _pick(text: str, key: str) -> Node | None:
    """The node an identifier names, chosen among its matches; None (and why) otherwise."""
    if not text.strip():
        return None
    consulted("search", [text.strip()])
    try:
        nodes = find_nodes(text)
    except OcgmapError as exc:
        st.error(str(exc))
        return None
    if not nodes:
        st.info(f"Nothing in the store matches {text!r}.")
        return None
    st.dataframe(
        [{"label": str(n.label), "key": n.key, "name": n.name} for n in nodes],
        hide_index=True,
        key=f"{key}_matches",
    )
    labels = [f"{n.label}: {n.key}" for n in nodes]
    return nodes[labels.index(st.selectbox("choose", labels, key=key))]


def _neighbourhood(chosen: Node) -> None:
    left, right = st.columns(2)
    hops = left.slider("hops", 1, 3, 1, key="explore_hops")
    limit = right.select_slider("node limit", NODE_LIMITS, value=500, key="explore_limit")
    consulted("neighbourhood", [element_id(chosen.ref)], details={"hops": hops})
    around = load_neighbourhood(str(chosen.label), chosen.key, hops, limit)
    if len(around.nodes) >= limit:
        st.warning(f"Showing the first {limit:,} nodes only: fewer hops or a higher limit.")
    st.subheader(f"{len(around.nodes)} nodes, {len(around.edges)} relationships")
    graph, nodes, links = st.tabs(["Network", "Nodes", "Relationships"])
    with graph:
        view = network_view(around, focus=[element_id(chosen.ref)], limit=limit)
        clicked = network(view, key=f"explore_net_{hops}_{limit}")
        if clicked:
            consulted("entity", [clicked])
            node_details(around, clicked)
    with nodes:
        st.dataframe(
            [
                {
                    "label": str(n.label),
                    "key": n.key,
                    "name": n.name,
                    "first seen": n.first_seen,
                    "last seen": n.last_seen,
                    "sources": len(n.sources),
                }
                for n in around.nodes
            ],
            hide_index=True,
        )
    with links:
        st.dataframe(
            [
                {
                    "from": f"{e.start.label}: {e.start.key}",
                    "type": str(e.type),
                    "to": f"{e.end.label}: {e.end.key}",
                    "provenance": ", ".join(e.sources[:3]) + (" ..." if len(e.sources) > 3 else ""),
                }
                for e in around.edges
            ],
            hide_index=True,
        )


def _paths(start: Node) -> None:
    st.subheader("Shortest paths")
    text = st.text_input(
        "to", key="path_text", placeholder="a second identifier: VRM, phone, company number..."
    )
    end = _pick(text, "path_pick")
    if end is None:
        st.caption(f"Type a second identifier to find how it connects to {start.key}.")
        return
    max_hops = st.slider("at most hops", 1, 8, 6, key="path_hops")
    consulted("paths", [element_id(start.ref), element_id(end.ref)])
    paths = load_paths((str(start.label), start.key), (str(end.label), end.key), max_hops)
    if not paths:
        st.info(f"No path of {max_hops} hops or fewer joins {start.key} and {end.key}.")
        return
    st.caption(f"{len(paths)} shortest path(s) of {paths[0].length} hops.")
    st.markdown("\n".join(f"- {describe_path(p)}" for p in paths[:50]))
    if len(paths) > 50:
        st.caption(f"Listing the first 50 of {len(paths)} paths; all are drawn.")
    union = paths_subgraph(paths)
    ends = [element_id(start.ref), element_id(end.ref)]
    view = network_view(union, focus=ends, hide=(), limit=2000)
    clicked = network(view, key=f"paths_net_{element_id(end.ref)}_{max_hops}", height=420)
    if clicked:
        consulted("entity", [clicked])
        node_details(union, clicked)


def main() -> None:
    """Search box, matches, the chosen match's neighbourhood, and paths to a second entity."""
    sign_in()
    st.title("Explore")
    text = st.text_input(
        "identifier",
        key="explore_text",
        placeholder="VRM, trailer, phone in any format, company number, name, LOCODE",
    )
    if not text.strip():
        st.caption("Type an identifier: it is normalised the way the loaders normalise it.")
        return
    chosen = _pick(text, "explore_pick")
    if chosen is None:
        return
    if watchable(str(chosen.label)):
        watch_button(str(chosen.label), chosen.key)
    _neighbourhood(chosen)
    _paths(chosen)


main()
