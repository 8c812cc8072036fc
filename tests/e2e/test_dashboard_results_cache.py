"""The dashboard shares one analysis run between page views instead of copying it for each."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script() -> None:
    import streamlit as st

    from dashboards.data import load_results, store_changed

    first, again = load_results(), load_results()
    store_changed()
    fresh = load_results()
    st.session_state["seen"] = (
        first is not None,
        first is again,  # no copy per page view
        fresh is not first,  # read again once the dashboard saved something
        fresh == first,
    )


def test_page_views_share_the_run_until_the_dashboard_saves_another(app: AppTest) -> None:
    """``app`` points the dashboard at a home with a saved run."""
    script = AppTest.from_function(_script, default_timeout=60)
    script.run()
    assert not script.exception
    assert script.session_state["seen"] == (True, True, True, True)
    other = AppTest.from_function(_script, default_timeout=60)  # another session
    other.run()
    assert not other.exception
    assert other.session_state["seen"] == (True, True, True, True)
