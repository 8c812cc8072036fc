"""Label and relationship-type enums of the graph model.

These mirror ``graph.yaml`` one to one (a unit test checks that they match), so that code
naming a label is checked by mypy and no file is read when ocgmap is imported. Cypher builders
interpolate labels and relationship types only from these enums.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Label", "RelType"]


class Label(StrEnum):
    """Node labels of the ocgmap graph."""

    VEHICLE = "Vehicle"
    TRAILER = "Trailer"
    HAULIER = "Haulier"
    PERSON = "Person"
    PHONE = "Phone"
    ADDRESS = "Address"
    PORT = "Port"
    ROUTE = "Route"
    LOCATION = "Location"
    DETECTION = "Detection"
    REFERRAL = "Referral"
    CROSSING = "Crossing"
    OCG = "OCG"
    CLUSTER = "Cluster"
    ANALYSIS_RUN = "AnalysisRun"
    REVIEW = "Review"
    WATCH = "Watch"
    ALERT = "Alert"


class RelType(StrEnum):
    """Relationship types of the ocgmap graph."""

    OPERATES = "OPERATES"
    CONTROLS = "CONTROLS"
    REGISTERED_AT = "REGISTERED_AT"
    DROVE = "DROVE"
    TOWED = "TOWED"
    USES = "USES"
    CALLED = "CALLED"
    INVOLVED = "INVOLVED"
    AT = "AT"
    ON_ROUTE = "ON_ROUTE"
    FROM = "FROM"
    TO = "TO"
    CROSSED = "CROSSED"
    SIGHTED = "SIGHTED"
    CONCERNS = "CONCERNS"
    ABOUT = "ABOUT"
    MEMBER_OF = "MEMBER_OF"
    IN_CLUSTER = "IN_CLUSTER"
    REVIEWS = "REVIEWS"
    RESULT_OF = "RESULT_OF"
    POSSIBLY_SAME = "POSSIBLY_SAME"
