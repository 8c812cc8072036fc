"""What the dashboard's Overview shows: activity over time, places, intelligence compliance.

Every figure is read through the :class:`~ocgmap.store.GraphStore` protocol
(``to_networkx`` with a label filter), so both stores give the same answers. Months are
Europe/London calendar months (``"2025-03"``): a detection at 23:30 UTC on 31 March in
summer time belongs to April, as it does for the people who recorded it.

**Intelligence compliance.** The inspectorate's recommendation is that every referral to
Immigration Enforcement's National Command and Control Unit (NCCU) carries the intelligence
document. In the data model a referral went to the NCCU exactly when its ``Referral`` node has
an ``nccu_ref`` (formats.md §2: "the NCCU reference, when referred there"); other referrals
(intelligence logs, reports kept in force) are counted apart and never enter the share. The
document counts as submitted only when ``intel_submitted`` is true (the source said ``Y``). A
referral whose source said ``N`` lacks it, and so does one where the source left the column
empty: a referral cannot be shown to carry a document nobody recorded, so "not recorded" is
not compliant and is listed beside "not submitted" for follow-up.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from ocgmap.reference import ports as reference_ports
from ocgmap.schema.labels import Label, RelType
from ocgmap.store.base import GraphFilter, GraphStore

if TYPE_CHECKING:  # networkx stays in store/ and analysis/ (STYLE.md §7)
    import networkx as nx

__all__ = [
    "Compliance",
    "ComplianceRow",
    "LackingReferral",
    "MonthActivity",
    "Place",
    "Places",
    "RouteLine",
    "activity_by_month",
    "compliance",
    "month_of",
    "places",
]

#: How a lacking referral's document is recorded: the source said ``N``, or said nothing.
DocumentStatus = Literal["not submitted", "not recorded"]

#: The agency column of a referral that names none (the loader requires one, old data may not).
NO_AGENCY = "(agency not recorded)"


@cache
def _london() -> ZoneInfo:
    return ZoneInfo("Europe/London")


def month_of(moment: dt.datetime) -> str:
    """The Europe/London calendar month of a moment, as ``yyyy-mm``.

    Parameters
    ----------
    moment : datetime.datetime
        An aware moment (stores hold UTC); a naive one is read as Europe/London time.

    Returns
    -------
    str
        The month, e.g. ``"2025-04"``.

    Examples
    --------
    >>> month_of(dt.datetime(2025, 3, 31, 23, 30, tzinfo=dt.UTC))
    '2025-04'
    >>> month_of(dt.datetime(2025, 1, 31, 23, 30, tzinfo=dt.UTC))
    '2025-01'
    """
    local = moment.astimezone(_london()) if moment.tzinfo is not None else moment
    return f"{local:%Y-%m}"


def _months_between(first: str, last: str) -> list[str]:
    """Every ``yyyy-mm`` from ``first`` to ``last`` inclusive."""
    year, month = int(first[:4]), int(first[5:])
    out = []
    while (stamp := f"{year:04d}-{month:02d}") <= last:
        out.append(stamp)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _plural(n: int, word: str) -> str:
    """``n`` and the word, plural unless ``n`` is 1: ``"1 detection"``, ``"2 crossings"``."""
    return f"{n:,} {word if n == 1 else word + 's'}"


def _nodes(graph: nx.MultiDiGraph, label: Label) -> Iterable[tuple[str, dict[str, Any]]]:
    return ((n, a) for n, a in graph.nodes(data=True) if a.get("label") == label)


# -- activity --------------------------------------------------------------------------------


class MonthActivity(BaseModel):
    """Detections and the entrants found in them in one month."""

    month: str = Field(description="Europe/London calendar month, yyyy-mm")
    detections: int = 0
    entrants: int = 0
    minors: int = 0


def activity_by_month(store: GraphStore) -> list[MonthActivity]:
    """Detections, entrants and minors per month, oldest first.

    Parameters
    ----------
    store : GraphStore
        The store to read.

    Returns
    -------
    list of MonthActivity
        One entry for every month from the first detection to the last, months without a
        detection included with zeros, so a chart shows the gaps. Detection nodes without
        ``detected_at`` (placeholders a referral created for a detection not loaded yet) are
        not counted. Empty when no detection is dated.

    Notes
    -----
    Reads the Detection nodes only: O(detections).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from ocgmap.store.embedded import EmbeddedStore
    >>> activity_by_month(EmbeddedStore(Path(tempfile.mkdtemp()) / "graph.json"))
    []
    """
    graph = store.to_networkx(GraphFilter(labels=frozenset({Label.DETECTION}), types=frozenset()))
    found: dict[str, MonthActivity] = {}
    for _, attrs in _nodes(graph, Label.DETECTION):
        at = attrs.get("detected_at")
        if not isinstance(at, dt.datetime):
            continue
        month = month_of(at)
        entry = found.setdefault(month, MonthActivity(month=month))
        entry.detections += 1
        entry.entrants += _int(attrs.get("entrants_count"))
        entry.minors += _int(attrs.get("entrants_minors"))
    if not found:
        return []
    return [found.get(m, MonthActivity(month=m)) for m in _months_between(min(found), max(found))]


# -- intelligence compliance -----------------------------------------------------------------


class ComplianceRow(BaseModel):
    """NCCU referrals of one agency in one month, and how many carried the document."""

    agency: str
    month: str = Field(description="Europe/London month of reported_at, yyyy-mm, or 'undated'")
    referrals: int = 0
    with_document: int = 0
    not_submitted: int = Field(default=0, description="the source said N")
    not_recorded: int = Field(default=0, description="the source left intel_submitted empty")
    share: float | None = Field(default=None, description="with_document / referrals")


class LackingReferral(BaseModel):
    """An NCCU referral made without the intelligence document (or with none recorded)."""

    ref: str = Field(description="referral_ref")
    agency: str
    reported_at: dt.datetime | None = None
    nccu_ref: str
    document: DocumentStatus


class Compliance(BaseModel):
    """The share of NCCU referrals submitted with their intelligence document."""

    referrals: int = Field(default=0, description="NCCU referrals (a Referral with an nccu_ref)")
    with_document: int = 0
    share: float | None = Field(default=None, description="with_document / referrals")
    other_referrals: int = Field(
        default=0, description="referrals not made to the NCCU: outside the measure"
    )
    rows: list[ComplianceRow] = Field(default_factory=list)
    lacking: list[LackingReferral] = Field(default_factory=list)

    @property
    def summary(self) -> str:
        """The measure in a sentence.

        Examples
        --------
        >>> result = Compliance(referrals=5, with_document=3, other_referrals=1)
        >>> first, second = result.summary.split("; ")
        >>> first
        '3 of 5 NCCU referrals carry the intelligence document'
        >>> second
        '1 other referral (not made to the NCCU) is not counted.'
        """
        others = _plural(self.other_referrals, "other referral")
        verb = "is" if self.other_referrals == 1 else "are"
        return (
            f"{self.with_document:,} of {_plural(self.referrals, 'NCCU referral')} carry the "
            f"intelligence document; {others} (not made to the NCCU) {verb} not counted."
        )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _document(value: Any) -> bool | DocumentStatus:
    """True when submitted, else why not."""
    if value is True:
        return True
    return "not submitted" if value is False else "not recorded"


def _lacking_order(r: LackingReferral) -> tuple[bool, float, str]:
    """Dated referrals first, oldest first; then by reference."""
    at = r.reported_at
    return (at is None, at.timestamp() if at is not None else 0.0, r.ref)


def compliance(store: GraphStore) -> Compliance:
    """The share of NCCU referrals that carried the intelligence document.

    An NCCU referral is a ``Referral`` node with a non-empty ``nccu_ref``; it carried the
    document when ``intel_submitted`` is true. ``intel_submitted`` false ("not submitted") and
    missing ("not recorded") both count as lacking it (see the module notes). Agencies are the
    referral's ``reporting_agency``; months are Europe/London months of ``reported_at``.

    Parameters
    ----------
    store : GraphStore
        The store to read.

    Returns
    -------
    Compliance
        The overall share (None without NCCU referrals), one row per agency and month (sorted
        by agency, then month), the referrals lacking the document (oldest first) and how many
        other referrals were left out.

    Notes
    -----
    Reads the Referral nodes only: O(referrals).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from ocgmap.store.embedded import EmbeddedStore
    >>> compliance(EmbeddedStore(Path(tempfile.mkdtemp()) / "graph.json")).share is None
    True
    """
    graph = store.to_networkx(GraphFilter(labels=frozenset({Label.REFERRAL}), types=frozenset()))
    result = Compliance()
    rows: dict[tuple[str, str], ComplianceRow] = {}
    for _, attrs in _nodes(graph, Label.REFERRAL):
        nccu_ref = attrs.get("nccu_ref")
        if not nccu_ref:
            result.other_referrals += 1
            continue
        agency = str(attrs.get("reporting_agency") or NO_AGENCY)
        at = attrs.get("reported_at")
        at = at if isinstance(at, dt.datetime) else None
        month = month_of(at) if at is not None else "undated"
        row = rows.setdefault((agency, month), ComplianceRow(agency=agency, month=month))
        row.referrals += 1
        result.referrals += 1
        document = _document(attrs.get("intel_submitted"))
        if document is True:
            row.with_document += 1
            result.with_document += 1
            continue
        if document == "not submitted":
            row.not_submitted += 1
        else:
            row.not_recorded += 1
        result.lacking.append(
            LackingReferral(
                ref=str(attrs["key"]),
                agency=agency,
                reported_at=at,
                nccu_ref=str(nccu_ref),
                document=document,
            )
        )
    for row in rows.values():
        row.share = _share(row.with_document, row.referrals)
    result.rows = [rows[k] for k in sorted(rows)]
    result.lacking.sort(key=_lacking_order)
    result.share = _share(result.with_document, result.referrals)
    return result


# -- places ----------------------------------------------------------------------------------


class Place(BaseModel):
    """A point on the map: a port, an ANPR camera or another located place."""

    kind: Literal["port", "camera", "place"]
    key: str = Field(description="UN/LOCODE for a port, camera id or place key for a Location")
    name: str
    lat: float
    lon: float
    activity: int = Field(description="detections at a port or place; ANPR reads at a camera")
    measure: str = Field(description="what activity counts, in words")
    weight: float = Field(
        default=0.0, description="sqrt(activity / the most activity of a place of its kind), 0..1"
    )

    @property
    def label(self) -> str:
        """A tooltip line, e.g. ``Dover (GBDVR): 3 detections``."""
        return f"{self.name} ({self.key}): {_plural(self.activity, self.measure.removesuffix('s'))}"


class RouteLine(BaseModel):
    """A route between two located ports, with the crossings and detections on it."""

    key: str
    dep_locode: str
    arr_locode: str
    dep_lat: float
    dep_lon: float
    arr_lat: float
    arr_lon: float
    crossings: int = 0
    detections: int = 0
    weight: float = Field(
        default=0.0, description="sqrt(crossings / the most crossings on any route), 0..1"
    )

    @property
    def label(self) -> str:
        """A tooltip line, e.g. ``FRCQS-GBDVR: 12 crossings, 3 detections``."""
        crossings, detections = (
            _plural(self.crossings, "crossing"),
            _plural(self.detections, "detection"),
        )
        return f"{self.key}: {crossings}, {detections}"


class Places(BaseModel):
    """Everything the Overview map draws, and what it could not place."""

    points: list[Place] = Field(default_factory=list)
    routes: list[RouteLine] = Field(default_factory=list)
    unplaced: list[str] = Field(
        default_factory=list,
        description="'<Label>:<key>' of ports, routes and cameras without coordinates",
    )

    def centre(self) -> tuple[float, float] | None:
        """The mean latitude and longitude of the points, or None without points.

        Examples
        --------
        >>> Places(points=[
        ...     Place(kind="port", key="A", name="A", lat=50, lon=0, activity=1, measure="x"),
        ...     Place(kind="port", key="B", name="B", lat=52, lon=2, activity=1, measure="x"),
        ... ]).centre()
        (51.0, 1.0)
        """
        if not self.points:
            return None
        n = len(self.points)
        return (sum(p.lat for p in self.points) / n, sum(p.lon for p in self.points) / n)

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        """The points of one kind as map layer rows (fields, ``label`` and ``weight``)."""
        return [p.model_dump() | {"label": p.label} for p in self.points if p.kind == kind]

    def route_rows(self) -> list[dict[str, Any]]:
        """The routes as map layer rows (fields, ``label`` and ``weight``)."""
        return [r.model_dump() | {"label": r.label} for r in self.routes]


#: What the map reads of the graph: the places themselves (what happened at them is counted
#: by the store, :func:`_activity`).
_MAP_FILTER = GraphFilter(
    labels=frozenset({Label.PORT, Label.LOCATION, Label.ROUTE}), types=frozenset()
)


def _coordinates(attrs: dict[str, Any], locode: str | None) -> tuple[float, float] | None:
    """The node's own lat/lon, else (for a port) the shipped reference coordinates."""
    lat, lon = attrs.get("lat"), attrs.get("lon")
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        return float(lat), float(lon)
    known = reference_ports().get(locode) if locode else None
    if known is not None and known.lat is not None and known.lon is not None:
        return known.lat, known.lon
    return None


