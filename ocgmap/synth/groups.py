"""Planted organised crime groups and decoys, one builder per archetype.

Each builder adds its hauliers and people to the world and records the events that give the
group away (detections, referrals, calls, ANPR reads, crossings, subscriber records) and its
current mapping. ``docs/scenario.md`` describes each archetype and what it tests.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from ocgmap.synth.events import (
    Attribution,
    Call,
    Crossing,
    Detection,
    MappedMember,
    Referral,
    Sighting,
    Subject,
)
from ocgmap.synth.ids import Ids
from ocgmap.synth.model import Group, Haulier, Person, Trailer, Vehicle
from ocgmap.synth.people import Factory
from ocgmap.synth.places import CAMERAS, INBOUND_ROUTES, Route, cameras_near
from ocgmap.synth.timing import moment, night
from ocgmap.synth.world import World, make_haulier

__all__ = ["ARCHETYPES", "DECOYS", "Ctx", "build_groups"]

_PORT_AGENCY = "Border Force"
_SERVICES = [c for c in CAMERAS if c.services]
_CODE_NAMES = (
    "Kestrel",
    "Harrier",
    "Lantern",
    "Granite",
    "Tundra",
    "Cobalt",
    "Saffron",
    "Beacon",
    "Mistral",
    "Quarry",
    "Juniper",
    "Foxglove",
    "Ember",
    "Solstice",
)


@dataclass
class Ctx:
    """What a builder needs: random stream, identifiers, factory and the world."""

    rng: random.Random
    ids: Ids
    make: Factory
    world: World

    def when(self, first: int = 1, last: int = 12) -> dt.datetime:
        """A moment in months ``first``..``last`` of the world's year."""
        year = self.world.start.year
        end = dt.date(year, last, 28) if last < 12 else self.world.end
        return moment(self.rng, dt.date(year, first, 1), end)

    def route(self, *codes: str) -> Route:
        """An inbound route arriving at one of ``codes`` (or any route)."""
        options = [r for r in INBOUND_ROUTES if not codes or r.arr in codes or r.dep in codes]
        return self.rng.choice(options)


def _ocg(ctx: Ctx, group: Group, band: str, members: list[MappedMember], lead: str) -> None:
    group.ocg_ref = ctx.ids.ref("OCG-", 5)
    group.ocg_name = f"Op {ctx.rng.choice(_CODE_NAMES)} {group.ocg_ref[-3:]}"
    group.current_band = band
    group.lead_agency = lead
    group.graded_on = dt.date(ctx.world.start.year - 1, ctx.rng.randint(1, 12), 15)
    group.events.mapping.extend(members)


def _person_subject(person: Person) -> Subject:
    return Subject("PERSON", person.name, person.dob)


def _port_detection(
    ctx: Ctx,
    group: Group,
    when: dt.datetime,
    haulier: Haulier,
    vehicle: Vehicle | None,
    trailer: Trailer,
    driver: Person | None,
    route: Route,
    entrants: int,
    minors: int = 0,
    concealment: str = "in load",
) -> Detection:
    """A detection at the arrival port, with the crossing that brought the lorry."""
    crossed = when - dt.timedelta(hours=ctx.rng.uniform(1.5, 8))
    group.events.crossings.append(
        Crossing(
            at=crossed,
            dep=route.dep,
            arr=route.arr,
            carrier=route.carrier,
            vehicle=vehicle,
            trailer=trailer,
            haulier=haulier,
            driver=driver,
            phone=driver.phones[0] if driver and driver.phones else haulier.office_phone,
            load=ctx.rng.choice(["general cargo", "furniture", "chilled food", "paper rolls"]),
        )
    )
    detection = Detection(
        ref=ctx.ids.ref("BF-DET-", 6),
        at=when,
        location_type="PORT",
        entrants=entrants,
        agencies=[_PORT_AGENCY],
        port=route.arr,
        vehicle=vehicle,
        trailer=trailer,
        haulier=haulier,
        driver=driver,
        route=route,
        minors=minors or None,
        concealment=concealment,
        penalty_ref=ctx.ids.ref("CECPS-", 6) if vehicle else None,
        penalty_gbp=min(entrants * 6000, 60000) if vehicle else None,
    )
    group.events.detections.append(detection)
    return detection


