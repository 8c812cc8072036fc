"""Cluster features (DESIGN.md §5.3): one pure function per feature, and intelligence gaps.

Every feature is a function ``(ctx, cluster) -> float`` registered in :data:`FEATURES` with
its group (harm, scale, persistence, organisation, intelligence) and a description. A
:class:`Context` holds what the functions share, computed once per run from the store graph
and its projection; a :class:`ClusterView` holds one cluster's members and the events that
touch them. Rates sit beside counts: four detections on two lorries of a three-lorry firm are
a pattern, two on a 200-lorry fleet are not.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import networkx as nx

from ocgmap.analysis.projection import Projection, event_time, grading_factor

__all__ = [
    "FEATURES",
    "Context",
    "ClusterView",
    "Feature",
    "FeatureGroup",
    "compute_features",
    "intelligence_gaps",
]

FeatureGroup = Literal["harm", "scale", "persistence", "organisation", "intelligence"]
_DANGER = ("refrigerat", "reefer", "coffin", "void", "tank", "container", "distress")
_DISSOLVED = ("dissolv", "liquidat", "struck", "revoked", "closed")


def _label(typed: nx.MultiDiGraph, node: str) -> str:
    return str(typed.nodes[node]["label"])


class Context:
    """What every feature of one run shares: the graph, its projection and affiliations.

    Parameters
    ----------
    projection : Projection
        The run's projection (its ``typed`` graph is the store graph).
    """

    def __init__(self, projection: Projection) -> None:
        self.projection = projection
        self.typed = projection.typed
        self.as_of = projection.as_of
        self.touching: defaultdict[str, list[str]] = defaultdict(list)
        for event, members in projection.events.items():
            for member in members:
                self.touching[member].append(event)
        self.affiliation = self._affiliations()

    def label(self, node: str) -> str:
        """The label of a node."""
        return _label(self.typed, node)

    def attrs(self, node: str) -> dict[str, Any]:
        """The properties of a node."""
        return dict(self.typed.nodes[node])

    def out(self, node: str, rel: str) -> list[str]:
        """Targets of ``node``'s outgoing relationships of one type."""
        return [v for _, v, t in self.typed.out_edges(node, data="type") if t == rel]

    def into(self, node: str, rel: str) -> list[str]:
        """Sources of ``node``'s incoming relationships of one type."""
        return [u for u, _, t in self.typed.in_edges(node, data="type") if t == rel]

    def _affiliations(self) -> dict[str, set[str]]:
        """Hauliers each entity is tied to by control, use, operation or a shared event."""
        aff: defaultdict[str, set[str]] = defaultdict(set)
        typed = self.typed
        for u, v, rel in typed.edges(data="type"):
            if rel in ("CONTROLS",):
                aff[u].add(v)
            elif rel in ("OPERATES", "USES") and _label(typed, u) == "Haulier":
                aff[v].add(u)
        for members in self.projection.events.values():
            hauliers = {m for m in members if _label(typed, m) == "Haulier"}
            if hauliers:
                for member in members:
                    if member not in hauliers:
                        aff[member].update(hauliers)
        for u, v, rel in typed.edges(data="type"):
            if rel == "USES" and _label(typed, u) == "Person":
                aff[v].update(aff.get(u, ()))
        return dict(aff)

    def fleet(self, haulier: str) -> int:
        """Vehicles a haulier runs: operated in the graph or authorised on its licence."""
        operated = sum(1 for v in self.out(haulier, "OPERATES") if self.label(v) == "Vehicle")
        authorised = self.typed.nodes[haulier].get("vehicles_authorised") or 0
        return max(operated, int(authorised), 1)


@dataclass
class ClusterView:
    """One cluster: its member entities and the events that touch them."""

    ctx: Context
    members: frozenset[str]
    by_label: dict[str, list[str]] = field(init=False)

    def __post_init__(self) -> None:
        groups: defaultdict[str, list[str]] = defaultdict(list)
        for node in sorted(self.members):
            groups[self.ctx.label(node)].append(node)
        self.by_label = dict(groups)

    def of(self, label: str) -> list[str]:
        """Members with one label, sorted."""
        return self.by_label.get(label, [])

    @cached_property
    def events(self) -> list[str]:
        """Every event touching a member, sorted."""
        found = {e for m in self.members for e in self.ctx.touching.get(m, ())}
        return sorted(found)

    def events_of(self, label: str) -> list[str]:
        """Events of one label touching the cluster."""
        return [e for e in self.events if self.ctx.label(e) == label]

    @cached_property
    def detections(self) -> list[str]:
        """Detections involving a member."""
        return self.events_of("Detection")

    @cached_property
    def referrals(self) -> list[str]:
        """Intelligence referrals concerning a member."""
        return self.events_of("Referral")

    @cached_property
    def crossings(self) -> list[str]:
        """Crossing bookings of a member."""
        return self.events_of("Crossing")

    def involved(self, event: str, label: str) -> list[str]:
        """Entities of one label an event involves."""
        return [m for m in self.ctx.projection.events.get(event, ()) if self.ctx.label(m) == label]

    def times(self, events: Iterable[str]) -> list[dt.datetime]:
        """When the given events happened, sorted."""
        found = (event_time(self.ctx.typed.nodes[e]) for e in events)
        return sorted(t for t in found if t is not None)


