"""Alerts: what a load or an analysis run added around what users watch (:mod:`ocgmap.watch`).

After every load (:mod:`ocgmap.alerts.load`), each watch is told about the events, calls,
ANPR reads, new entities and new links the load added near its target; after every analysis
run (:mod:`ocgmap.alerts.analysis`), about its watched clusters' band, membership, merges and
splits, and about new clusters at the top of the challenge list.

Alerts are ``Alert`` nodes (:mod:`ocgmap.alerts.model`), unread until their owner marks them
read. Each carries its watch's provenance token, so removing the watch removes them, and the
provenance of its evidence in ``evidence``. Its key is a digest of watch, kind, subject and
evidence: the same news raises no second alert (loading the same file again raises none).
Alerts resting on intelligence with handling conditions are ``handling="conditional"`` and
are shown, like every other view, only to a role with the ``conditional`` permission that
gave a reason (:func:`visible`).
"""

from __future__ import annotations

from ocgmap.alerts.analysis import alerts_after_run, raise_analysis_alerts
from ocgmap.alerts.load import raise_load_alerts
from ocgmap.alerts.model import Alert, AlertKind, by_owner, mark_read, read_alerts, visible

__all__ = [
    "Alert",
    "AlertKind",
    "alerts_after_run",
    "by_owner",
    "mark_read",
    "raise_analysis_alerts",
    "raise_load_alerts",
    "read_alerts",
    "visible",
]
