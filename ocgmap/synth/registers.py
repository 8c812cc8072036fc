"""Write the public-register files of a synthetic world in their real published formats.

Three files, one function each (formats.md §8-§9, domain.md §3.2-§3.3):

- :func:`write_companies_house`: the Companies House Free Company Data Product
  (``BasicCompanyData``) CSV, with the real 55-column header, every value quoted.
- :func:`write_psc`: the persons-with-significant-control snapshot, JSON lines ending with
  the real ``totals#persons-of-significant-control-snapshot`` line.
- :func:`write_operator_licences`: the Traffic Commissioners' goods vehicle operator licence
  register in ocgmap's default layout, with planted faults a loader must quarantine.

Every function streams its rows and draws all randomness from the ``random.Random`` it is
given, in a fixed order, so the same companies and seed give byte-identical files. The
Companies House files are real formats and carry no planted faults.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import random
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from ocgmap import reference
from ocgmap.normalise.licence import TRAFFIC_AREAS
from ocgmap.synth.model import Address, Company, Licence, Person
from ocgmap.synth.sink import CsvSink, JsonlSink
from ocgmap.synth.truth import FileTruth

__all__ = [
    "COMPANIES_HOUSE_HEADER",
    "OPERATOR_LICENCE_HEADER",
    "SNAPSHOT_ON",
    "TRAFFIC_AREA_NAMES",
    "write_companies_house",
    "write_operator_licences",
    "write_psc",
]

#: The BasicCompanyData header, verbatim (note the leading spaces in some names).
COMPANIES_HOUSE_HEADER: Final[tuple[str, ...]] = tuple(
    "CompanyName, CompanyNumber,RegAddress.CareOf,RegAddress.POBox,RegAddress.AddressLine1,"
    " RegAddress.AddressLine2,RegAddress.PostTown,RegAddress.County,RegAddress.Country,"
    "RegAddress.PostCode,CompanyCategory,CompanyStatus,CountryOfOrigin,DissolutionDate,"
    "IncorporationDate,Accounts.AccountRefDay,Accounts.AccountRefMonth,Accounts.NextDueDate,"
    "Accounts.LastMadeUpDate,Accounts.AccountCategory,Returns.NextDueDate,"
    "Returns.LastMadeUpDate,Mortgages.NumMortCharges,Mortgages.NumMortOutstanding,"
    "Mortgages.NumMortPartSatisfied,Mortgages.NumMortSatisfied,SICCode.SicText_1,"
    "SICCode.SicText_2,SICCode.SicText_3,SICCode.SicText_4,LimitedPartnerships.NumGenPartners,"
    "LimitedPartnerships.NumLimPartners,URI,PreviousName_1.CONDATE, PreviousName_1.CompanyName,"
    " PreviousName_2.CONDATE, PreviousName_2.CompanyName,PreviousName_3.CONDATE,"
    " PreviousName_3.CompanyName,PreviousName_4.CONDATE, PreviousName_4.CompanyName,"
    "PreviousName_5.CONDATE, PreviousName_5.CompanyName,PreviousName_6.CONDATE,"
    " PreviousName_6.CompanyName,PreviousName_7.CONDATE, PreviousName_7.CompanyName,"
    "PreviousName_8.CONDATE, PreviousName_8.CompanyName,PreviousName_9.CONDATE,"
    " PreviousName_9.CompanyName,PreviousName_10.CONDATE, PreviousName_10.CompanyName,"
    "ConfStmtNextDueDate, ConfStmtLastMadeUpDate".split(",")
)

#: ocgmap's default operator licence header (formats.md §9).
OPERATOR_LICENCE_HEADER: Final[tuple[str, ...]] = (
    "Licence Number",
    "Operator Name",
    "Trading Name",
    "Licence Type",
    "Licence Status",
    "Correspondence Address",
    "Correspondence Postcode",
    "Vehicles Authorised",
    "Trailers Authorised",
    "Traffic Area",
)

#: Traffic area names by the letter that follows ``O`` in a licence number.
TRAFFIC_AREA_NAMES: Final[Mapping[str, str]] = {
    "B": "North East of England",
    "C": "North West of England",
    "D": "West Midlands",
    "F": "East of England",
    "G": "Wales",
    "H": "West of England",
    "K": "London and the South East of England",
    "M": "Scotland",
    "N": "Northern Ireland",
}

#: The date the registers are written "as at" unless a caller gives one.
SNAPSHOT_ON: Final = dt.date(2025, 6, 1)

_PSC_REGISTER_OPENED: Final = dt.date(2016, 4, 6)
_CONFIRMATION_STATEMENTS_FROM: Final = dt.date(2016, 6, 30)
_URI: Final = "http://business.data.gov.uk/id/company/"
_ACCOUNT_CATEGORIES: Final = (
    "TOTAL EXEMPTION FULL",
    "MICRO ENTITY",
    "UNAUDITED ABRIDGED",
    "SMALL",
    "FULL",
)
_SECOND_SIC: Final = "52290 - Other transportation support activities"
_SCOTTISH_AREAS: Final = frozenset("AB DD DG EH FK G HS IV KA KW KY ML PA PH TD ZE".split())
_WELSH_AREAS: Final = frozenset("CF LD LL NP SA".split())
_NATIONALITIES: Final[Mapping[str, str]] = {
    "AF": "Afghan", "AL": "Albanian", "AT": "Austrian", "BE": "Belgian", "BG": "Bulgarian",
    "BY": "Belarusian", "CH": "Swiss", "CN": "Chinese", "CZ": "Czech", "DE": "German",
    "DK": "Danish", "EE": "Estonian", "EG": "Egyptian", "ER": "Eritrean", "ES": "Spanish",
    "ET": "Ethiopian", "FI": "Finnish", "FR": "French", "GB": "British", "GR": "Greek",
    "HR": "Croatian", "HU": "Hungarian", "IE": "Irish", "IN": "Indian", "IQ": "Iraqi",
    "IR": "Iranian", "IT": "Italian", "LT": "Lithuanian",
    "LV": "Latvian", "MD": "Moldovan", "MK": "Macedonian", "NL": "Dutch", "NO": "Norwegian",
    "PK": "Pakistani", "PL": "Polish", "PT": "Portuguese", "RO": "Romanian", "RS": "Serbian",
    "RU": "Russian", "SD": "Sudanese", "SE": "Swedish", "SI": "Slovenian", "SK": "Slovak",
    "SO": "Somali", "SY": "Syrian", "TR": "Turkish", "UA": "Ukrainian", "US": "American",
    "VN": "Vietnamese", "XK": "Kosovan",
}  # fmt: skip
_WOMENS_TITLES: Final = ("Mrs", "Ms", "Miss")
_WOMENS_TITLE_WEIGHTS: Final = (50, 35, 15)
_WOMENS_FORENAMES: Final = frozenset({"Sarah", "Karen", "Lisa", "Michelle", "Claire", "Sanne"})
_MENS_FORENAMES_IN_A: Final = frozenset({"Mustafa", "Luca", "Kuba", "Zana", "Andrea", "Nikola"})
_ID_ALPHABET: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_STATEMENT_SHARE: Final = 0.02
_CORPORATE_SHARE: Final = 0.005
_PREMISES: Final = re.compile(r"(\d+[A-Za-z]?)\s+(.+)")
_LEGAL_SUFFIX: Final = re.compile(r"\s+(LIMITED|LTD\.?)$", re.IGNORECASE)
_SUFFIX_FORMS: Final = ("Ltd", "Limited", "LTD", "LIMITED")
_TRADING_WORDS: Final = ("TRANSPORT", "LOGISTICS", "HAULAGE", "FREIGHT", "EXPRESS")


# --- dates -------------------------------------------------------------------------------


def _ch_date(day: dt.date | None) -> str:
    """A date as Companies House writes it (dd/mm/yyyy), or empty."""
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def _anniversary(day: dt.date, year: int) -> dt.date:
    """The anniversary of ``day`` in ``year`` (29 February falls on 28 February)."""
    return _add_months(day, (year - day.year) * 12)


def _reference_date(company: Company, snapshot_on: dt.date) -> dt.date:
    """The date a company's filings stop: dissolution or the snapshot, never before birth."""
    end = company.dissolved_on if company.dissolved_on is not None else snapshot_on
    return max(end, company.incorporated_on)


