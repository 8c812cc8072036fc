"""Explore: find any entity by an identifier as typed, and what lies around it."""

from __future__ import annotations

import streamlit as st

from dashboards.data import find_nodes, load_neighbourhood
from ocgmap.errors import OcgmapError

#: Most nodes a neighbourhood shows; the page says when it stops there.
NODE_LIMIT = 500


def main() -> None:
    """Search box, matches, and the chosen match's neighbourhood with provenance."""
    st.title("Explore")
    text = st.text_input(
        "identifier",
        key="explore_text",
        placeholder="VRM, trailer, phone in any format, company number, name, LOCODE",
    )
    if not text.strip():
        st.caption("Type an identifier: it is normalised the way the loaders normalise it.")
        return
    try:
        nodes = find_nodes(text)
    except OcgmapError as exc:
        st.error(str(exc))
        return
    if not nodes:
        st.info(f"Nothing in the store matches {text!r}.")
        return
    st.dataframe(
        [{"label": str(n.label), "key": n.key, "name": n.name} for n in nodes],
        hide_index=True,
    )
    labels = [f"{n.label}: {n.key}" for n in nodes]
    chosen = nodes[labels.index(st.selectbox("expand", labels, key="explore_pick"))]
    hops = st.slider("hops", 1, 3, 1, key="explore_hops")
    around = load_neighbourhood(str(chosen.label), chosen.key, hops, NODE_LIMIT)
    if len(around.nodes) >= NODE_LIMIT:
        st.warning(f"Showing the first {NODE_LIMIT} nodes only: fewer hops show all of them.")
    st.subheader(f"{len(around.nodes)} nodes, {len(around.edges)} relationships")
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


main()
