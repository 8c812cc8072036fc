"""The cheap paths of row validation, merging and saving give what the full paths give."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from small_world import small_world

from loaders.pipeline import run
from ocgmap.schema import PropType, load_schema
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import (
    NodeRow,
    _clean_properties,
    _quick_properties,
    properties_model,
)
from ocgmap.store import GraphFilter
from ocgmap.store.embedded import EmbeddedStore
from ocgmap.store.merge import RowMerger, merge_row, union

UTC = dt.UTC
LONDON = zoneinfo.ZoneInfo("Europe/London")

#: Values of every kind, including ones pydantic converts or refuses.
VALUES: list[Any] = [
    "text",
    "",
    "3",
    "2025-03-01",
    "2025-03-01T02:14:00Z",
    "true",
    3,
    0,
    3.5,
    float("nan"),
    True,
    False,
    dt.date(2025, 3, 1),
    dt.datetime(2025, 3, 1, 2, 14, tzinfo=UTC),
    dt.datetime(2025, 3, 1, 2, 14, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    dt.datetime(2025, 7, 1, 2, 14, tzinfo=LONDON),
    dt.datetime(2025, 3, 1, 2, 14),
    ["a", "b"],
    [],
    ["a", 1],
    ("a",),
    {"a": 1},
    None,
]


def _slow(owner: Label | RelType, props: dict[str, Any]) -> dict[str, Any] | str:
    try:
        return properties_model(owner).model_validate(props).model_dump(exclude_none=True)
    except ValueError as exc:
        return type(exc).__name__


def _owners() -> list[Label | RelType]:
    schema = load_schema()
    return [*schema.labels, *schema.relationships]


@pytest.mark.parametrize("owner", _owners(), ids=str)
def test_quick_properties_agree_with_the_pydantic_model(owner: Label | RelType) -> None:
    schema = load_schema()
    spec = schema.labels[owner] if isinstance(owner, Label) else schema.relationships[owner]
    names = list(spec.properties)
    for name, value in itertools.product(names, VALUES):
        props = {name: value}
        quick = _quick_properties(owner, props)
        if quick is not None:
            slow = _slow(owner, props)
            assert quick == slow, (owner, name, value)
            assert list(quick) == list(slow)  # type: ignore[arg-type]
    if names:
        # every declared property at once, in reverse order: the result keeps schema order
        props = {n: _plain(spec.properties[n]) for n in reversed(names)}
        quick = _quick_properties(owner, props)
        assert quick is not None
        assert list(quick) == list(_slow(owner, props))  # type: ignore[arg-type]
        assert quick == _slow(owner, props)
    assert _quick_properties(owner, {"undeclared": "x"}) is None


def _plain(kind: PropType) -> Any:
    return {
        PropType.STRING: "x",
        PropType.INTEGER: 2,
        PropType.FLOAT: 2.5,
        PropType.BOOLEAN: True,
        PropType.DATE: dt.date(2025, 1, 2),
        PropType.DATETIME: dt.datetime(2025, 1, 2, tzinfo=UTC),
        PropType.STRING_LIST: ["x", "y"],
    }[kind]


def test_clean_properties_copies_lists_and_refuses_as_before() -> None:
    names = ["A"]
    clean = _clean_properties(Label.PERSON, {"names": names})
    assert clean == {"names": ["A"]} and clean["names"] is not names
    with pytest.raises(ValueError, match="Extra inputs"):
        _clean_properties(Label.PERSON, {"colour": "red"})
    with pytest.raises(ValueError, match="entrants_count"):
        _clean_properties(Label.DETECTION, {"entrants_count": "many"})


def _old_merge(attrs: dict[str, Any], row: NodeRow, types: dict[str, PropType]) -> None:
    """The row-by-row rules as first written: new lists every time."""
    for name, value in row.properties.items():
        if types.get(name) is not PropType.STRING_LIST:
            attrs[name] = value
    for name, value in row.properties.items():
        if types.get(name) is PropType.STRING_LIST:
            attrs[name] = union(attrs.get(name) or [], value)
    attrs["sources"] = union(attrs.get("sources") or [], row.sources)
    if row.seen_at is not None:
        first, last = attrs.get("first_seen"), attrs.get("last_seen")
        attrs["first_seen"] = row.seen_at if first is None or row.seen_at < first else first
        attrs["last_seen"] = row.seen_at if last is None or row.seen_at > last else last


def test_row_merger_equals_row_by_row_merging_and_keeps_old_lists() -> None:
    types = load_schema().labels[Label.PERSON].properties
    at = dt.datetime(2025, 1, 1, tzinfo=UTC)
    rows = [
        NodeRow(
            label=Label.PERSON,
            key="A|?x",
            properties={"names": [f"N{i % 3}", "N0"], "name": f"A{i}"},
            sources=[f"L1:a.csv#{i % 5}"],
            seen_at=at + dt.timedelta(days=(i * 7) % 11),
        )
        for i in range(40)
    ]
    stored = ["L0:z.csv#1"]
    expected: dict[str, Any] = {"label": "Person", "key": "A|?x", "sources": list(stored)}
    got: dict[str, Any] = {"label": "Person", "key": "A|?x", "sources": stored}
    for row in rows:
        _old_merge(expected, row, types)
    merger = RowMerger(types)
    for row in rows:
        merger.merge(got, row)
    assert got == expected and list(got) == list(expected)
    assert stored == ["L0:z.csv#1"]  # a list the merger did not make is never changed
    again: dict[str, Any] = {"sources": list(stored)}
    for row in rows:
        merge_row(again, row, types)
    del expected["label"], expected["key"]
    assert again == expected


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small world with every source; the event files cut to 600 records (quick loads)."""
    return small_world(tmp_path_factory.mktemp("fast") / "world", seed=3, scale=0.01, rows=600)


