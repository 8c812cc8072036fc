"""The GraphStore contract, run against every store kind (embedded and real Neo4j)."""

from __future__ import annotations

import datetime as dt

import pytest
import world
from world import (
    BROKER,
    DETECTION,
    DRIVER,
    HAULIER,
    LONER,
    LORRY,
    OTHER_PHONE,
    PHONE,
    REFERRAL,
    TRAILER,
    VAN,
    edge,
    node,
    ref,
)

from ocgmap.errors import SchemaError, StoreError
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import NodeRow
from ocgmap.store import GraphFilter, GraphStore

UTC = dt.UTC


def test_empty_store_counts_nothing(store: GraphStore) -> None:
    counts = store.counts()
    assert counts.nodes == {} and counts.relationships == {}
    assert counts.store == store.name


def test_upsert_then_counts(store: GraphStore) -> None:
    world.load(store)
    counts = store.counts()
    assert counts.nodes == {
        "Detection": 1,
        "Haulier": 1,
        "Person": 2,
        "Phone": 2,
        "Referral": 1,
        "Trailer": 1,
        "Vehicle": 3,
    }
    assert counts.relationships == {
        "CALLED": 1,
        "CONCERNS": 1,
        "DROVE": 1,
        "INVOLVED": 2,
        "OPERATES": 2,
        "TOWED": 1,
        "USES": 2,
    }


def test_upserts_are_idempotent(store: GraphStore) -> None:
    world.load(store)
    before = store.counts()
    again = store.upsert_nodes(
        Label.VEHICLE, [r for r in world.nodes() if r.label is Label.VEHICLE]
    )
    assert (again.rows, again.created) == (3, 0)
    again_e = store.upsert_edges(
        RelType.OPERATES, [r for r in world.edges() if r.type is RelType.OPERATES]
    )
    assert (again_e.rows, again_e.created) == (2, 0)
    world.load(store)
    assert store.counts() == before
    got = store.get(Label.VEHICLE, VAN.key)
    assert got is not None and got.sources == ["L1:w.csv#2"]


def test_provenance_accumulates_once_per_source(store: GraphStore) -> None:
    first = node("Vehicle", "ZZ05EEE", 7, load="L1")
    second = node("Vehicle", "ZZ05EEE", 3, load="L2")
    store.upsert_nodes(Label.VEHICLE, [first, second, first])
    store.upsert_nodes(Label.VEHICLE, [second])
    got = store.get(Label.VEHICLE, "ZZ05EEE")
    assert got is not None
    assert got.sources == ["L1:w.csv#7", "L2:w.csv#3"]


def test_scalars_overwrite_and_lists_accumulate(store: GraphStore) -> None:
    key = "NAME:ACME FREIGHT|PL"
    store.upsert_nodes(
        Label.HAULIER,
        [
            node("Haulier", key, 1, name="ACME FREIGHT", names=["Acme Freight"], status="Active"),
        ],
    )
    store.upsert_nodes(
        Label.HAULIER,
        [
            node(
                "Haulier", key, 2, names=["ACME FREIGHT SP ZOO", "Acme Freight"], status="Dissolved"
            ),
        ],
    )
    got = store.get(Label.HAULIER, key)
    assert got is not None
    assert got.properties["name"] == "ACME FREIGHT"  # a missing value never erases one
    assert got.properties["status"] == "Dissolved"
    assert got.properties["names"] == ["Acme Freight", "ACME FREIGHT SP ZOO"]


def test_first_and_last_seen_widen(store: GraphStore) -> None:
    times = [
        dt.datetime(2025, 5, 1, tzinfo=UTC),
        dt.datetime(2024, 1, 9, 8, 30, tzinfo=UTC),
        dt.datetime(2025, 2, 2, tzinfo=UTC),
    ]
    rows = [
        NodeRow(label=Label.PHONE, key="+447700900009", sources=[f"L1:c.csv#{i}"], seen_at=t)
        for i, t in enumerate(times)
    ]
    rows.append(NodeRow(label=Label.PHONE, key="+447700900009", sources=["L1:c.csv#9"]))
    for row in rows:
        store.upsert_nodes(Label.PHONE, [row])
    got = store.get(Label.PHONE, "+447700900009")
    assert got is not None
    assert got.first_seen == dt.datetime(2024, 1, 9, 8, 30, tzinfo=UTC)
    assert got.last_seen == dt.datetime(2025, 5, 1, tzinfo=UTC)
    assert len(got.sources) == 4


