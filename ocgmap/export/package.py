"""A target package: everything an investigator needs on one cluster, with handling respected.

:func:`assemble` reads one cluster of a saved analysis run and the graph around it, and
returns a :class:`TargetPackage`, the single model every output format renders. Handling
codes are applied here, once, so no format can leak what was withheld:

- 3x5x2 intelligence with handling code ``C`` (lawful sharing with conditions) is withheld
  unless ``include_conditional`` is given with a justification;
- legacy 5x5x5 handling ``2`` and ``3`` (conditions apply) likewise; handling ``4`` and ``5``
  (originating agency only; no further dissemination) are never exported.

Withholding a referral removes the referral, its relationships and its timeline entry, every
provenance token that points at its source row, and every subject or relationship known only
from such rows; the package counts what was withheld (never what it said).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ocgmap.analysis.results import AnalysisRun, ClusterResult
from ocgmap.errors import InputError
from ocgmap.evidence import GradedIntelligence, TimelineEvent, around, intelligence, timeline
from ocgmap.handling import handling_decision, withheld_referrals
from ocgmap.network import element_id
from ocgmap.review import ReviewDecision, review_history
from ocgmap.schema.labels import Label
from ocgmap.schema.models import Edge, Node, NodeRef, Subgraph
from ocgmap.store.base import GraphStore

__all__ = [
    "ENTITY_LABELS",
    "Link",
    "Marking",
    "Subject",
    "TargetPackage",
    "Withheld",
    "assemble",
    "handling_decision",
]

Marking = Literal["OFFICIAL", "OFFICIAL-SENSITIVE"]

#: Labels that are subjects of a package (people and the things they use).
ENTITY_LABELS: tuple[Label, ...] = (
    Label.PERSON,
    Label.HAULIER,
    Label.VEHICLE,
    Label.TRAILER,
    Label.PHONE,
    Label.ADDRESS,
)

#: Most nodes read around a cluster's members for its timeline and intelligence.
READ_LIMIT = 5000


class Subject(BaseModel):
    """A person, haulier, vehicle, trailer, phone or address in the cluster."""

    model_config = ConfigDict(frozen=True)

    label: str
    key: str
    name: str | None = None
    properties: dict[str, Any] = Field(default_factory=dict)
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    key_player_score: float | None = None
    sources: list[str] = Field(description="provenance tokens <load id>:<file>#<row>")

    @property
    def id(self) -> str:
        """The subject's id in charts and files: ``<Label>:<key>``."""
        return f"{self.label}:{self.key}"


class Link(BaseModel):
    """A relationship between two nodes of the package, with its provenance and grading."""

    model_config = ConfigDict(frozen=True)

    type: str
    source: str = Field(description="element id <Label>:<key> of the start node")
    target: str = Field(description="element id <Label>:<key> of the end node")
    properties: dict[str, Any] = Field(default_factory=dict)
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    sources: list[str]


class Withheld(BaseModel):
    """What handling codes kept out of the package: counts, never content."""

    referrals: dict[str, int] = Field(
        default_factory=dict, description="withheld referrals per handling code, e.g. {'C': 2}"
    )
    subjects: int = Field(default=0, description="subjects known only from withheld rows")
    links: int = 0
    source_rows: int = Field(default=0, description="source rows of the withheld referrals")

    @property
    def anything(self) -> bool:
        """Whether anything at all was withheld."""
        return bool(self.referrals or self.subjects or self.links or self.source_rows)


class TargetPackage(BaseModel):
    """One cluster, ready to render: the only input of every export format."""

    cluster: ClusterResult
    run_id: str
    run_generated_at: dt.datetime
    data_hash: str
    ocgmap_version: str
    marking: Marking
    exported_by: str
    exported_at: dt.datetime
    subjects: list[Subject]
    events: list[Subject] = Field(
        description="detections, referrals and crossings in the cluster (the chart's events)"
    )
    links: list[Link]
    intelligence: list[GradedIntelligence]
    timeline: list[TimelineEvent]
    reviews: list[ReviewDecision]
    withheld: Withheld
    included_conditional: list[str] = Field(
        default_factory=list, description="conditional referrals included, by reference"
    )
    justification: str | None = None

    def subjects_of(self, label: str) -> list[Subject]:
        """Subjects with one label, in key order."""
        return [s for s in self.subjects if s.label == label]


def _subject(node: Node, sources: list[str], scores: dict[str, float]) -> Subject:
    name = node.properties.get("name")
    return Subject(
        label=str(node.label),
        key=node.key,
        name=str(name) if name else None,
        properties={k: v for k, v in sorted(node.properties.items()) if v not in (None, "", [])},
        first_seen=node.first_seen,
        last_seen=node.last_seen,
        key_player_score=scores.get(element_id(node.ref)),
        sources=sources,
    )


def _link(edge: Edge, sources: list[str]) -> Link:
    return Link(
        type=str(edge.type),
        source=element_id(edge.start),
        target=element_id(edge.end),
        properties={k: v for k, v in sorted(edge.properties.items()) if v not in (None, "", [])},
        first_seen=edge.first_seen,
        last_seen=edge.last_seen,
        sources=sources,
    )


