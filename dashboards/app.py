"""ocgmap dashboard entry point: frames the app and routes to its pages."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="ocgmap", layout="wide")
navigation = st.navigation([st.Page("pages/status.py", title="Store", icon=":material/hub:")])
navigation.run()