# --- places ------------------------------------------------------------------------------


def _gb_nation(postcode: str) -> str:
    """England, Wales, Scotland or Northern Ireland from a postcode's area letters."""
    match = re.match(r"[A-Z]{1,2}", postcode.strip().upper())
    area = match.group(0) if match else ""
    if area == "BT":
        return "Northern Ireland"
    if area in _SCOTTISH_AREAS:
        return "Scotland"
    return "Wales" if area in _WELSH_AREAS else "England"


def _country_name(address: Address, rng: random.Random) -> str:
    """The country of an address as a register writes it (``England`` or ``United Kingdom``)."""
    if address.country != "GB":
        return reference.countries().get(address.country, address.country)
    return rng.choice((_gb_nation(address.postcode), "United Kingdom"))


def _nationality(code: str) -> str:
    """The English nationality word for an ISO code (``PL`` -> ``Polish``)."""
    return _NATIONALITIES.get(code) or reference.countries().get(code, code)


def _random_id(rng: random.Random, length: int = 27) -> str:
    """A Companies House style opaque id (base64url characters)."""
    return "".join(rng.choice(_ID_ALPHABET) for _ in range(length))


def _etag(rng: random.Random) -> str:
    """A 40-hex-character etag."""
    return f"{rng.getrandbits(160):040x}"


