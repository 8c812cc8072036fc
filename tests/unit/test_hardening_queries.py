"""No string-built Cypher: query text holds only schema names, checked; values are parameters.

test_queries.py checks that Cypher lives only in store/queries.py. These tests read the code
(``ast``) to check what may be interpolated into query text there, that the Neo4j store runs
nothing but queries.py constants and builders, and (at run time) that every builder refuses
a label or type that is not a schema enum.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import ocgmap
from ocgmap.errors import SchemaError
from ocgmap.schema.labels import Label, RelType
from ocgmap.store import queries as q

PACKAGE = Path(ocgmap.__file__).parent
QUERIES = PACKAGE / "store" / "queries.py"
NEO4J = PACKAGE / "store" / "neo4j.py"
#: The in-database analysis engine's Cypher, and the one module that sends it (through GDS).
GDS_QUERIES = PACKAGE / "store" / "gds_queries.py"
GDS = PACKAGE / "store" / "gds.py"
#: SQL of the on-disk bulk store's own SQLite working file (parameterised), not Cypher.
SPILL = PACKAGE / "store" / "spill.py"
LS = "LiteralString"

#: The functions that turn a checked non-literal value into query text, and what they check.
#: Adding one means adding a refusal test below (and a reviewer's look).
GUARDS = {
    "_label": "isinstance(label, Label)",
    "_type": "isinstance(rel, RelType)",
    "_prop": "the property-name pattern",
    "constraint_query": "_label(label) in the same statement",
    "shortest_paths_query": "max_hops is an int in [1, 15]",
}

#: Broader than test_queries.py: Cypher clauses that start a query or a sub-query.
CYPHER = re.compile(
    r"\b(MATCH|MERGE|UNWIND|DETACH DELETE|CREATE\s*\(|CREATE (CONSTRAINT|INDEX)|"
    r"CALL\s*(\{|\(|[a-z]+\.)|LOAD CSV|FOREACH\s*\(|RETURN [a-z]\w* AS)"
)


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text("utf-8"))


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _functions_around(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> Iterator[ast.FunctionDef]:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef):
            yield node


def _in_raise(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Raise):
            return True
    return False


def _annotation(arg: ast.arg) -> str:
    return ast.unparse(arg.annotation) if arg.annotation is not None else ""


class _Literal:
    """Decides whether an expression in queries.py is literal query text (LiteralString)."""

    def __init__(self, tree: ast.Module) -> None:
        self.parents = _parents(tree)
        self.builders = {
            f.name
            for f in tree.body
            if isinstance(f, ast.FunctionDef) and f.returns is not None
            if ast.unparse(f.returns) == LS
        }
        self.constants = {
            a.target.id
            for a in tree.body
            if isinstance(a, ast.AnnAssign) and isinstance(a.target, ast.Name)
            if ast.unparse(a.annotation) == LS
        }

    def expr(self, node: ast.expr, where: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str)
        if isinstance(node, ast.JoinedStr):
            return all(
                self.expr(v.value, where) for v in node.values if isinstance(v, ast.FormattedValue)
            )
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.expr(node.left, where) and self.expr(node.right, where)
        if isinstance(node, ast.IfExp):
            return self.expr(node.body, where) and self.expr(node.orelse, where)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "cast":
                return ast.unparse(node.args[0]) == LS
            return node.func.id in self.builders
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(".join"):
            return isinstance(node.func, ast.Attribute) and self._joined(node, where)
        if isinstance(node, ast.Name):
            return node.id in self.constants or self._local(node.id, where)
        return False

    def _joined(self, node: ast.Call, where: ast.AST) -> bool:
        """``"<sep>".join(items)`` of literal items (a comprehension or a literal list)."""
        assert isinstance(node.func, ast.Attribute)
        if not self.expr(node.func.value, where) or len(node.args) != 1:
            return False
        items = node.args[0]
        if isinstance(items, ast.GeneratorExp | ast.ListComp):
            return self.expr(items.elt, items)
        return isinstance(items, ast.Name) and self._local(items.id, where, f"list[{LS}]")

    def _local(self, name: str, where: ast.AST, kind: str = LS) -> bool:
        for function in _functions_around(where, self.parents):
            params = {a.arg: _annotation(a) for a in function.args.args}
            if name in params:
                return params[name] == kind
            bound = [
                n
                for n in ast.walk(function)
                if isinstance(n, ast.Assign | ast.AnnAssign)
                for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                if isinstance(t, ast.Name) and t.id == name
            ]
            if bound:
                return all(
                    (isinstance(n, ast.AnnAssign) and ast.unparse(n.annotation) == kind)
                    or (kind == LS and n.value is not None and self.expr(n.value, n))
                    for n in bound
                )
        return False


def _guard_of(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> str | None:
    return next((f.name for f in _functions_around(node, parents) if f.name in GUARDS), None)


def test_query_text_interpolates_only_literal_text_or_guarded_schema_names() -> None:
    tree = _tree(QUERIES)
    literal = _Literal(tree)
    offenders = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FormattedValue) or _in_raise(node, literal.parents):
            continue
        if literal.expr(node.value, node) or _guard_of(node, literal.parents):
            continue
        offenders.append(f"queries.py:{node.lineno}: {{{ast.unparse(node.value)}}}")
    assert offenders == [], f"interpolate only LiteralString builders or GUARDS: {offenders}"


def test_builders_and_constants_are_made_of_literal_text_only() -> None:
    tree = _tree(QUERIES)
    literal = _Literal(tree)
    offenders = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in literal.builders:
            if node.name in GUARDS:
                continue
            for ret in ast.walk(node):
                if isinstance(ret, ast.Return) and ret.value is not None:
                    if not literal.expr(ret.value, ret):
                        offenders.append(f"queries.py:{ret.lineno}: {ast.unparse(ret)[:60]}")
        if isinstance(node, ast.AnnAssign) and ast.unparse(node.annotation) == LS:
            if node.value is None or not literal.expr(node.value, node):
                offenders.append(f"queries.py:{node.lineno}: {ast.unparse(node)[:60]}")
    assert offenders == []


def test_query_text_is_never_formatted_with_percent_or_format() -> None:
    tree = _tree(QUERIES)
    found = [
        node.lineno
        for node in ast.walk(tree)
        if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod))
        or (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"format", "format_map", "replace", "__add__"}
        )
    ]
    assert found == []


def test_casts_to_literal_string_happen_only_in_guards_or_on_literal_text() -> None:
    tree = _tree(QUERIES)
    literal = _Literal(tree)
    offenders = []
    for node in ast.walk(tree):
        is_cast = isinstance(node, ast.Call) and ast.unparse(node.func) == "cast"
        if not is_cast or _guard_of(node, literal.parents):
            continue
        assert isinstance(node, ast.Call)
        if not literal.expr(node.args[1], node):
            offenders.append(f"queries.py:{node.lineno}")
    assert offenders == []


def _literal_params(tree: ast.Module) -> dict[str, list[int]]:
    """Functions of neo4j.py that take query text: the positions of their query parameters."""
    found: dict[str, list[int]] = {}
    for f in ast.walk(tree):
        if isinstance(f, ast.FunctionDef):
            args = [a for a in f.args.args if a.arg != "self"]
            positions = [i for i, a in enumerate(args) if _annotation(a) == LS]
            if positions:
                found[f.name] = positions
    return found


def test_the_neo4j_store_runs_only_queries_module_text() -> None:
    tree = _tree(NEO4J)
    parents = _parents(tree)
    takes_query = _literal_params(tree)

    def from_queries(node: ast.expr, where: ast.AST) -> bool:
        if isinstance(node, ast.Attribute) and ast.unparse(node.value) == "q":
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            return ast.unparse(node.func.value) == "q"
        if isinstance(node, ast.Name):
            for function in _functions_around(where, parents):
                params = {a.arg: _annotation(a) for a in function.args.args}
                if node.id in params:
                    return params[node.id] == LS  # its callers are checked here too
                bound = [
                    n.value
                    for n in ast.walk(function)
                    if isinstance(n, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets)
                ]
                if bound:
                    return all(from_queries(v, function) for v in bound)
        return False

    checked, offenders = 0, []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
            continue
        name = call.func.attr
        if name in {"execute_query", "run"}:
            positions = [0]
        elif name in takes_query:
            positions = takes_query[name]
        else:
            continue
        for i in positions:
            checked += 1
            if i >= len(call.args) or not from_queries(call.args[i], call):
                offenders.append(f"neo4j.py:{call.lineno}: {ast.unparse(call)[:80]}")
    assert checked >= 15 and offenders == []


def test_no_module_outside_the_store_speaks_to_neo4j_or_holds_cypher() -> None:
    offenders = []
    for path in [*PACKAGE.rglob("*.py"), *(PACKAGE.parent / "loaders").rglob("*.py")]:
        if path in (QUERIES, NEO4J, GDS_QUERIES):
            continue
        tree = _tree(path)
        docs = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                module = node.module if isinstance(node, ast.ImportFrom) else None
                if module == "neo4j" or (module or "").startswith("neo4j.") or "neo4j" in names:
                    offenders.append(f"{path.name}:{node.lineno}: imports neo4j")
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) not in docs and path != SPILL and CYPHER.search(node.value):
                    offenders.append(f"{path.name}:{node.lineno}: {node.value[:40]!r}")
    assert offenders == []


def test_the_gds_engine_sends_only_cypher_of_its_query_module() -> None:
    """Every query ``ocgmap/store/gds.py`` runs is a constant of ``gds_queries`` (``q.X``) or
    built by one of its functions from the schema: never text made from data."""
    tree = _tree(GDS)
    calls = [
        c
        for c in ast.walk(tree)
        if isinstance(c, ast.Call)
        and isinstance(c.func, ast.Attribute)
        and c.func.attr == "run_cypher"
    ]
    assert len(calls) >= 7
    for call in calls:
        query = call.args[0]
        if isinstance(query, ast.Call):  # q.projection_query()
            query = query.func
        assert isinstance(query, ast.Attribute) and isinstance(query.value, ast.Name)
        assert query.value.id == "q", ast.unparse(call)


# -- run time: every builder refuses what is not a schema enum -------------------------------
#: A refusal: SchemaError from the guards; KeyError or AttributeError where a builder looks
#: the name up (in the schema, or as an enum's ``.value``) before its guard runs.
REFUSED = (SchemaError, KeyError, AttributeError)
ENUMS = ("Label", "RelType", "Label | RelType")


def _builders() -> list[tuple[str, Callable[..., Any]]]:
    found = []
    for name in q.__all__:
        item = getattr(q, name)
        if not callable(item):
            continue
        signature = inspect.signature(item)
        if signature.return_annotation == LS and any(
            p.annotation in ENUMS for p in signature.parameters.values()
        ):
            found.append((name, item))
    return found


def _arguments(function: Callable[..., Any], bad: int | None) -> list[Any]:
    args: list[Any] = []
    for i, p in enumerate(inspect.signature(function).parameters.values()):
        good: Any = {"Label": Label.VEHICLE, "RelType": RelType.DROVE, "int": 3}.get(
            str(p.annotation), Label.VEHICLE
        )
        args.append(f"{good}`) DETACH DELETE (x" if i == bad else good)
    return args


@pytest.mark.parametrize(("name", "builder"), _builders(), ids=[n for n, _ in _builders()])
def test_every_builder_refuses_names_that_are_not_schema_enums(
    name: str, builder: Callable[..., Any]
) -> None:
    params = list(inspect.signature(builder).parameters.values())
    good = builder(*_arguments(builder, None))
    for i, p in enumerate(params):
        if p.annotation not in ENUMS:
            continue
        with pytest.raises(REFUSED):
            builder(*_arguments(builder, i))
        plain = _arguments(builder, None)
        plain[i] = str(plain[i])  # the right text, but a str, not the enum
        try:
            built = builder(*plain)
        except REFUSED:
            continue
        # functools.cache treats "Vehicle" and Label.VEHICLE as one key: same text, no harm
        assert built == good, f"{name} built a query from a plain str"


def test_the_guards_refuse_what_they_promise() -> None:
    assert set(GUARDS) >= {"_label", "_type", "_prop"}
    for bad in ("Vehicle", "Vehicle`) DETACH DELETE (n", 7):
        with pytest.raises(SchemaError):
            q._label(bad)  # type: ignore[arg-type]
        with pytest.raises(SchemaError):
            q._type(bad)  # type: ignore[arg-type]
    for bad_name in ("a`}) DETACH DELETE n //", "A", "1a", "a b", "a.b", ""):
        with pytest.raises(SchemaError):
            q._prop(bad_name)
    for hops in (0, 16, -1, True, 2.0, "3"):
        with pytest.raises(SchemaError):
            q.shortest_paths_query(Label.VEHICLE, Label.PERSON, hops)  # type: ignore[arg-type]
