"""ocgmap dashboard entry point: frames the app and routes to its pages."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="ocgmap", layout="wide")
navigation = st.navigation(
    {
        "Review": [
            st.Page("pages/challenge.py", title="Challenge list", icon=":material/flag:"),
            st.Page("pages/cluster.py", title="Cluster", icon=":material/hub:"),
            st.Page("pages/explore.py", title="Explore", icon=":material/search:"),
        ],
        "Picture": [
            st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:"),
        ],
        "Data": [
            st.Page("pages/data.py", title="Data", icon=":material/upload:"),
            st.Page("pages/status.py", title="Store", icon=":material/database:"),
        ],
    }
)
navigation.run()