# --- Companies House basic company data --------------------------------------------------


def _accounts_cells(company: Company, end: dt.date, rng: random.Random) -> dict[str, str]:
    """Accounting reference date, last accounts made up and next accounts due."""
    inc = company.incorporated_on
    if rng.random() < 0.75:
        ref_month, ref_day = inc.month, 31
    else:
        ref_month, ref_day = rng.choice(((3, 31), (12, 31), (6, 30), (9, 30)))

    def period_end(year: int) -> dt.date:
        return dt.date(year, ref_month, min(ref_day, calendar.monthrange(year, ref_month)[1]))

    year = inc.year
    while period_end(year) <= _add_months(inc, 6):
        year += 1
    filed: list[dt.date] = []
    while _add_months(period_end(year), 9) <= end:
        filed.append(period_end(year))
        year += 1
    if filed and rng.random() < 0.1:  # a late filer: the last accounts are overdue
        year -= 1
        filed.pop()
    last = filed[-1] if filed else None
    category = rng.choice(_ACCOUNT_CATEGORIES) if last else "NO ACCOUNTS FILED"
    return {
        "Accounts.AccountRefDay": str(period_end(year).day),
        "Accounts.AccountRefMonth": str(ref_month),
        "Accounts.NextDueDate": _ch_date(_add_months(period_end(year), 9)),
        "Accounts.LastMadeUpDate": _ch_date(last),
        "Accounts.AccountCategory": category,
    }


def _returns_cells(company: Company, end: dt.date) -> dict[str, str]:
    """Annual returns, which confirmation statements replaced on 30 June 2016."""
    inc = company.incorporated_on
    if inc >= _CONFIRMATION_STATEMENTS_FROM:
        return {"Returns.NextDueDate": "", "Returns.LastMadeUpDate": ""}
    cutoff = min(end, _CONFIRMATION_STATEMENTS_FROM)
    year = cutoff.year if _anniversary(inc, cutoff.year) <= cutoff else cutoff.year - 1
    last = _anniversary(inc, year) if year > inc.year else None
    due_base = last if last is not None else inc
    due = _add_months(due_base, 12) + dt.timedelta(days=28)
    return {"Returns.NextDueDate": _ch_date(due), "Returns.LastMadeUpDate": _ch_date(last)}


def _confirmation_cells(company: Company, end: dt.date) -> dict[str, str]:
    """Confirmation statements: one a year on the incorporation anniversary since mid-2016."""
    inc = company.incorporated_on
    if end < _CONFIRMATION_STATEMENTS_FROM:
        return {}
    last: dt.date | None = None
    year = max(inc.year + 1, _CONFIRMATION_STATEMENTS_FROM.year)
    while _anniversary(inc, year) + dt.timedelta(days=14) <= end:
        review = _anniversary(inc, year)
        if review >= _CONFIRMATION_STATEMENTS_FROM:
            last = review
        year += 1
    next_review = _anniversary(inc, year)
    return {
        "ConfStmtNextDueDate": _ch_date(next_review + dt.timedelta(days=14)),
        " ConfStmtLastMadeUpDate": _ch_date(last),
    }


