"""Alerts after an analysis run: watched clusters that changed, and new top challenges.

A watched cluster raises ``band`` when its recommended band moved, ``members`` when it gained
or lost members, ``merge`` when it took in a good part (:data:`SHARE`) of another cluster of
the previous run, ``split`` when a good part of its members went to another cluster, and
``gone`` when it is no longer among the scored clusters. A watch on the challenge list raises
``top`` for each cluster that entered its top places. Each alert names the run that raised it,
so a run raises each change once and a re-run on unchanged data raises nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from ocgmap.alerts.model import Alert, AlertKind, alert_key, utc_now, write_new
from ocgmap.analysis.projection import ENTITY_LABELS
from ocgmap.schema.labels import Label
from ocgmap.store.base import GraphStore
from ocgmap.watch import CHALLENGES, Watch, list_watches

if TYPE_CHECKING:
    from ocgmap.analysis.results import AnalysisRun, ClusterResult

__all__ = ["SHARE", "alerts_after_run", "cluster_changes", "raise_analysis_alerts"]

#: Share of a cluster's members another cluster must take for a merge or a split.
SHARE = 0.2


def _members(cluster: ClusterResult) -> set[str]:
    """The cluster's entities (its events are evidence, as in ``ClusterChange``)."""
    return {f"{m.label}:{m.key}" for m in cluster.members if m.label in ENTITY_LABELS}


def _holding(members: set[str], run: AnalysisRun, other_than: str) -> dict[str, int]:
    """How many of ``members`` each cluster of ``run`` but ``other_than`` holds."""
    held = {c.cluster_id: len(members & _members(c)) for c in run.clusters}
    return {cid: n for cid, n in held.items() if n and cid != other_than}


def _listed(items: list[str], most: int = 5) -> str:
    more = f" and {len(items) - most} more" if len(items) > most else ""
    return ", ".join(items[:most]) + more


def cluster_changes(
    cid: str, run: AnalysisRun, previous: AnalysisRun | None
) -> list[tuple[AlertKind, str]]:
    """``(kind, summary)`` for each way cluster ``cid`` changed in ``run``.

    Parameters
    ----------
    cid : str
        The cluster id.
    run : AnalysisRun
        The new run.
    previous : AnalysisRun, optional
        The run before it, when saved: merges, splits and the members gained and lost are
        found from its members. Without it, band and membership changes come from the
        cluster's own record of the change (:class:`~ocgmap.analysis.results.ClusterChange`).
    """
    since = f"since run {run.previous_run_id}" if run.previous_run_id else "since the last run"
    cluster = next((c for c in run.clusters if c.cluster_id == cid), None)
    old = next((c for c in previous.clusters if c.cluster_id == cid), None) if previous else None
    if cluster is None:
        if old is None:
            return []
        held = _holding(_members(old), run, cid)
        if not held:
            return [("gone", f"{cid} is no longer among the scored clusters {since}")]
        parts = _listed([f"{n} to {k}" for k, n in sorted(held.items())])
        kind: AlertKind = "split" if len(held) > 1 else "merge"
        return [
            (kind, f"{cid} is no longer a cluster of its own {since}: its members went {parts}")
        ]
    out: list[tuple[AlertKind, str]] = []
    change = cluster.change
    band = old.recommended_band if old else change.previous_recommended_band if change else None
    score = old.score if old else change.previous_score if change else None
    if band is not None and band != cluster.recommended_band:
        scored = f" (score {score:.2f} -> {cluster.score:.2f})" if score is not None else ""
        out.append(
            (
                "band",
                f"{cid}: recommended band {band} -> {cluster.recommended_band}{scored} {since}",
            )
        )
    if old is not None:
        gained = sorted(_members(cluster) - _members(old))
        lost = sorted(_members(old) - _members(cluster))
        named = f": gained {_listed(gained)}" if gained else ""
        counts = (len(gained), len(lost))
    else:
        named = ""
        counts = (change.members_gained, change.members_lost) if change else (0, 0)
    if any(counts):
        out.append(
            ("members", f"{cid} {since}: {counts[0]} members gained, {counts[1]} lost{named}")
        )
    if previous is None:
        return out
    came = {
        other.cluster_id: shared
        for other in previous.clusters
        if other.cluster_id != cid
        and (shared := len(_members(other) & _members(cluster)))
        >= max(1, SHARE * len(other.members))
    }
    if came:
        parts = _listed([f"{n} members of {k}" for k, n in sorted(came.items())])
        out.append(("merge", f"{cid} merged with other clusters {since}: it now holds {parts}"))
    if old is not None:
        went = {
            k: n
            for k, n in _holding(_members(old), run, cid).items()
            if n >= max(1, SHARE * len(old.members))
        }
        if went:
            parts = _listed([f"{n} of its members to {k}" for k, n in sorted(went.items())])
            out.append(("split", f"{cid} split {since}: {parts}"))
    return out


