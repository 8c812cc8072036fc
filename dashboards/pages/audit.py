"""Audit log: who loaded, viewed, changed, disclosed and erased what, for a supervisor."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path

import streamlit as st

from dashboards.components.access import consulted, require
from ocgmap.access import Permission
from ocgmap.audit import Action, audit_log, select
from ocgmap.config import Settings
from ocgmap.errors import OcgmapError

#: Most entries listed at once (the filters narrow them; the download has them all).
SHOWN = 1000


def _download() -> bytes:
    """The verified log as a zip of audit.jsonl and audit.csv (as ``ocgmap audit export``)."""
    log = audit_log(Settings())
    with tempfile.TemporaryDirectory() as tmp:
        folder = log.export(Path(tmp) / "audit")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in ("audit.jsonl", "audit.csv"):
                archive.write(folder / name, name)
    return buffer.getvalue()


def main() -> None:
    """The chain's state, filters, the entries newest first, and a copy for an auditor."""
    st.title("Audit log")
    if require(Permission.READ_AUDIT, what="audit log") is None:
        return
    log = audit_log(Settings())
    result = log.verify()
    if result.ok:
        st.success(f"The hash chain verifies: {result.message}.")
    else:
        st.error(f"The audit log does not verify: {result.message}. Keep the file and report it.")
        return
    try:
        entries = log.entries()
    except OcgmapError as exc:
        st.error(str(exc))
        return
    consulted("audit log", [str(log.path)])
    top, middle, bottom = st.columns(3)
    users = top.multiselect("user", sorted({e.user for e in entries}), key="audit_users")
    actions = middle.multiselect("action", [a.value for a in Action], key="audit_actions")
    text = bottom.text_input("object or justification contains", key="audit_text")
    window = st.date_input("between", value=[], key="audit_window", format="DD/MM/YYYY")
    since, until = (
        (window[0], window[1]) if isinstance(window, tuple) and len(window) == 2 else (None, None)
    )
    chosen = select(
        entries,
        users=users,
        actions=actions,
        text=text,
        since=since if isinstance(since, dt.date) else None,
        until=until if isinstance(until, dt.date) else None,
    )
    st.markdown(f"**{len(chosen):,}** of {len(entries):,} entries")
    st.dataframe([e.row() for e in chosen[:SHOWN]], hide_index=True, key="audit_table")
    if len(chosen) > SHOWN:
        st.caption(f"The newest {SHOWN:,} are listed; the download has every entry.")
    if st.button("Prepare a copy for an auditor", key="audit_prepare"):
        st.session_state["audit_zip"] = _download()
        consulted("audit export", [str(log.path)], details={"entries": len(entries)})
    data = st.session_state.get("audit_zip")
    if isinstance(data, bytes):
        st.download_button(
            "Download audit.jsonl and audit.csv (zip)",
            data,
            file_name=f"ocgmap-audit-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.zip",
            mime="application/zip",
            key="audit_download",
        )


main()
