"""Every Cypher statement ocgmap runs, as constants and small builders.

Values are always ``$parameters``. The only text interpolated into a query is a label or
relationship type from the schema enums, a property name declared in ``graph.yaml`` and an
integer hop bound; each builder checks that before building. Queries run only in
``store/neo4j.py``.
"""

from __future__ import annotations

import functools
import re
from typing import LiteralString, cast

from ocgmap.errors import SchemaError
from ocgmap.schema import PropType, load_schema
from ocgmap.schema.labels import Label, RelType

__all__ = [
    "AUDIT_ALL",
    "AUDIT_CONSTRAINT",
    "AUDIT_COPY",
    "AUDIT_LAST",
    "COUNT_NODES",
    "COUNT_RELATIONSHIPS",
    "ERASE_NODES",
    "ERASE_NODE_IDS",
    "ERASE_RELATIONSHIPS",
    "ERASE_RELATIONSHIP_IDS",
    "PING",
    "WIPE_NODES",
    "WIPE_RELATIONSHIPS",
    "constraint_query",
    "count_nodes_query",
    "count_relationships_query",
    "delete_relationships_query",
    "get_node_query",
    "neighbours_query",
    "nodes_among_query",
    "all_nodes_query",
    "all_relationships_query",
    "temporal_properties",
    "relationships_among_query",
    "search_query",
    "shortest_paths_query",
    "upsert_edges_query",
    "upsert_nodes_query",
]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

PING: LiteralString = "RETURN 1 AS ok"

#: Deletes every relationship, then every node of the graph, in batches (each needs an
#: auto-commit transaction). Relationships go first: detaching a node deletes all of its
#: relationships in one transaction, which for a hub (a port or route of millions of
#: crossings) exceeds the server's transaction memory. The audit log's copy (AuditEntry
#: nodes, which have no relationships) is not part of the graph and stays.
WIPE_RELATIONSHIPS: LiteralString = (
    "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS"
)
WIPE_NODES: LiteralString = (
    "MATCH (n) WHERE NOT n:AuditEntry CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
)

COUNT_NODES: LiteralString = "MATCH (n) WHERE NOT n:AuditEntry RETURN count(n) AS n"

# -- the audit log's copy (ocgmap.audit_copy): nodes outside the graph model, with no
# -- relationships and no sources, so no graph query, erasure or wipe ever reaches them.
AUDIT_CONSTRAINT: LiteralString = (
    "CREATE CONSTRAINT ocgmap_audit_entry IF NOT EXISTS "
    "FOR (a:AuditEntry) REQUIRE (a.log, a.seq) IS UNIQUE"
)
#: The newest copied entry of one log: its sequence number and hash.
AUDIT_LAST: LiteralString = (
    "MATCH (a:AuditEntry {log: $log}) RETURN a.seq AS seq, a.hash AS hash "
    "ORDER BY a.seq DESC LIMIT 1"
)
#: Every copied entry of one log, in order.
AUDIT_ALL: LiteralString = (
    "MATCH (a:AuditEntry {log: $log}) RETURN a.seq AS seq, a.hash AS hash ORDER BY a.seq"
)
#: Copy entries (``{seq, hash, line}``); an entry already copied is left as it was.
AUDIT_COPY: LiteralString = (
    "UNWIND $entries AS e\n"
    "MERGE (a:AuditEntry {log: $log, seq: e.seq})\n"
    "ON CREATE SET a.hash = e.hash, a.line = e.line, a.copied_at = datetime()\n"
    "RETURN count(*) AS n"
)
COUNT_RELATIONSHIPS: LiteralString = "MATCH ()-[r]->() RETURN count(r) AS n"


#: A token ``s`` that one of the erased files' marks (``"<file id>:"``) starts.
_MARKED: LiteralString = "any(p IN $prefixes WHERE s STARTS WITH p)"


def _erased(var: LiteralString) -> LiteralString:
    """``var`` has at least one erased token and nothing else (``is_erased`` in erasure.py)."""
    return (
        f"(any(s IN coalesce({var}.sources, []) WHERE {_MARKED})"
        f" AND all(s IN {var}.sources WHERE {_MARKED}))"
    )


