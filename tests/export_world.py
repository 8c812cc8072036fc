"""A cluster to export: a firm, its lorry and driver, phones, a detection, two referrals.

One referral is graded 2B with handling code P (shareable); the other 1A with handling code
C (conditions apply) and is the only source of one person, so a default export must leave
out the referral, its row and that person. Every row has its own provenance token.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ocgmap.analysis.results import (
    AnalysisParams,
    AnalysisRun,
    ClusterResult,
    EntityRef,
    KeyPlayerResult,
    Member,
    RunSummary,
    SuggestedLinkResult,
)
from ocgmap.export.package import TargetPackage, assemble
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, Grading, NodeRef, NodeRow
from ocgmap.store import GraphStore
from ocgmap.store.embedded import EmbeddedStore

__all__ = [
    "CLUSTER_ID",
    "SECRET_PERSON",
    "SECRET_REF",
    "SECRET_ROW",
    "package_in",
    "run_of",
    "seed",
]

FIRM = NodeRef(label=Label.HAULIER, key="CH:01234567")
LORRY = NodeRef(label=Label.VEHICLE, key="AB12CDE")
TRAILER = NodeRef(label=Label.TRAILER, key="TRL-0042")
DRIVER = NodeRef(label=Label.PERSON, key="JAN TESTOWY|1980-01-02")
PHONE_A = NodeRef(label=Label.PHONE, key="+447700900001")
PHONE_B = NodeRef(label=Label.PHONE, key="+447700900002")
OFFICE = NodeRef(label=Label.ADDRESS, key="1 TEST ROAD DOVER|CT16 1AA")
DETECTION = NodeRef(label=Label.DETECTION, key="D-2026-001")
REFERRAL_P = NodeRef(label=Label.REFERRAL, key="REF-P-1")
SECRET_REF = "REF-C-9"
REFERRAL_C = NodeRef(label=Label.REFERRAL, key=SECRET_REF)
SECRET_PERSON = "HIDDEN SOURCE PERSON|1975-05-05"
PERSON_C = NodeRef(label=Label.PERSON, key=SECRET_PERSON)
#: The provenance token of the conditional referral's row.
SECRET_ROW = "L1:referrals.csv#3"
CLUSTER_ID = "C-00042"


def _at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 9, 30, tzinfo=dt.UTC)


def seed(store: GraphStore) -> None:
    """Write the cluster's graph (idempotent)."""

    def node(ref: NodeRef, token: str, grading: Grading | None = None, **props: object) -> None:
        row = NodeRow(
            label=ref.label, key=ref.key, properties=props, sources=[token], grading=grading
        )
        store.upsert_nodes(ref.label, [row])

    def edge(
        t: RelType, a: NodeRef, b: NodeRef, token: str, when: dt.datetime, **kw: object
    ) -> None:
        store.upsert_edges(
            t, [EdgeRow(type=t, start=a, end=b, sources=[token], seen_at=when, **kw)]
        )

    shareable = Grading(source_evaluation="2", intel_assessment="B", handling_code="P")
    conditional = Grading(
        source_evaluation="1",
        intel_assessment="A",
        handling_code="C",
        handling_conditions="not to be shared outside the NCA",
    )
    node(FIRM, "L1:companies.csv#2", name="ACME HAULAGE LTD", company_number="01234567")
    node(LORRY, "L1:detections.csv#2", country="GB")
    node(TRAILER, "L1:detections.csv#2")
    node(DRIVER, "L1:detections.csv#2", name="JAN TESTOWY", dob="1980-01-02")
    node(PHONE_A, "L1:detections.csv#2")
    node(PHONE_B, "L1:calls.csv#2")
    node(OFFICE, "L1:companies.csv#2", postcode="CT16 1AA")
    node(
        DETECTION,
        "L1:detections.csv#2",
        detected_at=_at(3, 9),
        entrants_count=6,
        entrants_minors=2,
        location_name="Dover Eastern Docks",
        reporting_agencies=["Border Force"],
    )
    node(
        REFERRAL_P,
        "L1:referrals.csv#2",
        shareable,
        reported_at=_at(2, 1),
        reporting_agency="Kent Police",
        nccu_ref="NCCU-1",
        intel_submitted=True,
        summary="Firm's lorry seen loading at night near Calais",
    )
    node(
        REFERRAL_C,
        SECRET_ROW,
        conditional,
        reported_at=_at(4, 2),
        reporting_agency="NCA",
        nccu_ref="NCCU-9",
        intel_submitted=True,
        summary="Covert source names the lorry's organiser",
    )
    node(PERSON_C, SECRET_ROW, name="HIDDEN SOURCE PERSON")
    edge(RelType.OPERATES, FIRM, LORRY, "L1:licences.csv#2", _at(1, 5))
    edge(RelType.REGISTERED_AT, FIRM, OFFICE, "L1:companies.csv#2", _at(1, 5))
    edge(RelType.TOWED, LORRY, TRAILER, "L1:detections.csv#2", _at(3, 9))
    edge(RelType.DROVE, DRIVER, LORRY, "L1:detections.csv#2", _at(3, 9))
    edge(RelType.USES, DRIVER, PHONE_A, "L1:detections.csv#2", _at(3, 9))
    edge(RelType.CALLED, PHONE_A, PHONE_B, "L1:calls.csv#2", _at(3, 8))
    edge(RelType.INVOLVED, DETECTION, LORRY, "L1:detections.csv#2", _at(3, 9))
    edge(RelType.INVOLVED, DETECTION, DRIVER, "L1:detections.csv#2", _at(3, 9))
    edge(RelType.CONCERNS, REFERRAL_P, FIRM, "L1:referrals.csv#2", _at(2, 1), grading=shareable)
    edge(RelType.CONCERNS, REFERRAL_C, LORRY, SECRET_ROW, _at(4, 2), grading=conditional)
    edge(RelType.CONCERNS, REFERRAL_C, PERSON_C, SECRET_ROW, _at(4, 2), grading=conditional)