def _activity(store: GraphStore) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """Per node id: detections AT it or ON_ROUTE on it, ANPR reads SIGHTED at it, crossings.

    Counted by the store (:meth:`GraphStore.tally`), not by reading the events: a national
    picture holds millions of crossings and ANPR reads. A detection counts once, however many
    relationships it has to the place.
    """
    detections: Counter[str] = Counter()
    reads: Counter[str] = Counter()
    crossings: Counter[str] = Counter()
    counted = (
        (detections, RelType.AT, Label.DETECTION, Label.PORT),
        (detections, RelType.AT, Label.DETECTION, Label.LOCATION),
        (detections, RelType.ON_ROUTE, Label.DETECTION, Label.ROUTE),
        (crossings, RelType.ON_ROUTE, Label.CROSSING, Label.ROUTE),
    )
    for into, rel, start, end in counted:
        for key, tally in store.tally(rel, start, end).items():
            into[f"{end}:{key}"] += tally.starts
    for key, tally in store.tally(RelType.SIGHTED, Label.VEHICLE, Label.LOCATION).items():
        reads[f"{Label.LOCATION}:{key}"] += tally.observations
    return detections, reads, crossings


def _point(attrs: dict[str, Any], detections: int, reads: int) -> Place | None:
    """A port, camera or other place as a map point, or None without coordinates."""
    label, key = attrs["label"], str(attrs["key"])
    where = _coordinates(attrs, key if label == Label.PORT else None)
    if where is None:
        return None
    if label == Label.PORT:
        kind: Literal["port", "camera", "place"] = "port"
    else:
        kind = "camera" if attrs.get("location_kind") == "camera" else "place"
    return Place(
        kind=kind,
        key=key,
        name=str(attrs.get("name") or key),
        lat=where[0],
        lon=where[1],
        activity=reads if kind == "camera" else detections,
        measure="ANPR reads" if kind == "camera" else "detections",
    )