def _calls(ctx: Ctx, group: Group, a: str, b: str, n: int) -> None:
    for _ in range(n):
        first, second = (a, b) if ctx.rng.random() < 0.6 else (b, a)
        kind = "SMS" if ctx.rng.random() < 0.3 else "CALL"
        duration = None if kind == "SMS" else ctx.rng.randint(8, 600)
        group.events.calls.append(Call(first, second, ctx.when(), duration, kind))


def _finish(group: Group, hauliers: list[Haulier], people: list[Person]) -> Group:
    """Record the group's hauliers and everyone in them (controllers, drivers) as members."""
    group.hauliers = hauliers
    everyone = people + [p for h in hauliers for p in h.company.controllers + h.drivers]
    group.people = list({id(p): p for p in everyone}.values())
    group.vehicles = list(dict.fromkeys(v for h in hauliers for v in h.vehicles))
    group.trailers = list(dict.fromkeys(t for h in hauliers for t in h.trailers))
    group.phones = [p for person in group.people for p in person.phones]
    group.phones += [h.office_phone for h in hauliers]
    for haulier in hauliers:
        haulier.honest = False
        haulier.group_id = group.group_id
    return group


def phoenix(ctx: Ctx, gid: str) -> Group:
    """Companies dissolved and reborn at one address under one controller."""
    group = Group(
        gid,
        "phoenix",
        "A controller dissolves a haulier after detections and "
        "carries on with a new company at the same address and the same lorries.",
    )
    boss = ctx.make.person("GB", born=(1965, 1985))
    aide = ctx.make.person("GB", born=(1970, 1995))
    office = ctx.make.address()
    boss.address = aide.address = office
    year = ctx.world.start.year
    old = make_haulier(
        ctx.make, ctx.ids, "GB", 4, dt.date(2017, 5, 2), trailer_types=("SOFT", "SOFT", "HARD")
    )
    old.company.address, old.company.controllers = office, [boss]
    old.company.status, old.company.dissolved_on = "Dissolved", dt.date(year, 5, 20)
    assert old.company.licence is not None
    old.company.licence.status = "Revoked"
    new = make_haulier(ctx.make, ctx.ids, "GB", 1, dt.date(year, 4, 11))
    new.company.address, new.company.controllers = office, [boss, aide]
    new.company.previous_name = ctx.make.company_name("GB")
    new.vehicles = old.vehicles[:3] + new.vehicles  # the lorries move to the new company
    new.trailers = old.trailers[:3] + new.trailers
    new.drivers = old.drivers[:2] + new.drivers
    for i, (month, company) in enumerate([(1, old), (3, old), (4, old), (7, new), (10, new)]):
        vehicle = company.vehicles[i % len(company.vehicles)]
        when = ctx.when(month, month)
        _port_detection(
            ctx,
            group,
            when,
            company,
            vehicle,
            company.trailers[i % 3],
            company.drivers[i % len(company.drivers)],
            ctx.route("GBDVR", "GBFOL"),
            ctx.rng.randint(3, 11),
        )
    for driver in old.drivers + new.drivers:
        _calls(ctx, group, boss.phones[0], driver.phones[0], ctx.rng.randint(6, 14))
    group.events.referrals.append(
        Referral(
            ctx.ids.ref("KP-INT-", 5),
            ctx.when(6, 6),
            "Kent Police",
            "2",
            "B",
            "P",
            [_person_subject(boss), Subject("VEHICLE", old.vehicles[0].vrm)],
            nccu_ref=None,
            intel_submitted=True,
            summary="Controller of two hauliers linked to clandestine entries",
        )
    )
    _ocg(
        ctx,
        group,
        "3C",
        [
            MappedMember(_person_subject(boss), "PRINCIPAL"),
            MappedMember(Subject("HAULIER", old.company.name), "ASSET"),
        ],
        "Kent Police",
    )
    group.mapped_members, group.should_challenge = "part", True
    return _finish(group, [old, new], [boss, aide])


