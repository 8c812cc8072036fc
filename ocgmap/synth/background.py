"""Background activity of honest hauliers, generated lazily (never held as a whole).

Crossings (and the ANPR reads inland from arrival ports that follow them), calls between
drivers and their offices, subscriber records, opportunistic one-off stowaway detections and
low-grade background referrals.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from ocgmap.synth.events import Attribution, Call, Crossing, Detection, Referral, Sighting, Subject
from ocgmap.synth.ids import Ids
from ocgmap.synth.model import Haulier
from ocgmap.synth.places import INBOUND_ROUTES, Route, cameras_near
from ocgmap.synth.timing import moment, night
from ocgmap.synth.world import World

__all__ = [
    "attributions",
    "background_detections",
    "background_referrals",
    "calls",
    "crossings",
]

_LOADS = (
    "general cargo",
    "furniture",
    "chilled food",
    "paper rolls",
    "car parts",
    "building materials",
    "textiles",
    "beverages",
    "machinery",
    "empty",
)
#: Hours from departure to arrival, by arrival port.
_SAILING = {
    "GBDVR": 1.5,
    "GBFOL": 0.6,
    "GBPFT": 8.0,
    "GBKGH": 10.0,
    "GBHUL": 11.0,
    "GBHRW": 7.0,
    "GBTIL": 8.0,
    "GBPME": 5.0,
    "GBFIS": 3.5,
    "GBHLY": 3.5,
    "GBNHV": 4.0,
}
_WEST = {"NL": ("GBHRW", "GBKGH", "GBHUL", "GBPFT"), "IE": ("GBHLY", "GBFIS")}


def _routes_for(haulier: Haulier) -> list[Route]:
    ports = _WEST.get(haulier.company.country)
    if ports:
        return [r for r in INBOUND_ROUTES if r.arr in ports]
    return list(INBOUND_ROUTES)


def _crossing(
    rng: random.Random, ids: Ids, world: World, haulier: Haulier, route: Route, inbound: bool
) -> Crossing:
    unaccompanied = inbound and rng.random() < route.unaccompanied
    driver = None if unaccompanied else rng.choice(haulier.drivers)
    phone = (
        driver.phones[0]
        if driver and driver.phones and rng.random() < 0.4
        else (haulier.office_phone)
    )
    return Crossing(
        at=moment(rng, world.start, world.end),
        dep=route.dep if inbound else route.arr,
        arr=route.arr if inbound else route.dep,
        carrier=route.carrier,
        vehicle=None if unaccompanied else rng.choice(haulier.vehicles),
        trailer=rng.choice(haulier.trailers) if rng.random() < 0.9 else None,
        haulier=haulier,
        driver=driver,
        phone=phone,
        load=rng.choice(_LOADS),
    )


def crossings(
    rng: random.Random, ids: Ids, world: World
) -> Iterator[tuple[Crossing, list[Sighting]]]:
    """Each international vehicle crosses 8-40 times a year; inbound ones may be read by ANPR."""
    for haulier in world.international():
        routes = _routes_for(haulier)
        weights = [r.weight for r in routes]
        for _ in haulier.vehicles:
            for _ in range(rng.randint(8, 40)):
                route = rng.choices(routes, weights=weights)[0]
                crossing = _crossing(rng, ids, world, haulier, route, rng.random() < 0.5)
                yield crossing, _reads(rng, crossing)


def _reads(rng: random.Random, crossing: Crossing) -> list[Sighting]:
    cams = cameras_near(crossing.arr)
    if crossing.vehicle is None or not cams or rng.random() > 0.6:
        return []
    arrival = crossing.at + dt.timedelta(hours=_SAILING.get(crossing.arr, 2.0))
    out = []
    for camera in rng.sample(cams, k=min(len(cams), rng.randint(1, 3))):
        arrival += dt.timedelta(minutes=rng.randint(10, 70))
        out.append(Sighting(crossing.vehicle.vrm, arrival, camera))
    return out


def calls(rng: random.Random, world: World) -> Iterator[Call]:
    """Drivers and controllers call their office; colleagues call each other."""
    for haulier in world.hauliers:
        people = haulier.drivers + haulier.company.controllers
        for person in people:
            for _ in range(rng.randint(2, 14)):
                other = haulier.office_phone
                if len(people) > 1 and rng.random() < 0.25:
                    other = rng.choice(people).phones[0]
                if other == person.phones[0]:
                    continue
                kind = "SMS" if rng.random() < 0.25 else "CALL"
                a, b = (
                    (person.phones[0], other) if rng.random() < 0.5 else (other, person.phones[0])
                )
                yield Call(
                    a,
                    b,
                    moment(rng, world.start, world.end),
                    None if kind == "SMS" else rng.randint(5, 900),
                    kind,
                )


_SOURCES = ("Provider subscriber check", "Intelligence log", "Custody record", "Vehicle stop")


def attributions(rng: random.Random, world: World) -> Iterator[Attribution]:
    """About half of UK numbers of people with a UK address are attributed."""
    for haulier in world.hauliers:
        for person in haulier.drivers + haulier.company.controllers:
            for number in person.phones:
                if number.startswith("+44") and person.address and rng.random() < 0.5:
                    yield Attribution(
                        number,
                        rng.choice(_SOURCES),
                        person,
                        person.address,
                        moment(rng, world.start, world.end).date(),
                    )


def background_detections(
    rng: random.Random, ids: Ids, world: World, count: int
) -> Iterator[Detection]:
    """Opportunistic one-off stowaways, mostly on soft trailers of honest hauliers."""
    honest = [h for h in world.international() if h.honest and h.group_id is None]
    for _ in range(count if honest else 0):
        haulier = rng.choice(honest)
        soft = [t for t in haulier.trailers if t.trailer_type == "SOFT"]
        trailer = rng.choice(soft if soft and rng.random() < 0.75 else haulier.trailers)
        vehicle, driver = rng.choice(haulier.vehicles), rng.choice(haulier.drivers)
        if rng.random() < 0.7:
            route = rng.choices(INBOUND_ROUTES, weights=[r.weight for r in INBOUND_ROUTES])[0]
            entrants = rng.choice([1, 1, 1, 2, 2, 3, 4])
            yield Detection(
                ids.ref("BF-DET-", 6),
                moment(rng, world.start, world.end),
                "PORT",
                entrants,
                ["Border Force"],
                port=route.arr,
                vehicle=vehicle,
                trailer=trailer,
                haulier=haulier,
                driver=driver,
                route=route,
                concealment=rng.choice(["in load", "roof", "chassis", "cab"]),
                penalty_ref=ids.ref("CECPS-", 6),
                penalty_gbp=entrants * 2000,
            )
            continue
        identified = rng.random() < 1 / 3
        yield Detection(
            ids.ref("POL-DET-", 6),
            night(rng, world.start, world.end),
            rng.choice(["INLAND", "LORRY_PARK", "OTHER"]),
            rng.randint(1, 6),
            [rng.choice(["Kent Police", "Essex Police", "Thames Valley Police"])],
            place=rng.choice(
                [
                    "Layby A14 Stowmarket",
                    "Ashford International Truckstop",
                    "Industrial estate, Thurrock",
                    "A2 layby Dartford",
                ]
            ),
            vehicle=vehicle if identified else None,
            trailer=trailer if identified else None,
            haulier=haulier if identified else None,
            driver=driver if identified else None,
            notes="persons seen leaving a lorry" if not identified else None,
        )


_GRADES = (("2", "C", "P"), ("3", "D", "P"), ("2", "B", "P"), ("1", "C", "P"), ("2", "D", "C"))


def background_referrals(
    rng: random.Random, ids: Ids, world: World, count: int, detections: list[str]
) -> Iterator[Referral]:
    """Low-value referrals about people, lorries and phones of the honest background."""
    honest = [h for h in world.hauliers if h.honest and h.group_id is None]
    for _ in range(count):
        haulier = rng.choice(honest)
        person = rng.choice(haulier.drivers)
        subjects = [Subject("PERSON", person.name, person.dob if rng.random() < 0.7 else None)]
        if rng.random() < 0.5:
            subjects.append(Subject("VEHICLE", rng.choice(haulier.vehicles).vrm))
        if rng.random() < 0.3:
            subjects.append(Subject("PHONE", person.phones[0]))
        se, ia, hc = rng.choice(_GRADES)
        yield Referral(
            ids.ref("INT-", 6),
            moment(rng, world.start, world.end),
            rng.choice(["Kent Police", "Essex Police", "Border Force", "Hampshire Constabulary"]),
            se,
            ia,
            hc,
            subjects,
            nccu_ref=ids.ref("NCCU-", 7) if rng.random() < 0.3 else None,
            intel_submitted=rng.random() < 0.6 if rng.random() < 0.8 else None,
            handling_conditions="Handle as OFFICIAL-SENSITIVE" if hc == "C" else None,
            detection_ref=rng.choice(detections) if detections and rng.random() < 0.15 else None,
            summary=rng.choice(
                [
                    "Driver stated he was unaware",
                    "Routine report",
                    "Vehicle seen at lorry park",
                    None,
                ]
            ),
        )