@dataclass(frozen=True)
class Feature:
    """A registered feature."""

    name: str
    group: FeatureGroup
    description: str
    compute: Callable[[Context, ClusterView], float]


FEATURES: dict[str, Feature] = {}


def feature(
    group: FeatureGroup, description: str
) -> Callable[[Callable[[Context, ClusterView], float]], Callable[[Context, ClusterView], float]]:
    """Register a feature function under its own name."""

    def register(
        fn: Callable[[Context, ClusterView], float],
    ) -> Callable[[Context, ClusterView], float]:
        FEATURES[fn.__name__] = Feature(fn.__name__, group, description, fn)
        return fn

    return register


def _num(value: Any) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


# -- harm ------------------------------------------------------------------------------------


@feature("harm", "detections involving the cluster")
def detections(ctx: Context, c: ClusterView) -> float:
    return float(len(c.detections))


@feature("harm", "people found in those detections")
def entrants(ctx: Context, c: ClusterView) -> float:
    return sum(_num(ctx.typed.nodes[d].get("entrants_count")) for d in c.detections)


@feature("harm", "children among them")
def minors(ctx: Context, c: ClusterView) -> float:
    return sum(_num(ctx.typed.nodes[d].get("entrants_minors")) for d in c.detections)


def _dangerous(attrs: dict[str, Any]) -> bool:
    text = " ".join(
        str(attrs.get(k) or "") for k in ("concealment", "trailer_type", "notes")
    ).lower()
    return any(word in text for word in _DANGER)


@feature("harm", "detections with a risk-to-life concealment (refrigerated, void, tank)")
def dangerous_detections(ctx: Context, c: ClusterView) -> float:
    return float(sum(1 for d in c.detections if _dangerous(ctx.attrs(d))))


# -- scale and capability --------------------------------------------------------------------


@feature("scale", "hauliers in the cluster")
def hauliers(ctx: Context, c: ClusterView) -> float:
    return float(len(c.of("Haulier")))


@feature("scale", "vehicles in the cluster")
def vehicles(ctx: Context, c: ClusterView) -> float:
    return float(len(c.of("Vehicle")))


@feature("scale", "people in the cluster")
def people(ctx: Context, c: ClusterView) -> float:
    return float(len(c.of("Person")))


@feature("scale", "vehicles and trailers found carrying people")
def detected_assets(ctx: Context, c: ClusterView) -> float:
    assets = {a for d in c.detections for a in c.involved(d, "Vehicle") + c.involved(d, "Trailer")}
    return float(len(assets))


@feature("scale", "ports and places of the detections")
def places(ctx: Context, c: ClusterView) -> float:
    found = {p for d in c.detections for p in ctx.out(d, "AT")}
    return float(len(found))


@feature("scale", "countries of the hauliers, vehicles and people")
def countries(ctx: Context, c: ClusterView) -> float:
    found = set()
    for node in c.of("Haulier") + c.of("Vehicle"):
        found.add(ctx.typed.nodes[node].get("country"))
    for node in c.of("Person"):
        found.add(ctx.typed.nodes[node].get("nationality"))
    return float(len(found - {None, ""}))


def _read_before(ctx: Context, vehicle: str, when: dt.datetime, hours: float) -> bool:
    """Tell whether an ANPR camera read the vehicle in the ``hours`` before ``when``."""
    start = when - dt.timedelta(hours=hours)
    for _, _, attrs in ctx.typed.out_edges(vehicle, data=True):
        if attrs.get("type") != "SIGHTED":
            continue
        for text in attrs.get("times") or ():
            try:
                seen = dt.datetime.fromisoformat(str(text))
            except ValueError:
                continue
            seen = seen if seen.tzinfo else seen.replace(tzinfo=dt.UTC)
            if start <= seen <= when:
                return True
    return False


