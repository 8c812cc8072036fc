"""The quick paths of the load give what the slow ones give, on varied and awkward inputs.

``NodeRow.build``/``EdgeRow.build`` against the validating constructors (equal rows, or the
same error), ``RowMerger`` against row-by-row merging, the import writer's quick typing
against ``csv_type``, and the paused garbage collector.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import threading
import zoneinfo
from typing import Any

import pytest

from ocgmap.collector import paused
from ocgmap.schema import PropType, load_schema
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, Grading, NodeRef, NodeRow
from ocgmap.store.admin_import import csv_type
from ocgmap.store.import_writer import value_kind
from ocgmap.store.merge import RowMerger, union

UTC = dt.UTC
LONDON = zoneinfo.ZoneInfo("Europe/London")
AT = dt.datetime(2025, 3, 1, 2, 14, tzinfo=UTC)
GRADING = Grading(source_evaluation="1", intel_assessment="A", handling_code="P")

KEYS: list[Any] = ["K1", "", " ", "x|?y", 7, Label.PERSON]
SOURCES: list[Any] = [["L1:a.csv#2"], ("L1:a.csv#2", "L1:a.csv#3"), [], ["L1:a.csv#2", 3], "L1"]
SEEN: list[Any] = [
    None,
    AT,
    dt.datetime(2025, 7, 1, 2, 14, tzinfo=LONDON),
    dt.datetime(2025, 3, 1, 2, 14, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    dt.datetime(2025, 3, 1, 2, 14),
    dt.date(2025, 3, 1),
    "2025-03-01T02:14:00Z",
]
GRADINGS: list[Any] = [None, GRADING, {"source_evaluation": "1"}]


def _plain(kind: PropType) -> Any:
    return {
        PropType.STRING: "x",
        PropType.INTEGER: 2,
        PropType.FLOAT: 2.5,
        PropType.BOOLEAN: True,
        PropType.DATE: dt.date(2025, 1, 2),
        PropType.DATETIME: dt.datetime(2025, 1, 2, tzinfo=UTC),
        PropType.STRING_LIST: ["x", "y", "x"],
    }[kind]


def _awkward(kind: PropType) -> Any:
    """A value pydantic converts (or refuses) for a property of ``kind``."""
    return {
        PropType.STRING: 3,
        PropType.INTEGER: "4",
        PropType.FLOAT: 3,
        PropType.BOOLEAN: "yes",
        PropType.DATE: "2025-01-02",
        PropType.DATETIME: dt.datetime(2025, 1, 2),
        PropType.STRING_LIST: ("x",),
    }[kind]


def _property_sets(spec_props: dict[str, PropType]) -> list[Any]:
    names = list(spec_props)
    sets: list[Any] = [{}, {"undeclared": "x"}, [("a", 1)]]
    if names:
        sets.append({n: _plain(spec_props[n]) for n in reversed(names)})
        sets.append({n: _awkward(spec_props[n]) for n in names})
        sets.append({names[0]: None})
    return sets


def _outcome(make: Any) -> Any:
    try:
        return make()
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        return (type(exc).__name__, str(exc))


def _same(quick: Any, slow: Any) -> None:
    if isinstance(slow, tuple):
        assert quick == slow
        return
    assert type(quick) is type(slow)
    assert quick == slow
    assert list(quick.__dict__) == list(slow.__dict__)
    assert list(quick.properties) == list(slow.properties)
    assert quick.model_fields_set == slow.model_fields_set
    assert quick.__pydantic_extra__ == slow.__pydantic_extra__
    assert quick.__pydantic_private__ == slow.__pydantic_private__
    assert repr(quick) == repr(slow)
    assert quick.model_dump() == slow.model_dump()
    assert type(quick.sources) is tuple
    assert hash(quick.sources) == hash(slow.sources)


@pytest.mark.parametrize("label", list(Label), ids=str)
def test_node_build_equals_the_validating_constructor(label: Label) -> None:
    spec = load_schema().labels[label]
    for key, props, sources, seen, grading in itertools.product(
        KEYS, _property_sets(spec.properties), SOURCES, SEEN, GRADINGS
    ):
        values = {
            "label": label,
            "key": key,
            "properties": props,
            "sources": sources,
            "seen_at": seen,
            "grading": grading,
        }
        quick = _outcome(lambda v=values: NodeRow.build(**v))
        slow = _outcome(lambda v=values: NodeRow(**v))
        _same(quick, slow)


def test_node_build_takes_a_label_as_text_as_the_constructor_does() -> None:
    quick = NodeRow.build("Vehicle", "AB12CDE", {}, ["L1:a.csv#2"])  # type: ignore[arg-type]
    _same(quick, NodeRow(label="Vehicle", key="AB12CDE", sources=["L1:a.csv#2"],
                         properties={}, seen_at=None, grading=None))  # fmt: skip


def test_clean_inputs_take_the_quick_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Any, **data: Any) -> None:
        raise AssertionError("validated")

    a, b = NodeRef(label=Label.HAULIER, key="H1"), NodeRef(label=Label.VEHICLE, key="AB12CDE")
    monkeypatch.setattr(NodeRow, "__init__", refuse)
    monkeypatch.setattr(EdgeRow, "__init__", refuse)
    NodeRow.build(Label.VEHICLE, "AB12CDE", {"raw_vrm": ["ab12 cde"]}, ("L1:a.csv#2",), AT)
    EdgeRow.build(RelType.OPERATES, a, b, "", {}, ["L1:a.csv#2"], AT)
    with pytest.raises(AssertionError, match="validated"):
        NodeRow.build(Label.VEHICLE, "AB12CDE", {"raw_vrm": ("ab12 cde",)}, ["L1:a.csv#2"])


def test_node_build_keeps_properties_apart_from_its_input() -> None:
    props = {"names": ["A"], "name": "A"}
    row = NodeRow.build(Label.PERSON, "A|?x", props, ["L1:a.csv#2"])
    assert row.properties["names"] == ["A"] and row.properties["names"] is not props["names"]
    assert props == {"names": ["A"], "name": "A"}  # no basis added to the caller's dict


def _refs() -> list[NodeRef]:
    return [NodeRef(label=label, key="K") for label in Label]


@pytest.mark.parametrize("type_", list(RelType), ids=str)
def test_edge_build_equals_the_validating_constructor(type_: RelType) -> None:
    spec = load_schema().relationships[type_]
    ends = [
        (NodeRef(label=a, key="A"), NodeRef(label=b, key="B")) for a in spec.from_ for b in spec.to
    ]
    wrong = [(r, s) for r in _refs()[:3] for s in _refs()[3:6]]
    pairs = ends[:3] + wrong[:3] + [({"label": "Vehicle", "key": "A"}, ends[0][1])]
    for (start, end), key, props, sources, seen, grading in itertools.product(
        pairs, ["", "2025-03-01", 4], _property_sets(spec.properties), SOURCES[:4], SEEN[:4],
        GRADINGS[:2],
    ):  # fmt: skip
        values = {
            "type": type_,
            "start": start,
            "end": end,
            "key": key,
            "properties": props,
            "sources": sources,
            "seen_at": seen,
            "grading": grading,
        }
        quick = _outcome(lambda v=values: EdgeRow.build(**v))
        slow = _outcome(lambda v=values: EdgeRow(**v))
        _same(quick, slow)


def _by_union(attrs: dict[str, Any], row: NodeRow, lists: frozenset[str]) -> None:
    """Row-by-row merging with a new list each time (the rule as written in merge_row)."""
    for name, value in row.properties.items():
        if name not in lists:
            attrs[name] = value
    for name, value in row.properties.items():
        if name in lists:
            attrs[name] = union(attrs.get(name) or [], value)
    attrs["sources"] = union(attrs.get("sources") or [], row.sources)
    if row.seen_at is not None:
        first, last = attrs.get("first_seen"), attrs.get("last_seen")
        attrs["first_seen"] = row.seen_at if first is None or row.seen_at < first else first
        attrs["last_seen"] = row.seen_at if last is None or row.seen_at > last else last


@pytest.mark.parametrize(
    "stored",
    [{}, {"sources": []}, {"sources": ["L0:z.csv#1"], "names": []}, {"names": ["N1", "Z"]}],
    ids=["new", "empty-sources", "empty-names", "stored-names"],
)
def test_row_merger_on_new_and_stored_lists(stored: dict[str, Any]) -> None:
    types = load_schema().labels[Label.PERSON].properties
    lists = frozenset(n for n, k in types.items() if k is PropType.STRING_LIST)
    rows = [
        NodeRow(
            label=Label.PERSON,
            key="A|?x",
            properties={"names": names} if names is not None else {},
            sources=sources,
            seen_at=AT + dt.timedelta(hours=i % 4) if i % 3 else None,
        )
        for i, (names, sources) in enumerate(
            [
                (["N1", "N1", "N2"], ["L1:a.csv#1", "L1:a.csv#1"]),
                (None, ["L1:a.csv#2"]),
                (["N2", "N3"], ["L1:a.csv#1", "L1:a.csv#3"]),
                (["N3"], ["L1:a.csv#3"]),
                (["N4", "N1"], ["L1:a.csv#4", "L1:a.csv#2"]),
            ]
        )
    ]
    before = {k: list(v) for k, v in stored.items()}
    expected = {k: list(v) for k, v in stored.items()}
    got = dict(stored)
    merger = RowMerger(types)
    for row in rows:
        _by_union(expected, row, lists)
        merger.merge(got, row)
        assert got == expected and list(got) == list(expected)
    assert stored == before  # the stored lists are never changed in place
    # a second batch (a new merger) over what the first one left
    again = RowMerger(types)
    for row in reversed(rows):
        _by_union(expected, row, lists)
        again.merge(got, row)
    assert got == expected


VALUES: list[Any] = [
    "text",
    "",
    Label.PERSON,
    True,
    0,
    3,
    2.5,
    float("nan"),
    dt.date(2025, 3, 1),
    AT,
    ["a", "b"],
    [],
    [""],
    ("a",),
    [Label.PERSON],
]


@pytest.mark.parametrize("declared", [None, PropType.DATE, PropType.DATETIME])
def test_import_typing_equals_csv_type(declared: PropType | None) -> None:
    for value in VALUES:
        assert value_kind(value, declared) == csv_type(value, declared), value
    with pytest.raises(Exception, match="cannot write a dict"):
        value_kind({"a": 1}, declared)
    with pytest.raises(Exception, match="cannot write a list"):
        value_kind(["a", 1], declared)


def test_paused_collection_nests_and_comes_back() -> None:
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # left off, as it was
    finally:
        gc.enable()


def test_paused_collection_comes_back_after_overlapping_threads() -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    seen: list[bool] = []

    def second() -> None:
        first_in.wait(5)
        with paused():
            second_in.set()
            first_out.wait(5)
            seen.append(gc.isenabled())

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == [False]  # the first thread's end did not turn it back on under the second
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError):
        with paused():
            1 / 0  # noqa: B018
    assert gc.isenabled()


def test_import_errors_name_the_node_or_relationship(tmp_path: Any) -> None:
    from ocgmap.errors import StoreError
    from ocgmap.store.admin_import import BulkStore
    from ocgmap.store.import_writer import write_import

    store = BulkStore(tmp_path / "never.json")
    people = [NodeRow.build(Label.PERSON, k, {}, ["L1:a.csv#2"]) for k in ("A|?x", "B|?x")]
    store.upsert_nodes(Label.PERSON, people)
    link = EdgeRow.build(
        RelType.POSSIBLY_SAME,
        people[0].ref,
        people[1].ref,
        "",
        {"score": 0.5, "reasons": ["name"], "method": "m"},
        ["resolve:possibly_same#0"],
    )
    store.upsert_edges(RelType.POSSIBLY_SAME, [link])
    store.graph.nodes["Person:A|?x"]["names"] = [""]
    with pytest.raises(StoreError, match=r"^Person 'A\|\?x': property names is \[''\], which"):
        write_import(store, tmp_path, "L1")
    del store.graph.nodes["Person:A|?x"]["names"]
    next(iter(store.graph.edges(data=True)))[2]["reasons"] = []
    with pytest.raises(
        StoreError, match=r"^POSSIBLY_SAME Person:A\|\?x -> Person:B\|\?x: property reasons is \[\]"
    ):
        write_import(store, tmp_path, "L1")