def _mortgage_cells(rng: random.Random) -> dict[str, str]:
    """Charges registered against the company (most hauliers have none or one)."""
    charges = rng.choices((0, 1, 2, 3), weights=(60, 25, 10, 5))[0]
    outstanding = rng.randint(0, charges)
    return {
        "Mortgages.NumMortCharges": str(charges),
        "Mortgages.NumMortOutstanding": str(outstanding),
        "Mortgages.NumMortPartSatisfied": "0",
        "Mortgages.NumMortSatisfied": str(charges - outstanding),
    }


def _previous_name_cells(company: Company, end: dt.date, rng: random.Random) -> dict[str, str]:
    """The first previous name and the date the company stopped using it."""
    if not company.previous_name:
        return {}
    span = max(30, (end - company.incorporated_on).days - 30)
    changed = company.incorporated_on + dt.timedelta(days=rng.randint(30, span))
    return {
        "PreviousName_1.CONDATE": _ch_date(min(changed, end)),
        " PreviousName_1.CompanyName": company.previous_name.upper(),
    }


def _company_number(number: str) -> str:
    """A company number as an 8-character string, zero-padded when it is all digits."""
    return number.zfill(8) if number.isdigit() else number


def _ch_row(
    company: Company, number: str, snapshot_on: dt.date, rng: random.Random
) -> dict[str, str]:
    """One BasicCompanyData row, keyed by header name."""
    end = _reference_date(company, snapshot_on)
    address = company.address
    row: dict[str, str] = {
        "CompanyName": company.name.upper(),
        " CompanyNumber": number,
        "RegAddress.AddressLine1": address.line1.upper(),
        "RegAddress.PostTown": address.town.upper(),
        "RegAddress.Country": _country_name(address, rng),
        "RegAddress.PostCode": address.postcode,
        "CompanyCategory": company.category,
        "CompanyStatus": company.status,
        "CountryOfOrigin": "United Kingdom",
        "DissolutionDate": _ch_date(company.dissolved_on),
        "IncorporationDate": _ch_date(company.incorporated_on),
        "SICCode.SicText_1": company.sic,
        "SICCode.SicText_2": _SECOND_SIC if rng.random() < 0.15 else "",
        "LimitedPartnerships.NumGenPartners": "0",
        "LimitedPartnerships.NumLimPartners": "0",
        "URI": _URI + number,
    }
    row.update(_accounts_cells(company, end, rng))
    row.update(_returns_cells(company, end))
    row.update(_mortgage_cells(rng))
    row.update(_previous_name_cells(company, end, rng))
    row.update(_confirmation_cells(company, end))
    return row


def _ch_rows(
    companies: Iterable[Company], snapshot_on: dt.date, rng: random.Random
) -> Iterator[Mapping[str, str]]:
    """BasicCompanyData rows for the GB companies (those with a number), lazily."""
    for company in companies:
        if company.number:
            yield _ch_row(company, _company_number(company.number), snapshot_on, rng)


def _write_quoted_csv(
    path: Path, header: Iterable[str], rows: Iterable[Mapping[str, str]]
) -> FileTruth:
    """Write a bare header line, then rows with every value quoted (Companies House style).

    :class:`~ocgmap.synth.sink.CsvSink` with ``quote_all=True`` quotes the header too, which
    the real file does not, so the header is written here as plain text.
    """
    names = list(header)
    truth = FileTruth()
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(names) + "\r\n")
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        for row in rows:
            writer.writerow([row.get(name, "") for name in names])
            truth.rows += 1
    return truth


