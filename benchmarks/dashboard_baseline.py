"""The baseline page of ``bench_dashboard.py``: the dashboard's frame around a trivial page.

It signs in with the dashboard's own sign-in and shows the same sidebar, then draws a title
and a three-row table, so a first paint of it costs what Streamlit, the sign-in and the grid
cost before any ocgmap data is read. ``bench_dashboard.py`` serves it with the dashboard's
command line (``ocgmap.dashboard.command``) and times it in the same Chromium.
"""

from __future__ import annotations

import streamlit as st

from dashboards.components.access import account, sign_in


def _page() -> None:
    st.title("Baseline")
    st.dataframe(
        [{"cluster": f"C-{i:05d}", "score": i / 10} for i in range(1, 4)],
        hide_index=True,
        key="baseline_table",
    )


st.set_page_config(page_title="ocgmap", layout="wide")
account(sign_in())  # stops here with the sign-in form until someone has signed in
st.navigation([st.Page(_page, title="Baseline", url_path="baseline")]).run()