def run_of(store_name: str = "embedded") -> AnalysisRun:
    """A saved run whose cluster C-00042 holds everything :func:`seed` wrote."""
    members = [
        Member(label=str(r.label), key=r.key, kind=kind)
        for r, kind in (
            (FIRM, "actor"),
            (DRIVER, "actor"),
            (PERSON_C, "actor"),
            (LORRY, "asset"),
            (TRAILER, "asset"),
            (PHONE_A, "asset"),
            (PHONE_B, "asset"),
            (OFFICE, "asset"),
            (DETECTION, "event"),
            (REFERRAL_P, "intelligence"),
            (REFERRAL_C, "intelligence"),
        )
    ]
    cluster = ClusterResult(
        cluster_id=CLUSTER_ID,
        rank=1,
        score=0.71,
        recommended_band="2A",
        current_band="3C",
        ocg_refs=["OCG-00007"],
        challenge=True,
        challenge_reason="recommended 2A is 7 bands above the current 3C (margin 3)",
        reasons=["1 detection on 2 vehicles and trailers with 6 people found"],
        members=members,
        contributions={"harm_entrants": 0.4, "intel_referrals": 0.31},
        key_players=[
            KeyPlayerResult(label="Person", key=DRIVER.key, score=0.9, why="drives and calls"),
            KeyPlayerResult(label="Person", key=SECRET_PERSON, score=0.5, why="named once"),
        ],
        suggested_links=[
            SuggestedLinkResult(
                a=EntityRef(label="Person", key=DRIVER.key),
                b=EntityRef(label="Phone", key=PHONE_B.key),
                score=0.6,
                why="calls every week",
                method="topology",
            )
        ],
        intelligence_gaps=["1 of 2 people are not on the mapping of OCG-00007"],
    )
    return AnalysisRun(
        run_id="R-20261128T120000-0000cafe",
        generated_at=dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC),
        ocgmap_version="test",
        store=store_name,
        params=AnalysisParams(),
        data_hash="cafe" * 16,
        summary=RunSummary(scored=1, challenged=1),
        clusters=[cluster],
    )


def package_in(folder: Path, **options: Any) -> TargetPackage:
    """The cluster's package, assembled from a fresh embedded store in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    store = EmbeddedStore(folder / "graph.json")
    store.ensure_schema()
    seed(store)
    return assemble(store, run_of(), CLUSTER_ID, exported_by="J Smith", **options)