def _kept(var: LiteralString) -> LiteralString:
    """The tokens of ``var`` an erasure keeps (``kept_sources`` in erasure.py)."""
    return f"[s IN coalesce({var}.sources, []) WHERE NOT {_MARKED}]"


def _marked(var: LiteralString) -> LiteralString:
    """``var`` has at least one erased token."""
    return f"any(s IN coalesce({var}.sources, []) WHERE {_MARKED})"


#: Element ids of the relationships an erasure of ``$prefixes`` changes: those with an erased
#: token and those with an end about to be deleted. Read-only, so it streams (no Eager).
ERASE_RELATIONSHIP_IDS: LiteralString = (
    "MATCH (a)-[r]->(b)\n"
    f"WHERE {_marked('r')} OR {_erased('a')} OR {_erased('b')}\n"
    "RETURN elementId(r) AS id"
)

#: Erase ``$prefixes`` from the relationships ``$ids``: delete those left without sources or
#: with an erased end, trim the rest. Re-checks each one, so it is idempotent.
ERASE_RELATIONSHIPS: LiteralString = (
    "UNWIND $ids AS id\n"
    "MATCH (a)-[r]->(b) WHERE elementId(r) = id\n"
    f"WITH r, {_kept('r')} AS kept, {_marked('r')} AS marked,\n"
    f"     coalesce({_erased('a')} OR {_erased('b')}, false) AS orphan\n"
    "WITH r, kept, orphan OR (marked AND kept = []) AS gone, marked\n"
    "WHERE gone OR marked\n"
    "FOREACH (_ IN CASE WHEN gone THEN [1] ELSE [] END | DELETE r)\n"
    "FOREACH (_ IN CASE WHEN gone THEN [] ELSE [1] END | SET r.sources = kept)\n"
    "RETURN sum(CASE WHEN gone THEN 1 ELSE 0 END) AS deleted,\n"
    "       sum(CASE WHEN gone THEN 0 ELSE 1 END) AS trimmed"
)

#: Element ids of the nodes that hold an erased token of ``$prefixes``.
ERASE_NODE_IDS: LiteralString = f"MATCH (n) WHERE {_marked('n')} RETURN elementId(n) AS id"

#: Erase ``$prefixes`` from the nodes ``$ids``: delete those left without sources (with any
#: relationship added since), trim the rest. Re-checks each one, so it is idempotent.
ERASE_NODES: LiteralString = (
    "UNWIND $ids AS id\n"
    "MATCH (n) WHERE elementId(n) = id\n"
    f"WITH n, {_kept('n')} AS kept, {_marked('n')} AS marked\n"
    "WHERE marked\n"
    "FOREACH (_ IN CASE WHEN kept = [] THEN [1] ELSE [] END | DETACH DELETE n)\n"
    "FOREACH (_ IN CASE WHEN kept = [] THEN [] ELSE [1] END | SET n.sources = kept)\n"
    "RETURN sum(CASE WHEN kept = [] THEN 1 ELSE 0 END) AS deleted,\n"
    "       sum(CASE WHEN kept = [] THEN 0 ELSE 1 END) AS trimmed"
)


def _label(label: Label) -> LiteralString:
    if not isinstance(label, Label):
        raise SchemaError(f"{label!r} is not a schema label")
    return cast(LiteralString, f"`{label.value}`")


def delete_relationships_query(rel: RelType) -> LiteralString:
    """Delete up to ``$limit`` relationships of one type; returns how many in ``n``."""
    return f"MATCH ()-[r:{_type(rel)}]->() WITH r LIMIT $limit DELETE r RETURN count(*) AS n"


def _type(rel: RelType) -> LiteralString:
    if not isinstance(rel, RelType):
        raise SchemaError(f"{rel!r} is not a schema relationship type")
    return cast(LiteralString, f"`{rel.value}`")


def _prop(name: str) -> LiteralString:
    if not _NAME.match(name):
        raise SchemaError(f"{name!r} is not a valid property name")
    return cast(LiteralString, f"`{name}`")


def _props_of(owner: Label | RelType, *kinds: PropType) -> list[tuple[str, PropType]]:
    schema = load_schema()
    spec = schema.labels[owner] if isinstance(owner, Label) else schema.relationships[owner]
    return [(n, t) for n, t in spec.properties.items() if t in kinds]