def facilitator(ctx: Ctx, gid: str) -> Group:
    """A foreign haulier working with a UK facilitator; drops at services at night."""
    group = Group(
        gid,
        "facilitator",
        "A Romanian haulier's lorries stop at motorway services "
        "at night where entrants leave the trailer; a UK facilitator calls the drivers.",
    )
    firm = make_haulier(ctx.make, ctx.ids, "RO", 3, dt.date(2019, 2, 1), trailer_types=("SOFT",))
    fixer = ctx.make.person("AL", born=(1975, 1992), phones=2, phone_country="GB")
    fixer.address = ctx.make.address()
    year = ctx.world.start.year
    for i in range(4):
        when = night(ctx.rng, dt.date(year, 2 + 2 * i, 1), dt.date(year, 3 + 2 * i, 28))
        camera = _SERVICES[i % len(_SERVICES)]
        identified = i != 2
        vehicle = firm.vehicles[i % 3]
        group.events.detections.append(
            Detection(
                ref=ctx.ids.ref("POL-DET-", 6),
                at=when,
                location_type="SERVICES",
                entrants=ctx.rng.randint(4, 9),
                agencies=["Bedfordshire Police"],
                place=f"{camera.services} ({camera.road})",
                vehicle=vehicle if identified else None,
                trailer=firm.trailers[i % len(firm.trailers)] if identified else None,
                haulier=firm if identified else None,
                driver=firm.drivers[i % len(firm.drivers)] if identified else None,
                concealment="in load",
                notes="entrants seen leaving a lorry",
            )
        )
        for back in (30, 95, 160):
            group.events.sightings.append(
                Sighting(vehicle.vrm, when - dt.timedelta(minutes=back), camera)
            )
    for driver in firm.drivers:
        _calls(ctx, group, fixer.phones[0], driver.phones[0], ctx.rng.randint(5, 10))
    _calls(ctx, group, fixer.phones[0], fixer.phones[1], 6)
    group.events.attributions.append(
        Attribution(
            fixer.phones[0], "Provider subscriber check", fixer, fixer.address, dt.date(year, 6, 3)
        )
    )
    group.events.referrals.append(
        Referral(
            ctx.ids.ref("BP-INT-", 5),
            ctx.when(5, 5),
            "Bedfordshire Police",
            "2",
            "C",
            "P",
            [Subject("PHONE", fixer.phones[0])],
            nccu_ref=ctx.ids.ref("NCCU-", 7),
            intel_submitted=False,
            summary="Number called by drivers before drops at services",
        )
    )
    group.should_challenge = True
    return _finish(group, [firm], [fixer])


def broker(ctx: Ctx, gid: str) -> Group:
    """A broker who recruits drivers of honest firms, visible only through calls."""
    group = Group(
        gid,
        "broker",
        "A broker pays drivers of otherwise honest hauliers; each "
        "firm sees one incident, and only call records join them.",
    )
    middleman = ctx.make.person("IQ", born=(1978, 1994), phones=1, phone_country="GB")
    honest = [h for h in ctx.world.international() if h.honest and h.group_id is None]
    firms = ctx.rng.sample(honest, k=max(1, min(4, len(honest) - 4)))
    recruits = []
    for i, firm in enumerate(firms):
        firm.group_id = gid  # taken: no other builder picks it
        driver = firm.drivers[0]
        recruits.append(driver)
        when = ctx.when(2 + 2 * i, 3 + 2 * i)
        _port_detection(
            ctx,
            group,
            when,
            firm,
            firm.vehicles[0],
            firm.trailers[0],
            driver,
            ctx.route("GBDVR", "GBPFT", "GBFOL"),
            ctx.rng.randint(5, 14),
        )
        _calls(ctx, group, middleman.phones[0], driver.phones[0], ctx.rng.randint(4, 9))
    group.events.referrals.append(
        Referral(
            ctx.ids.ref("EP-INT-", 5),
            ctx.when(9, 9),
            "Essex Police",
            "3",
            "D",
            "C",
            [Subject("PHONE", middleman.phones[0])],
            handling_conditions="Not for disclosure outside law enforcement",
            intel_submitted=False,
            summary="Unverified: number offers drivers cash",
        )
    )
    group.should_challenge = True
    group.people = [middleman, *recruits]
    group.vehicles = [f.vehicles[0] for f in firms]
    group.trailers = [f.trailers[0] for f in firms]
    group.phones = [p for person in group.people for p in person.phones]
    return group