def write_companies_house(
    path: Path,
    companies: Iterable[Company],
    rng: random.Random,
    *,
    snapshot_on: dt.date = SNAPSHOT_ON,
) -> FileTruth:
    """Write the Companies House basic company data CSV for the GB companies.

    The file has the real 55-column ``BasicCompanyData`` header (leading spaces kept), every
    value quoted, dates ``dd/mm/yyyy`` and company numbers as zero-padded strings. Accounts,
    annual return, confirmation statement and mortgage columns are filled plausibly from
    the incorporation date. Companies without a ``number`` (foreign ones) are skipped.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file to write (overwritten).
    companies : iterable of Company
        The companies of the world, read once, in order.
    rng : random.Random
        The source of every random choice; the same state gives the same bytes.
    snapshot_on : datetime.date
        The date the product is published "as at": filings due after it are not yet made.

    Returns
    -------
    FileTruth
        The number of rows written; no rows are planted bad (``quarantine`` is 0).

    Examples
    --------
    >>> import datetime as dt, random, tempfile, pathlib
    >>> from ocgmap.synth.model import Address, Company
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "BasicCompanyData.csv"
    >>> acme = Company("Acme Haulage Ltd", "GB", Address("1 Dock Road", "Hull", "HU9 1AA"),
    ...                dt.date(2012, 3, 14), number="812345")
    >>> write_companies_house(path, [acme], random.Random(1)).rows
    1
    >>> path.read_text().splitlines()[1][:29]
    '"ACME HAULAGE LTD","00812345"'
    """
    return _write_quoted_csv(path, COMPANIES_HOUSE_HEADER, _ch_rows(companies, snapshot_on, rng))


# --- persons with significant control ----------------------------------------------------


def _psc_address(address: Address, rng: random.Random) -> dict[str, str]:
    """A PSC correspondence address with its keys in the snapshot's (alphabetical) order."""
    match = _PREMISES.fullmatch(address.line1.strip())
    line1 = match.group(2) if match else address.line1
    fields = {
        "address_line_1": line1,
        "country": _country_name(address, rng),
        "locality": address.town,
        "postal_code": address.postcode,
    }
    if match:
        fields["premises"] = match.group(1)
    return fields


def _name_elements(person: Person, rng: random.Random) -> dict[str, str]:
    """Forename, optional middle name, surname and title (alphabetical, as published)."""
    forename, _, middle = person.forename.partition(" ")
    title = person.title or _title(forename, rng)
    elements = {"forename": forename}
    if middle:
        elements["middle_name"] = middle
    elements.update({"surname": person.surname, "title": title})
    return elements


def _title(forename: str, rng: random.Random) -> str:
    """A title guessed from the forename (Person has no sex): ``Mr`` unless it looks female."""
    female = forename in _WOMENS_FORENAMES or (
        forename.endswith("a") and forename not in _MENS_FORENAMES_IN_A
    )
    return rng.choices(_WOMENS_TITLES, weights=_WOMENS_TITLE_WEIGHTS)[0] if female else "Mr"


def _natures_of_control(controllers: int, rng: random.Random) -> list[str]:
    """Natures of control for one of ``controllers`` people sharing the company."""
    if controllers == 1:
        band = "75-to-100"
    else:
        band = "25-to-50" if controllers > 2 or rng.random() < 0.6 else "50-to-75"
    natures = [f"ownership-of-shares-{band}-percent", f"voting-rights-{band}-percent"]
    if controllers == 1 and rng.random() < 0.5:
        natures.append("right-to-appoint-and-remove-directors")
    return natures


def _notified_on(company: Company) -> dt.date:
    """When a PSC was notified: on incorporation, or when the register opened in 2016."""
    return max(company.incorporated_on, _PSC_REGISTER_OPENED)


def _ceased_on(company: Company) -> dt.date | None:
    """When control ceased: on dissolution, for a dissolved company."""
    if company.status != "Dissolved" or company.dissolved_on is None:
        return None
    return max(company.dissolved_on, _notified_on(company))


def _individual_record(
    company: Company, number: str, person: Person, rng: random.Random
) -> dict[str, Any]:
    """One ``individual-person-with-significant-control`` line."""
    elements = _name_elements(person, rng)
    address = person.address or company.address
    name_parts = [elements["title"], elements["forename"], elements.get("middle_name", "")]
    data: dict[str, Any] = {"address": _psc_address(address, rng)}
    ceased = _ceased_on(company)
    if ceased is not None:
        data["ceased_on"] = ceased.isoformat()
    data["country_of_residence"] = _country_name(address, rng)
    data["date_of_birth"] = {"month": person.dob.month, "year": person.dob.year}
    data["etag"] = _etag(rng)
    data["kind"] = "individual-person-with-significant-control"
    self_link = f"/company/{number}/persons-with-significant-control/individual/{_random_id(rng)}"
    data["links"] = {"self": self_link}
    data["name"] = " ".join(part for part in [*name_parts, person.surname] if part)
    data["name_elements"] = elements
    data["nationality"] = _nationality(person.nationality)
    data["natures_of_control"] = _natures_of_control(len(company.controllers), rng)
    data["notified_on"] = _notified_on(company).isoformat()
    return {"company_number": number, "data": data}