def _merge_body(var: LiteralString, owner: Label | RelType) -> LiteralString:
    """SET clauses that apply the merge rules of ``store/merge.py`` to ``var``.

    Temporal values travel as ISO text (``row.first``, ``row.last``, ``row.temporal``) and are
    turned into DATETIME/DATE by the server: much cheaper than packing driver time objects.
    """
    first = "datetime(row.first)"
    last = "datetime(row.last)"
    parts: list[LiteralString] = [
        f"SET {var} += row.props",
        f"SET {var}.sources = reduce(acc = coalesce({var}.sources, []), s IN row.sources | "
        "CASE WHEN s IN acc THEN acc ELSE acc + s END)",
        f"SET {var}.first_seen = CASE WHEN row.first IS NULL THEN {var}.first_seen "
        f"WHEN {var}.first_seen IS NULL OR {first} < {var}.first_seen THEN {first} "
        f"ELSE {var}.first_seen END",
        f"SET {var}.last_seen = CASE WHEN row.last IS NULL THEN {var}.last_seen "
        f"WHEN {var}.last_seen IS NULL OR {last} > {var}.last_seen THEN {last} "
        f"ELSE {var}.last_seen END",
    ]
    for name, kind in _props_of(owner, PropType.DATETIME, PropType.DATE):
        p = _prop(name)
        fn: LiteralString = "datetime" if kind is PropType.DATETIME else "date"
        parts.append(
            f"SET {var}.{p} = CASE WHEN row.temporal.{p} IS NULL THEN {var}.{p} "
            f"ELSE {fn}(row.temporal.{p}) END"
        )
    for name, _ in _props_of(owner, PropType.STRING_LIST):
        p = _prop(name)
        parts.append(
            f"SET {var}.{p} = CASE WHEN row.lists.{p} IS NULL THEN {var}.{p} ELSE "
            f"reduce(acc = coalesce({var}.{p}, []), v IN row.lists.{p} | "
            "CASE WHEN v IN acc THEN acc ELSE acc + v END) END"
        )
    return cast(LiteralString, "\n".join(parts))


def constraint_query(label: Label) -> LiteralString:
    """Uniqueness constraint on ``key`` for one label (idempotent)."""
    name = cast(LiteralString, f"ocgmap_{label.value.lower()}_key")
    return f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{_label(label)}) REQUIRE n.key IS UNIQUE"


@functools.cache
def upsert_nodes_query(label: Label) -> LiteralString:
    """``UNWIND $rows`` merge of nodes of one label.

    Each row is ``{key, props, temporal, lists, sources, first, last}``.
    """
    return f"UNWIND $rows AS row\nMERGE (n:{_label(label)} {{key: row.key}})\n" + _merge_body(
        "n", label
    )


@functools.cache
def upsert_edges_query(rel: RelType, start: Label, end: Label) -> LiteralString:
    """``UNWIND $rows`` merge of relationships of one type between two labels.

    Each row is ``{start, end, key, props, temporal, lists, sources, first, last}``. Returns
    how many rows found both end nodes, so the store can refuse rows that name missing nodes.
    """
    return (
        f"UNWIND $rows AS row\nMATCH (a:{_label(start)} {{key: row.start}})\n"
        f"MATCH (b:{_label(end)} {{key: row.end}})\n"
        f"MERGE (a)-[r:{_type(rel)} {{key: row.key}}]->(b)\n"
        + _merge_body("r", rel)
        + "\nRETURN count(*) AS matched"
    )


def get_node_query(label: Label) -> LiteralString:
    """One node by key."""
    return f"MATCH (n:{_label(label)} {{key: $key}}) RETURN n"


def search_query(label: Label) -> LiteralString:
    """Case-insensitive substring search on key, name and names of one label."""
    return (
        f"MATCH (n:{_label(label)})\n"
        "WHERE toUpper(n.key) CONTAINS $text OR toUpper(coalesce(n.name, '')) CONTAINS $text\n"
        "   OR any(x IN coalesce(n.names, []) WHERE toUpper(x) CONTAINS $text)\n"
        "RETURN n ORDER BY n.key LIMIT $limit"
    )


