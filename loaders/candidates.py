"""After a load: link nodes that may be the same entity with ``POSSIBLY_SAME`` (never merge)."""

from __future__ import annotations

from ocgmap import normalise
from ocgmap.resolve import Candidate, haulier_candidates, person_candidates
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, NodeRef
from ocgmap.store import GraphFilter, GraphStore

__all__ = ["RESOLVE_SOURCE", "link_candidates"]

#: Provenance of inferred links: derived from the graph, the same on every run.
RESOLVE_SOURCE = "resolve:possibly_same#0"


def _edge(candidate: Candidate) -> EdgeRow:
    label = Label(candidate.label)
    return EdgeRow(
        type=RelType.POSSIBLY_SAME,
        start=NodeRef(label=label, key=candidate.a),
        end=NodeRef(label=label, key=candidate.b),
        properties={
            "score": candidate.score,
            "reasons": list(candidate.reasons),
            "method": candidate.method,
        },
        sources=[RESOLVE_SOURCE],
    )


def link_candidates(store: GraphStore) -> int:
    """Write a POSSIBLY_SAME relationship for every candidate pair; return how many exist."""
    graph = store.to_networkx(
        GraphFilter(labels=frozenset({Label.PERSON, Label.HAULIER}), types=frozenset())
    )
    people = [a["key"] for _, a in graph.nodes(data=True) if a["label"] == "Person"]
    names = {
        a["key"]: a.get("name") or normalise.company(a["key"].split(":", 1)[-1]) or a["key"]
        for _, a in graph.nodes(data=True)
        if a["label"] == "Haulier"
    }
    edges = [_edge(c) for c in person_candidates(people)]
    edges += [_edge(c) for c in haulier_candidates(names)]
    if edges:
        store.upsert_edges(RelType.POSSIBLY_SAME, edges)
    return len(edges)
