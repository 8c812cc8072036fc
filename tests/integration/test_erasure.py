"""Erasing a load by its provenance, on every store kind (issue 8: retention and erasure).

Inputs are made by the real loader from two tiny detections files that both mention the
lorry ZZ01 AAA and its driver Ola; Jan (with a date of birth) is only in the first file and a
Jan without one only in the second, so the loader links the two Jans as POSSIBLY_SAME.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.erasure import erase_load
from loaders.pipeline import LoadReport, run
from ocgmap.errors import InputError
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, NodeRef, NodeRow
from ocgmap.store import ErasureResult, GraphStore

HEAD = (
    "detection_ref,detected_at,location_type,port_locode,vrm,driver_name,driver_dob,"
    "driver_phone,entrants_count,reporting_agency\n"
)
#: Jan (born 1980-01-02) and Ola drive ZZ01 AAA.
FIRST = HEAD + (
    "D-1,2025-03-01T02:14:00,PORT,GBDVR,ZZ01 AAA,Jan Testowy,1980-01-02,07700 900001,4,"
    "Border Force\n"
    "D-4,2025-03-09T02:14:00,PORT,GBDVR,ZZ01 AAA,Ola Przyklad,1990-05-06,07700 900003,2,"
    "Border Force\n"
)
#: A Jan without a date of birth and Ola drive ZZ01 AAA.
SECOND = HEAD + (
    "D-2,2025-04-01T02:14:00,PORT,GBDVR,ZZ01 AAA,Jan Testowy,,07700 900002,3,Border Force\n"
    "D-3,2025-04-09T02:14:00,PORT,GBDVR,ZZ01 AAA,Ola Przyklad,1990-05-06,07700 900003,1,"
    "Border Force\n"
)
LORRY = NodeRef(label=Label.VEHICLE, key="ZZ01AAA")
OLA = NodeRef(label=Label.PERSON, key="OLA PRZYKLAD|1990-05-06")
JAN = NodeRef(label=Label.PERSON, key="JAN TESTOWY|1980-01-02")
CLUSTER = NodeRef(label=Label.CLUSTER, key="C-00001")
RUN_TOKEN = "R-1:analysis#1"
WHY = "past its review date and no longer needed"


def _load(store: GraphStore, home: Path, name: str, text: str) -> LoadReport:
    path = home.parent / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return run([path], store, home, source="detections")


def _file_id(report: LoadReport) -> str:
    [file] = report.files
    assert file.file_id is not None
    return file.file_id


def _add_analysis(store: GraphStore) -> None:
    """A cluster holding the lorry, as an analysis run leaves it (run provenance only)."""
    store.upsert_nodes(
        Label.CLUSTER, [NodeRow(label=Label.CLUSTER, key=CLUSTER.key, sources=[RUN_TOKEN])]
    )
    store.upsert_edges(
        RelType.IN_CLUSTER,
        [EdgeRow(type=RelType.IN_CLUSTER, start=LORRY, end=CLUSTER, sources=[RUN_TOKEN])],
    )


def _tokens(store: GraphStore) -> list[str]:
    graph = store.to_networkx()
    nodes = [s for _, a in graph.nodes(data=True) for s in a["sources"]]
    return nodes + [s for _, _, a in graph.edges(data=True) for s in a["sources"]]


def _types_at(store: GraphStore, ref: NodeRef) -> set[str]:
    return {e.type for e in store.neighbourhood([ref]).edges}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def test_erasing_one_of_two_loads_keeps_the_vehicle_with_the_others_provenance(
    store: GraphStore, home: Path
) -> None:
    first = _load(store, home, "first.csv", FIRST)
    second = _load(store, home, "second.csv", SECOND)
    _add_analysis(store)
    assert second.possibly_same == 1
    done = erase_load(store, home, first.load_id, justification=WHY, user="J Smith")
    gone, kept = _file_id(first), _file_id(second)
    assert (done.erased_file_ids, done.kept_file_ids, done.repeat) == ([gone], {}, False)
    lorry = store.get(LORRY.label, LORRY.key)
    assert lorry is not None and lorry.sources == [f"{kept}:second.csv#2", f"{kept}:second.csv#3"]
    ola = store.get(OLA.label, OLA.key)
    assert ola is not None and ola.sources == [f"{kept}:second.csv#3"]
    assert store.get(JAN.label, JAN.key) is None  # and with him POSSIBLY_SAME
    assert store.get(Label.DETECTION, "D-1") is None
    assert store.get(Label.DETECTION, "D-2") is not None
    assert not any(t.startswith(f"{gone}:") for t in _tokens(store))
    assert "POSSIBLY_SAME" not in store.counts().relationships
    assert _types_at(store, LORRY) == {"DROVE", "INVOLVED", "IN_CLUSTER"}
    cluster = store.get(CLUSTER.label, CLUSTER.key)
    assert cluster is not None and cluster.sources == [RUN_TOKEN]
    # Jan, his phone, D-1 and D-4 go; the lorry, Ola, her phone and Dover stay trimmed; Jan's
    # DROVE and USES, POSSIBLY_SAME and four INVOLVED and two AT of D-1 and D-4 go; Ola's
    # DROVE and USES stay trimmed.
    assert done.result == ErasureResult(
        nodes_deleted=4, relationships_deleted=11, nodes_trimmed=4, relationships_trimmed=2
    )


def test_erasing_its_only_load_removes_the_vehicle_and_its_relationships(
    store: GraphStore, home: Path
) -> None:
    first = _load(store, home, "first.csv", FIRST)
    second = _load(store, home, "second.csv", SECOND)
    _add_analysis(store)
    erase_load(store, home, first.load_id, justification=WHY, user="J Smith")
    done = erase_load(store, home, second.load_id, justification=WHY, user="J Smith")
    assert store.get(LORRY.label, LORRY.key) is None
    assert store.counts().nodes == {"Cluster": 1}  # analysis bookkeeping is never erased
    assert store.counts().relationships == {}  # IN_CLUSTER went with the lorry
    assert done.result.nodes_deleted == 8 and done.result.nodes_trimmed == 0


def test_erasing_again_changes_nothing(store: GraphStore, home: Path) -> None:
    first = _load(store, home, "first.csv", FIRST)
    _load(store, home, "second.csv", SECOND)
    erase_load(store, home, first.load_id, justification=WHY, user="J Smith")
    before = store.to_networkx()
    again = erase_load(store, home, first.load_id, justification=WHY, user="J Smith")
    assert again.repeat and again.result == ErasureResult()
    after = store.to_networkx()
    assert dict(after.nodes(data=True)) == dict(before.nodes(data=True))
    assert sorted(after.edges(keys=True)) == sorted(before.edges(keys=True))
    assert store.erase_sources([_file_id(first)]) == ErasureResult()


def test_a_file_loaded_twice_keeps_its_facts_until_both_loads_go(
    store: GraphStore, home: Path
) -> None:
    once = _load(store, home, "first.csv", FIRST)
    twice = _load(store, home, "first.csv", FIRST)
    counts = store.counts()
    done = erase_load(store, home, once.load_id, justification=WHY, user="J Smith")
    assert done.erased_file_ids == [] and done.kept_file_ids == {_file_id(once): [twice.load_id]}
    assert done.result == ErasureResult() and store.counts() == counts
    last = erase_load(store, home, twice.load_id, justification=WHY, user="J Smith")
    assert last.erased_file_ids == [_file_id(twice)]
    assert store.counts().nodes == {}


def test_erase_sources_trims_deletes_and_leaves_other_provenance(store: GraphStore) -> None:
    """Hand-made rows pin the rule: ends that lose every source take their relationships."""
    phones = [
        NodeRow(label=Label.PHONE, key="+447700900001", sources=["aa:c.csv#1"]),
        NodeRow(label=Label.PHONE, key="+447700900002", sources=["aa:c.csv#2", "bb:c.csv#1"]),
        NodeRow(label=Label.PHONE, key="+447700900003", sources=["bb:c.csv#2"]),
    ]
    store.upsert_nodes(Label.PHONE, phones)
    store.upsert_nodes(
        Label.CLUSTER, [NodeRow(label=Label.CLUSTER, key=CLUSTER.key, sources=[RUN_TOKEN])]
    )
    one, two, three = (p.ref for p in phones)

    def called(a: NodeRef, b: NodeRef, *sources: str) -> EdgeRow:
        return EdgeRow(type=RelType.CALLED, start=a, end=b, sources=list(sources))

    store.upsert_edges(
        RelType.CALLED,
        [
            called(one, two, "bb:c.csv#9"),  # its start loses every source: deleted
            called(two, three, "aa:c.csv#3", "bb:c.csv#3"),  # trimmed
            called(two, two, "aa:c.csv#4"),  # a self-loop left without sources: deleted
            called(three, three, "bb:c.csv#4"),  # untouched
        ],
    )
    store.upsert_edges(
        RelType.IN_CLUSTER,
        [
            EdgeRow(type=RelType.IN_CLUSTER, start=one, end=CLUSTER, sources=[RUN_TOKEN]),
            EdgeRow(type=RelType.IN_CLUSTER, start=three, end=CLUSTER, sources=[RUN_TOKEN]),
        ],
    )
    assert store.erase_sources([]) == ErasureResult()
    with pytest.raises(InputError, match="without ':'"):
        store.erase_sources(["aa:c.csv"])
    done = store.erase_sources(["aa", "zz"])
    assert done == ErasureResult(
        nodes_deleted=1, relationships_deleted=3, nodes_trimmed=1, relationships_trimmed=1
    )
    left = store.subgraph([one, two, three, CLUSTER])
    assert {n.key: n.sources for n in left.nodes} == {
        two.key: ["bb:c.csv#1"],
        three.key: ["bb:c.csv#2"],
        CLUSTER.key: [RUN_TOKEN],
    }
    edges = {(e.start.key, e.end.key, e.type): e.sources for e in left.edges}
    assert edges == {
        (two.key, three.key, "CALLED"): ["bb:c.csv#3"],
        (three.key, three.key, "CALLED"): ["bb:c.csv#4"],
        (three.key, CLUSTER.key, "IN_CLUSTER"): [RUN_TOKEN],
    }
    assert store.erase_sources(["aa"]) == ErasureResult()


def test_erase_refuses_an_unknown_load(store: GraphStore, home: Path) -> None:
    with pytest.raises(InputError, match="No load '20250301T021400Z-3fa9c1' is recorded"):
        erase_load(store, home, "20250301T021400Z-3fa9c1", justification=WHY)
    with pytest.raises(InputError, match="plain name"):
        erase_load(store, home, "../graph", justification=WHY)


def test_neo4j_erases_in_batches_and_finishes_a_stopped_erasure(
    neo4j_session_store: GraphStore, tmp_path: Path
) -> None:
    """Batches of two, and an erasure stopped after its relationships, then run again."""
    from ocgmap.store import queries as q
    from ocgmap.store.neo4j import Neo4jStore

    assert isinstance(neo4j_session_store, Neo4jStore)
    neo4j_session_store.wipe()
    small = Neo4jStore(neo4j_session_store.driver, uri=neo4j_session_store.uri, batch_size=2)
    home = tmp_path / "home"
    first = _load(small, home, "first.csv", FIRST)
    _load(small, home, "second.csv", SECOND)
    gone = _file_id(first)
    rels = small._erase(q.ERASE_RELATIONSHIP_IDS, q.ERASE_RELATIONSHIPS, [f"{gone}:"])
    assert rels == (11, 2)  # stopped here: nodes still to do
    rest = erase_load(small, home, first.load_id, justification=WHY, user="J Smith")
    assert rest.result == ErasureResult(nodes_deleted=4, nodes_trimmed=4)
    assert not any(t.startswith(f"{gone}:") for t in _tokens(small))
    lorry = small.get(LORRY.label, LORRY.key)
    assert lorry is not None and len(lorry.sources) == 2
