"""The only dashboard module that caches: the store connection and what is read from it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from loaders.pipeline import LoadReport, load_reports
from loaders.quarantine import QuarantinedRow
from loaders.reports import quarantined_rows
from ocgmap.alerts import Alert, mark_read, read_alerts
from ocgmap.analysis.results import AnalysisRun
from ocgmap.analysis.runs import latest_run
from ocgmap.audit import audit_log
from ocgmap.audit_copy import CopyCheck, copy_new
from ocgmap.config import Settings
from ocgmap.errors import StoreError
from ocgmap.evidence import around
from ocgmap.export.manifest import Manifest
from ocgmap.export.package import Marking
from ocgmap.export.run import export
from ocgmap.lookup import find
from ocgmap.overview import Compliance, MonthActivity, Places, activity_by_month, compliance, places
from ocgmap.review import ReviewDecision, latest_reviews, record_review, review_history
from ocgmap.schema.labels import Label
from ocgmap.schema.models import Counts, Node, NodeRef, Subgraph
from ocgmap.schema.models import Path as GraphPath
from ocgmap.store import GraphStore, open_store
from ocgmap.watch import Watch, add_watch, list_watches, remove_watch

__all__ = [
    "drop_watch",
    "export_cluster",
    "find_nodes",
    "get_store",
    "load_around",
    "load_counts",
    "load_neighbourhood",
    "load_paths",
    "load_results",
    "load_activity",
    "load_alerts",
    "load_compliance",
    "load_places",
    "recent_load_reports",
    "load_review_history",
    "load_reviews",
    "save_review",
    "load_quarantine",
    "load_watches",
    "mark_alerts_read",
    "save_watch",
    "write_lock",
]

#: Seconds a watch or a mark-read waits for a load or an analysis to finish writing.
WRITE_WAIT = 10.0


def _where() -> tuple[str, str | None, str, str, str]:
    """What picks the store: the cache key, so a changed setting opens the new store."""
    s = Settings()
    return (s.store_kind, s.neo4j_uri, s.neo4j_user, s.neo4j_database, str(s.home))


def get_store() -> GraphStore:
    """Return the store the settings choose, opened once per dashboard process."""
    return _store(*_where())


@st.cache_resource
def _store(kind: str, uri: str | None, user: str, database: str, home: str) -> GraphStore:
    return open_store(Settings())  # the arguments only key the cache (no password in it)


def copy_audit() -> CopyCheck | None:
    """Copy new audit entries to the Neo4j copy when Neo4j is the store (never cached)."""
    if Settings().store_kind != "neo4j":
        return None
    return copy_new(audit_log(Settings()), get_store())


def load_counts() -> Counts:
    """Node and relationship counts, refreshed at most once a minute."""
    return _counts(*_where())


@st.cache_data(ttl=60)
def _counts(kind: str, uri: str | None, user: str, database: str, home: str) -> Counts:
    return _store(kind, uri, user, database, home).counts()


def load_results(run_id: str | None = None) -> AnalysisRun | None:
    """The latest saved analysis run (or the one named); None before the first run.

    One object shared by every session and page view, read only: pages never change a run.
    A run is big at national scale (206 MB of results at synth scale 100), and a copy per
    page view, as a data cache hands out, took about 9 s there (BENCHMARKS.md, "Overview
    map"). Read again after a minute, or at once after :func:`store_changed`.
    """
    return _results(str(Settings().home), run_id)


@st.cache_resource(ttl=60, max_entries=4)
def _results(home: str, run_id: str | None) -> AnalysisRun | None:
    return latest_run(Path(home), run_id)


def store_changed() -> None:
    """Forget every cached read and analysis run: the dashboard has just saved a load or a run."""
    st.cache_data.clear()
    _results.clear()


def find_nodes(text: str) -> list[Node]:
    """Nodes an identifier names (normalised as the loaders do), then substring matches."""
    return _find(*_where(), text)


@st.cache_data(ttl=60)
def _find(kind: str, uri: str | None, user: str, database: str, home: str, text: str) -> list[Node]:
    return find(_store(kind, uri, user, database, home), text)


def load_neighbourhood(label: str, key: str, hops: int, limit: int) -> Subgraph:
    """What lies within ``hops`` of one node, at most ``limit`` nodes."""
    return _neighbourhood(*_where(), label, key, hops, limit)


@st.cache_data(ttl=60)
def _neighbourhood(
    kind: str,
    uri: str | None,
    user: str,
    database: str,
    home: str,
    label: str,
    key: str,
    hops: int,
    limit: int,
) -> Subgraph:
    store = _store(kind, uri, user, database, home)
    return store.neighbourhood([NodeRef(label=Label(label), key=key)], hops=hops, limit=limit)


def load_around(refs: tuple[tuple[str, str], ...], limit: int) -> Subgraph:
    """Entities named by (label, key) and everything one relationship away."""
    return _around(*_where(), refs, limit)


@st.cache_data(ttl=60)
def _around(
    kind: str,
    uri: str | None,
    user: str,
    database: str,
    home: str,
    refs: tuple[tuple[str, str], ...],
    limit: int,
) -> Subgraph:
    store = _store(kind, uri, user, database, home)
    return around(store, [NodeRef(label=Label(label), key=key) for label, key in refs], limit)


def load_activity() -> list[MonthActivity]:
    """Detections, entrants and minors per month (Overview), refreshed at most once a minute."""
    return _activity(*_where())


@st.cache_data(ttl=60)
def _activity(
    kind: str, uri: str | None, user: str, database: str, home: str
) -> list[MonthActivity]:
    return activity_by_month(_store(kind, uri, user, database, home))


def load_compliance() -> Compliance:
    """The share of NCCU referrals sent with their intelligence document (Overview)."""
    return _compliance(*_where())


@st.cache_data(ttl=60)
def _compliance(kind: str, uri: str | None, user: str, database: str, home: str) -> Compliance:
    return compliance(_store(kind, uri, user, database, home))


def load_places() -> Places:
    """Ports, cameras and routes with their activity, for the Overview map."""
    return _places(*_where())


@st.cache_data(ttl=60)
def _places(kind: str, uri: str | None, user: str, database: str, home: str) -> Places:
    return places(_store(kind, uri, user, database, home))


def recent_load_reports(limit: int = 10) -> list[LoadReport]:
    """The newest saved load reports under ``OCGMAP_HOME``, newest first."""
    return _load_reports(str(Settings().home), limit)


@st.cache_data(ttl=60)
def _load_reports(home: str, limit: int) -> list[LoadReport]:
    return load_reports(Path(home), limit)


def load_reviews() -> dict[str, ReviewDecision]:
    """The latest review decision per reviewed cluster, refreshed at most once a minute."""
    return _reviews(*_where())


@st.cache_data(ttl=60)
def _reviews(
    kind: str, uri: str | None, user: str, database: str, home: str
) -> dict[str, ReviewDecision]:
    return latest_reviews(_store(kind, uri, user, database, home))


def load_review_history(cluster_id: str) -> list[ReviewDecision]:
    """Every review decision on one cluster, newest first."""
    return _review_history(*_where(), cluster_id)


@st.cache_data(ttl=60)
def _review_history(
    kind: str, uri: str | None, user: str, database: str, home: str, cluster_id: str
) -> list[ReviewDecision]:
    return review_history(_store(kind, uri, user, database, home), cluster_id)


def save_review(decision: ReviewDecision) -> ReviewDecision:
    """Record a review decision (never cached) and drop the cached reads it changes.

    It waits, like every write of the dashboard, for a running load or analysis: an analysis
    of the embedded store reads the store's own graph.
    """
    with _writing():
        recorded = record_review(get_store(), decision, audit=audit_log(Settings()))
    for cached in (_reviews, _review_history, _counts):
        cached.clear()
    return recorded


def load_quarantine(load_id: str, file: str, limit: int) -> list[QuarantinedRow]:
    """The first ``limit`` quarantined rows of one file of one load, with their reasons."""
    return _quarantine(*_where(), load_id, file, limit)


@st.cache_data(ttl=60)
def _quarantine(
    kind: str,
    uri: str | None,
    user: str,
    database: str,
    home: str,
    load_id: str,
    file: str,
    limit: int,
) -> list[QuarantinedRow]:
    return quarantined_rows(Path(home), load_id, file, limit)


def write_lock() -> threading.Lock:
    """The lock a load or an analysis holds while it writes to the store.

    One per store and dashboard process: two sessions writing one store at once would race.
    """
    return _write_lock(*_where())


@st.cache_resource
def _write_lock(kind: str, uri: str | None, user: str, database: str, home: str) -> threading.Lock:
    return threading.Lock()


@contextmanager
def _writing() -> Iterator[None]:
    """Hold :func:`write_lock` for a short write, waiting at most :data:`WRITE_WAIT` seconds."""
    lock = write_lock()
    if not lock.acquire(timeout=WRITE_WAIT):
        raise StoreError(
            "Another load or analysis is writing to the store: try again when it has finished."
        )
    try:
        yield
    finally:
        lock.release()


def load_alerts(owner: str) -> list[Alert]:
    """The alerts of one watcher, unread first, then newest first (cached for 10 seconds).

    Loads and analyses in this dashboard clear the cache, and so do :func:`mark_alerts_read`,
    :func:`save_watch` and :func:`drop_watch`; alerts raised elsewhere (the command line)
    show within 10 seconds.
    """
    return _alerts(*_where(), owner)


@st.cache_data(ttl=10)
def _alerts(
    kind: str, uri: str | None, user: str, database: str, home: str, owner: str
) -> list[Alert]:
    return read_alerts(_store(kind, uri, user, database, home), owner=owner)


def load_watches(owner: str) -> list[Watch]:
    """The watches of one user, oldest first (cached for 10 seconds, cleared after writes)."""
    return _watches(*_where(), owner)


@st.cache_data(ttl=10)
def _watches(
    kind: str, uri: str | None, user: str, database: str, home: str, owner: str
) -> list[Watch]:
    return list_watches(_store(kind, uri, user, database, home), owner)


def _written() -> None:
    """Drop the cached reads a watch or a mark-read changes."""
    for cached in (_alerts, _watches, _counts):
        cached.clear()


def save_watch(
    owner: str,
    label: str,
    text: str,
    *,
    reason: str | None = None,
    hops: int = 2,
    top: int = 10,
) -> Watch:
    """Watch a target for ``owner`` (never cached; logged as an alteration).

    Raises
    ------
    InputError
        When the target cannot be read or the cluster is not in the store.
    StoreError
        When a load or an analysis kept the store busy for :data:`WRITE_WAIT` seconds.
    """
    with _writing():
        watch = add_watch(
            get_store(),
            owner,
            label,
            text,
            reason=reason,
            hops=hops,
            top=top,
            audit=audit_log(Settings()),
        )
    _written()
    return watch


def drop_watch(key: str, owner: str) -> bool:
    """Stop a watch of ``owner`` and delete its alerts (logged as an erasure); False if none."""
    with _writing():
        removed = remove_watch(get_store(), key, owner, audit=audit_log(Settings()))
    _written()
    return removed


def mark_alerts_read(keys: Sequence[str], user: str) -> int:
    """Mark alerts of ``user`` read; return how many changed (never cached)."""
    if not keys:
        return 0
    with _writing():
        done = mark_read(get_store(), keys, user)
    _written()
    return done


def load_paths(a: tuple[str, str], b: tuple[str, str], max_hops: int) -> list[GraphPath]:
    """Every shortest path between two entities named by (label, key), up to ``max_hops``."""
    return _paths(*_where(), a, b, max_hops)


@st.cache_data(ttl=60)
def _paths(
    kind: str,
    uri: str | None,
    user: str,
    database: str,
    home: str,
    a: tuple[str, str],
    b: tuple[str, str],
    max_hops: int,
) -> list[GraphPath]:
    store = _store(kind, uri, user, database, home)
    ends = [NodeRef(label=Label(label), key=key) for label, key in (a, b)]
    return store.shortest_paths(ends[0], ends[1], max_hops=max_hops)


def export_cluster(
    cluster_id: str,
    run_id: str,
    marking: Marking,
    include_conditional: bool,
    justification: str | None,
    user: str,
    recipients: Sequence[str] = (),
    progress: Callable[[str, int], None] | None = None,
) -> tuple[Path, Manifest]:
    """Write a cluster's target package under ``OCGMAP_HOME/exports`` (never cached).

    The export is logged as a disclosure with its recipients and justification (both required).
    """
    settings = Settings()
    folder = settings.home / "exports" / f"{cluster_id}-{run_id}"
    manifest = export(
        get_store(),
        settings.home,
        cluster_id,
        folder,
        run_id=run_id,
        marking=marking,
        include_conditional=include_conditional,
        justification=justification,
        recipients=recipients,
        exported_by=user,
        progress=progress,
    )
    return folder, manifest
