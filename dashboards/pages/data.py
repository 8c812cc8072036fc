"""Data: load source files with progress, read load reports and quarantined rows, analyse."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from dashboards.components.access import consulted, permits, sign_in
from dashboards.data import (
    get_store,
    load_counts,
    load_quarantine,
    recent_load_reports,
    store_changed,
    write_lock,
)
from loaders.mapping import load_mapping
from loaders.pipeline import LoadReport, report_row, run
from loaders.reports import quarantined_files
from loaders.sources import sources
from loaders.uploads import (
    MAPPING_TYPES,
    UPLOAD_TYPES,
    LoadProgress,
    plan_load,
    save_uploads,
    server_folder,
)
from ocgmap.access import Permission
from ocgmap.alerts import alerts_after_run
from ocgmap.analysis.results import AnalysisParams, AnalysisRun
from ocgmap.analysis.run import analyse
from ocgmap.analysis.runs import save_run
from ocgmap.analysis.scoring import load_weights
from ocgmap.config import Settings, band_scheme
from ocgmap.errors import InputError, OcgmapError

if TYPE_CHECKING:
    from streamlit.elements.lib.mutable_status_container import StatusContainer

#: Loads listed under "Load reports", newest first.
RECENT_LOADS = 20
#: Quarantined rows shown for one file; the quarantine file holds them all.
QUARANTINE_ROWS = 500
_UPLOAD, _FOLDER = "Upload files", "Folder on the server"
_BY_NAME = "(recognise each file by its name)"
_BUSY = "Another load or analysis is writing to the store: try again when it has finished."


def main() -> None:
    """Load, load reports, quarantine and analysis, one section each."""
    sign_in()
    st.title("Data")
    st.caption("Load source files into the store, check what was quarantined, run the analysis.")
    _load_section()
    try:
        reports = recent_load_reports(RECENT_LOADS)
    except OcgmapError as exc:
        st.error(str(exc))
        reports = []
    _reports_section(reports)
    _quarantine_section(reports)
    _analysis_section()


# -- load ------------------------------------------------------------------------------------
def _load_section() -> None:
    st.header("Load")
    if permits(Permission.LOAD, doing="Loading") is None:
        return
    where = st.radio("files", [_UPLOAD, _FOLDER], key="data_where", horizontal=True)
    uploaded: Sequence[UploadedFile] = []
    folder = ""
    if where == _UPLOAD:
        uploaded = st.file_uploader(
            "source files",
            type=list(UPLOAD_TYPES),
            accept_multiple_files=True,
            key="data_files",
            help="Files named as their source (detections*.csv, calls*.xlsx, psc*.jsonl, ...).",
        )
    else:
        folder = st.text_input(
            "folder on the server", key="data_folder", placeholder="/srv/ocgmap/exports/2025-03"
        )
    left, right = st.columns(2)
    source = left.selectbox("source", [_BY_NAME, *sources()], key="data_source")
    mapping = right.file_uploader(
        "column mapping (optional)",
        type=list(MAPPING_TYPES),
        key="data_mapping",
        help="A YAML file mapping your column names onto ocgmap's (formats.md §10).",
    )
    if st.button("Load", key="data_load", type="primary"):
        forced = None if source == _BY_NAME else source
        _load(uploaded if where == _UPLOAD else None, folder, forced, mapping)
    last: LoadReport | None = st.session_state.get("data_last_load")
    if last is not None:
        _show_report(last)


def _load(
    uploaded: Sequence[UploadedFile] | None,
    folder: str,
    source: str | None,
    mapping: UploadedFile | None,
) -> None:
    """Save uploads (or check the folder), then load with progress, holding the write lock."""
    if uploaded is not None and not uploaded:
        st.warning("Choose the files to upload first, then press Load.")
        return
    lock = write_lock()
    if not lock.acquire(blocking=False):
        st.warning(_BUSY)
        return
    try:
        report = _run_load(uploaded, folder, source, mapping)
    except OcgmapError as exc:
        st.error(str(exc))
        return
    finally:
        lock.release()
    st.session_state["data_last_load"] = report
    st.session_state["data_q_load"] = report.load_id  # the Quarantine section shows this load
    st.session_state.pop("data_q_file", None)
    st.session_state.pop("data_last_run", None)  # that run no longer covers what the store holds
    store_changed()  # every page reads the new data from now on


def _run_load(
    uploaded: Sequence[UploadedFile] | None,
    folder: str,
    source: str | None,
    mapping: UploadedFile | None,
) -> LoadReport:
    settings = Settings()
    home = settings.home
    files = [(f.name, f.getvalue()) for f in uploaded or ()]
    mapped = (mapping.name, mapping.getvalue()) if mapping is not None else None
    paths = [] if uploaded is not None else [server_folder(folder)]
    saved = save_uploads(files, home, mapping=mapped) if files or mapped else None
    if saved is not None and uploaded is not None:
        paths = [saved.folder]
    column_map = load_mapping(saved.mapping) if saved and saved.mapping else None
    planned, _ = plan_load(paths, source, column_map)
    if not planned:
        raise InputError(
            f"No file in {paths[0]} is named as a source (detections*.csv, calls*.xlsx, ...): "
            "rename the files or choose their source."
        )
    tracker = LoadProgress(planned)
    bar = st.progress(0.0, text=f"Loading {len(planned)} file(s)")
    with st.status(f"Loading {len(planned)} file(s)", expanded=False) as status:

        def progress(name: str, rows: int) -> None:
            fraction, line = tracker.advance(name, rows)
            bar.progress(fraction, text=line)
            status.update(label=line)

        report = run(
            paths,
            get_store(),
            home,
            source=source,
            mapping=column_map,
            progress=progress,
            user=sign_in().name,
        )
        bar.progress(1.0, text=f"Load {report.load_id} finished")
        status.update(label=f"Load {report.load_id} finished", state="complete")
    return report


def _show_report(report: LoadReport) -> None:
    st.subheader(f"Load {report.load_id} into the {report.store} store")
    st.dataframe(
        [
            {
                "file": Path(f.path).name,
                "source": f.source,
                "rows": f.rows,
                "loaded": f.loaded,
                "quarantined": f.quarantined,
                "skipped": f.skipped,
            }
            for f in report.files
        ],
        hide_index=True,
    )
    for f in report.files:
        if f.error:
            st.error(f.error)
    if report.ignored:
        names = ", ".join(Path(p).name for p in report.ignored)
        st.warning(
            f"Not loaded, as no source is named like them: {names}. Rename them as their source "
            "(detections*.csv, ...) or choose the source and load them again."
        )
    if any(f.quarantined for f in report.files):
        st.caption("Quarantined rows are listed under Quarantine below, with their reasons.")
    st.caption(_alerts_raised(report.alerts, "load"))


def _alerts_raised(count: int, by: str) -> str:
    """How many alerts a load or an analysis raised for the watchlists, in words."""
    if not count:
        return f"The {by} raised no alert for any watchlist."
    return (
        f"The {by} raised {count} new alert(s) for watchlists: their watchers see them in Alerts."
    )


# -- reports and quarantine --------------------------------------------------------------------
def _reports_section(reports: list[LoadReport]) -> None:
    st.header("Load reports")
    if not reports:
        st.info("No loads yet: upload files or name a folder on the server above, then press Load.")
        return
    st.dataframe([report_row(r) for r in reports], hide_index=True)


def _quarantine_section(reports: list[LoadReport]) -> None:
    st.header("Quarantine")
    if not reports:
        st.info("Rows that break their source's contract are kept here with the reason, per load.")
        return
    ids = [r.load_id for r in reports]
    load_id = st.selectbox("load", ids, key="data_q_load")
    if permits(Permission.VIEW, doing="Reading quarantined rows") is None:
        return
    files = quarantined_files(reports[ids.index(load_id)])
    if not files:
        st.info(f"Load {load_id} quarantined no rows: every row met its source's contract.")
        return
    file = st.selectbox("file", files, key="data_q_file")
    try:
        rows = load_quarantine(load_id, file, QUARANTINE_ROWS)
    except OcgmapError as exc:
        st.error(str(exc))
        return
    consulted("quarantine", [load_id, file])
    if len(rows) >= QUARANTINE_ROWS:
        st.caption(
            f"The first {QUARANTINE_ROWS} rows: all are in OCGMAP_HOME/quarantine/{load_id}."
        )
    st.dataframe([r.as_record() for r in rows], hide_index=True)


# -- analysis --------------------------------------------------------------------------------
def _analysis_section() -> None:
    st.header("Analysis")
    try:
        counts = load_counts()
    except OcgmapError as exc:
        st.error(str(exc))
        return
    if not counts.nodes:
        st.info("The store is empty: load source files above, then run the analysis here.")
        return
    st.caption(
        f"Runs what `ocgmap analyse` runs on the {counts.store} store: clusters, scores, bands, "
        "challenges, key players and suggested links, written back and saved as a run."
    )
    if permits(Permission.ANALYSE, doing="Running the analysis") is None:
        return
    if st.button("Run analysis", key="data_analyse", type="primary"):
        _analyse()
    done: str | None = st.session_state.get("data_last_run")
    if done:
        st.success(done)
        raised: int | None = st.session_state.get("data_last_alerts")
        if raised is not None:
            st.caption(_alerts_raised(raised, "analysis"))


def _analyse() -> None:
    lock = write_lock()
    if not lock.acquire(blocking=False):
        st.warning(_BUSY)
        return
    try:
        with st.status("Analysing", expanded=True) as status:
            saved, raised = _run_analysis(_step_reporter(status))
            status.update(label=f"Run {saved.run_id} saved", state="complete")
    except OcgmapError as exc:
        st.error(str(exc))
        return
    finally:
        lock.release()
    store_changed()
    s = saved.summary
    st.session_state["data_last_run"] = (
        f"Run {saved.run_id}: {s.scored:,} clusters scored, {s.challenged:,} to challenge. "
        "Open the Challenge list to review them."
    )
    st.session_state["data_last_alerts"] = raised


def _run_analysis(progress: Callable[[str, int], None]) -> tuple[AnalysisRun, int]:
    """What ``ocgmap analyse`` does with its defaults: analyse, write back, save, raise alerts.

    Returns the run and how many new alerts it raised for the watchlists.
    """
    params = AnalysisParams()
    result = analyse(
        get_store(),
        params,
        weights=load_weights(params.weights_file),
        scheme=band_scheme(),
        progress=progress,
        # Always one process: jobs > 1 forks, and forking a process that runs Streamlit's
        # threads is unsafe (the child inherits locks other threads hold). Results are the same.
        jobs=1,
    )
    settings = Settings()
    save_run(result, settings.home, user=sign_in().name)
    raised = alerts_after_run(get_store(), result, settings.home)
    return result, len(raised)


def _step_reporter(status: StatusContainer) -> Callable[[str, int], None]:
    """A ``progress(step, n)`` callback: a line per new step, the label at most 4 times a second."""
    seen: dict[str, int] = {}
    shown = [0.0]

    def progress(step: str, n: int) -> None:
        if step not in seen:
            status.write(step)
        seen[step] = seen.get(step, 0) + n
        if time.monotonic() - shown[0] >= 0.25:
            shown[0] = time.monotonic()
            status.update(label=f"Analysing: {step} ({seen[step]:,})")

    return progress


main()
