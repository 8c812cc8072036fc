"""Cypher of the in-database analysis engine: the projection of DESIGN.md §5.1 inside Neo4j.

The queries compute, in the server, what :func:`ocgmap.analysis.projection.project` computes
in Python: the newest event (``as_of``), the hub phones and addresses, and every piece of
association evidence (a direct relationship between two entities, or an event involving
both) with its weight, ``schema weight x basis x grading x recency``. The factors come from
the same tables as the Python engine, passed as parameters; labels and relationship types come
from the schema, never from user text.
"""

from __future__ import annotations

from typing import Any

from ocgmap.analysis.projection import (
    _ACTORS,
    _EVENT_RELS,
    _PIVOTS,
    BASIS_FACTOR,
    ENTITY_LABELS,
    EVENT_LABELS,
    FULL_CALLS,
    GRADE_3X5X2,
    GRADE_5X5X5,
    RECENCY_FLOOR,
)
from ocgmap.schema import load_schema
from ocgmap.schema.labels import Label, RelType

__all__ = [
    "AS_OF",
    "CLUSTERS",
    "COMMUNITIES",
    "COMPONENTS",
    "DROP_GRAPH",
    "HUBS",
    "STRONG_LINKS",
    "factor_params",
    "projection_query",
]

_TIME_FIELDS = ("detected_at", "crossed_at", "reported_at", "last_at", "last_seen")


def _labels(labels: frozenset[Label]) -> str:
    return " OR ".join(f"{{v}}:`{x.value}`" for x in sorted(labels))


def _is(var: str, labels: frozenset[Label]) -> str:
    return "(" + _labels(labels).replace("{v}", var) + ")"


def _when(var: str) -> str:
    """The event time of ``var`` (the first temporal of :data:`_TIME_FIELDS`), or null."""
    found = ", ".join(
        f"CASE WHEN {var}.{f} IS :: ZONED DATETIME OR {var}.{f} IS :: DATE THEN {var}.{f} END"
        for f in _TIME_FIELDS
    )
    return f"coalesce({found})"


def _weigh(carry: str) -> str:
    """Lines that turn rows ``{carry}, x, base`` into ``{carry}, w``.

    ``w = base x basis x grading x recency`` of ``x`` (the relationship or event that is the
    evidence), computed in the order the Python engine multiplies them.
    """
    return (
        f"WITH {carry}, x, base, {_when('x')} AS t\n"
        f"WITH {carry}, x, base,\n"
        "     CASE WHEN t IS :: DATE NOT NULL THEN datetime({date: t, timezone: 'Z'})\n"
        "          ELSE t END AS t\n"
        f"WITH {carry}, x, base,\n"
        "     CASE WHEN $as_of IS NULL OR t IS NULL THEN null\n"
        "          ELSE duration.inSeconds(t, datetime($as_of)) END AS d\n"
        f"WITH {carry}, x, base,\n"
        "     CASE WHEN d IS NULL THEN null\n"
        "          ELSE (d.seconds + d.nanosecondsOfSecond / 1.0e9) / 86400.0 END AS age\n"
        f"WITH {carry}, base\n"
        "  * coalesce($basis[coalesce(toString(x.basis), 'fact')], 1.0)\n"
        "  * CASE WHEN x.source_evaluation IS NULL OR x.intel_assessment IS NULL THEN 1.0\n"
        "         WHEN x.grading_scheme = '5x5x5'\n"
        "         THEN coalesce($g5_source[toString(x.source_evaluation)], 0.5)\n"
        "            * coalesce($g5_assess[toString(x.intel_assessment)], 0.5)\n"
        "         ELSE coalesce($g3_source[toString(x.source_evaluation)], 0.5)\n"
        "            * coalesce($g3_assess[toString(x.intel_assessment)], 0.5) END\n"
        "  * CASE WHEN age IS NULL OR age <= 0.0 THEN 1.0\n"
        "         WHEN 0.5 ^ (age / $half_life) < $floor THEN $floor\n"
        "         ELSE 0.5 ^ (age / $half_life) END AS w"
    )


def factor_params(
    as_of: str | None, half_life_days: float, trusted: frozenset[str]
) -> dict[str, Any]:
    """The parameters every projection query takes: factor tables and the clock."""
    return {
        "basis": dict(BASIS_FACTOR),
        "g3_source": GRADE_3X5X2[0],
        "g3_assess": GRADE_3X5X2[1],
        "g5_source": GRADE_5X5X5[0],
        "g5_assess": GRADE_5X5X5[1],
        "as_of": as_of,
        "half_life": float(half_life_days),
        "floor": RECENCY_FLOOR,
        "trusted": sorted(trusted),
        "full_calls": float(FULL_CALLS),
    }


