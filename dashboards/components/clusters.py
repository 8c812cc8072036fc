"""Cluster pieces drawn from analysis result models: they take models and return nothing."""

from __future__ import annotations

import streamlit as st

from ocgmap.analysis.results import ClusterResult

__all__ = ["band_badges", "no_run_yet", "reasons_list"]


def band_badges(cluster: ClusterResult) -> None:
    """Current band, recommended band and score side by side."""
    left, middle, right = st.columns(3)
    left.metric("current band", cluster.current_band or "not mapped")
    middle.metric("recommended band", cluster.recommended_band)
    right.metric("score", f"{cluster.score:.2f}")


def reasons_list(title: str, lines: list[str], empty: str) -> None:
    """A titled bullet list, or what it means that there is nothing to list."""
    st.markdown(f"**{title}**")
    if lines:
        st.markdown("\n".join(f"- {line}" for line in lines))
    else:
        st.caption(empty)


def no_run_yet() -> None:
    """The empty state of every page that needs an analysis run."""
    st.info(
        "No analysis run yet. Run `ocgmap demo` for a synthetic world, or load files with "
        "`ocgmap load` and run `ocgmap analyse`."
    )