def _top_entries(
    watch: Watch, run: AnalysisRun, previous: AnalysisRun | None
) -> list[ClusterResult]:
    before = {c.cluster_id for c in previous.challenges[: watch.top]} if previous else set()
    return [c for c in run.challenges[: watch.top] if c.cluster_id not in before]


def _alert(
    watch: Watch, run: AnalysisRun, kind: AlertKind, cid: str, summary: str, when: dt.datetime
) -> Alert:
    return Alert(
        key=alert_key(watch, kind, f"Cluster:{cid}", [run.run_id]),
        watch_key=watch.key,
        owner=watch.owner,
        kind=kind,
        subject_label=str(Label.CLUSTER),
        subject_key=cid,
        subject=f"Cluster {cid}",
        summary=summary,
        origin=run.run_id,
        origin_kind="analysis",
        raised_at=when,
        evidence=[run.run_id],
    )


def raise_analysis_alerts(
    store: GraphStore,
    run: AnalysisRun,
    previous: AnalysisRun | None = None,
    *,
    now: dt.datetime | None = None,
) -> list[Alert]:
    """Raise and store the alerts a run gives watched clusters and challenge lists.

    Parameters
    ----------
    store : GraphStore
        The store that keeps the watches.
    run : AnalysisRun
        The new run.
    previous : AnalysisRun, optional
        The run before it (``run.previous_run_id``) when it was saved; see
        :func:`cluster_changes`. Without it a challenge-list watch raises alerts only on the
        first run (every cluster of its top places), since what was at the top is unknown.
    now : datetime, optional
        When the alerts are raised (default: now).

    Returns
    -------
    list of Alert
        The alerts not raised before, by owner and watch.
    """
    when = now or utc_now()
    found: list[tuple[Alert, Watch]] = []
    for watch in list_watches(store):
        if watch.target_label == Label.CLUSTER:
            for kind, summary in cluster_changes(watch.target_key, run, previous):
                found.append((_alert(watch, run, kind, watch.target_key, summary, when), watch))
        elif watch.target_label == CHALLENGES and (previous is not None or not run.previous_run_id):
            for c in _top_entries(watch, run, previous):
                summary = (
                    f"{c.cluster_id} entered the top {watch.top} of the challenge list at rank "
                    f"{c.rank}: score {c.score:.2f}, recommended {c.recommended_band}, "
                    f"graded {c.current_band or 'not mapped'}"
                )
                found.append((_alert(watch, run, "top", c.cluster_id, summary, when), watch))
    return write_new(store, found)


def alerts_after_run(store: GraphStore, run: AnalysisRun, home: Path) -> list[Alert]:
    """:func:`raise_analysis_alerts` with the previous run read from the saved runs, if saved.

    Parameters
    ----------
    store : GraphStore
        The store that keeps the watches.
    run : AnalysisRun
        The new run.
    home : pathlib.Path
        ``OCGMAP_HOME``, whose ``runs/`` folder holds the saved runs.
    """
    from ocgmap.analysis.runs import latest_run, run_ids

    previous_id = run.previous_run_id
    previous = latest_run(home, previous_id) if previous_id in run_ids(home) else None
    return raise_analysis_alerts(store, run, previous)
