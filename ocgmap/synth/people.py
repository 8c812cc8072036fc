"""Make synthetic people, addresses and companies, each unique within the world."""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Callable

from ocgmap.normalise import person as person_name
from ocgmap.synth.ids import Ids
from ocgmap.synth.model import Address, Company, Licence, Person
from ocgmap.synth.pools import (
    COMPANY_STEMS,
    COMPANY_WORDS,
    FORENAMES,
    LEGAL_FORMS,
    STREETS,
    SURNAMES,
    TOWNS,
)

__all__ = ["Factory"]

#: Traffic area letter by outward postcode area (formats.md §9, domain.md §3.2).
_AREA = {
    "CT": "K",
    "TN": "K",
    "ME": "K",
    "DA": "K",
    "RM": "K",
    "SS": "F",
    "CO": "F",
    "IP": "F",
    "HU": "B",
    "DN": "B",
    "LS": "B",
    "M": "C",
    "B": "D",
    "CV": "D",
    "NN": "F",
    "LU": "F",
    "SO": "H",
    "PO": "H",
    "BS": "H",
    "PE": "F",
    "SL": "K",
}

_INITIALS = tuple(f"{a} {b}" for a in "ADJKMPRST" for b in "BCEGHLW") + tuple("ABCDGJKMPRSTW")

_FOREIGN_TOWNS = {
    "PL": ("Poznań", "Łódź", "Wrocław", "Kraków"),
    "RO": ("Cluj-Napoca", "Timișoara", "Iași"),
    "BG": ("Sofia", "Plovdiv", "Ruse"),
    "LT": ("Vilnius", "Kaunas"),
    "NL": ("Rotterdam", "Venlo", "Tilburg"),
}


@functools.cache
def _folded(word: str) -> str:
    """A pool word as ocgmap normalises person names (cached: pools are small)."""
    return person_name(word) or word


class Factory:
    """Builds people, addresses and companies for one world, never repeating an identity.

    Parameters
    ----------
    rng : random.Random
        Random stream for entity attributes.
    ids : Ids
        The world's identifier factory.
    """

    def __init__(self, rng: random.Random, ids: Ids) -> None:
        self.rng = rng
        self.ids = ids

    def address(self, town: tuple[str, str] | None = None) -> Address:
        """A GB address in one of the pool's towns (or the given one)."""
        name, outward = town or self.rng.choice(TOWNS)
        inward = f"{self.rng.randint(1, 9)}{self.rng.choice('ABDEFGHJLNPQRSTUWXYZ')}" + (
            self.rng.choice("ABDEFGHJLNPQRSTUWXYZ")
        )
        line1 = f"{self.rng.randint(1, 240)} {self.rng.choice(STREETS)}"
        return Address(line1=line1, town=name, postcode=f"{outward} {inward}")

    def foreign_address(self, country: str) -> Address:
        """An address abroad (no UK postcode)."""
        town = self.rng.choice(_FOREIGN_TOWNS.get(country, ("Centre",)))
        return Address(
            line1=f"ul. {self.rng.randint(1, 99)}",
            town=town,
            postcode=f"{self.rng.randint(10, 99)}-{self.rng.randint(100, 999)}",
            country=country,
        )

    def person(
        self,
        nationality: str,
        born: tuple[int, int] = (1960, 2000),
        phones: int = 1,
        phone_country: str | None = None,
    ) -> Person:
        """A person with a unique name + date of birth and ``phones`` mobile numbers."""
        pool = nationality if nationality in FORENAMES else "GB"
        for _ in range(100):
            dob = dt.date(self.rng.randint(*born), self.rng.randint(1, 12), self.rng.randint(1, 28))
            forename = self.rng.choice(FORENAMES[pool])
            surname = self.rng.choice(SURNAMES[pool])
            key = f"P:{_folded(forename)} {_folded(surname)}|{dob.isoformat()}"
            if not self.ids.is_used(key):
                self.ids.claim(key)
                numbers = [self.ids.phone(phone_country or nationality) for _ in range(phones)]
                title = self.rng.choice(["Mr", "Mr", "Mr", "Mrs", "Ms"]) if pool == "GB" else "Mr"
                return Person(forename, surname, dob, nationality, numbers, title=title)
        raise RuntimeError("could not find an unused name")  # pragma: no cover

    def company_name(self, country: str, words: str | None = None) -> str:
        """A unique company name with the country's legal form.

        Names are tried from small pools first (``<stem> <word>``), then from larger ones
        (surnames, initials, towns), then with a region or a number, as real registers do.
        """
        rng, pool = self.rng, SURNAMES.get(country, SURNAMES["GB"])
        shapes: list[Callable[[], str]] = [
            lambda: f"{words or rng.choice(COMPANY_STEMS)} {rng.choice(COMPANY_WORDS)}",
            lambda: f"{rng.choice(pool)} {rng.choice(COMPANY_WORDS)}",
            lambda: f"{rng.choice(_INITIALS)} {rng.choice(pool)} {rng.choice(COMPANY_WORDS)}",
            lambda: (
                f"{rng.choice(TOWNS)[0]} {rng.choice(COMPANY_STEMS)} {rng.choice(COMPANY_WORDS)}"
            ),
            lambda: (
                f"{rng.choice(COMPANY_STEMS)} {rng.choice(COMPANY_WORDS)} {rng.randint(2, 9999)}"
            ),
        ]
        suffix = LEGAL_FORMS.get(country, ("",))[0]
        # Bases have no punctuation, so distinct upper-case bases stay distinct once
        # normalised; the legal suffix is the country's, so it cannot make two names clash.
        for shape, tries in zip(shapes, (3, 3, 3, 3, 200), strict=True):
            for _ in range(tries):
                base = shape()
                if not self.ids.is_used(f"CO:{country}:{base.upper()}"):
                    self.ids.claim(f"CO:{country}:{base.upper()}")
                    return f"{base} {suffix}".strip()
        raise RuntimeError("could not find an unused company name")  # pragma: no cover

    def gb_company(
        self,
        incorporated: dt.date,
        address: Address | None = None,
        licence_type: str | None = "Standard International",
        vehicles: int = 1,
        name: str | None = None,
    ) -> Company:
        """A GB company with a company number and, unless ``licence_type`` is None, a licence."""
        address = address or self.address()
        company = Company(
            name=name or self.company_name("GB"),
            country="GB",
            address=address,
            incorporated_on=incorporated,
            number=self.ids.company_number(),
        )
        if licence_type:
            area = _AREA.get(address.postcode.split()[0].rstrip("0123456789"), "K")
            company.licence = Licence(
                number=self.ids.licence(area),
                licence_type=licence_type,
                status="Valid",
                vehicles_authorised=vehicles + self.rng.randint(0, 3),
                trailers_authorised=vehicles + self.rng.randint(0, 6),
                traffic_area=area,
            )
        return company

    def foreign_company(self, country: str, incorporated: dt.date) -> Company:
        """A haulier registered abroad: no company number, no GB licence."""
        return Company(
            name=self.company_name(country),
            country=country,
            address=self.foreign_address(country),
            incorporated_on=incorporated,
        )
