"""The result contract of an analysis run (DESIGN.md §5), as pydantic models.

``ocgmap analyse --out results.json`` writes an :class:`AnalysisRun`; the dashboard and the
exports read it back with :meth:`AnalysisRun.read`. Clusters are listed by rank
(1 = highest priority); member keys follow the graph model (DESIGN.md §3).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ocgmap.errors import InputError

__all__ = [
    "AnalysisParams",
    "AnalysisRun",
    "ClusterChange",
    "ClusterResult",
    "EntityRef",
    "KeyPlayerResult",
    "Member",
    "RunSummary",
    "SuggestedLinkResult",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EntityRef(_Model):
    """One node of the graph, by label and key, with a display name."""

    label: str
    key: str
    name: str | None = None


class Member(EntityRef):
    """A member of a cluster; ``role`` says how it takes part (actor, asset, event...)."""

    kind: str = Field(description="actor, asset, place, event or intelligence")


class KeyPlayerResult(EntityRef):
    """A member whose removal would most disrupt the cluster, and why."""

    score: float
    why: str


class SuggestedLinkResult(_Model):
    """A likely hidden link between two members: a line of enquiry, never a fact."""

    a: EntityRef
    b: EntityRef
    score: float
    why: str
    method: Literal["topology", "possibly_same"]


class ClusterChange(_Model):
    """How a cluster differs from the cluster of the same id in the previous run."""

    status: Literal["new", "unchanged", "changed"]
    previous_run_id: str | None = None
    previous_score: float | None = None
    previous_recommended_band: str | None = None
    previous_rank: int | None = None
    members_gained: int = 0
    members_lost: int = 0

    def describe(self, score: float, band: str, rank: int) -> str:
        """The change in words, given the cluster's score, recommended band and rank now.

        >>> ClusterChange(status="new").describe(0.4, "2A", 1)
        'first run: nothing earlier to compare with'
        >>> ClusterChange(status="changed", previous_run_id="R-1", previous_score=0.3,
        ...     previous_recommended_band="2D", previous_rank=3, members_gained=2
        ... ).describe(0.42, "1D", 1)
        'since run R-1: score 0.30 -> 0.42, band 2D -> 1D, rank 3 -> 1, 2 members gained'
        """
        if self.previous_run_id is None:
            return "first run: nothing earlier to compare with"
        if self.status == "new":
            return f"new since run {self.previous_run_id}"
        parts = []
        if self.previous_score is not None and round(self.previous_score, 2) != round(score, 2):
            parts.append(f"score {self.previous_score:.2f} -> {score:.2f}")
        if self.previous_recommended_band not in (None, band):
            parts.append(f"band {self.previous_recommended_band} -> {band}")
        if self.previous_rank not in (None, rank):
            parts.append(f"rank {self.previous_rank} -> {rank}")
        if self.members_gained:
            parts.append(f"{self.members_gained} members gained")
        if self.members_lost:
            parts.append(f"{self.members_lost} members lost")
        return f"since run {self.previous_run_id}: " + (", ".join(parts) or "unchanged")


class ClusterResult(_Model):
    """One scored cluster."""

    cluster_id: str
    rank: int
    score: float = Field(ge=0.0, le=1.0)
    recommended_band: str
    current_band: str | None = Field(
        default=None, description="the highest band of the OCGs its members are mapped to"
    )
    ocg_refs: list[str] = Field(default_factory=list)
    challenge: bool
    challenge_reason: str | None = None
    reasons: list[str] = Field(default_factory=list)
    members: list[Member] = Field(default_factory=list)
    features: dict[str, float] = Field(default_factory=dict)
    contributions: dict[str, float] = Field(default_factory=dict)
    key_players: list[KeyPlayerResult] = Field(default_factory=list)
    suggested_links: list[SuggestedLinkResult] = Field(default_factory=list)
    intelligence_gaps: list[str] = Field(default_factory=list)
    change: ClusterChange | None = None
    agencies: list[str] = Field(
        default_factory=list, description="forces and agencies that reported its events"
    )
    ports: list[str] = Field(
        default_factory=list, description="UN/LOCODEs of its detections and crossing routes"
    )
    first_event: dt.datetime | None = None
    last_event: dt.datetime | None = None

    def member_keys(self) -> set[tuple[str, str]]:
        """Every member as ``(label, key)``."""
        return {(m.label, m.key) for m in self.members}


class AnalysisParams(_Model):
    """Everything that decides an analysis result besides the data."""

    weights_version: str = ""
    weights_file: str | None = None
    labels_file: str | None = Field(
        default=None, description="confirmed outcomes per cluster id: a supervised fit"
    )
    labels: int = Field(default=0, ge=0, description="clusters the supervised fit learned from")
    band_scheme: str = "default"
    challenge_margin: int = Field(
        default=3, ge=1, description="band steps the recommendation must be above the current"
    )
    unmapped_threshold: float = Field(
        default=0.27, ge=0.0, le=1.0, description="score at which an unmapped cluster is challenged"
    )
    min_link_weight: float = Field(
        default=0.35, ge=0.0, description="association weight two nodes need to share a cluster"
    )
    max_pivot_degree: int = Field(
        default=6, ge=2, description="a phone or address shared by more actors glues nothing"
    )
    max_cluster_size: int = Field(
        default=2500, ge=10, description="components larger than this are split into communities"
    )
    engine: Literal["python", "gds"] = Field(
        default="python",
        description="where projection and clustering run: in Python, or in Neo4j with GDS",
    )
    community: Literal["auto", "networkx", "leiden"] = "auto"
    resolution: float = Field(default=1.0, gt=0.0)
    seed: int = 7
    half_life_days: float = Field(
        default=365.0, gt=0.0, description="evidence loses half its weight over this age"
    )
    key_players: int = Field(default=5, ge=0)
    suggested_links: int = Field(default=5, ge=0)
    detail_clusters: int = Field(
        default=50,
        ge=0,
        description="key players and suggested links for this many top-ranked clusters "
        "(and every challenged one)",
    )


class RunSummary(_Model):
    """What the run looked at."""

    nodes: int = 0
    edges: int = 0
    projected_nodes: int = 0
    projected_edges: int = 0
    clusters: int = 0
    scored: int = 0
    challenged: int = 0
    as_of: dt.datetime | None = Field(
        default=None, description="the newest event in the data: recency is measured from it"
    )


class AnalysisRun(_Model):
    """One analysis run: parameters, input data hash and the ranked clusters."""

    run_id: str
    generated_at: dt.datetime
    ocgmap_version: str
    store: str
    params: AnalysisParams
    data_hash: str
    previous_run_id: str | None = None
    summary: RunSummary = Field(default_factory=RunSummary)
    clusters: list[ClusterResult] = Field(default_factory=list)

    def cluster(self, cluster_id: str) -> ClusterResult:
        """Return one cluster by id."""
        for cluster in self.clusters:
            if cluster.cluster_id == cluster_id:
                return cluster
        raise InputError(
            f"Cluster {cluster_id!r} is not in run {self.run_id}. "
            f"Clusters run from {self.clusters[0].cluster_id if self.clusters else '-'}; "
            "check the id against the challenge list."
        )

    @property
    def challenges(self) -> list[ClusterResult]:
        """The challenge list: challenged clusters in rank order."""
        return [c for c in self.clusters if c.challenge]

    def write(self, path: Path) -> Path:
        """Write the run as JSON (atomically) and return the path."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(self.model_dump_json(indent=1) + "\n", encoding="utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def read(cls, path: Path) -> AnalysisRun:
        """Read a results file, with an error that names the file when it is not one."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"Cannot read results file {path}: {exc.strerror}") from exc
        try:
            return cls.model_validate_json(text)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InputError(
                f"{path} is not an ocgmap results file: field {where}: {first['msg']}"
            ) from exc