def reefer(ctx: Ctx, gid: str) -> Group:
    """Unaccompanied refrigerated trailers on the North Sea; minors; mapped low."""
    group = Group(
        gid,
        "reefer",
        "Unaccompanied refrigerated trailers from Zeebrugge to "
        "Purfleet, collected by a UK haulier; entrants include children.",
    )
    sender = make_haulier(
        ctx.make, ctx.ids, "BG", 2, dt.date(2020, 9, 1), trailer_types=("REFRIGERATED",)
    )
    collector = make_haulier(
        ctx.make, ctx.ids, "GB", 1, dt.date(2021, 1, 4), trailer_types=("REFRIGERATED",)
    )
    receiver = collector.company.controllers[0]
    route = next(r for r in INBOUND_ROUTES if r.dep == "BEZEE" and r.arr == "GBPFT")
    for i in range(3):
        when = ctx.when(3 + 3 * i, 4 + 3 * i)
        trailer = sender.trailers[i % len(sender.trailers)]
        _port_detection(
            ctx,
            group,
            when,
            sender,
            None,
            trailer,
            None,
            route,
            ctx.rng.randint(8, 20),
            minors=ctx.rng.randint(2, 5),
            concealment="refrigerated load",
        )
        group.events.detections[-1].notes = "entrants in distress in a refrigerated trailer"
        for minutes in (40, 75):
            camera = cameras_near("GBPFT")[0]
            group.events.sightings.append(
                Sighting(collector.vehicles[0].vrm, when + dt.timedelta(minutes=minutes), camera)
            )
    _calls(ctx, group, receiver.phones[0], sender.office_phone, 12)
    group.events.referrals.append(
        Referral(
            ctx.ids.ref("NCA-INT-", 5),
            ctx.when(4, 4),
            "National Crime Agency",
            "1",
            "B",
            "C",
            [Subject("TRAILER", t.trailer_id) for t in sender.trailers[:2]],
            handling_conditions="Originator's consent before dissemination",
            intel_submitted=True,
            nccu_ref=ctx.ids.ref("NCCU-", 7),
            summary="Trailers used for high-harm movements",
        )
    )
    _ocg(ctx, group, "3D", [MappedMember(_person_subject(receiver), "PRINCIPAL")], "Essex Police")
    group.mapped_members, group.should_challenge = "part", True
    return _finish(group, [sender, collector], [receiver])


def graded_high(ctx: Ctx, gid: str) -> Group:
    """A group already mapped at a high band with strong evidence: nothing to challenge."""
    group = Group(
        gid,
        "graded_high",
        "A well-known haulier group, mapped 1B with all its "
        "members: the analysis should agree, not challenge.",
    )
    firm = make_haulier(
        ctx.make, ctx.ids, "GB", 3, dt.date(2015, 3, 3), trailer_types=("SOFT", "HARD")
    )
    boss = firm.company.controllers[0]
    for i in range(6):
        _port_detection(
            ctx,
            group,
            ctx.when(1 + 2 * i, 2 + 2 * i),
            firm,
            firm.vehicles[i % 3],
            firm.trailers[i % len(firm.trailers)],
            firm.drivers[i % len(firm.drivers)],
            ctx.route("GBDVR", "GBFOL"),
            ctx.rng.randint(6, 18),
        )
    for driver in firm.drivers:
        _calls(ctx, group, boss.phones[0], driver.phones[0], 8)
    group.events.referrals.append(
        Referral(
            ctx.ids.ref("NCA-INT-", 5),
            ctx.when(2, 2),
            "National Crime Agency",
            "1",
            "A",
            "P",
            [_person_subject(boss), Subject("HAULIER", firm.company.name)],
            intel_submitted=True,
            nccu_ref=ctx.ids.ref("NCCU-", 7),
            summary="Principal organises lorry smuggling",
        )
    )
    members = [MappedMember(_person_subject(boss), "PRINCIPAL")]
    members += [MappedMember(_person_subject(d), "SIGNIFICANT") for d in firm.drivers]
    members += [MappedMember(Subject("VEHICLE", v.vrm), "ASSET") for v in firm.vehicles]
    members.append(MappedMember(Subject("HAULIER", firm.company.name), "ASSET"))
    _ocg(ctx, group, "1B", members, "National Crime Agency")
    group.mapped_members, group.should_challenge = "all", False
    return _finish(group, [firm], [boss])