@feature("scale", "detections away from a port whose lorry an ANPR camera read in the 6 h before")
def anpr_before_detection(ctx: Context, c: ClusterView) -> float:
    count = 0
    for d in c.detections:
        attrs = ctx.attrs(d)
        when = event_time(attrs)
        if when is None or attrs.get("location_type") == "PORT":
            continue
        if any(_read_before(ctx, v, when, 6.0) for v in c.involved(d, "Vehicle")):
            count += 1
    return float(count)


# -- persistence -----------------------------------------------------------------------------


@feature("persistence", "vehicles and trailers found carrying people more than once")
def repeat_assets(ctx: Context, c: ClusterView) -> float:
    seen: defaultdict[str, int] = defaultdict(int)
    for d in c.detections:
        for asset in c.involved(d, "Vehicle") + c.involved(d, "Trailer"):
            seen[asset] += 1
    return float(sum(1 for n in seen.values() if n > 1))


@feature("persistence", "detections per vehicle the cluster's hauliers run (a rate)")
def detections_per_vehicle(ctx: Context, c: ClusterView) -> float:
    fleet = sum(ctx.fleet(h) for h in c.of("Haulier"))
    return len(c.detections) / max(fleet, len(c.of("Vehicle")), 1)


@feature("persistence", "detections per 100 crossings of the cluster (a rate)")
def detections_per_100_crossings(ctx: Context, c: ClusterView) -> float:
    if not c.detections:
        return 0.0
    return 100.0 * len(c.detections) / (len(c.crossings) + len(c.detections))


@feature("persistence", "months from the first to the last detection or referral")
def active_months(ctx: Context, c: ClusterView) -> float:
    times = c.times(c.detections + c.referrals)
    if len(times) < 2:
        return 0.0
    return round((times[-1] - times[0]).days / 30.44, 1)


@feature("persistence", "days from the last detection or referral to the newest data")
def days_since_last(ctx: Context, c: ClusterView) -> float:
    times = c.times(c.detections + c.referrals)
    if not times or ctx.as_of is None:
        return 9999.0
    return float((ctx.as_of - times[-1]).days)


# -- organisation ----------------------------------------------------------------------------


def _cluster_hauliers(ctx: Context, c: ClusterView, nodes: Iterable[str]) -> set[str]:
    mine = set(c.of("Haulier"))
    return {h for n in nodes for h in ctx.affiliation.get(n, ()) if h in mine}


@feature("organisation", "people who control two or more of the cluster's hauliers")
def shared_controllers(ctx: Context, c: ClusterView) -> float:
    mine = set(c.of("Haulier"))
    return float(sum(1 for p in c.of("Person") if len(set(ctx.out(p, "CONTROLS")) & mine) >= 2))


@feature("organisation", "addresses shared by two or more of the cluster's hauliers")
def shared_addresses(ctx: Context, c: ClusterView) -> float:
    mine = set(c.of("Haulier"))
    return float(
        sum(1 for a in c.of("Address") if len(set(ctx.into(a, "REGISTERED_AT")) & mine) >= 2)
    )


def _ended(attrs: dict[str, Any]) -> bool:
    text = f"{attrs.get('status') or ''} {attrs.get('licence_status') or ''}".lower()
    return bool(attrs.get("dissolved_on")) or any(word in text for word in _DISSOLVED)


@feature("organisation", "dissolved or revoked hauliers succeeded by a linked one (phoenix)")
def phoenix_companies(ctx: Context, c: ClusterView) -> float:
    hauliers_ = c.of("Haulier")
    if len(hauliers_) < 2:
        return 0.0
    count = 0
    for h in hauliers_:
        if not _ended(ctx.attrs(h)):
            continue
        ties = set(ctx.into(h, "CONTROLS")) | set(ctx.out(h, "REGISTERED_AT"))
        ties |= set(ctx.out(h, "OPERATES"))
        for other in hauliers_:
            if other == h or _ended(ctx.attrs(other)):
                continue
            theirs = set(ctx.into(other, "CONTROLS")) | set(ctx.out(other, "REGISTERED_AT"))
            theirs |= set(ctx.out(other, "OPERATES"))
            if ties & theirs:
                count += 1
                break
    return float(count)


@feature("organisation", "people tied to two or more of the cluster's hauliers")
def people_across_hauliers(ctx: Context, c: ClusterView) -> float:
    return float(sum(1 for p in c.of("Person") if len(_cluster_hauliers(ctx, c, [p])) >= 2))


def _call_partners(ctx: Context, phone: str) -> set[str]:
    return set(ctx.out(phone, "CALLED")) | set(ctx.into(phone, "CALLED"))


