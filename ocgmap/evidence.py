"""The evidence around a set of entities: a timeline of events and the graded intelligence.

Both read a :class:`~ocgmap.schema.models.Subgraph` (typically a cluster's members and
everything one hop from them, see :func:`around`), so any store gives the same answer.

Timeline entries are detections, crossings and referrals (their own timestamps), calls between
phones and ANPR sightings (first seen, with the number of calls or reads). Each names the
``focus`` entities it involves, so an investigator sees who was where and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any

from pydantic import BaseModel, Field

from ocgmap.network import element_id
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import Edge, Node, NodeRef, Subgraph
from ocgmap.store.base import GraphStore

__all__ = [
    "GradedIntelligence",
    "TimelineEvent",
    "around",
    "event_summary",
    "intelligence",
    "timeline",
]

_WHEN = {
    Label.DETECTION: "detected_at",
    Label.CROSSING: "crossed_at",
    Label.REFERRAL: "reported_at",
}


class TimelineEvent(BaseModel):
    """One dated thing that happened to the entities in focus."""

    when: dt.datetime
    kind: str = Field(description="detection, crossing, referral, calls or sighting")
    ref: str = Field(description="the event's key, or 'A -> B' for calls and sightings")
    summary: str
    involves: list[str] = Field(description="element ids of the focus entities involved")
    sources: int = Field(description="provenance tokens behind the entry")


class GradedIntelligence(BaseModel):
    """A referral with its 3x5x2 (or verbatim 5x5x5) grading and handling code."""

    referral_ref: str
    reported_at: dt.datetime | None
    reporting_agency: str | None
    grading: str = Field(description="source evaluation + assessment, e.g. '2B'; '' if ungraded")
    scheme: str | None
    handling_code: str | None
    handling_conditions: str | None
    intel_submitted: bool | None
    concerns: list[str] = Field(description="element ids of the focus entities it concerns")
    sources: list[str]


def around(store: GraphStore, refs: Iterable[NodeRef], limit: int = 3000) -> Subgraph:
    """The entities in ``refs`` and everything one relationship away, at most ``limit`` nodes."""
    return store.neighbourhood(list(refs), hops=1, limit=limit)


def _aware(value: Any) -> dt.datetime | None:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return None


def _neighbours(subgraph: Subgraph) -> dict[str, list[tuple[Edge, str]]]:
    out: dict[str, list[tuple[Edge, str]]] = {}
    for edge in subgraph.edges:
        a, b = element_id(edge.start), element_id(edge.end)
        out.setdefault(a, []).append((edge, b))
        out.setdefault(b, []).append((edge, a))
    return out


def event_summary(node: Node) -> str:
    """One line on a detection, crossing or referral: what, where, how graded."""
    p = node.properties
    if node.label is Label.DETECTION:
        minors = p.get("entrants_minors") or 0
        people = f"{p.get('entrants_count') or 0} entrants" + (
            f" ({minors} minors)" if minors else ""
        )
        where = p.get("location_name") or p.get("location_type") or "place not recorded"
        how = f", {p['concealment']}" if p.get("concealment") else ""
        return f"detection: {people} at {where}{how}"
    if node.label is Label.CROSSING:
        load = f", declared {p['declared_load']}" if p.get("declared_load") else ""
        return f"crossing with {p.get('carrier') or 'carrier not recorded'}{load}"
    agency = p.get("reporting_agency") or "agency not recorded"
    grade = f"{p.get('source_evaluation', '')}{p.get('intel_assessment', '')}"
    submitted = p.get("intel_submitted")
    with_doc = "unknown" if submitted is None else ("with" if submitted else "without")
    return f"referral by {agency}, graded {grade or 'none'}, {with_doc} intelligence document"


def timeline(subgraph: Subgraph, focus: Collection[str]) -> list[TimelineEvent]:
    """Dated events of ``subgraph`` that involve any of ``focus`` (element ids), oldest first.

    Events without a date are left out (they cannot be placed); the count of entries per
    kind is therefore what can be dated, which the caller may say.
    """
    focus = set(focus)
    near = _neighbours(subgraph)
    entries: list[TimelineEvent] = []
    for node in subgraph.nodes:
        if node.label not in _WHEN:
            continue
        involved = sorted({other for _, other in near.get(element_id(node.ref), [])} & focus)
        when = _aware(node.properties.get(_WHEN[node.label])) or _aware(node.first_seen)
        if not involved or when is None:
            continue
        entries.append(
            TimelineEvent(
                when=when,
                kind=str(node.label).lower(),
                ref=node.key,
                summary=event_summary(node),
                involves=involved,
                sources=len(node.sources),
            )
        )
    for edge in subgraph.edges:
        if edge.type not in (RelType.CALLED, RelType.SIGHTED):
            continue
        ends = [element_id(edge.start), element_id(edge.end)]
        when = _aware(edge.first_seen) or _aware(edge.properties.get("day"))
        if not focus & set(ends) or when is None:
            continue
        if edge.type is RelType.CALLED:
            kind, what = "calls", f"{len(edge.sources)} calls {edge.start.key} -> {edge.end.key}"
        else:
            reads = edge.properties.get("count") or len(edge.sources)
            kind, what = "sighting", f"ANPR: {edge.start.key} read {reads} times at {edge.end.key}"
        last = _aware(edge.last_seen)
        if last is not None and last.date() != when.date():
            what += f", until {last.date().isoformat()}"
        entries.append(
            TimelineEvent(
                when=when,
                kind=kind,
                ref=f"{edge.start.key} -> {edge.end.key}",
                summary=what,
                involves=sorted(focus & set(ends)),
                sources=len(edge.sources),
            )
        )
    return sorted(entries, key=lambda e: (e.when, e.kind, e.ref))


def intelligence(subgraph: Subgraph, focus: Collection[str]) -> list[GradedIntelligence]:
    """Referrals in ``subgraph`` about any of ``focus``, newest first, with their grading."""
    focus = set(focus)
    near = _neighbours(subgraph)
    out = []
    for node in subgraph.nodes:
        if node.label is not Label.REFERRAL:
            continue
        concerns = sorted({other for _, other in near.get(element_id(node.ref), [])} & focus)
        if not concerns:
            continue
        p = node.properties
        out.append(
            GradedIntelligence(
                referral_ref=node.key,
                reported_at=_aware(p.get("reported_at")),
                reporting_agency=p.get("reporting_agency"),
                grading=f"{p.get('source_evaluation') or ''}{p.get('intel_assessment') or ''}",
                scheme=p.get("grading_scheme"),
                handling_code=p.get("handling_code"),
                handling_conditions=p.get("handling_conditions"),
                intel_submitted=p.get("intel_submitted"),
                concerns=concerns,
                sources=list(node.sources),
            )
        )
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(out, key=lambda g: (g.reported_at or oldest, g.referral_ref), reverse=True)