#: The newest event in the data, as ISO 8601 text (the Python engine's ``as_of``).
AS_OF: str = (
    f"MATCH (e) WHERE {_is('e', EVENT_LABELS)}\n"
    f"WITH {_when('e')} AS t WHERE t IS NOT NULL\n"
    "WITH CASE WHEN t IS :: DATE NOT NULL THEN datetime({date: t, timezone: 'Z'}) ELSE t END AS t\n"
    "RETURN toString(max(t)) AS as_of"
)

#: Phones and addresses shared by more than ``$max_degree`` actors: hubs that glue nothing.
HUBS: str = (
    f"MATCH (p) WHERE {_is('p', _PIVOTS)}\n"
    f"OPTIONAL MATCH (p)--(a) WHERE {_is('a', _ACTORS)}\n"
    "WITH p, count(DISTINCT a) AS actors WHERE actors > $max_degree\n"
    "RETURN elementId(p) AS id, labels(p)[0] + ':' + p.key AS node, actors"
)


def _direct_parts() -> list[str]:
    """One UNION part per relationship type that carries weight between two entities."""
    schema = load_schema()
    parts = []
    for rel in RelType:
        spec = schema.rel(rel)
        starts = frozenset(spec.from_) & ENTITY_LABELS
        ends = frozenset(spec.to) & ENTITY_LABELS
        if spec.weight <= 0.0 or not starts or not ends:
            continue
        base = f"{float(spec.weight)!r}"
        where = f"{_is('a', starts)} AND {_is('b', ends)} AND a <> b"
        if rel is RelType.CALLED:
            calls = (
                "CASE WHEN r.count IS NOT NULL AND r.count <> 0 THEN r.count "
                "WHEN size(coalesce(r.sources, [])) > 0 THEN size(r.sources) ELSE 1 END"
            )
            base = f"{base} * CASE WHEN toFloat({calls}) / $full_calls > 2.0 THEN 2.0 "
            base += f"ELSE toFloat({calls}) / $full_calls END"
        elif rel is RelType.POSSIBLY_SAME:
            where += " AND r.method IN $trusted"
            base = f"{base} * coalesce(toFloat(r.score), 0.0)"
        parts.append(
            f"MATCH (a)-[r:`{rel.value}`]->(b) WHERE {where}\nRETURN a, b, r AS x, {base} AS base"
        )
    return parts


def _event_part(label: Label) -> str:
    """Pairs of entities one event of ``label`` involves, each with the event's weight."""
    schema = load_schema()
    rel = {Label.DETECTION: RelType.INVOLVED, Label.CROSSING: RelType.CROSSED}.get(
        label, RelType.CONCERNS
    )
    rels = "|".join(f"`{r}`" for r in sorted(_EVENT_RELS))
    about = ""
    if label is Label.REFERRAL:
        about = (
            f"  UNION\n  WITH e MATCH (e)-[:`ABOUT`]->(d)-[:{rels}]->(m)\n"
            f"  WHERE {_is('d', EVENT_LABELS)} AND {_is('m', ENTITY_LABELS)} RETURN m\n"
        )
    base = f"{float(schema.rel(rel).weight)!r}"
    return (
        f"MATCH (e:`{label.value}`)\n"
        f"CALL {{\n  WITH e MATCH (e)-[:{rels}]->(m) WHERE {_is('m', ENTITY_LABELS)} RETURN m\n"
        f"{about}}}\n"
        "WITH e, collect(DISTINCT m) AS ms WHERE size(ms) >= 2\n"
        f"WITH ms, e AS x, {base} * CASE WHEN size(ms) > 6 THEN 5.0 / (size(ms) - 1) ELSE 1.0 END"
        " AS base\n"
        f"{_weigh('ms')}\n"
        "UNWIND range(0, size(ms) - 2) AS i\n"
        "UNWIND range(i + 1, size(ms) - 1) AS j\n"
        "RETURN ms[i] AS a, ms[j] AS b, w"
    )