def test_get_round_trips_types(store: GraphStore) -> None:
    world.load(store)
    assert store.get(Label.VEHICLE, "NOPE") is None
    haulier = store.get(Label.HAULIER, HAULIER.key)
    assert haulier is not None
    assert haulier.properties["incorporated_on"] == dt.date(2019, 4, 1)
    detection = store.get(Label.DETECTION, DETECTION.key)
    assert detection is not None
    assert detection.properties["detected_at"] == dt.datetime(2025, 3, 1, 2, 14, tzinfo=UTC)
    assert detection.properties["entrants_count"] == 4


def test_intelligence_keeps_its_grading(store: GraphStore) -> None:
    world.load(store)
    referral = store.get(Label.REFERRAL, REFERRAL.key)
    assert referral is not None
    assert {
        k: referral.properties[k]
        for k in ("grading_scheme", "source_evaluation", "intel_assessment", "handling_code")
    } == {
        "grading_scheme": "3x5x2",
        "source_evaluation": "2",
        "intel_assessment": "B",
        "handling_code": "C",
    }
    assert referral.properties["handling_conditions"] == "not for onward disclosure"
    concerns = [e for e in store.subgraph([REFERRAL, BROKER]).edges if e.type is RelType.CONCERNS]
    assert len(concerns) == 1 and concerns[0].properties["handling_code"] == "C"


def test_edges_to_missing_nodes_are_refused(store: GraphStore) -> None:
    world.load(store)
    before = store.counts()
    bad = [
        edge("OPERATES", HAULIER, LONER, 40),
        edge("OPERATES", HAULIER, ref("Vehicle", "GHOST1"), 41),
    ]
    with pytest.raises(StoreError, match="do not exist"):
        store.upsert_edges(RelType.OPERATES, bad)
    assert store.counts() == before


def test_edge_key_tells_parallel_relationships_apart(store: GraphStore) -> None:
    loc = ref("Location", "CAM-M20-J11")
    store.upsert_nodes(Label.VEHICLE, [node("Vehicle", VAN.key, 1)])
    store.upsert_nodes(Label.LOCATION, [node("Location", loc.key, 2, name="M20 J11")])
    rows = [
        edge("SIGHTED", VAN, loc, 3, key="2025-03-01", count=1, times=["02:10"]),
        edge("SIGHTED", VAN, loc, 4, key="2025-03-02", count=1, times=["03:00"]),
        edge("SIGHTED", VAN, loc, 5, key="2025-03-01", count=2, times=["02:10", "04:40"]),
    ]
    store.upsert_edges(RelType.SIGHTED, rows)
    sub = store.subgraph([VAN, loc])
    by_key = {e.key: e for e in sub.edges}
    assert set(by_key) == {"2025-03-01", "2025-03-02"}
    assert by_key["2025-03-01"].properties["times"] == ["02:10", "04:40"]
    assert by_key["2025-03-01"].properties["count"] == 2
    assert by_key["2025-03-01"].sources == ["L1:w.csv#3", "L1:w.csv#5"]


def test_tally_counts_distinct_starts_and_observations_per_end_node(store: GraphStore) -> None:
    cam1, cam2 = ref("Location", "CAM-1"), ref("Location", "CAM-2")
    store.upsert_nodes(Label.VEHICLE, [node("Vehicle", VAN.key, 1), node("Vehicle", LORRY.key, 2)])
    store.upsert_nodes(
        Label.LOCATION, [node("Location", cam1.key, 3), node("Location", cam2.key, 4)]
    )
    store.upsert_edges(
        RelType.SIGHTED,
        [
            edge("SIGHTED", VAN, cam1, 5, key="2025-03-01", count=3),  # the count
            edge("SIGHTED", VAN, cam1, 6, key="2025-03-02", times=["01:00", "02:00"]),
            edge("SIGHTED", LORRY, cam1, 7, key="2025-03-01"),  # neither: one read
            edge("SIGHTED", LORRY, cam2, 8, key="2025-03-01", count=0, times=["05:00"]),
        ],
    )
    tally = store.tally(RelType.SIGHTED, Label.VEHICLE, Label.LOCATION)
    assert tally == {"CAM-1": (2, 3 + 2 + 1), "CAM-2": (1, 1)}
    assert tally["CAM-1"].starts == 2 and tally["CAM-1"].observations == 6
    # another label at either end, or a type nothing has, counts nothing
    assert store.tally(RelType.AT, Label.DETECTION, Label.LOCATION) == {}
    with pytest.raises(SchemaError, match="no SIGHTED relationship from Person to Location"):
        store.tally(RelType.SIGHTED, Label.PERSON, Label.LOCATION)


