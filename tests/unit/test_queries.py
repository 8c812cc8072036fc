"""Cypher lives only in store/queries.py and interpolates only schema names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import ocgmap
from ocgmap.errors import SchemaError
from ocgmap.schema import Label, RelType
from ocgmap.store import queries as q

PACKAGE = Path(ocgmap.__file__).parent
CYPHER = re.compile(r"\b(MATCH|MERGE|UNWIND|DETACH DELETE|CREATE CONSTRAINT)\b")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for item in ast.walk(tree):
        if isinstance(item, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = item.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def test_no_cypher_outside_queries_module() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name in ("queries.py", "gds_queries.py"):  # the store's query modules
            continue
        tree = ast.parse(path.read_text("utf-8"))
        docs = _docstrings(tree)
        for item in ast.walk(tree):
            if isinstance(item, ast.Constant) and isinstance(item.value, str):
                if id(item) not in docs and CYPHER.search(item.value):
                    offenders.append(f"{path.name}:{item.lineno}")
    assert offenders == []


def test_builders_refuse_names_not_in_the_schema() -> None:
    with pytest.raises(SchemaError):
        q.upsert_nodes_query("Vehicle`) DETACH DELETE (n")  # type: ignore[arg-type]
    with pytest.raises(SchemaError):
        q.count_relationships_query("KNOWS")  # type: ignore[arg-type]
    with pytest.raises(SchemaError):
        q.tally_query(RelType.SIGHTED, "Vehicle)-->(x", Label.LOCATION)  # type: ignore[arg-type]
    with pytest.raises(SchemaError):
        q.shortest_paths_query(Label.VEHICLE, Label.PERSON, 99)
    with pytest.raises(SchemaError):
        q.shortest_paths_query(Label.VEHICLE, Label.PERSON, "3; MATCH (n)")  # type: ignore[arg-type]


@pytest.mark.parametrize("label", list(Label))
def test_node_queries_name_only_their_label(label: Label) -> None:
    for query in (q.upsert_nodes_query(label), q.search_query(label), q.get_node_query(label)):
        assert re.findall(r":`([^`]+)`", query) == [label.value]
        assert "$" in query


def test_the_tally_counts_in_the_server_between_two_schema_labels() -> None:
    query = q.tally_query(RelType.SIGHTED, Label.VEHICLE, Label.LOCATION)
    assert "MATCH (a:`Vehicle`)-[r:`SIGHTED`]->(b:`Location`)" in query
    assert "count(DISTINCT a) AS starts" in query  # a start counts once per end node
    assert "RETURN b.key AS key" in query  # one row per end node, not per relationship


def test_list_properties_accumulate_in_cypher() -> None:
    query = q.upsert_nodes_query(Label.HAULIER)
    for name in ("names", "licences", "sic_codes"):
        assert f"n.`{name}` = CASE WHEN row.lists.`{name}` IS NULL" in query


@pytest.mark.parametrize("rel", list(RelType))
def test_edge_queries_check_their_ends(rel: RelType) -> None:
    query = q.upsert_edges_query(rel, Label.PERSON, Label.PHONE)
    assert f"[r:`{rel.value}` {{key: row.key}}]" in query
    assert query.rstrip().endswith("RETURN count(*) AS matched")


def test_the_context_query_reads_each_type_as_its_own_query_would() -> None:
    query = q.relationships_of_query((RelType.CALLED, RelType.CONTROLS), outgoing=True)
    assert "[r:`CALLED`|`CONTROLS`]->(b)" in query
    # dates are text on the types that declare them, and only there
    assert "`from_on`: CASE WHEN r:`CONTROLS` THEN toString(r.`from_on`)" in query
    assert "`first_seen`: toString(r.`first_seen`)" in query
    for bad in ((), ("CALLED",), (RelType.CALLED, "KNOWS`]-() DETACH DELETE (n")):
        with pytest.raises(SchemaError):
            q.relationships_of_query(bad)  # type: ignore[arg-type]