def _statement_record(company: Company, number: str, rng: random.Random) -> dict[str, Any]:
    """A ``persons-with-significant-control-statement`` line (the register's own spelling)."""
    if company.controllers:
        statement = rng.choice(("psc-details-not-confirmed", "steps-to-find-psc-not-yet-completed"))
    else:
        statement = "no-individual-or-entity-with-signficant-control"
    statement_id = _random_id(rng)
    data = {
        "etag": _etag(rng),
        "kind": "persons-with-significant-control-statement",
        "links": {
            "self": f"/company/{number}/persons-with-significant-control-statements/{statement_id}"
        },
        "notified_on": _notified_on(company).isoformat(),
        "statement": statement,
    }
    return {"company_number": number, "data": data}


def _corporate_record(company: Company, number: str, rng: random.Random) -> dict[str, Any]:
    """A ``corporate-entity-person-with-significant-control`` line: a parent company."""
    parent = company.name.upper().split()[0] + " HOLDINGS LIMITED"
    psc_id = _random_id(rng)
    data = {
        "address": _psc_address(company.address, rng),
        "etag": _etag(rng),
        "identification": {
            "country_registered": "England",
            "legal_authority": "Companies Act 2006",
            "legal_form": "Private Limited Company",
            "place_registered": "Register Of Companies For England And Wales",
            "registration_number": f"{rng.randrange(10**8):08d}",
        },
        "kind": "corporate-entity-person-with-significant-control",
        "links": {
            "self": f"/company/{number}/persons-with-significant-control/corporate-entity/{psc_id}"
        },
        "name": parent,
        "natures_of_control": ["ownership-of-shares-25-to-50-percent"],
        "notified_on": _notified_on(company).isoformat(),
    }
    return {"company_number": number, "data": data}


def _psc_records(company: Company, number: str, rng: random.Random) -> Iterator[dict[str, Any]]:
    """Every snapshot line of one company: its controllers, then a rare statement or parent."""
    for person in company.controllers:
        yield _individual_record(company, number, person, rng)
    if rng.random() < _STATEMENT_SHARE:
        yield _statement_record(company, number, rng)
    if rng.random() < _CORPORATE_SHARE:
        yield _corporate_record(company, number, rng)


def _generated_at(snapshot_on: dt.date, rng: random.Random) -> str:
    """The totals line's timestamp: early morning, London time, with its UTC offset."""
    march_end = max(d for d in _month_days(snapshot_on.year, 3) if d.weekday() == 6)
    october_end = max(d for d in _month_days(snapshot_on.year, 10) if d.weekday() == 6)
    offset = "+01:00" if march_end <= snapshot_on < october_end else "Z"
    minute, second = rng.randrange(30, 60), rng.randrange(60)
    return f"{snapshot_on.isoformat()}T03:{minute:02d}:{second:02d}{offset}"


def _month_days(year: int, month: int) -> list[dt.date]:
    """Every date of a month."""
    return [dt.date(year, month, day) for day in range(1, calendar.monthrange(year, month)[1] + 1)]


