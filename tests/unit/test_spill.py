"""The bulk store on disk: the same graph, in the same order, as the bulk store in memory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from small_world import small_world

from loaders.pipeline import run
from ocgmap.errors import StoreError
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, NodeRef, NodeRow
from ocgmap.store import GraphFilter
from ocgmap.store.admin_import import BulkStore
from ocgmap.store.import_writer import write_import
from ocgmap.store.spill import DiskBulkStore

AT = dt.datetime(2025, 3, 1, 2, 14, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic world with every source (the large event files cut short)."""
    return small_world(tmp_path_factory.mktemp("spill") / "world", seed=4, scale=0.002, rows=400)


@pytest.fixture(scope="module")
def memory_load(world: Path, tmp_path_factory: pytest.TempPathFactory) -> BulkStore:
    root = tmp_path_factory.mktemp("memory")
    memory = BulkStore(root / "never.json")
    run([world], memory, root / "home", batch_rows=50)
    return memory


#: Entries kept in memory: all of this world's, and few (most batches go through the file).
CACHES = {"cached": 500_000, "spilled": 40}


@pytest.fixture(scope="module", params=sorted(CACHES))
def loaded(
    request: pytest.FixtureRequest,
    world: Path,
    memory_load: BulkStore,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[BulkStore, DiskBulkStore]:
    root = tmp_path_factory.mktemp("disk")
    disk = DiskBulkStore(root / "load.sqlite", cache_entries=CACHES[request.param])
    # batches far smaller than the files: rows of one entity meet across batches on disk
    run([world], disk, root / "home", batch_rows=50)
    return memory_load, disk


def test_a_load_on_disk_is_the_load_in_memory_in_the_same_order(
    loaded: tuple[BulkStore, DiskBulkStore],
) -> None:
    memory, disk = loaded
    a, b = memory.to_networkx(), disk.to_networkx()
    assert a.number_of_nodes() > 300 and a.number_of_edges() > 1000
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))
    assert disk.counts().model_dump(exclude={"store"}) == memory.counts().model_dump(
        exclude={"store"}
    )
    assert disk.counts().store == memory.counts().store == "neo4j"


def test_filters_and_get_read_as_the_store_in_memory(
    loaded: tuple[BulkStore, DiskBulkStore],
) -> None:
    memory, disk = loaded
    for flt in (
        GraphFilter(labels=frozenset({Label.HAULIER}), types=frozenset()),
        GraphFilter(labels=frozenset({Label.PERSON, Label.HAULIER, Label.VEHICLE})),
        GraphFilter(types=frozenset({RelType.CROSSED, RelType.DROVE})),
    ):
        a, b = memory.to_networkx(flt), disk.to_networkx(flt)
        assert list(a.nodes(data=True)) == list(b.nodes(data=True))
        assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))
    some = next(iter(memory.to_networkx(GraphFilter(labels=frozenset({Label.VEHICLE})))))
    label, _, key = some.partition(":")
    assert disk.get(Label(label), key) == memory.get(Label(label), key)
    assert disk.get(Label.VEHICLE, "NO SUCH") is None


def test_items_for_the_import_files_come_grouped_in_graph_order(
    loaded: tuple[BulkStore, DiskBulkStore],
) -> None:
    memory, disk = loaded
    graph = memory.to_networkx()
    assert list(disk.node_items()) == [a for _, a in graph.nodes(data=True)]
    assert list(disk.node_items("Vehicle")) == [
        a for _, a in graph.nodes(data=True) if a["label"] == "Vehicle"
    ]
    groups = disk.edge_groups()
    assert groups == sorted(
        {
            (a["type"], u.partition(":")[0], v.partition(":")[0])
            for u, v, a in graph.edges(data=True)
        }
    )
    for group in groups:
        want = [
            (u, v, a)
            for u, v, a in graph.edges(data=True)
            if (a["type"], u.partition(":")[0], v.partition(":")[0]) == group
        ]
        assert list(disk.edge_items(group)) == want
    assert list(disk.edge_items()) == list(graph.edges(data=True))