def _outside_partners(ctx: Context, phone: str) -> dict[str, set[str]]:
    """Call partners tied to hauliers the phone (and its users) have no tie to."""
    partners = _call_partners(ctx, phone)
    own = set(ctx.affiliation.get(phone, ()))
    for user in ctx.into(phone, "USES"):
        own |= ctx.affiliation.get(user, set())
        if ctx.label(user) == "Haulier":
            own.add(user)
    out = {}
    for partner in partners:
        foreign = ctx.affiliation.get(partner, set()) - own
        if foreign:
            out[partner] = foreign
    return out


@feature("organisation", "phones that call people of two or more hauliers they are not part of")
def broker_phones(ctx: Context, c: ClusterView) -> float:
    return float(sum(1 for ph in c.of("Phone") if len(_outside_partners(ctx, ph)) >= 2))


@feature("organisation", "hauliers reached by calls from outside them")
def hauliers_bridged_by_calls(ctx: Context, c: ClusterView) -> float:
    reached: set[str] = set()
    for phone in c.of("Phone"):
        for foreign in _outside_partners(ctx, phone).values():
            reached |= foreign
    return float(len(reached))


# -- intelligence ----------------------------------------------------------------------------


@feature("intelligence", "intelligence referrals concerning the cluster")
def referrals(ctx: Context, c: ClusterView) -> float:
    return float(len(c.referrals))


@feature("intelligence", "referrals weighted by their 3x5x2 grading (1A counts 1)")
def graded_intelligence(ctx: Context, c: ClusterView) -> float:
    return round(sum(grading_factor(ctx.attrs(r)) for r in c.referrals), 3)


@feature("intelligence", "independent agencies reporting detections or intelligence")
def agencies(ctx: Context, c: ClusterView) -> float:
    found: set[str] = set()
    for d in c.detections:
        found.update(ctx.typed.nodes[d].get("reporting_agencies") or ())
    for r in c.referrals:
        agency = ctx.typed.nodes[r].get("reporting_agency")
        if agency:
            found.add(str(agency))
    return float(len(found))


@feature("intelligence", "referrals sent without their intelligence document")
def referrals_without_intel(ctx: Context, c: ClusterView) -> float:
    return float(sum(1 for r in c.referrals if ctx.typed.nodes[r].get("intel_submitted") is False))


def compute_features(ctx: Context, cluster: ClusterView) -> dict[str, float]:
    """Every registered feature of one cluster, in registry order."""
    return {name: float(f.compute(ctx, cluster)) for name, f in FEATURES.items()}


# -- gaps ------------------------------------------------------------------------------------


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def intelligence_gaps(
    ctx: Context, c: ClusterView, mapped: dict[str, set[str]] | None = None
) -> list[str]:
    """Plain sentences naming what is missing around a cluster.

    Parameters
    ----------
    ctx, c : Context, ClusterView
        The run and the cluster.
    mapped : dict, optional
        OCG ref -> the node ids mapped to it, for the OCGs the cluster is mapped to.
    """
    gaps = []
    nccu = [r for r in c.referrals if ctx.typed.nodes[r].get("nccu_ref")]
    lacking = [r for r in c.referrals if ctx.typed.nodes[r].get("intel_submitted") is False]
    if lacking:
        gaps.append(
            f"{len(lacking)} of {_plural(len(c.referrals), 'referral')} lack the intelligence "
            f"document ({len([r for r in lacking if r in nccu])} of them NCCU referrals)"
        )
    no_driver = [d for d in c.detections if not c.involved(d, "Person")]
    if no_driver:
        gaps.append(
            f"{len(no_driver)} of {_plural(len(c.detections), 'detection')} "
            "have no driver identified"
        )
    no_vehicle = [d for d in c.detections if not c.involved(d, "Vehicle")]
    if no_vehicle:
        gaps.append(
            f"{len(no_vehicle)} of {_plural(len(c.detections), 'detection')} "
            "have no vehicle identified"
        )
    anonymous = [
        ph for ph in c.of("Phone") if not ctx.into(ph, "USES") and len(_call_partners(ctx, ph)) >= 2
    ]
    if anonymous:
        keys = ", ".join(str(ctx.typed.nodes[p]["key"]) for p in anonymous[:3])
        gaps.append(
            f"{_plural(len(anonymous), 'phone')} at the centre of the calls "
            f"{'has' if len(anonymous) == 1 else 'have'} no known user ({keys})"
        )
    for ref, nodes in sorted((mapped or {}).items()):
        for label, word in (("Person", "people"), ("Vehicle", "vehicles"), ("Haulier", "hauliers")):
            members = c.of(label)
            missing = [m for m in members if m not in nodes]
            if members and missing and (label != "Vehicle" or len(members) <= 50):
                gaps.append(
                    f"{len(missing)} of {len(members)} {word} in the cluster are not on "
                    f"the mapping of {ref}"
                )
    return gaps