def _visible_cluster(cluster: ClusterResult, kept: set[str], dropped: set[str]) -> ClusterResult:
    """The cluster without what was withheld: members, leads, and lines naming them."""

    def clean(lines: list[str]) -> list[str]:
        return [line for line in lines if not any(key in line for key in dropped)]

    return cluster.model_copy(
        update={
            "members": [m for m in cluster.members if f"{m.label}:{m.key}" in kept],
            "key_players": [p for p in cluster.key_players if f"{p.label}:{p.key}" in kept],
            "suggested_links": [
                s
                for s in cluster.suggested_links
                if {f"{s.a.label}:{s.a.key}", f"{s.b.label}:{s.b.key}"} <= kept
            ],
            "reasons": clean(cluster.reasons),
            "intelligence_gaps": clean(cluster.intelligence_gaps),
        }
    )


def assemble(
    store: GraphStore,
    run: AnalysisRun,
    cluster_id: str,
    *,
    marking: Marking = "OFFICIAL",
    include_conditional: bool = False,
    justification: str | None = None,
    exported_by: str,
    exported_at: dt.datetime | None = None,
) -> TargetPackage:
    """The target package of one cluster of ``run``, read from ``store``.

    Parameters
    ----------
    store : GraphStore
        The store the run was made from.
    run : AnalysisRun
        A saved analysis run (``ocgmap.analysis.runs.latest_run``).
    cluster_id : str
        The cluster to export.
    marking : {"OFFICIAL", "OFFICIAL-SENSITIVE"}
        The security marking printed on every page and recorded in the manifest.
    include_conditional : bool
        Include intelligence whose handling code sets conditions (3x5x2 ``C``, 5x5x5 ``2``
        and ``3``); needs ``justification``. 5x5x5 ``4`` and ``5`` are never exported.
    justification : str, optional
        Why the recipient meets the conditions; recorded in the package and its manifest.
    exported_by : str
        Who exports (recorded in the manifest).
    exported_at : datetime, optional
        When (default: now, UTC, whole seconds).

    Raises
    ------
    InputError
        The cluster is not in the run, or conditional intelligence is asked for without a
        justification.
    """
    if include_conditional and not (justification or "").strip():
        raise InputError(
            "Including intelligence with handling conditions needs a justification: say why "
            "the recipient meets the conditions (--justification)."
        )
    if not exported_by.strip():
        raise InputError("Say who exports the package (OCGMAP_USER, or --user).")
    cluster = run.cluster(cluster_id)
    refs = [NodeRef(label=Label(m.label), key=m.key) for m in cluster.members]
    focus = {element_id(r) for r in refs}
    nearby = around(store, refs, limit=READ_LIMIT)
    inside = store.subgraph(refs)
    withheld_ids, codes, included = withheld_referrals(nearby.nodes, include_conditional)
    secret_rows = {t for n in nearby.nodes if element_id(n.ref) in withheld_ids for t in n.sources}
    withheld = Withheld(referrals=dict(sorted(codes.items())), source_rows=len(secret_rows))
    scores = {f"{p.label}:{p.key}": p.score for p in cluster.key_players}

    dropped: set[str] = set()
    kept_nodes: dict[str, Node] = {}
    subjects: list[Subject] = []
    events: list[Subject] = []
    for node in sorted(inside.nodes, key=lambda n: (str(n.label), n.key)):
        nid = element_id(node.ref)
        if nid in withheld_ids:
            continue
        sources = [t for t in node.sources if t not in secret_rows]
        if node.sources and not sources:
            withheld.subjects += 1
            dropped.add(node.key)
            continue
        kept_nodes[nid] = node
        target = subjects if node.label in ENTITY_LABELS else events
        target.append(_subject(node, sources, scores))
    links: list[Link] = []
    for edge in inside.edges:
        ends = (element_id(edge.start), element_id(edge.end))
        if any(e not in kept_nodes for e in ends):
            withheld.links += 1
            continue
        sources = [t for t in edge.sources if t not in secret_rows]
        if edge.sources and not sources:
            withheld.links += 1
            continue
        links.append(_link(edge, sources))
    links.sort(key=lambda link: (link.type, link.source, link.target))

    visible = Subgraph(
        nodes=[n for n in nearby.nodes if element_id(n.ref) not in withheld_ids],
        edges=[
            e
            for e in nearby.edges
            if element_id(e.start) not in withheld_ids and element_id(e.end) not in withheld_ids
        ],
    )
    kept_focus = focus & set(kept_nodes)
    graded = [
        g.model_copy(update={"sources": [t for t in g.sources if t not in secret_rows]})
        for g in intelligence(visible, kept_focus)
    ]
    events_seen = timeline(visible, kept_focus)
    shown = _visible_cluster(cluster, set(kept_nodes), dropped)
    return TargetPackage(
        cluster=shown,
        run_id=run.run_id,
        run_generated_at=run.generated_at,
        data_hash=run.data_hash,
        ocgmap_version=run.ocgmap_version,
        marking=marking,
        exported_by=exported_by.strip(),
        exported_at=exported_at or dt.datetime.now(dt.UTC).replace(microsecond=0),
        subjects=subjects,
        events=events,
        links=links,
        intelligence=graded,
        timeline=events_seen,
        reviews=review_history(store, cluster_id),
        withheld=withheld,
        included_conditional=included,
        justification=((justification or "").strip() or None) if include_conditional else None,
    )
