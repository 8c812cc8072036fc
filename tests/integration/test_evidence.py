"""The timeline and graded intelligence around a cluster's members, on every store kind."""

from __future__ import annotations

from evidence_world import FIRM, LORRY, PHONE_A, at, seed

from ocgmap.evidence import around, intelligence, timeline
from ocgmap.store import GraphStore


def test_timeline_orders_what_happened_to_the_members(store: GraphStore) -> None:
    seed(store)
    members = ["Vehicle:AB12CDE", "Haulier:CH:01234567", "Phone:+447700900001"]
    events = timeline(around(store, [LORRY, FIRM, PHONE_A]), members)
    assert [(e.kind, e.ref) for e in events] == [
        ("referral", "R-1"),
        ("crossing", "BK-1"),
        ("calls", "+447700900001 -> +447700900002"),
        ("sighting", "AB12CDE -> CAM-7"),
        ("detection", "D-1"),
    ]
    detection = events[-1]
    assert detection.when == at(9) and detection.involves == ["Vehicle:AB12CDE"]
    assert detection.summary == "detection: 6 entrants (2 minors) at Dover"
    calls = events[2]
    assert calls.summary == "3 calls +447700900001 -> +447700900002, until 2026-03-06"
    assert calls.involves == ["Phone:+447700900001"] and calls.sources == 3
    assert events[0].summary == ("referral by NCA, graded 2B, without intelligence document")


def test_graded_intelligence_keeps_grading_handling_and_provenance(store: GraphStore) -> None:
    seed(store)
    graded = intelligence(around(store, [LORRY, FIRM]), ["Haulier:CH:01234567"])
    assert len(graded) == 1
    [g] = graded
    assert (g.referral_ref, g.grading, g.scheme, g.handling_code) == ("R-1", "2B", "3x5x2", "P")
    assert g.intel_submitted is False and g.reporting_agency == "NCA"
    assert g.concerns == ["Haulier:CH:01234567"] and g.sources == ["L:e.csv#2"]
    assert intelligence(around(store, [LORRY]), ["Vehicle:AB12CDE"]) == []