def projection_query() -> str:
    """Project the association graph into the GDS catalogue as ``$graph``.

    Every entity is a node (``hub`` 1.0 for the hubs in ``$hubs``, else 0.0); each pair of
    entities with evidence is one undirected relationship whose ``weight`` is the sum of it.
    """
    direct = "\n      UNION ALL\n".join(
        "      " + p.replace("\n", "\n      ") for p in _direct_parts()
    )
    weighed = "    CALL {\n" + direct + "\n    }\n    " + _weigh("a, b").replace("\n", "\n    ")
    weighed += "\n    RETURN a, b, w"
    events = ["    " + _event_part(x).replace("\n", "\n    ") for x in sorted(EVENT_LABELS)]
    union = "\n    UNION ALL\n".join([weighed, *events])
    return (
        "CALL {\n"
        f"  CALL {{\n{union}\n  }}\n"
        "  WITH a, b, w WHERE w > 0.0 AND a <> b\n"
        "  WITH CASE WHEN elementId(a) < elementId(b) THEN a ELSE b END AS x,\n"
        "       CASE WHEN elementId(a) < elementId(b) THEN b ELSE a END AS y, w\n"
        "  WITH x, y, sum(w) AS weight\n"
        "  RETURN x, y, weight\n"
        "  UNION ALL\n"
        f"  MATCH (n) WHERE {_is('n', ENTITY_LABELS)}\n"
        "  RETURN n AS x, null AS y, 0.0 AS weight\n"
        "}\n"
        "WITH x, y, weight,\n"
        "     CASE WHEN elementId(x) IN $hubs THEN 1.0 ELSE 0.0 END AS xhub,\n"
        "     CASE WHEN y IS NOT NULL AND elementId(y) IN $hubs THEN 1.0 ELSE 0.0 END AS yhub\n"
        "RETURN gds.graph.project($graph, x, y, {\n"
        "  sourceNodeProperties: {hub: xhub}, targetNodeProperties: {hub: yhub},\n"
        "  relationshipProperties: {weight: weight}\n"
        "}, {undirectedRelationshipTypes: ['*']}) AS g"
    )


#: The clusters of the strong graph ``$graph``: components, split by ``community`` where a
#: component has more than ``$max_size`` members. Only clusters that an event touches or that
#: hold a mapped member come back (what the analysis scores), with their members.
CLUSTERS: str = (
    "CALL gds.graph.nodeProperties.stream($graph, $properties)\n"
    "YIELD nodeId, nodeProperty, propertyValue\n"
    "WITH nodeId,\n"
    "     sum(CASE nodeProperty WHEN 'component' THEN propertyValue ELSE 0 END) AS component,\n"
    "     sum(CASE nodeProperty WHEN 'community' THEN propertyValue ELSE 0 END) AS community\n"
    "WITH component, collect([nodeId, community]) AS rows\n"
    "WITH component, rows, size(rows) > $max_size AS big\n"
    "UNWIND rows AS row\n"
    "WITH CASE WHEN big THEN 'l' + toString(row[1])\n"
    "          ELSE 'c' + toString(component) END AS cluster,\n"
    "     gds.util.asNode(row[0]) AS n\n"
    "WITH cluster, collect(n) AS nodes\n"
    "WITH cluster, nodes,\n"
    "     any(n IN nodes WHERE EXISTS { (n)-[:`MEMBER_OF`]->(:`OCG`) }\n"
    f"         OR EXISTS {{ (e)-[:{'|'.join(f'`{r}`' for r in sorted(_EVENT_RELS))}]->(n)"
    f" WHERE {_is('e', EVENT_LABELS)} }}) AS scored\n"
    "RETURN count(*) AS clusters,\n"
    "       collect(CASE WHEN scored THEN\n"
    "         [n IN nodes | {id: elementId(n), node: labels(n)[0] + ':' + n.key}] END) AS scored"
)


#: Drop a catalogue graph ``$g`` if it exists.
DROP_GRAPH = "CALL gds.graph.drop($g, false) YIELD graphName RETURN graphName"

#: ``$strong``: the strong links of ``$full`` (weight at least ``$min``) without hubs.
STRONG_LINKS = (
    "CALL gds.graph.filter($strong, $full, 'n.hub = 0.0', 'r.weight >= $min', "
    "{parameters: {min: $min}}) YIELD graphName RETURN graphName"
)

#: ``$strong``: :data:`STRONG_LINKS` for a ``$full`` without relationships (so without a
#: ``weight`` to filter on).
NO_LINKS = (
    "CALL gds.graph.filter($strong, $full, 'n.hub = 0.0', '*') YIELD graphName RETURN graphName"
)

#: Weakly connected components of ``$g`` into the node property ``component``.
COMPONENTS = (
    "CALL gds.wcc.mutate($g, {mutateProperty: 'component'}) "
    "YIELD componentDistribution RETURN componentDistribution AS d"
)

#: Leiden communities of ``$g`` (seeded, one thread: reproducible) into ``community``.
COMMUNITIES = (
    "CALL gds.leiden.mutate($g, {mutateProperty: 'community', "
    "relationshipWeightProperty: 'weight', randomSeed: $seed, concurrency: 1, "
    "gamma: $gamma}) YIELD communityCount RETURN communityCount"
)