def test_the_import_files_are_byte_for_byte_those_of_the_store_in_memory(
    loaded: tuple[BulkStore, DiskBulkStore], tmp_path: Path
) -> None:
    memory, disk = loaded
    assert disk.group_sizes() == memory.group_sizes()
    assert disk.node_labels() == memory.node_labels()
    for name in ("memory", "disk", "forked"):
        (tmp_path / name).mkdir()
    want = write_import(memory, tmp_path / "memory", "L1")
    # two processes each: the child reads the working file through a connection of its own
    got = write_import(disk, tmp_path / "disk", "L1", jobs=2)
    forked = write_import(memory, tmp_path / "forked", "L1", jobs=2)
    assert len(want.files) > 20
    names = sorted(p.name for p in (tmp_path / "memory").iterdir())
    for other, manifest in (("disk", got), ("forked", forked)):
        assert manifest.model_dump(exclude={"created_at"}) == want.model_dump(
            exclude={"created_at"}
        )
        assert names == sorted(p.name for p in (tmp_path / other).iterdir())
        for name in names:
            if name != "manifest.json":
                assert (tmp_path / other / name).read_bytes() == (
                    tmp_path / "memory" / name
                ).read_bytes(), (other, name)


def _phone(key: str, source: str) -> NodeRow:
    return NodeRow(label=Label.PHONE, key=key, sources=[source])


@pytest.mark.parametrize("cache", [1, 100])
def test_merges_across_batches_follow_the_embedded_rules(tmp_path: Path, cache: int) -> None:
    memory = BulkStore(tmp_path / "m.json")
    disk = DiskBulkStore(tmp_path / "d.sqlite", cache_entries=cache)
    a, b = NodeRef(label=Label.PHONE, key="+1"), NodeRef(label=Label.PHONE, key="+2")
    batches = [
        [_phone("+1", "L1:x#1"), _phone("+2", "L1:x#2")],
        [_phone("+1", "L1:x#3"), _phone("+1", "L1:x#1")],
    ]
    calls = [
        [EdgeRow(type=RelType.CALLED, start=a, end=b, key="c1", seen_at=AT, sources=["L1:c#2"])],
        [
            EdgeRow(type=RelType.CALLED, start=b, end=a, key="c2", sources=["L1:c#3"]),
            EdgeRow(
                type=RelType.CALLED,
                start=a,
                end=b,
                key="c1",
                seen_at=AT - dt.timedelta(days=1),
                sources=["L1:c#4"],
            ),
            EdgeRow(type=RelType.CALLED, start=a, end=b, key="c3", sources=["L1:c#5"]),
        ],
    ]
    for store in (memory, disk):
        results = [store.upsert_nodes(Label.PHONE, rows) for rows in batches]
        assert [(r.rows, r.created) for r in results] == [(2, 2), (2, 0)]
        results = [store.upsert_edges(RelType.CALLED, rows) for rows in calls]
        assert [(r.rows, r.created) for r in results] == [(1, 1), (3, 2)]
    x, y = memory.to_networkx(), disk.to_networkx()
    assert list(x.edges(keys=True, data=True)) == list(y.edges(keys=True, data=True))
    assert list(x.nodes(data=True)) == list(y.nodes(data=True))
    assert y.nodes["Phone:+1"]["sources"] == ["L1:x#1", "L1:x#3"]
    assert y.edges["Phone:+1", "Phone:+2", "CALLED|c1"]["first_seen"] == AT - dt.timedelta(days=1)


def test_refusals_name_what_is_wrong(tmp_path: Path) -> None:
    store = DiskBulkStore(tmp_path / "d.sqlite")
    with pytest.raises(StoreError, match="does not exist; .* does"):
        DiskBulkStore(tmp_path / "d.sqlite")
    with pytest.raises(StoreError, match=r"upsert_nodes\(Phone\) was given a Vehicle row"):
        store.upsert_nodes(
            Label.PHONE, [NodeRow(label=Label.VEHICLE, key="AB12CDE", sources=["L1:v#2"])]
        )
    ghost = NodeRef(label=Label.PHONE, key="+9")
    with pytest.raises(StoreError, match="1 CALLED relationship end.* Phone '\\+9'"):
        store.upsert_nodes(Label.PHONE, [_phone("+1", "L1:x#1")])
        start = NodeRef(label=Label.PHONE, key="+1")
        store.upsert_edges(
            RelType.CALLED,
            [EdgeRow(type=RelType.CALLED, start=start, end=ghost, sources=["L1:c#2"])],
        )
    assert store.counts().relationships == {}
    with pytest.raises(StoreError, match="only collects a first load"):
        store.search("x")
    with pytest.raises(StoreError, match="only collects a first load"):
        store.neighbourhood([ghost])
    store.wipe()
    assert store.counts().nodes == {}
    store.close()
    assert not (tmp_path / "d.sqlite").exists()