def write_psc(
    path: Path,
    companies: Iterable[Company],
    rng: random.Random,
    *,
    snapshot_on: dt.date = SNAPSHOT_ON,
) -> FileTruth:
    """Write the persons-with-significant-control snapshot for the GB companies.

    One ``individual-person-with-significant-control`` line per controller of each company
    with a number, with month and year of birth only (never the day), a ``ceased_on`` date
    when the company is dissolved, and the other real kinds now and then: a
    ``persons-with-significant-control-statement`` for about 2% of companies and a
    ``corporate-entity-person-with-significant-control`` for about 0.5%. The file ends with
    the snapshot's totals line, which is not a data row.

    Parameters
    ----------
    path : pathlib.Path
        The JSON-lines file to write (overwritten).
    companies : iterable of Company
        The companies of the world, read once, in order.
    rng : random.Random
        The source of every random choice; the same state gives the same bytes.
    snapshot_on : datetime.date
        The date of the snapshot, written in the totals line's ``generated_at``.

    Returns
    -------
    FileTruth
        The number of data lines (the totals line excluded); none is planted bad.

    Examples
    --------
    >>> import datetime as dt, json, random, tempfile, pathlib
    >>> from ocgmap.synth.model import Address, Company, Person
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "psc.jsonl"
    >>> owner = Person("Jan", "Nowak", dt.date(1980, 5, 17), "PL", title="Mr")
    >>> acme = Company("Acme Haulage Ltd", "GB", Address("1 Dock Road", "Hull", "HU9 1AA"),
    ...                dt.date(2012, 3, 14), number="00812345", controllers=[owner])
    >>> write_psc(path, [acme], random.Random(1)).rows
    1
    >>> first, totals = (json.loads(line) for line in path.read_text().splitlines())
    >>> first["data"]["name"], first["data"]["date_of_birth"], first["data"]["nationality"]
    ('Mr Jan Nowak', {'month': 5, 'year': 1980}, 'Polish')
    >>> totals["data"]["kind"], totals["data"]["persons_of_significant_control_count"]
    ('totals#persons-of-significant-control-snapshot', 1)
    """
    persons = statements = 0
    with JsonlSink(path) as sink:
        for company in companies:
            if not company.number:
                continue
            for record in _psc_records(company, _company_number(company.number), rng):
                sink.write(record)
                if record["data"]["kind"] == "persons-with-significant-control-statement":
                    statements += 1
                else:
                    persons += 1
        sink.write_trailer(_totals(persons, statements, _generated_at(snapshot_on, rng)))
    return sink.truth


def _totals(persons: int, statements: int, generated_at: str) -> dict[str, Any]:
    """The snapshot's closing totals line."""
    data = {
        "kind": "totals#persons-of-significant-control-snapshot",
        "persons_of_significant_control_count": persons,
        "statements_count": statements,
        "exemptions_count": 0,
        "generated_at": generated_at,
    }
    return {"data": data}


# --- operator licences -------------------------------------------------------------------


def _operator_name(name: str, rng: random.Random) -> str:
    """The registered name, with its ``Ltd``/``Limited`` suffix written differently ~30%."""
    vary = rng.random() < 0.3
    match = _LEGAL_SUFFIX.search(name)
    if not vary or match is None:
        return name
    forms = [form for form in _SUFFIX_FORMS if form != match.group(1)]
    return name[: match.start()] + " " + rng.choice(forms)


def _trading_name(name: str, rng: random.Random) -> str:
    """A trading name for about one operator in five, e.g. ``NOWAK LOGISTICS``."""
    if rng.random() >= 0.2:
        return ""
    return f"{name.split()[0]} {rng.choice(_TRADING_WORDS)}"


def _traffic_area(licence: Licence) -> str:
    """The traffic area's name from the letter after ``O`` in the licence number."""
    letter = licence.number[1:2].upper()
    return TRAFFIC_AREA_NAMES.get(letter, licence.traffic_area)


def _licence_row(company: Company, licence: Licence, rng: random.Random) -> dict[str, Any]:
    """One register row, keyed by the default header."""
    registered = company.name.upper()
    return {
        "Licence Number": licence.number,
        "Operator Name": _operator_name(registered, rng),
        "Trading Name": _trading_name(registered, rng),
        "Licence Type": licence.licence_type,
        "Licence Status": licence.status,
        "Correspondence Address": company.address.text,
        "Correspondence Postcode": company.address.postcode,
        "Vehicles Authorised": licence.vehicles_authorised,
        "Trailers Authorised": licence.trailers_authorised,
        "Traffic Area": _traffic_area(licence),
    }


_Fault = Callable[[dict[str, Any], random.Random], tuple[str, str]]


def _missing_licence_number(row: dict[str, Any], rng: random.Random) -> tuple[str, str]:
    row["Licence Number"] = ""
    return "Licence Number", "missing required value"


def _bad_traffic_area(row: dict[str, Any], rng: random.Random) -> tuple[str, str]:
    letter = rng.choice([c for c in "AEJLPRSTZ" if c not in TRAFFIC_AREAS])
    row["Licence Number"] = f"O{letter}{row['Licence Number'][2:]}"
    return "Licence Number", f"traffic-area letter {letter} is not one of B, C, D, F, G, H, K, M, N"


def _negative_vehicles(row: dict[str, Any], rng: random.Random) -> tuple[str, str]:
    row["Vehicles Authorised"] = -rng.randint(1, 20)
    return "Vehicles Authorised", "negative number of vehicles"