def test_to_networkx_filters_as_the_full_scan(world: Path, tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "home" / "graph.json")
    run([world], store, tmp_path / "home")
    for labels, types in [
        (None, None),
        (frozenset({Label.PERSON, Label.HAULIER}), frozenset()),
        (frozenset({Label.VEHICLE, Label.CROSSING}), None),
        (None, frozenset({RelType.CROSSED})),
    ]:
        got = store.to_networkx(GraphFilter(labels=labels, types=types))
        keep_labels = {str(x) for x in labels} if labels is not None else None
        keep_types = {str(x) for x in types} if types is not None else None
        nodes = [
            (n, a)
            for n, a in store.graph.nodes(data=True)
            if keep_labels is None or a["label"] in keep_labels
        ]
        ids = {n for n, _ in nodes}
        edges = [
            (u, v, k, a)
            for u, v, k, a in store.graph.edges(keys=True, data=True)
            if u in ids and v in ids and (keep_types is None or a["type"] in keep_types)
        ]
        assert list(got.nodes(data=True)) == nodes
        assert list(got.edges(keys=True, data=True)) == edges


class _CountingStore(EmbeddedStore):
    saves = 0

    def save(self) -> None:
        type(self).saves += 1
        super().save()


def test_small_files_share_one_group_and_a_failure_keeps_committed_groups(
    world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    store = _CountingStore(home / "graph.json")
    _CountingStore.saves = 0
    run([world], store, home, commit_rows=1_000_000)
    assert _CountingStore.saves == 2  # the empty graph, then the one group with its links
    clean = store.counts()

    # A failure while the second group is written leaves the graph of the first group.
    import loaders.pipeline as pipeline

    calls = {"n": 0}
    real = pipeline._FileLoad.record

    def failing(self: Any, record: Any) -> None:
        if self.path.name == "calls.csv":
            calls["n"] += 1
            if calls["n"] == 250:
                raise KeyboardInterrupt
        real(self, record)

    monkeypatch.setattr(pipeline._FileLoad, "record", failing)
    home2 = tmp_path / "home2"
    crashed = EmbeddedStore(home2 / "graph.json")
    with pytest.raises(KeyboardInterrupt):
        run([world], crashed, home2, commit_rows=500)
    on_disk = EmbeddedStore(home2 / "graph.json")
    assert crashed.counts() == on_disk.counts()
    assert 0 < sum(on_disk.counts().nodes.values()) < sum(clean.nodes.values())
    monkeypatch.setattr(pipeline._FileLoad, "record", real)
    run([world], on_disk, home2, commit_rows=500)
    assert on_disk.counts() == clean