def nodes_among_query(label: Label) -> LiteralString:
    """Nodes of one label whose keys are in ``$keys``."""
    return f"MATCH (n:{_label(label)}) WHERE n.key IN $keys RETURN n"


def neighbours_query(label: Label) -> LiteralString:
    """Label and key of every neighbour (either direction) of nodes ``$keys`` of one label."""
    return (
        f"MATCH (n:{_label(label)})--(m) WHERE n.key IN $keys\n"
        "RETURN DISTINCT labels(m)[0] AS label, m.key AS key"
    )


RELATIONSHIPS_AMONG: LiteralString = (
    "UNWIND $ids AS id MATCH (a) WHERE elementId(a) = id\n"
    "MATCH (a)-[r]->(b) WHERE elementId(b) IN $ids\n"
    "RETURN r, labels(a)[0] AS start_label, a.key AS start_key,\n"
    "       labels(b)[0] AS end_label, b.key AS end_key"
)


def relationships_among_query() -> LiteralString:
    """Every relationship among the nodes whose element ids are in ``$ids``."""
    return RELATIONSHIPS_AMONG


def shortest_paths_query(start: Label, end: Label, max_hops: int) -> LiteralString:
    """All shortest undirected paths of at most ``max_hops`` between two nodes."""
    if not isinstance(max_hops, int) or isinstance(max_hops, bool) or not 1 <= max_hops <= 15:
        raise SchemaError(f"The 'max_hops' parameter must be an int in [1, 15]. Got {max_hops!r}.")
    hops = cast(LiteralString, str(max_hops))
    return (
        f"MATCH (a:{_label(start)} {{key: $a}}), (b:{_label(end)} {{key: $b}})\n"
        f"MATCH p = allShortestPaths((a)-[*..{hops}]-(b))\n"
        "RETURN [n IN nodes(p) | n] AS nodes,\n"
        "       [r IN relationships(p) | {r: r, start_key: startNode(r).key,\n"
        "         start_label: labels(startNode(r))[0], end_key: endNode(r).key,\n"
        "         end_label: labels(endNode(r))[0]}] AS rels"
    )


def temporal_properties(owner: Label | RelType) -> dict[str, PropType]:
    """The date and datetime properties of a label or type, the managed ones included."""
    found = {"first_seen": PropType.DATETIME, "last_seen": PropType.DATETIME}
    found.update(_props_of(owner, PropType.DATE, PropType.DATETIME))
    return found


def _as_map(var: LiteralString, owner: Label | RelType) -> LiteralString:
    """``var`` as a map of its properties, dates and datetimes as ISO 8601 text.

    Whole-graph reads return maps, not nodes: the driver builds its temporal types in Python,
    which costs more than the rest of the read, while ``datetime.fromisoformat`` is C.
    """
    parts = ", ".join(
        f"{_prop(name)}: toString({var}.{_prop(name)})" for name in temporal_properties(owner)
    )
    return cast(LiteralString, f"{var} {{.*, {parts}}}")


def all_nodes_query(label: Label) -> LiteralString:
    """Every node of one label, as a map (see :func:`temporal_properties`)."""
    return f"MATCH (n:{_label(label)}) RETURN {_as_map('n', label)} AS n"


def all_relationships_query(rel: RelType) -> LiteralString:
    """Every relationship of one type, as a map, with the label and key of both ends."""
    return (
        f"MATCH (a)-[r:{_type(rel)}]->(b)\n"
        f"RETURN {_as_map('r', rel)} AS r, labels(a)[0] AS start_label, a.key AS start_key,\n"
        "       labels(b)[0] AS end_label, b.key AS end_key"
    )


def count_nodes_query(label: Label) -> LiteralString:
    """Node count of one label (answered from the count store)."""
    return f"MATCH (n:{_label(label)}) RETURN count(n) AS n"


def count_relationships_query(rel: RelType) -> LiteralString:
    """Relationship count of one type (answered from the count store)."""
    return f"MATCH ()-[r:{_type(rel)}]->() RETURN count(r) AS n"


