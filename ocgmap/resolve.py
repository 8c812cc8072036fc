"""Entity resolution: exact keys first, then scored candidates with reasons.

Exact identifiers (VRM, trailer id, E.164 phone, UN/LOCODE, company number, operator licence)
are node keys, so the same lorry or phone from two sources is one node. Hauliers are resolved
across sources by company number, then licence, then normalised name with country or
postcode. Anything short of exact becomes a ``POSSIBLY_SAME`` relationship with a score and
plain-English reasons, never a merge; people with the same name and no date of birth are
never merged.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import networkx as nx
from rapidfuzz import fuzz

from ocgmap import normalise

__all__ = [
    "COMMON_NAME_PEOPLE",
    "Candidate",
    "HaulierIndex",
    "company_name",
    "haulier_candidates",
    "person_candidates",
    "person_key",
]


@functools.lru_cache(maxsize=1 << 16)
def company_name(name: str) -> str | None:
    """``normalise.company`` with a cache: loads meet the same few haulier names again and again."""
    return normalise.company(name)


#: Name similarity (rapidfuzz token sort ratio, 0-100) from which two hauliers are candidates.
HAULIER_NAME_THRESHOLD = 90.0


def person_key(name: str, dob: dt.date | str | None, scope: str) -> str:
    """The Person key: ``NAME|yyyy-mm-dd`` or ``NAME|yyyy-mm``; ``NAME|?scope`` without DOB.

    Examples
    --------
    >>> person_key("Łukasz Wójcik", dt.date(1980, 2, 3), "x")
    'LUKASZ WOJCIK|1980-02-03'
    >>> person_key("Jan Nowak", None, "CH:01234567")
    'JAN NOWAK|?CH:01234567'
    """
    key = normalise.person_key(name, dob, scope)
    assert key is not None
    return key


@dataclass
class HaulierIndex:
    """What is known of hauliers, to resolve a haulier named in a row to one key.

    Examples
    --------
    >>> index = HaulierIndex()
    >>> index.add("CH:01234567", "HARBOUR FREIGHT LTD", "GB", postcode="CT16 1AA")
    >>> index.resolve("Harbour Freight Limited", "GB")
    'CH:01234567'
    >>> index.resolve("Harbour Freight Limited", None)
    'CH:01234567'
    >>> index.resolve("Other Haulage Ltd", "GB")
    'NAME:OTHER HAULAGE LTD|GB'
    """

    by_number: dict[str, str] = field(default_factory=dict)
    by_licence: dict[str, str] = field(default_factory=dict)
    by_name_country: dict[tuple[str, str], str] = field(default_factory=dict)
    by_name_postcode: dict[tuple[str, str], str] = field(default_factory=dict)
    by_name: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(
        self,
        key: str,
        name: str | None,
        country: str | None,
        *,
        licence: str | None = None,
        postcode: str | None = None,
        company_number: str | None = None,
    ) -> None:
        """Record that haulier ``key`` is known by these identifiers."""
        if company_number:
            self.by_number[company_number] = key
        if licence:
            self.by_licence.setdefault(licence, key)
        norm = company_name(name) if name else None
        if norm:
            self.by_name[norm].add(key)
            if country:
                self.by_name_country.setdefault((norm, country), key)
            if postcode:
                self.by_name_postcode.setdefault((norm, postcode), key)

    def resolve(
        self,
        name: str | None,
        country: str | None,
        *,
        licence: str | None = None,
        company_number: str | None = None,
        postcode: str | None = None,
    ) -> str | None:
        """The key of the haulier these identifiers name (a new NAME: or OL: key if unknown)."""
        if company_number:
            return f"CH:{company_number}"
        if licence and licence in self.by_licence:
            return self.by_licence[licence]
        norm = company_name(name) if name else None
        if norm and postcode and (norm, postcode) in self.by_name_postcode:
            return self.by_name_postcode[(norm, postcode)]
        if norm and country and (norm, country) in self.by_name_country:
            return self.by_name_country[(norm, country)]
        if norm and not country and len(self.by_name.get(norm, ())) == 1:
            return next(iter(self.by_name[norm]))
        if licence:
            return f"OL:{licence}"
        if norm:
            return f"NAME:{norm}|{country or '?'}"
        return None

    @classmethod
    def from_graph(cls, graph: nx.MultiDiGraph) -> HaulierIndex:
        """Index the Haulier nodes of a graph (as a store's ``to_networkx`` gives them)."""
        index = cls()
        for _, attrs in graph.nodes(data=True):
            if attrs.get("label") != "Haulier":
                continue
            for name in [attrs.get("name"), *(attrs.get("names") or [])]:
                index.add(
                    attrs["key"],
                    name,
                    attrs.get("country"),
                    company_number=attrs.get("company_number"),
                )
            for licence in attrs.get("licences") or []:
                index.add(attrs["key"], None, None, licence=licence)
        return index


@dataclass(frozen=True)
class Candidate:
    """Two nodes that may be the same entity: a line of enquiry, never a merge."""

    label: str
    a: str
    b: str
    score: float
    reasons: tuple[str, ...]
    method: str


def _split_person(key: str) -> tuple[str, str]:
    name, _, rest = key.rpartition("|")
    return name, rest


#: A name that more people with a date of birth hold than this is too common for a mention
#: without one to point at any of them: it gets no name-only candidates (see
#: :func:`person_candidates`).
COMMON_NAME_PEOPLE = 10


def person_candidates(keys: Iterable[str]) -> Iterator[Candidate]:
    """Pairs of Person keys with the same name that an exact key cannot join, in key order.

    A month/year date of birth (PSC) in the same month as a full date scores 0.9. A person
    without a date of birth and a person with the same name and one score 0.5, unless more
    than :data:`COMMON_NAME_PEOPLE` people with a date of birth hold the name: a mention of
    a common name without a date of birth does not point at any one of them, and linking it
    to all of them grows with the square of the data (a national load would hold tens of
    millions of such links for a few common names), so it gets none.

    Notes
    -----
    O(n log n) in the keys plus the candidates made: pairs that cannot match are never
    compared.

    Examples
    --------
    >>> [c.score for c in person_candidates(["ANNA NOWAK|1980-02", "ANNA NOWAK|1980-02-14",
    ...                                      "ANNA NOWAK|1981-03-01"])]
    [0.9]
    >>> common = [f"JOHN SMITH|1980-01-{day:02d}" for day in range(1, 12)]
    >>> len(list(person_candidates(common[:10] + ["JOHN SMITH|?CH:01234567"])))
    10
    >>> len(list(person_candidates(common + ["JOHN SMITH|?CH:01234567"])))
    0
    """
    by_name: dict[str, dict[str, str]] = defaultdict(dict)  # name -> key -> date of birth
    for key in keys:
        name, dob = _split_person(key)
        by_name[name][key] = dob
    for _, group in sorted(by_name.items()):
        yield from sorted(_person_pairs(group), key=lambda c: (c.a, c.b))


def _pair(a: str, b: str, score: float, reason: str, method: str) -> Candidate:
    """A Person candidate, its two keys in order."""
    first, second = sorted((a, b))
    return Candidate("Person", first, second, score, ("same name", reason), method)


def _person_pairs(group: dict[str, str]) -> Iterator[Candidate]:
    """The candidates among one name's keys (key -> date of birth, ``?...`` when unknown).

    Two mentions without a date of birth have nothing but the name in common: no candidate.
    """
    undated = [k for k, dob in group.items() if dob.startswith("?")]
    dated = [k for k, dob in group.items() if not dob.startswith("?")]
    if len(dated) <= COMMON_NAME_PEOPLE:
        for u in undated:
            for d in dated:
                yield _pair(u, d, 0.5, "one has no date of birth", "name_only")
    full_by_month: dict[str, list[str]] = defaultdict(list)
    for key in dated:
        if len(group[key]) == 10:
            full_by_month[group[key][:7]].append(key)
    for key in dated:
        if len(group[key]) == 7:
            for full in full_by_month.get(group[key], ()):
                reason = "month and year of birth match the full date of birth"
                yield _pair(key, full, 0.9, reason, "dob_month")


def haulier_candidates(names: dict[str, str]) -> Iterator[Candidate]:
    """Pairs of hauliers with different keys whose names are alike.

    ``names`` maps each haulier key to its normalised name. Exactly equal names with
    different keys (e.g. a booking name with no country, two companies of one name) score
    1.0 with a reason saying so.

    Notes
    -----
    Compares every pair whose names start with the same word: O(n^2) in the worst case, fine
    for the tens of thousands of hauliers of a national load.
    """
    by_token: dict[str, set[str]] = defaultdict(set)
    for key, name in names.items():
        for token in name.split()[:1]:
            by_token[token].add(key)
    for _, keys in sorted(by_token.items()):  # one token per name: no pair is met twice
        ordered = sorted(keys)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                score = fuzz.token_sort_ratio(names[a], names[b])
                if score >= HAULIER_NAME_THRESHOLD:
                    reason = (
                        "same name" if score == 100 else f"names {score:.0f}% alike",
                        "different identifiers",
                    )
                    yield Candidate("Haulier", a, b, round(score / 100, 3), reason, "name")
