"""Cluster pieces drawn from analysis result models: they take models and return nothing."""

from __future__ import annotations

import streamlit as st

from dashboards.data import load_results
from ocgmap.analysis.results import AnalysisRun, ClusterResult
from ocgmap.errors import OcgmapError

__all__ = ["band_badges", "latest_run_or_explain", "no_run_yet", "reasons_list"]


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


def latest_run_or_explain(title: str) -> AnalysisRun | None:
    """The latest saved run; otherwise the page title and why there is nothing to show."""
    try:
        run = load_results()
    except OcgmapError as exc:
        st.title(title)
        st.error(str(exc))
        return None
    if run is None:
        st.title(title)
        no_run_yet()
    return run
