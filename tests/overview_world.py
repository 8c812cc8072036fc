"""A small hand-built graph for the Overview: detections, NCCU referrals, ports, a camera.

Its expected figures are written out beside it, so the library and the page tests check
the same numbers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, Grading, NodeRow
from ocgmap.store import GraphStore

GRADING = Grading(source_evaluation="2", intel_assessment="B", handling_code="P")
SOURCE = ("L:overview.csv#2",)


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def _node(label: Label, key: str, **props: Any) -> NodeRow:
    grading = GRADING if label is Label.REFERRAL else None
    clean = {k: v for k, v in props.items() if v is not None}
    return NodeRow(label=label, key=key, properties=clean, sources=SOURCE, grading=grading)


def _edge(kind: RelType, a: NodeRow, b: NodeRow, key: str = "", **props: Any) -> EdgeRow:
    return EdgeRow(type=kind, start=a.ref, end=b.ref, key=key, properties=props, sources=SOURCE)


# (ref, detected_at UTC, entrants, minors, where): D4 is 31 March UTC but 1 April in London.
DETECTIONS = [
    ("D1", "2025-02-10T10:00:00", 5, 1, "Port:GBDVR"),
    ("D2", "2025-02-20T08:00:00", 3, 0, "Port:GBDVR"),
    ("D3", "2025-04-05T03:00:00", 7, 2, "Location:PLACE:TODDINGTON"),
    ("D4", "2025-03-31T23:30:00", 2, 0, None),
]
EXPECTED_MONTHS = [
    {"month": "2025-02", "detections": 2, "entrants": 8, "minors": 1},
    {"month": "2025-03", "detections": 0, "entrants": 0, "minors": 0},
    {"month": "2025-04", "detections": 2, "entrants": 9, "minors": 2},
]

# (ref, agency, reported_at UTC, nccu_ref, intel_submitted)
REFERRALS = [
    ("R1", "Kent Police", "2025-02-03T09:00:00", "NCCU-1", True),
    ("R2", "Kent Police", "2025-02-15T09:00:00", "NCCU-2", False),
    ("R3", "Kent Police", "2025-03-01T09:00:00", "NCCU-3", True),
    ("R4", "Border Force", "2025-03-10T09:00:00", "NCCU-4", True),
    ("R5", "Border Force", "2025-03-12T09:00:00", "NCCU-5", None),
    ("R6", "Border Force", "2025-03-20T09:00:00", None, False),  # not an NCCU referral
]
#: 3 of the 5 NCCU referrals carry the intelligence document.
EXPECTED_SHARE = 0.6


def _places(store: GraphStore, detections: dict[str, NodeRow]) -> None:
    dover = _node(Label.PORT, "GBDVR", name="Dover", country="GB", lat=51.12, lon=1.33)
    calais = _node(Label.PORT, "FRCQS", name="Coquelles", country="FR")  # reference lat/lon
    nowhere = _node(Label.PORT, "XXZZZ", country="XX")
    services = _node(
        Label.LOCATION, "PLACE:TODDINGTON", name="Toddington", location_kind="services"
    )
    camera = _node(
        Label.LOCATION, "CAM-1", name="M20 J11", location_kind="camera", lat=51.1, lon=1.0
    )
    store.upsert_nodes(Label.PORT, [dover, calais, nowhere])
    store.upsert_nodes(Label.LOCATION, [services, camera])
    tunnel = _node(Label.ROUTE, "FRCQS-GBDVR", dep_locode="FRCQS", arr_locode="GBDVR")
    lost = _node(Label.ROUTE, "GBDVR-XXZZZ", dep_locode="GBDVR", arr_locode="XXZZZ")
    store.upsert_nodes(Label.ROUTE, [tunnel, lost])
    store.upsert_edges(RelType.FROM, [_edge(RelType.FROM, tunnel, calais)])
    store.upsert_edges(RelType.TO, [_edge(RelType.TO, tunnel, dover)])
    trips = [_node(Label.CROSSING, f"BK{i}", crossed_at=_at("2025-02-01T06:00:00")) for i in (1, 2)]
    store.upsert_nodes(Label.CROSSING, trips)
    ways = [_edge(RelType.ON_ROUTE, t, tunnel) for t in trips]
    store.upsert_edges(RelType.ON_ROUTE, [*ways, _edge(RelType.ON_ROUTE, detections["D1"], tunnel)])
    by_key = {"Port:GBDVR": dover, "Location:PLACE:TODDINGTON": services}
    store.upsert_edges(
        RelType.AT,
        [
            _edge(RelType.AT, detections[ref], by_key[where])
            for ref, _, _, _, where in DETECTIONS
            if where
        ],
    )
    lorries = [_node(Label.VEHICLE, "AB12CDE"), _node(Label.VEHICLE, "CD34EFG")]
    store.upsert_nodes(Label.VEHICLE, lorries)
    day = dt.date(2025, 2, 10)
    sightings = [
        _edge(RelType.SIGHTED, lorries[0], camera, "2025-02-10", day=day, times=["t1", "t2"]),
        _edge(RelType.SIGHTED, lorries[0], camera, "2025-02-11", day=day, times=["t3"]),
        _edge(RelType.SIGHTED, lorries[1], camera, "2025-02-10", day=day, count=4),
    ]
    store.upsert_edges(RelType.SIGHTED, sightings)


def seed(store: GraphStore) -> None:
    """Write the Overview graph into an empty store."""
    detections = {
        ref: _node(
            Label.DETECTION,
            ref,
            detected_at=_at(at),
            entrants_count=entrants,
            entrants_minors=minors,
        )
        for ref, at, entrants, minors, _ in DETECTIONS
    }
    placeholder = _node(Label.DETECTION, "D9")  # created by a referral: no detected_at
    store.upsert_nodes(Label.DETECTION, [*detections.values(), placeholder])
    store.upsert_nodes(
        Label.REFERRAL,
        [
            _node(
                Label.REFERRAL,
                ref,
                reporting_agency=agency,
                reported_at=_at(at),
                nccu_ref=nccu,
                intel_submitted=submitted,
            )
            for ref, agency, at, nccu, submitted in REFERRALS
        ],
    )
    _places(store, detections)
