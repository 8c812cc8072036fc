"""ocgmap dashboard entry point: signs the user in, frames the app and routes to its pages."""

from __future__ import annotations

import streamlit as st

from dashboards.components.access import account, sign_in
from dashboards.data import copy_audit, load_alerts
from ocgmap.access import Permission, User
from ocgmap.errors import OcgmapError


def _alerts_title(user: User) -> str:
    """The Alerts page's title, with the user's unread alerts counted when there are any."""
    try:
        unread = sum(1 for a in load_alerts(user.name) if a.unread)
    except OcgmapError:
        return "Alerts"  # the page itself says what is wrong
    return f"Alerts ({unread})" if unread else "Alerts"


st.set_page_config(page_title="ocgmap", layout="wide")
user = sign_in()  # stops here with the sign-in form until someone has signed in
account(user)
data = [
    st.Page("pages/data.py", title="Data", icon=":material/upload:"),
    st.Page("pages/status.py", title="Store", icon=":material/database:"),
]
if user.may(Permission.READ_AUDIT):
    data.append(st.Page("pages/audit.py", title="Audit log", icon=":material/policy:"))
navigation = st.navigation(
    {
        "Review": [
            st.Page("pages/challenge.py", title="Challenge list", icon=":material/flag:"),
            st.Page("pages/cluster.py", title="Cluster", icon=":material/hub:"),
            st.Page("pages/explore.py", title="Explore", icon=":material/search:"),
            st.Page("pages/alerts.py", title=_alerts_title(user), icon=":material/notifications:"),
        ],
        "Picture": [
            st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:"),
        ],
        "Data": data,
    }
)
navigation.run()
copied = copy_audit()  # the page's audit entries, also into Neo4j when it is the store
if copied is not None and not copied.ok:
    st.sidebar.error(f"Audit log: {copied.message}. Tell a supervisor: ocgmap audit verify.")