def _route(
    attrs: dict[str, Any], located: dict[str, tuple[float, float]], crossings: int, detections: int
) -> RouteLine | None:
    key = str(attrs["key"])
    dep = str(attrs.get("dep_locode") or key.partition("-")[0])
    arr = str(attrs.get("arr_locode") or key.partition("-")[2])
    a = located.get(dep) or _coordinates({}, dep)
    b = located.get(arr) or _coordinates({}, arr)
    if a is None or b is None:
        return None
    return RouteLine(
        key=key,
        dep_locode=dep,
        arr_locode=arr,
        dep_lat=a[0],
        dep_lon=a[1],
        arr_lat=b[0],
        arr_lon=b[1],
        crossings=crossings,
        detections=detections,
    )


def _weigh(found: Places) -> None:
    """Set each point's and route's weight against the busiest of its kind."""
    most: Counter[str] = Counter()
    for p in found.points:
        most[p.kind] = max(most[p.kind], p.activity)
    for p in found.points:
        p.weight = math.sqrt(p.activity / most[p.kind]) if most[p.kind] else 0.0
    top = max((r.crossings for r in found.routes), default=0)
    for r in found.routes:
        r.weight = math.sqrt(r.crossings / top) if top else 0.0


def places(store: GraphStore) -> Places:
    """Ports, ANPR cameras and other located places with their activity, and the routes.

    Ports take their coordinates from the node (the loaders copy them from the shipped
    UN/LOCODE reference, ``ocgmap/reference/unlocode.csv``), else from that reference; cameras
    and other Locations from the ``lat``/``lon`` the source gave. A port's or place's activity
    is the number of detections ``AT`` it; a camera's is its ANPR reads (each ``SIGHTED``
    relationship's ``count``, else the number of its ``times``). Routes join their departure
    and arrival ports and carry the crossings and detections ``ON_ROUTE``. Anything without
    coordinates is named in ``unplaced`` rather than dropped silently.

    Parameters
    ----------
    store : GraphStore
        The store to read.

    Returns
    -------
    Places
        Points sorted by kind (camera, place, port) then key; routes sorted by key. Each
        point's ``weight`` is the square root of its activity over the most of its kind (so a
        circle's area follows activity); a route's weight does the same with crossings.

    Notes
    -----
    Reads the ports, places and routes, and five tallies of the AT, SIGHTED and ON_ROUTE
    relationships counted by the store (:meth:`GraphStore.tally`): what comes back grows
    with the places, not with the crossings and ANPR reads, which Neo4j counts in the server.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from ocgmap.store.embedded import EmbeddedStore
    >>> places(EmbeddedStore(Path(tempfile.mkdtemp()) / "graph.json")).points
    []
    """
    graph = store.to_networkx(_MAP_FILTER)
    detections, reads, crossings = _activity(store)
    result = Places()
    located: dict[str, tuple[float, float]] = {}
    for nid, attrs in graph.nodes(data=True):
        if attrs.get("label") not in (Label.PORT, Label.LOCATION):
            continue
        point = _point(attrs, detections[nid], reads[nid])
        if point is None:
            result.unplaced.append(nid)
            continue
        result.points.append(point)
        if point.kind == "port":
            located[point.key] = (point.lat, point.lon)
    for nid, attrs in _nodes(graph, Label.ROUTE):
        line = _route(attrs, located, crossings[nid], detections[nid])
        if line is None:
            result.unplaced.append(nid)
        else:
            result.routes.append(line)
    _weigh(result)
    result.points.sort(key=lambda p: (p.kind, p.key))
    result.routes.sort(key=lambda r: r.key)
    result.unplaced.sort()
    return result
