"""A small world around one lorry: a firm, phones, a detection, a referral, a crossing, ANPR."""

from __future__ import annotations

import datetime as dt

from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, Grading, NodeRef, NodeRow
from ocgmap.store import GraphStore

__all__ = [
    "CAMERA",
    "CROSSING",
    "DETECTION",
    "FIRM",
    "LORRY",
    "PHONE_A",
    "PHONE_B",
    "REFERRAL",
    "at",
    "seed",
]

LORRY = NodeRef(label=Label.VEHICLE, key="AB12CDE")
FIRM = NodeRef(label=Label.HAULIER, key="CH:01234567")
PHONE_A = NodeRef(label=Label.PHONE, key="+447700900001")
PHONE_B = NodeRef(label=Label.PHONE, key="+447700900002")
DETECTION = NodeRef(label=Label.DETECTION, key="D-1")
REFERRAL = NodeRef(label=Label.REFERRAL, key="R-1")
CROSSING = NodeRef(label=Label.CROSSING, key="BK-1")
CAMERA = NodeRef(label=Label.LOCATION, key="CAM-7")


def at(day: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, 10, 30, tzinfo=dt.UTC)


def seed(store: GraphStore) -> None:
    def node(ref: NodeRef, **props: object) -> None:
        grading = None
        if ref.label is Label.REFERRAL:
            grading = Grading(source_evaluation="2", intel_assessment="B", handling_code="P")
        row = NodeRow(
            label=ref.label, key=ref.key, properties=props, sources=["L:e.csv#2"], grading=grading
        )
        store.upsert_nodes(ref.label, [row])

    def edge(t: RelType, a: NodeRef, b: NodeRef, n: int = 1, **kw: object) -> None:
        rows = [
            EdgeRow(type=t, start=a, end=b, sources=[f"L:c.csv#{i + 2}"], seen_at=at(4 + i), **kw)
            for i in range(n)
        ]
        store.upsert_edges(t, rows)

    node(LORRY)
    node(FIRM, name="ACME HAULAGE LTD")
    node(PHONE_A)
    node(PHONE_B)
    node(CAMERA)
    node(DETECTION, detected_at=at(9), entrants_count=6, entrants_minors=2, location_name="Dover")
    node(REFERRAL, reported_at=at(1), reporting_agency="NCA", intel_submitted=False)
    node(CROSSING, crossed_at=at(2), carrier="P&O")
    edge(RelType.OPERATES, FIRM, LORRY)
    edge(RelType.USES, FIRM, PHONE_A)
    edge(RelType.INVOLVED, DETECTION, LORRY)
    edge(
        RelType.CONCERNS,
        REFERRAL,
        FIRM,
        grading=Grading(source_evaluation="2", intel_assessment="B", handling_code="P"),
    )
    edge(RelType.CROSSED, CROSSING, LORRY)
    edge(RelType.CALLED, PHONE_A, PHONE_B, n=3)
    edge(RelType.SIGHTED, LORRY, CAMERA, key="2026-03-05", properties={"count": 2})
