"""A tiny hand-made graph for the store contract suite (no real names or VRMs)."""

from __future__ import annotations

import datetime as dt

from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, Grading, NodeRef, NodeRow

UTC = dt.UTC


def ref(label: str, key: str) -> NodeRef:
    return NodeRef(label=Label(label), key=key)


def node(label: str, key: str, row: int, load: str = "L1", **props: object) -> NodeRow:
    return NodeRow(label=Label(label), key=key, properties=props, sources=[f"{load}:w.csv#{row}"])


def edge(type: str, a: NodeRef, b: NodeRef, row: int, key: str = "", **props: object) -> EdgeRow:
    return EdgeRow(
        type=RelType(type), start=a, end=b, key=key, properties=props, sources=[f"L1:w.csv#{row}"]
    )


HAULIER = ref("Haulier", "CH:01234567")
VAN = ref("Vehicle", "ZZ01AAA")
LORRY = ref("Vehicle", "ZZ02BBB")
TRAILER = ref("Trailer", "TRL0001")
DRIVER = ref("Person", "JAN TESTOWY|1980-01-02")
PHONE = ref("Phone", "+447700900001")
OTHER_PHONE = ref("Phone", "+447700900002")
BROKER = ref("Person", "ALEX EXAMPLE|1975-05")
DETECTION = ref("Detection", "DET-1")
REFERRAL = ref("Referral", "REF-1")
LONER = ref("Vehicle", "ZZ99ZZZ")


def nodes() -> list[NodeRow]:
    return [
        node(
            "Haulier",
            HAULIER.key,
            1,
            name="EXAMPLE HAULAGE LTD",
            names=["Example Haulage Ltd"],
            incorporated_on=dt.date(2019, 4, 1),
        ),
        node("Vehicle", VAN.key, 2, country="GB"),
        node("Vehicle", LORRY.key, 3, country="GB"),
        node("Trailer", TRAILER.key, 4, trailer_type="SOFT"),
        node("Person", DRIVER.key, 5, name="JAN TESTOWY", dob="1980-01-02"),
        node("Phone", PHONE.key, 6),
        node("Phone", OTHER_PHONE.key, 7),
        node("Person", BROKER.key, 8, name="ALEX EXAMPLE", dob="1975-05"),
        node(
            "Detection",
            DETECTION.key,
            9,
            entrants_count=4,
            detected_at=dt.datetime(2025, 3, 1, 2, 14, tzinfo=UTC),
        ),
        node("Vehicle", LONER.key, 10, country="PL"),
        NodeRow(
            label=Label.REFERRAL,
            key=REFERRAL.key,
            sources=["L1:w.csv#11"],
            properties={"reporting_agency": "Kent Police"},
            grading=Grading(
                source_evaluation="2",
                intel_assessment="B",
                handling_code="C",
                handling_conditions="not for onward disclosure",
            ),
        ),
    ]


def edges() -> list[EdgeRow]:
    return [
        edge("OPERATES", HAULIER, VAN, 20),
        edge("OPERATES", HAULIER, LORRY, 21),
        edge("TOWED", LORRY, TRAILER, 22),
        edge("DROVE", DRIVER, LORRY, 23),
        edge("USES", DRIVER, PHONE, 24),
        edge("CALLED", PHONE, OTHER_PHONE, 25, count=3),
        edge("USES", BROKER, OTHER_PHONE, 26),
        edge("INVOLVED", DETECTION, LORRY, 27),
        edge("INVOLVED", DETECTION, TRAILER, 28),
        EdgeRow(
            type=RelType.CONCERNS,
            start=REFERRAL,
            end=BROKER,
            sources=["L1:w.csv#29"],
            grading=Grading(source_evaluation="2", intel_assessment="B", handling_code="C"),
        ),
    ]


def load(
    store: object, node_rows: list[NodeRow] | None = None, edge_rows: list[EdgeRow] | None = None
) -> None:
    """Upsert rows grouped by label and type, nodes first."""
    from ocgmap.store import GraphStore

    assert isinstance(store, GraphStore)
    for label in Label:
        group = [r for r in (nodes() if node_rows is None else node_rows) if r.label is label]
        if group:
            store.upsert_nodes(label, group)
    for rel in RelType:
        group_e = [r for r in (edges() if edge_rows is None else edge_rows) if r.type is rel]
        if group_e:
            store.upsert_edges(rel, group_e)
