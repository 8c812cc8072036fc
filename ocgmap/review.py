"""Supervisors' review decisions on clusters, kept in the graph across analysis runs.

A supervisor accepts a challenged cluster with a proposed band, rejects it with a reason, or
asks for more intelligence, naming what is needed. Each decision is a ``Review`` node with a
``REVIEWS`` relationship to its ``Cluster``; cluster ids are stable across runs, so a decision
stays on its cluster when a later run is written. Decisions are never overwritten: the newest
one counts and the older ones are its history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ocgmap.audit import Action, AuditLog
from ocgmap.config import band_scheme
from ocgmap.errors import InputError
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, NodeRef, NodeRow
from ocgmap.store.base import GraphFilter, GraphStore

__all__ = [
    "Decision",
    "ReviewDecision",
    "add_review_column",
    "describe",
    "latest_reviews",
    "parse_review",
    "record_review",
    "review_history",
]

#: Validation context for decisions read back from a store: a band proposed under an
#: earlier band scheme stays readable.
_STORED = {"stored": True}


class Decision(StrEnum):
    """What a supervisor decided about a cluster."""

    ACCEPT = "accept"
    REJECT = "reject"
    MORE_INTELLIGENCE = "more_intelligence"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ReviewDecision(BaseModel):
    """One supervisor's decision on one cluster.

    ``accept`` needs a ``proposed_band`` of the configured band scheme; ``reject`` needs a
    ``reason``; ``more_intelligence`` needs ``reason`` to say what is needed. Only ``accept``
    takes a band.

    Examples
    --------
    >>> import datetime as dt
    >>> when = dt.datetime(2026, 3, 12, 10, tzinfo=dt.UTC)
    >>> review = ReviewDecision(cluster_id="C-00012", decision="accept", proposed_band="2b",
    ...                         user="J Smith", decided_at=when)
    >>> review.proposed_band, review.key
    ('2B', 'C-00012|2026-03-12T10:00:00+00:00|J Smith')
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    cluster_id: str
    decision: Decision
    proposed_band: str | None = None
    reason: str | None = None
    user: str
    decided_at: AwareDatetime = Field(default_factory=_utc_now)
    run_id: str | None = Field(default=None, description="the run the reviewer was looking at")

    @field_validator("cluster_id", "user", mode="before")
    @classmethod
    def _required(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str):
            value = value.strip()
        if not value:
            what = "reviewer's name" if info.field_name == "user" else "cluster id"
            raise ValueError(f"The {what} ({info.field_name}) must not be empty.")
        return value

    @field_validator("proposed_band", "reason", "run_id", mode="before")
    @classmethod
    def _optional(cls, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("proposed_band")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value is not None else None

    @field_validator("decided_at")
    @classmethod
    def _utc(cls, value: dt.datetime) -> dt.datetime:
        return value.astimezone(dt.UTC)

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> ReviewDecision:
        if self.decision is Decision.ACCEPT:
            if self.proposed_band is None:
                raise ValueError("An accepted cluster needs a proposed band.")
            if not (info.context or {}).get("stored"):
                _check_band(self.proposed_band)
        elif self.proposed_band is not None:
            raise ValueError(
                f"Only an accepted cluster takes a proposed band. Got {self.proposed_band!r} "
                f"with decision {str(self.decision)!r}; leave the band empty."
            )
        if self.decision is Decision.REJECT and self.reason is None:
            raise ValueError("A rejected cluster needs a reason.")
        if self.decision is Decision.MORE_INTELLIGENCE and self.reason is None:
            raise ValueError("A request for more intelligence must say what is needed.")
        return self

    @property
    def key(self) -> str:
        """The ``Review`` node key: cluster, time and user, so a retried write changes nothing."""
        return f"{self.cluster_id}|{self.decided_at.isoformat()}|{self.user}"

    @property
    def source(self) -> str:
        """The provenance token of the decision: ``review:<user>@<time>``."""
        return f"review:{self.user}@{self.decided_at.isoformat()}"


def _check_band(band: str) -> None:
    scheme = band_scheme()
    if band not in scheme.codes:
        raise ValueError(
            f"The 'proposed_band' of a review must be one of {{{', '.join(scheme.codes)}}} "
            f"(band scheme {scheme.name!r}). Got {band!r} instead."
        )


def parse_review(data: Mapping[str, Any]) -> ReviewDecision:
    """Build a decision from form fields, or raise one error that lists the problems.

    Parameters
    ----------
    data : mapping
        The fields of :class:`ReviewDecision`.

    Raises
    ------
    InputError
        If the fields break the review rules; the message names each problem.

    Examples
    --------
    >>> parse_review({"cluster_id": "C-00012", "decision": "accept", "proposed_band": "2B",
    ...               "user": " J Smith "}).user
    'J Smith'
    >>> try:
    ...     parse_review({"cluster_id": "C-00012", "decision": "reject", "user": "J Smith"})
    ... except InputError as exc:
    ...     str(exc)
    'The review of C-00012 was not recorded: A rejected cluster needs a reason.'
    """
    try:
        return ReviewDecision.model_validate(dict(data))
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            if error["type"] == "value_error":  # our own rules: the message says it all
                problems.append(str(error["ctx"]["error"]))
            else:
                where = ".".join(str(p) for p in error["loc"])
                problems.append(f"{where}: {error['msg']}.")
        raise InputError(
            f"The review of {data.get('cluster_id') or 'a cluster'} was not recorded: "
            + " ".join(problems)
        ) from None


def record_review(
    store: GraphStore, decision: ReviewDecision, *, audit: AuditLog | None = None
) -> ReviewDecision:
    """Write a decision as a ``Review`` node on its cluster; writing it again changes nothing.

    Parameters
    ----------
    store : GraphStore
        The store that holds the cluster.
    decision : ReviewDecision
        The decision to record.
    audit : AuditLog, optional
        The audit log to record the decision in, as an alteration (DPA 2018 s.62). Every caller
        acting for a user passes it (the dashboard does); ``None`` logs nothing.

    Returns
    -------
    ReviewDecision
        ``decision``, as written.

    Raises
    ------
    InputError
        If the cluster is not in the store.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ocgmap.store.embedded import EmbeddedStore
    >>> store = EmbeddedStore(pathlib.Path(tempfile.mkdtemp()) / "graph.json")
    >>> _ = store.upsert_nodes(Label.CLUSTER, [NodeRow(label=Label.CLUSTER, key="C-00012",
    ...                                                sources=["R-1:analysis#1"])])
    >>> review = ReviewDecision(cluster_id="C-00012", decision="reject",
    ...                         reason="one-off incident", user="J Smith")
    >>> _ = record_review(store, review)
    >>> latest_reviews(store)["C-00012"] == review, len(review_history(store, "C-00012"))
    (True, 1)
    """
    if store.get(Label.CLUSTER, decision.cluster_id) is None:
        raise InputError(
            f"Cluster {decision.cluster_id!r} is not in the {store.name} store, so it cannot be "
            "reviewed. Check the id against the challenge list, or write the analysis run to "
            "the store (ocgmap analyse) first."
        )
    row = NodeRow(
        label=Label.REVIEW,
        key=decision.key,
        properties=decision.model_dump(mode="json", exclude_none=True),
        sources=[decision.source],
        seen_at=decision.decided_at,
    )
    edge = EdgeRow(
        type=RelType.REVIEWS,
        start=row.ref,
        end=NodeRef(label=Label.CLUSTER, key=decision.cluster_id),
        sources=[decision.source],
        seen_at=decision.decided_at,
    )
    with store.bulk():
        store.upsert_nodes(Label.REVIEW, [row])
        store.upsert_edges(RelType.REVIEWS, [edge])
    if audit is not None:
        audit.append(
            decision.user,
            Action.ALTERATION,
            "review",
            [decision.cluster_id, *([decision.run_id] if decision.run_id else [])],
            justification=decision.reason,
            details={
                "decision": str(decision.decision),
                "proposed_band": decision.proposed_band,
                "decided_at": decision.decided_at.isoformat(),
            },
        )
    return decision


def _stored_reviews(store: GraphStore) -> list[ReviewDecision]:
    """Every decision in the store, newest first."""
    graph = store.to_networkx(GraphFilter(labels=frozenset({Label.REVIEW}), types=frozenset()))
    fields = ReviewDecision.model_fields
    reviews = [
        ReviewDecision.model_validate(
            {k: v for k, v in attrs.items() if k in fields}, context=_STORED
        )
        for _, attrs in graph.nodes(data=True)
    ]
    reviews.sort(key=lambda r: (r.decided_at, r.key), reverse=True)
    return reviews


def latest_reviews(
    store: GraphStore, cluster_ids: Iterable[str] | None = None
) -> dict[str, ReviewDecision]:
    """The newest decision on each reviewed cluster (or on each of ``cluster_ids``).

    Parameters
    ----------
    store : GraphStore
        The store to read.
    cluster_ids : iterable of str, optional
        Only these clusters; ``None`` means every reviewed cluster.

    Returns
    -------
    dict of str to ReviewDecision
        Cluster id to its newest decision; clusters never reviewed are absent.

    Examples
    --------
    See :func:`record_review`.

    Notes
    -----
    Reads every ``Review`` node once: O(r log r) for r decisions in the store.
    """
    wanted = set(cluster_ids) if cluster_ids is not None else None
    latest: dict[str, ReviewDecision] = {}
    for review in _stored_reviews(store):
        if wanted is None or review.cluster_id in wanted:
            latest.setdefault(review.cluster_id, review)
    return latest


def review_history(store: GraphStore, cluster_id: str) -> list[ReviewDecision]:
    """Every decision on one cluster, newest first.

    Parameters
    ----------
    store : GraphStore
        The store to read.
    cluster_id : str
        The cluster.

    Returns
    -------
    list of ReviewDecision
        Empty when the cluster was never reviewed.

    Examples
    --------
    See :func:`record_review`.
    """
    return [r for r in _stored_reviews(store) if r.cluster_id == cluster_id]


def describe(review: ReviewDecision) -> str:
    """One line for the challenge list: when, who, and what was decided.

    Examples
    --------
    >>> import datetime as dt
    >>> when = dt.datetime(2026, 3, 12, 10, tzinfo=dt.UTC)
    >>> describe(ReviewDecision(cluster_id="C-00012", decision="accept", proposed_band="2B",
    ...                         user="J Smith", decided_at=when))
    'reviewed 12/03/2026 by J Smith: accepted, proposed 2B'
    >>> describe(ReviewDecision(cluster_id="C-00012", decision="more_intelligence",
    ...                         reason="PNC check on  the driver", user="J Smith",
    ...                         decided_at=when))
    'reviewed 12/03/2026 by J Smith: more intelligence requested: PNC check on the driver'
    """
    reason = " ".join((review.reason or "").split())
    if review.decision is Decision.ACCEPT:
        what = f"accepted, proposed {review.proposed_band}" + (f": {reason}" if reason else "")
    elif review.decision is Decision.REJECT:
        what = f"rejected: {reason}"
    else:
        what = f"more intelligence requested: {reason}"
    return f"reviewed {review.decided_at:%d/%m/%Y} by {review.user}: {what}"


def add_review_column(
    rows: Iterable[Mapping[str, Any]], reviews: Mapping[str, ReviewDecision]
) -> list[dict[str, Any]]:
    """Copies of challenge-list rows with a ``review`` column (empty when not reviewed).

    Parameters
    ----------
    rows : iterable of mapping
        Rows keyed by column, the cluster id under ``"cluster"``
        (as :func:`ocgmap.analysis.show.cluster_rows` makes them).
    reviews : mapping of str to ReviewDecision
        The latest decision per cluster id (:func:`latest_reviews`).

    Examples
    --------
    >>> add_review_column([{"cluster": "C-00001"}], {})
    [{'cluster': 'C-00001', 'review': ''}]
    """
    out = []
    for row in rows:
        review = reviews.get(str(row["cluster"]))
        out.append({**row, "review": describe(review) if review is not None else ""})
    return out
