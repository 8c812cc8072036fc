"""Export a cluster's target package from the dashboard, with handling codes respected."""

from __future__ import annotations

import streamlit as st

from dashboards.components.access import sign_in
from dashboards.data import export_cluster
from ocgmap.access import Permission
from ocgmap.analysis.results import ClusterResult
from ocgmap.errors import OcgmapError
from ocgmap.export.package import Marking
from ocgmap.export.run import zip_package

__all__ = ["export_panel"]

_MARKINGS: list[Marking] = ["OFFICIAL", "OFFICIAL-SENSITIVE"]


def export_panel(cluster: ClusterResult, run_id: str) -> None:
    """Marking, handling choices, who exports, to whom and why; then the package, as a zip."""
    st.subheader("Target package")
    st.caption(
        "PDF and HTML package, subjects.xlsx, network.graphml, i2 CSV, cluster.json and a "
        "manifest with every file's SHA-256. Intelligence with handling conditions (3x5x2 C) "
        "is withheld unless included with a justification; 5x5x5 handling 4 and 5 never leave."
    )
    left, right = st.columns(2)
    marking = left.selectbox("security marking", _MARKINGS, key="export_marking")
    exporter = sign_in()
    right.text_input("exported by", value=exporter.name, disabled=True, key="export_user")
    recipients = st.text_input(
        "recipients (required; separate with commas)",
        key="export_recipients",
        help="Who receives the package: recorded in the audit log (DPA 2018 s.62).",
    )
    conditional = exporter.may(Permission.CONDITIONAL) and st.checkbox(
        "include intelligence with handling conditions", key="export_conditional"
    )
    justification = st.text_area(
        "justification (required): why the package is disclosed"
        + (", and why the recipients meet the handling conditions" if conditional else ""),
        key="export_justification",
    )
    if not st.button("Export target package", type="primary", key="export_go"):
        return
    bar = st.progress(0.0, text="assembling")
    done: list[str] = []

    def step(name: str, _: int) -> None:
        done.append(name)
        bar.progress(min(len(done) / 5, 1.0), text=name)

    try:
        folder, manifest = export_cluster(
            cluster.cluster_id,
            run_id,
            marking,
            conditional,
            justification,
            exporter.name,
            recipients=[r for r in recipients.split(",") if r.strip()],
            progress=step,
        )
    except OcgmapError as exc:
        bar.empty()
        st.error(str(exc))
        return
    bar.progress(1.0, text="done")
    st.success(f"{manifest.marking}: {len(manifest.files)} files and manifest.json in {folder}")
    if manifest.withheld.referrals:
        held = ", ".join(
            f"{n} with handling code {c}" for c, n in manifest.withheld.referrals.items()
        )
        st.info(f"Withheld: referrals {held} (counted in the manifest).")
    st.download_button(
        "Download the package (zip)",
        zip_package(folder, manifest),
        file_name=f"{cluster.cluster_id}-{run_id}.zip",
        mime="application/zip",
        key="export_download",
    )
