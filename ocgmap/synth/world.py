"""The honest background: hauliers of very different sizes with fleets, drivers, phones."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from ocgmap.synth.ids import Ids
from ocgmap.synth.model import Group, Haulier, Person, Trailer, Vehicle
from ocgmap.synth.people import Factory

__all__ = ["TRAILER_TYPES", "World", "build_background", "make_haulier"]

#: Trailer types (formats.md §1 codes) with their share of the fleet.
TRAILER_TYPES: tuple[tuple[str, float], ...] = (
    ("SOFT", 0.40),
    ("HARD", 0.33),
    ("REFRIGERATED", 0.15),
    ("CONTAINER", 0.06),
    ("TANKER", 0.03),
    ("FLATBED", 0.03),
)

#: Foreign haulier countries and their share of foreign hauliers.
FOREIGN: tuple[tuple[str, float], ...] = (
    ("PL", 0.35),
    ("RO", 0.2),
    ("LT", 0.15),
    ("BG", 0.15),
    ("NL", 0.15),
)

_DRIVER_NATIONALITY_GB = (("GB", 0.7), ("PL", 0.12), ("RO", 0.08), ("BG", 0.05), ("LT", 0.05))


@dataclass
class World:
    """Everything that exists in one synthetic world before events are written."""

    start: dt.date
    end: dt.date
    hauliers: list[Haulier] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)

    def international(self) -> list[Haulier]:
        """Hauliers whose vehicles cross the Channel and the North Sea."""
        return [h for h in self.hauliers if h.company.country != "GB" or _crosses(h)]


def _crosses(haulier: Haulier) -> bool:
    licence = haulier.company.licence
    return licence is not None and licence.licence_type == "Standard International"


def _pick(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def fleet_size(rng: random.Random) -> int:
    """A fleet size: most hauliers are small, a few run hundreds of vehicles."""
    roll = rng.random()
    if roll < 0.6:
        return rng.randint(1, 5)
    if roll < 0.85:
        return rng.randint(6, 20)
    if roll < 0.97:
        return rng.randint(21, 60)
    return rng.randint(61, 200)


def make_haulier(
    make: Factory,
    ids: Ids,
    country: str,
    vehicles: int,
    incorporated: dt.date,
    licence_type: str = "Standard International",
    trailer_types: tuple[str, ...] | None = None,
) -> Haulier:
    """A haulier with ``vehicles`` vehicles, about 1.3 trailers and 1.1 drivers each."""
    rng = make.rng
    if country == "GB":
        company = make.gb_company(incorporated, licence_type=licence_type, vehicles=vehicles)
        controllers = rng.choice([1, 1, 2])
        company.controllers = [make.person("GB", born=(1955, 1990)) for _ in range(controllers)]
        for person in company.controllers:
            person.address = make.address()
    else:
        company = make.foreign_company(country, incorporated)
    fleet = [Vehicle(ids.vrm(country), country) for _ in range(vehicles)]
    n_trailers = max(1, round(vehicles * rng.uniform(1.0, 1.6)))
    trailers = [
        Trailer(
            ids.trailer_id(country),
            rng.choice(trailer_types) if trailer_types else _pick(rng, TRAILER_TYPES),
        )
        for _ in range(n_trailers)
    ]
    drivers = []
    for _ in range(max(1, round(vehicles * rng.uniform(1.0, 1.25)))):
        nationality = _pick(rng, _DRIVER_NATIONALITY_GB) if country == "GB" else country
        driver = make.person(nationality, born=(1962, 2001))
        if nationality == "GB" or country == "GB":
            driver.address = make.address()
        drivers.append(driver)
    return Haulier(company, fleet, trailers, drivers, office_phone=ids.phone(country))


def build_background(make: Factory, ids: Ids, world: World, scale: float) -> None:
    """Add the honest hauliers of a world of the given scale."""
    rng = make.rng
    for _ in range(max(8, round(150 * scale))):
        licence = rng.choices(
            ["Standard International", "Standard National", "Restricted"], weights=[0.35, 0.45, 0.2]
        )[0]
        born = dt.date(rng.randint(1992, 2022), rng.randint(1, 12), rng.randint(1, 28))
        world.hauliers.append(make_haulier(make, ids, "GB", fleet_size(rng), born, licence))
    for _ in range(max(8, round(100 * scale))):
        country = _pick(rng, FOREIGN)
        born = dt.date(rng.randint(1995, 2022), rng.randint(1, 12), rng.randint(1, 28))
        world.hauliers.append(make_haulier(make, ids, country, fleet_size(rng), born))