def weak_intel(ctx: Ctx, gid: str) -> Group:
    """Only weak, uncorroborated intelligence: not enough to challenge a grading."""
    group = Group(
        gid,
        "weak_intel",
        "Three low-graded reports about two people and a van, "
        "with no detections: a line of enquiry, not a case for regrading.",
    )
    a = ctx.make.person("GB", born=(1980, 1998))
    b = ctx.make.person("AL", born=(1980, 1998), phone_country="GB")
    van = Vehicle(ctx.ids.vrm("GB"), "GB")
    gradings = [("3", "D", "P"), ("2", "E", "P"), ("2", "D", "P")]
    for i, (se, ia, hc) in enumerate(gradings):
        subjects = (
            [_person_subject(a), Subject("PHONE", b.phones[0])]
            if i != 1
            else [Subject("VEHICLE", van.vrm), _person_subject(b)]
        )
        group.events.referrals.append(
            Referral(
                ctx.ids.ref("MP-INT-", 5),
                ctx.when(2 + 3 * i, 2 + 3 * i),
                "Metropolitan Police",
                se,
                ia,
                hc,
                subjects,
                intel_submitted=False,
                summary="Anonymous report",
            )
        )
    group.should_challenge = False
    group.people, group.vehicles, group.phones = [a, b], [van], [*a.phones, *b.phones]
    return group


def large_fleet(ctx: Ctx, gid: str) -> Group:
    """Decoy: a large honest fleet with several one-off, low-harm incidents."""
    group = Group(
        gid,
        "decoy_large_fleet",
        "A 150-lorry honest haulier with four unrelated "
        "one-off stowaway incidents in a year: a low rate, not a network.",
        decoy=True,
    )
    firm = make_haulier(ctx.make, ctx.ids, "GB", 150, dt.date(1998, 6, 1))
    for i in range(4):
        _port_detection(
            ctx,
            group,
            ctx.when(1 + 3 * i, 3 + 3 * i),
            firm,
            firm.vehicles[i * 7],
            firm.trailers[i * 5],
            firm.drivers[i * 3],
            ctx.route(),
            ctx.rng.randint(1, 3),
            concealment="roof",
        )
    group = _finish(group, [firm], [])
    group.phones = [firm.office_phone]
    return group


def formation_agent(ctx: Ctx, gid: str) -> Group:
    """Decoy: many unrelated small companies registered at one formation agent's address."""
    group = Group(
        gid,
        "decoy_formation_agent",
        "Twelve unrelated small hauliers share a "
        "company formation agent's registered office; one had an incident.",
        decoy=True,
    )
    office = ctx.make.address()
    firms = []
    for _ in range(12):
        firm = make_haulier(
            ctx.make,
            ctx.ids,
            "GB",
            ctx.rng.randint(1, 3),
            dt.date(ctx.rng.randint(2016, 2023), 1, 10),
        )
        firm.company.address = office
        firms.append(firm)
    lone = firms[0]
    _port_detection(
        ctx,
        group,
        ctx.when(),
        lone,
        lone.vehicles[0],
        lone.trailers[0],
        lone.drivers[0],
        ctx.route(),
        2,
        concealment="chassis",
    )
    group = _finish(group, firms, [])
    group.phones = [f.office_phone for f in firms]
    return group


ARCHETYPES: dict[str, Callable[[Ctx, str], Group]] = {
    "phoenix": phoenix,
    "facilitator": facilitator,
    "broker": broker,
    "reefer": reefer,
    "graded_high": graded_high,
    "weak_intel": weak_intel,
}
DECOYS: dict[str, Callable[[Ctx, str], Group]] = {
    "decoy_large_fleet": large_fleet,
    "decoy_formation_agent": formation_agent,
}


def build_groups(ctx: Ctx, scale: float) -> None:
    """Plant every archetype and decoy, ``max(1, round(scale))`` of each, into the world."""
    count = max(1, round(scale))
    number = 0
    for builders in (ARCHETYPES, DECOYS):
        for build in builders.values():
            for _ in range(count):
                number += 1
                group = build(ctx, f"G{number:03d}")
                ctx.world.groups.append(group)
                known = {id(h) for h in ctx.world.hauliers}
                ctx.world.hauliers.extend(h for h in group.hauliers if id(h) not in known)