def tally_query(rel: RelType, start: Label, end: Label) -> LiteralString:
    """Per end node: distinct start nodes and observations (``GraphStore.tally``), in the server.

    An observation is a relationship's ``count`` when positive, else its number of ``times``,
    else 1 (:func:`ocgmap.store.base.observations`).
    """
    return (
        f"MATCH (a:{_label(start)})-[r:{_type(rel)}]->(b:{_label(end)})\n"
        "RETURN b.key AS key, count(DISTINCT a) AS starts,\n"
        "       sum(CASE WHEN r.count > 0 THEN r.count\n"
        "                WHEN size(coalesce(r.times, [])) > 0 THEN size(r.times)\n"
        "                ELSE 1 END) AS observations"
    )


def _as_map_of_types(var: LiteralString, rels: tuple[RelType, ...]) -> LiteralString:
    """``var``, a relationship of one of ``rels``, as :func:`_as_map` would show it.

    A date or datetime property of only some of ``rels`` is turned into text only on those
    (``CASE WHEN var:A|B``), so every type reads exactly as its own :func:`_as_map` reads it.
    """
    temporal = {rel: temporal_properties(rel) for rel in rels}
    names = sorted({name for found in temporal.values() for name in found})
    parts: list[LiteralString] = []
    for name in names:
        p = _prop(name)
        owners = [rel for rel in rels if name in temporal[rel]]
        if len(owners) == len(rels):
            parts.append(f"{p}: toString({var}.{p})")
        else:
            which = "|".join(_type(rel) for rel in owners)
            text: LiteralString = f"toString({var}.{p})"
            parts.append(f"{p}: CASE WHEN {var}:{which} THEN {text} ELSE {var}.{p} END")
    return cast(LiteralString, f"{var} {{.*, {', '.join(parts)}}}")


@functools.cache
def relationships_of_query(rels: tuple[RelType, ...], outgoing: bool = False) -> LiteralString:
    """Relationships of any of the types ``rels`` at the nodes whose element ids are ``$ids``.

    Both ways, or only outgoing; not those whose other end's element id is in ``$done`` (a
    list, maybe empty: nodes whose relationships of these types were read before). One
    record, ``rows``: a list with each relationship once as ``[element id, type, map (see
    :func:`_as_map_of_types`), start element id, start label, start key, end element id, end
    label, end key]`` (the columns of :func:`all_relationships_with_ids_query`). One list,
    not a record per relationship: the driver spends more on each record than on its values.
    """
    if not rels:
        raise SchemaError("relationships_of_query needs at least one relationship type")
    arrow: LiteralString = "->" if outgoing else "-"
    types = "|".join(_type(rel) for rel in rels)
    return cast(
        LiteralString,
        "UNWIND $ids AS id MATCH (a) WHERE elementId(a) = id\n"
        f"MATCH (a)-[r:{types}]{arrow}(b) WHERE NOT elementId(b) IN $done\n"
        "WITH DISTINCT r\n"
        "WITH r, startNode(r) AS a, endNode(r) AS b\n"
        f"RETURN collect([elementId(r), type(r), {_as_map_of_types('r', rels)},\n"
        "       elementId(a), labels(a)[0], a.key, elementId(b), labels(b)[0], b.key]) AS rows",
    )


def nodes_by_id_query(label: Label) -> LiteralString:
    """Nodes of one label whose element ids are ``$ids``, as maps (see :func:`_as_map`).

    One record, ``nodes``: the list of maps (see :func:`relationships_of_query`).
    """
    return cast(
        LiteralString,
        f"UNWIND $ids AS id MATCH (n:{_label(label)}) WHERE elementId(n) = id\n"
        f"RETURN collect({_as_map('n', label)}) AS nodes",
    )


def element_ids_query(label: Label) -> LiteralString:
    """Element ids of every node of one label (``$rel``-less: the whole label)."""
    return f"MATCH (n:{_label(label)}) RETURN elementId(n) AS id"


def all_relationships_with_ids_query(rel: RelType) -> LiteralString:
    """Every relationship of one type as :func:`relationships_of_query` returns them."""
    return cast(
        LiteralString,
        f"MATCH (a)-[r:{_type(rel)}]->(b)\n"
        f"RETURN elementId(r) AS rid, type(r) AS type, {_as_map('r', rel)} AS r,\n"
        "       elementId(a) AS s, labels(a)[0] AS start_label, a.key AS start_key,\n"
        "       elementId(b) AS e, labels(b)[0] AS end_label, b.key AS end_key",
    )
