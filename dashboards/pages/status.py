"""Store page: which store the dashboard reads and what it holds."""

from __future__ import annotations

import streamlit as st

from dashboards.components.access import sign_in
from dashboards.data import load_counts
from ocgmap.errors import OcgmapError


def main() -> None:
    """Show the store kind and its node and relationship counts."""
    sign_in()
    st.title("ocgmap")
    st.caption("Organised crime groups behind organised immigration crime")
    try:
        counts = load_counts()
    except OcgmapError as exc:
        st.error(str(exc))
        return
    st.subheader(f"{counts.store} store")
    left, right = st.columns(2)
    left.metric("nodes", f"{sum(counts.nodes.values()):,}")
    right.metric("relationships", f"{sum(counts.relationships.values()):,}")
    left.dataframe([{"label": k, "nodes": v} for k, v in counts.nodes.items()], hide_index=True)
    right.dataframe(
        [{"type": k, "relationships": v} for k, v in counts.relationships.items()],
        hide_index=True,
    )


main()