def _missing_operator_name(row: dict[str, Any], rng: random.Random) -> tuple[str, str]:
    row["Operator Name"] = ""
    return "Operator Name", "missing required value"


def _non_numeric_vehicles(row: dict[str, Any], rng: random.Random) -> tuple[str, str]:
    row["Vehicles Authorised"] = rng.choice(("six", "12 + 4", "ten"))
    return "Vehicles Authorised", "not a whole number"


def _zero_for_letter_o(row: dict[str, Any], rng: random.Random) -> tuple[str, str]:
    row["Licence Number"] = "0" + row["Licence Number"][1:]
    return "Licence Number", "starts with the digit 0 instead of the letter O"


#: Planted faults in the order they are used (cycled), so any 4 cover the brief's kinds.
_FAULTS: Final[tuple[_Fault, ...]] = (
    _missing_licence_number,
    _bad_traffic_area,
    _negative_vehicles,
    _missing_operator_name,
    _non_numeric_vehicles,
    _zero_for_letter_o,
)


def _check_faults(faults: int, licensed: int) -> None:
    """Refuse a negative fault count, or faults with no licence row to copy them from."""
    if faults < 0:
        raise ValueError(
            "The 'faults' parameter of write_operator_licences must be an int >= 0. "
            f"Got {faults!r} instead."
        )
    if faults and not licensed:
        raise ValueError(
            "write_operator_licences needs at least one company with a licence to plant "
            f"{faults} faults; give it licensed companies or faults=0."
        )


def write_operator_licences(
    path: Path, companies: Iterable[Company], rng: random.Random, faults: int = 0
) -> FileTruth:
    """Write the goods vehicle operator licence register, with ``faults`` planted bad rows.

    One row per company with a licence, in ocgmap's default header (formats.md §9). The
    Operator Name is the Companies House name with its ``Ltd``/``Limited`` suffix written
    differently for about 30% of operators, and about 20% have a Trading Name. The Traffic
    Area is named from the licence number's letter. ``faults`` extra rows, copies of a
    nearby operator's row each broken in one way formats.md says must be quarantined
    (missing or malformed Licence Number, negative or non-numeric Vehicles Authorised,
    missing Operator Name), are spread through the file at random positions.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file to write (overwritten).
    companies : iterable of Company
        The companies of the world, read once, in order.
    rng : random.Random
        The source of every random choice; the same state gives the same bytes.
    faults : int
        How many bad rows to plant (0 or more).

    Returns
    -------
    FileTruth
        Rows written, and each planted bad row with its row number (the header is row 1),
        the column it breaks and why.

    Raises
    ------
    ValueError
        If ``faults`` is negative, or positive with no licensed company to copy.

    Notes
    -----
    To spread the faults, the licensed companies are listed first (references to the
    objects only); rows are still written one at a time. O(n + faults).

    Examples
    --------
    >>> import datetime as dt, random, tempfile, pathlib
    >>> from ocgmap.synth.model import Address, Company, Licence
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "licences.csv"
    >>> licence = Licence("OB1234567", "Standard International", "Valid", 6, 8, "B")
    >>> acme = Company("Acme Haulage Ltd", "GB", Address("1 Dock Road", "Hull", "HU9 1AA"),
    ...                dt.date(2012, 3, 14), number="00812345", licence=licence)
    >>> truth = write_operator_licences(path, [acme], random.Random(1), faults=1)
    >>> truth.rows, truth.quarantine, truth.bad_rows[0].field
    (2, 1, 'Licence Number')
    """
    licensed = [(c, c.licence) for c in companies if c.licence is not None]
    _check_faults(faults, len(licensed))
    total = len(licensed) + faults
    bad_slots = frozenset(rng.sample(range(total), faults))
    written = planted = 0
    with CsvSink(path, OPERATOR_LICENCE_HEADER) as sink:
        for slot in range(total):
            if slot in bad_slots:
                company, licence = licensed[min(written, len(licensed) - 1)]
                row = _licence_row(company, licence, rng)
                sink.write(row, bad=_FAULTS[planted % len(_FAULTS)](row, rng))
                planted += 1
            else:
                sink.write(_licence_row(*licensed[written], rng))
                written += 1
    return sink.truth
