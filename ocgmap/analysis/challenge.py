"""The challenge list (DESIGN.md §5.5): which clusters are graded too low, and why.

A cluster is challenged when the band its score recommends is at least ``margin`` bands above
its current band, or when it is not mapped at all and scores at least ``unmapped_threshold``.
A group already graded about right is not challenged, however high it scores. The decision is
always recorded with its reason, challenged or not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from ocgmap.analysis.results import ClusterResult
from ocgmap.schema import BandScheme

__all__ = ["Choices", "Decision", "choices", "decide", "select"]


@dataclass(frozen=True)
class Decision:
    """Whether a cluster is challenged, and why."""

    challenge: bool
    reason: str


def decide(
    score: float,
    recommended: str,
    current: str | None,
    scheme: BandScheme,
    *,
    margin: int = 3,
    unmapped_threshold: float = 0.27,
) -> Decision:
    """Decide whether one cluster goes on the challenge list.

    Parameters
    ----------
    score : float
        The cluster's score in [0, 1].
    recommended : str
        The band the score recommends.
    current : str or None
        The highest band of the OCGs the cluster is mapped to; ``None`` when unmapped.
    scheme : BandScheme
        The band scheme both bands belong to.
    margin : int
        How many bands above the current band the recommendation must be.
    unmapped_threshold : float
        The score at which an unmapped cluster is challenged.

    Examples
    --------
    >>> from ocgmap.schema import load_bands
    >>> bands = load_bands()
    >>> decide(0.6, "2A", "3C", bands).challenge
    True
    >>> decide(0.8, "1A", "1B", bands).reason
    'graded about right: recommended 1A is 1 band above the current 1B (margin 3)'
    >>> decide(0.5, "2B", None, bands).challenge
    True
    """
    if current is None:
        if score >= unmapped_threshold:
            return Decision(
                True,
                f"not mapped to any OCG, yet scores {score:.2f} (at least "
                f"{unmapped_threshold:.2f}) and is recommended {recommended}",
            )
        return Decision(False, f"not mapped and scores {score:.2f}, below {unmapped_threshold:.2f}")
    steps = scheme.rank(current) - scheme.rank(recommended)
    if steps >= margin:
        return Decision(
            True,
            f"recommended {recommended} is {steps} bands above the current {current} "
            f"(margin {margin})",
        )
    if steps > 0:
        return Decision(
            False,
            f"graded about right: recommended {recommended} is {steps} "
            f"{'band' if steps == 1 else 'bands'} above the current {current} (margin {margin})",
        )
    return Decision(
        False,
        f"graded at or above what the evidence supports: current {current}, "
        f"recommended {recommended}",
    )


def select(
    clusters: Iterable[ClusterResult],
    *,
    challenged_only: bool = True,
    min_score: float = 0.0,
    recommended: Collection[str] | None = None,
    current: Collection[str] | None = None,
    text: str = "",
    agencies: Collection[str] | None = None,
    ports: Collection[str] | None = None,
    window: tuple[dt.date, dt.date] | None = None,
) -> list[ClusterResult]:
    """The clusters a reviewer asked for, in rank order.

    Parameters
    ----------
    clusters : iterable of ClusterResult
        Usually ``run.clusters``.
    challenged_only : bool
        Only clusters on the challenge list.
    min_score : float
        Only clusters scoring at least this.
    recommended, current : collection of str, optional
        Only clusters whose recommended (current) band is one of these; ``"not mapped"`` in
        ``current`` selects clusters mapped to no OCG.
    text : str
        Only clusters whose id, OCG reference or a member's key or name contains this
        (case and spacing ignored, so ``ab12 cde`` finds ``AB12CDE``).
    agencies, ports : collection of str, optional
        Only clusters with an event reported by one of these forces or agencies (at one of
        these ports: UN/LOCODEs of detections and crossing routes).
    window : (date, date), optional
        Only clusters active in this window (both days included): their first event is on
        or before its end and their last on or after its start. Clusters without a dated
        event are left out.

    Examples
    --------
    >>> from ocgmap.analysis.results import Member
    >>> a = ClusterResult(cluster_id="C-00001", rank=1, score=0.6, recommended_band="2A",
    ...     challenge=True, members=[Member(label="Vehicle", key="AB12CDE", kind="asset")])
    >>> b = ClusterResult(cluster_id="C-00002", rank=2, score=0.2, recommended_band="3C",
    ...     current_band="3C", challenge=False)
    >>> [c.cluster_id for c in select([b, a], challenged_only=False)]
    ['C-00001', 'C-00002']
    >>> [c.cluster_id for c in select([a, b], text="ab12 cde")]
    ['C-00001']
    >>> [c.cluster_id for c in select([a, b], challenged_only=False, current=["not mapped"])]
    ['C-00001']
    >>> a.ports = ["GBDVR"]
    >>> a.first_event, a.last_event = dt.datetime(2026, 1, 5), dt.datetime(2026, 3, 1)
    >>> [c.cluster_id for c in select([a, b], challenged_only=False, ports=["GBDVR"])]
    ['C-00001']
    >>> select([a], window=(dt.date(2026, 3, 2), dt.date(2026, 4, 1)))
    []
    """
    wanted = _squash(text)
    out = []
    for cluster in clusters:
        if challenged_only and not cluster.challenge:
            continue
        if cluster.score < min_score:
            continue
        if recommended is not None and cluster.recommended_band not in recommended:
            continue
        if current is not None and (cluster.current_band or "not mapped") not in current:
            continue
        if wanted and not any(wanted in _squash(t) for t in _texts(cluster)):
            continue
        if agencies is not None and not set(agencies) & set(cluster.agencies):
            continue
        if ports is not None and not set(ports) & set(cluster.ports):
            continue
        if window is not None and not _active(cluster, *window):
            continue
        out.append(cluster)
    return sorted(out, key=lambda c: c.rank)


@dataclass(frozen=True)
class Choices:
    """The values each filter of :func:`select` can take in a set of clusters, sorted."""

    recommended: list[str]
    current: list[str]
    agencies: list[str]
    ports: list[str]


def choices(clusters: Iterable[ClusterResult]) -> Choices:
    """What the challenge list's filters offer for these clusters.

    >>> a = ClusterResult(cluster_id="C-1", rank=1, score=0.5, recommended_band="2A",
    ...     challenge=True, ports=["GBDVR"], agencies=["NCA"])
    >>> choices([a]).current, choices([a]).ports
    (['not mapped'], ['GBDVR'])
    """
    found = list(clusters)
    return Choices(
        recommended=sorted({c.recommended_band for c in found}),
        current=sorted({c.current_band or "not mapped" for c in found}),
        agencies=sorted({a for c in found for a in c.agencies}),
        ports=sorted({p for c in found for p in c.ports}),
    )


def _active(cluster: ClusterResult, start: dt.date, end: dt.date) -> bool:
    if cluster.first_event is None or cluster.last_event is None:
        return False
    return cluster.first_event.date() <= end and cluster.last_event.date() >= start


def _squash(text: str) -> str:
    return "".join(text.split()).casefold()


def _texts(cluster: ClusterResult) -> Iterable[str]:
    yield cluster.cluster_id
    yield from cluster.ocg_refs
    for member in cluster.members:
        yield member.key
        if member.name:
            yield member.name
