"""The ``Alert`` record and how alerts are kept: written once, read, marked read."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from ocgmap.schema.labels import Label
from ocgmap.schema.models import NodeRow
from ocgmap.store.base import GraphFilter, GraphStore
from ocgmap.watch import Watch, list_watches

__all__ = [
    "Alert",
    "AlertKind",
    "alert_key",
    "by_owner",
    "mark_read",
    "read_alerts",
    "visible",
    "write_new",
]

AlertKind = Literal[
    "event",
    "calls",
    "sightings",
    "entity",
    "link",
    "band",
    "members",
    "merge",
    "split",
    "gone",
    "top",
]


def utc_now() -> dt.datetime:
    """Now, to the second, in UTC."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Alert(BaseModel):
    """One thing a watch was told about.

    ``evidence`` holds the provenance tokens behind it (``<file id>:<file>#<row>`` of the
    rows a load added; the run id for an analysis alert). ``handling`` is ``"conditional"``
    when it rests on intelligence with handling conditions.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    key: str
    watch_key: str
    owner: str
    kind: AlertKind
    subject_label: str = Field(description="label (or relationship type) of what it is about")
    subject_key: str
    subject: str = Field(description="the subject in words")
    summary: str
    via: str = Field(default="", description="how the subject is reached from the target")
    distance: int = Field(default=0, ge=0, description="relationships from the target")
    origin: str = Field(description="the load id or analysis run id that raised it")
    origin_kind: Literal["load", "analysis"]
    raised_at: AwareDatetime
    status: Literal["unread", "read"] = "unread"
    read_at: AwareDatetime | None = None
    read_by: str | None = None
    handling: Literal["open", "conditional"] = "open"
    evidence: list[str] = Field(default_factory=list)

    @property
    def unread(self) -> bool:
        """Whether its owner has not marked it read."""
        return self.status == "unread"

    @property
    def cluster_id(self) -> str | None:
        """The cluster an analysis alert is about, if it is about one."""
        return self.subject_key if self.subject_label == Label.CLUSTER else None


def alert_key(watch: Watch, kind: str, subject: str, evidence: Iterable[str]) -> str:
    """``A-`` and a digest of watch, kind, subject and evidence: the same news, the same key.

    Examples
    --------
    >>> watch = Watch(owner="jsmith", target_label="Vehicle", target_key="AB12CDE")
    >>> a = alert_key(watch, "event", "Detection:D1", ["f1:d.csv#2"])
    >>> a == alert_key(watch, "event", "Detection:D1", ["f1:d.csv#2"]), a.startswith("A-")
    (True, True)
    """
    text = "|".join([watch.key, kind, subject, *sorted(evidence)])
    return "A-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _row(alert: Alert, watch: Watch) -> NodeRow:
    props = alert.model_dump(mode="json", exclude_none=True, exclude={"key"})
    return NodeRow(
        label=Label.ALERT,
        key=alert.key,
        properties=props,
        sources=[watch.source],  # removing the watch removes its alerts
        seen_at=alert.raised_at,
    )


def read_alerts(
    store: GraphStore,
    *,
    owner: str | None = None,
    unread_only: bool = False,
    kinds: Collection[str] | None = None,
    origin: str | None = None,
) -> list[Alert]:
    """Alerts in the store: unread first, then newest first.

    Parameters
    ----------
    store : GraphStore
        The store to read.
    owner : str, optional
        Only the alerts of this watcher.
    unread_only : bool
        Leave out the alerts marked read.
    kinds : collection of str, optional
        Only these kinds.
    origin : str, optional
        Only those one load or analysis run raised.

    Notes
    -----
    Reads every ``Alert`` node once: O(a log a) for a alerts.
    """
    graph = store.to_networkx(GraphFilter(labels=frozenset({Label.ALERT}), types=frozenset()))
    alerts = [Alert.model_validate(attrs) for _, attrs in graph.nodes(data=True)]
    alerts = [
        a
        for a in alerts
        if (owner is None or a.owner == owner)
        and (not unread_only or a.unread)
        and (kinds is None or a.kind in kinds)
        and (origin is None or a.origin == origin)
    ]
    alerts.sort(key=lambda a: (not a.unread, -a.raised_at.timestamp(), a.key))
    return alerts


def visible(alerts: Sequence[Alert], include_conditional: bool) -> tuple[list[Alert], int]:
    """The alerts a user may see, and how many were held back for handling conditions.

    Examples
    --------
    >>> when = dt.datetime(2026, 3, 12, tzinfo=dt.UTC)
    >>> a = Alert(key="A-1", watch_key="W-1", owner="jsmith", kind="event",
    ...           subject_label="Referral", subject_key="R-9", subject="Referral R-9",
    ...           summary="New referral", origin="L1", origin_kind="load", raised_at=when,
    ...           handling="conditional")
    >>> visible([a], False), len(visible([a], True)[0])
    (([], 1), 1)
    """
    if include_conditional:
        return list(alerts), 0
    shown = [a for a in alerts if a.handling == "open"]
    return shown, len(alerts) - len(shown)


def mark_read(
    store: GraphStore, keys: Iterable[str], user: str, *, now: dt.datetime | None = None
) -> int:
    """Mark alerts of ``user`` read and return how many changed.

    Alerts already read, alerts of other users and unknown keys are left alone.
    """
    wanted = set(keys)
    when = now or utc_now()
    watches = {w.key: w for w in list_watches(store, user)}
    rows = []
    for alert in read_alerts(store, owner=user, unread_only=True):
        watch = watches.get(alert.watch_key)
        if alert.key in wanted and watch is not None:
            done = alert.model_copy(update={"status": "read", "read_at": when, "read_by": user})
            rows.append(_row(done, watch))
    if rows:
        store.upsert_nodes(Label.ALERT, rows)
    return len(rows)


def write_new(store: GraphStore, found: Iterable[tuple[Alert, Watch]]) -> list[Alert]:
    """Store the alerts whose key is not stored yet; return them by owner, watch and key.

    An alert raised again (the same file loaded twice) keeps its stored state: read stays read.
    """
    known = {a.key for a in read_alerts(store)}
    new: dict[str, tuple[Alert, Watch]] = {}
    for alert, watch in found:
        if alert.key not in known:
            new.setdefault(alert.key, (alert, watch))
    if new:
        with store.bulk():
            store.upsert_nodes(Label.ALERT, [_row(a, w) for a, w in new.values()])
    return sorted((a for a, _ in new.values()), key=lambda a: (a.owner, a.watch_key, a.key))


def by_owner(alerts: Iterable[Alert]) -> dict[str, list[Alert]]:
    """Alerts per watcher, owners in name order, alerts in the order given."""
    out: dict[str, list[Alert]] = defaultdict(list)
    for alert in alerts:
        out[alert.owner].append(alert)
    return dict(sorted(out.items()))