def test_search(store: GraphStore) -> None:
    world.load(store)
    assert [n.key for n in store.search("zz0")] == [VAN.key, LORRY.key]
    assert [n.key for n in store.search("example")] == [HAULIER.key, BROKER.key]
    assert [n.key for n in store.search("example", labels=[Label.PERSON])] == [BROKER.key]
    assert [n.key for n in store.search("example haulage ltd")] == [HAULIER.key]
    assert len(store.search("ZZ", limit=2)) == 2
    assert store.search("no such thing") == []


def test_neighbourhood(store: GraphStore) -> None:
    world.load(store)
    one = store.neighbourhood([LORRY], hops=1)
    assert one.refs() == {LORRY, HAULIER, TRAILER, DRIVER, DETECTION}
    assert {e.type for e in one.edges} == {
        RelType.OPERATES,
        RelType.TOWED,
        RelType.DROVE,
        RelType.INVOLVED,
    }
    assert len(one.edges) == 5  # INVOLVED twice: the detection also names the trailer
    two = store.neighbourhood([LORRY], hops=2)
    assert two.refs() == one.refs() | {VAN, PHONE}
    assert store.neighbourhood([LONER], hops=3).refs() == {LONER}
    limited = store.neighbourhood([LORRY], hops=2, limit=3)
    assert len(limited.nodes) == 3 and LORRY in limited.refs()


def test_shortest_paths(store: GraphStore) -> None:
    world.load(store)
    paths = store.shortest_paths(VAN, BROKER)
    assert [[n.key for n in p.nodes] for p in paths] == [
        [VAN.key, HAULIER.key, LORRY.key, DRIVER.key, PHONE.key, OTHER_PHONE.key, BROKER.key]
    ]
    assert paths[0].length == 6
    assert [e.type for e in paths[0].edges] == [
        RelType.OPERATES,
        RelType.OPERATES,
        RelType.DROVE,
        RelType.USES,
        RelType.CALLED,
        RelType.USES,
    ]
    assert store.shortest_paths(VAN, BROKER, max_hops=5) == []
    assert store.shortest_paths(VAN, LONER) == []
    two = store.shortest_paths(LORRY, TRAILER)
    assert [[n.key for n in p.nodes] for p in two] == [[LORRY.key, TRAILER.key]]
    via = store.shortest_paths(HAULIER, DETECTION)
    assert [[n.key for n in p.nodes] for p in via] == [[HAULIER.key, LORRY.key, DETECTION.key]]


def test_subgraph(store: GraphStore) -> None:
    world.load(store)
    sub = store.subgraph([HAULIER, VAN, LORRY, LONER, ref("Vehicle", "ABSENT")])
    assert sub.refs() == {HAULIER, VAN, LORRY, LONER}
    assert sorted((e.start.key, e.end.key) for e in sub.edges) == [
        (HAULIER.key, VAN.key),
        (HAULIER.key, LORRY.key),
    ]


def test_to_networkx(store: GraphStore) -> None:
    world.load(store)
    graph = store.to_networkx()
    assert graph.number_of_nodes() == 11 and graph.number_of_edges() == 10
    attrs = graph.nodes[f"Haulier:{HAULIER.key}"]
    assert attrs["label"] == "Haulier" and attrs["name"] == "EXAMPLE HAULAGE LTD"
    assert attrs["sources"] == ["L1:w.csv#1"]
    called = graph.get_edge_data(f"Phone:{PHONE.key}", f"Phone:{OTHER_PHONE.key}")
    assert list(called) == ["CALLED|"] and called["CALLED|"]["count"] == 3
    part = store.to_networkx(
        GraphFilter(
            labels=frozenset({Label.VEHICLE, Label.HAULIER}), types=frozenset({RelType.OPERATES})
        )
    )
    assert part.number_of_nodes() == 4 and part.number_of_edges() == 2


def test_wipe(store: GraphStore) -> None:
    world.load(store)
    store.wipe()
    assert store.counts().nodes == {}


def test_ten_thousand_rows_twice(store: GraphStore) -> None:
    rows = [node("Phone", f"+4477009{i:05d}", i, load="BIG") for i in range(10_000)]
    calls = [
        edge("CALLED", ref("Phone", rows[i].key), ref("Phone", rows[i + 1].key), i)
        for i in range(0, 10_000, 2)
    ]
    for _ in range(2):
        store.upsert_nodes(Label.PHONE, rows)
        store.upsert_edges(RelType.CALLED, calls)
        counts = store.counts()
        assert counts.nodes == {"Phone": 10_000} and counts.relationships == {"CALLED": 5_000}
    sample = store.get(Label.PHONE, rows[1234].key)
    assert sample is not None and sample.sources == ["BIG:w.csv#1234"]
    graph = store.to_networkx()
    assert all(len(a["sources"]) == 1 for _, a in graph.nodes(data=True))
    assert all(len(a["sources"]) == 1 for _, _, a in graph.edges(data=True))
