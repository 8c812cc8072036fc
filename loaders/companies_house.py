"""Companies House basic company data (formats.md §8): one row per registered company.

The Free Company Data Product (``BasicCompanyData``) CSV, with its real 55-column header. The
reader strips and lower-cases header names, so `` CompanyNumber`` arrives as
``companynumber`` and ``RegAddress.PostCode`` as ``regaddress.postcode``. Columns this module
does not use (accounts, returns, mortgages, URI, ...) are kept as extras in provenance.

The register's addresses are not all in the UK, so the registered office postcode is lenient:
one that is not a UK postcode leaves the company loaded, with no postcode and the text kept in
the address. This module also holds the small helpers the other register sources share
(:data:`HaulierName`, :data:`AddressPart`, :data:`LenientPostcode`, :func:`join_address`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from loaders import entities
from loaders.base import GraphRow, RowContext, Source, SourceRow
from loaders.types import CompanyNumber, Date, Text
from ocgmap import normalise
from ocgmap.errors import NormaliseError
from ocgmap.schema.labels import RelType

__all__ = [
    "SOURCE",
    "AddressPart",
    "CompanyRow",
    "HaulierName",
    "LenientPostcode",
    "join_address",
    "to_graph",
]

#: What Companies House writes in a SIC column when the company gave no code.
NO_SIC = "None Supplied"


def _normalisable(normaliser: Callable[[str], str | None]) -> Callable[[str], str]:
    """A check that ``normaliser`` finds something in the text, which is kept as written."""

    def check(value: str) -> str:
        if normaliser(value) is None:
            raise ValueError("is empty")
        return value

    return check


def _meaningful(value: Any) -> Any:
    """Text with no letter or digit (``-``, ``.``) is no value at all."""
    if isinstance(value, str) and not any(ch.isalnum() for ch in value):
        return None
    return value


def _lenient_postcode(value: Any) -> str | None:
    """A UK postcode normalised, or None for anything else (a foreign or mistyped one)."""
    if value is None:
        return None
    try:
        return normalise.postcode(str(value))
    except NormaliseError:
        return None


#: A company name as written, refused when it has no letter or digit to key it by.
HaulierName = Annotated[Text, AfterValidator(_normalisable(normalise.company))]
#: One part of an address (a line, a town); text without a letter or digit counts as missing.
AddressPart = Annotated[Text | None, BeforeValidator(_meaningful)]
#: A UK postcode, normalised; anything else becomes None instead of failing the row.
LenientPostcode = Annotated[str | None, BeforeValidator(_lenient_postcode)]


def join_address(parts: Iterable[str | None], sep: str = ", ") -> str | None:
    """Join the present parts of an address, or None when no part is present.

    Parameters
    ----------
    parts : iterable of str or None
        Address lines, town, and so on, in order; None and empty parts are left out.
    sep : str
        What goes between two parts.

    Returns
    -------
    str or None
        The address on one line.

    Examples
    --------
    >>> join_address(["UNIT 9 BERRY COURT FARM", None, "TADLEY"])
    'UNIT 9 BERRY COURT FARM, TADLEY'
    >>> join_address([None, ""]) is None
    True
    """
    text = sep.join(part for part in parts if part)
    return text or None


def _previous(n: int) -> Any:
    return Field(default=None, alias=f"previousname_{n}.companyname")


class CompanyRow(SourceRow):
    """One company of the Companies House basic company data product."""

    companyname: HaulierName
    companynumber: CompanyNumber
    address_line1: AddressPart = Field(default=None, alias="regaddress.addressline1")
    address_line2: AddressPart = Field(default=None, alias="regaddress.addressline2")
    post_town: AddressPart = Field(default=None, alias="regaddress.posttown")
    postcode: LenientPostcode = Field(default=None, alias="regaddress.postcode")
    raw_postcode: AddressPart = Field(default=None, alias="regaddress.postcode")
    companycategory: Text | None = None
    companystatus: Text | None = None
    countryoforigin: Text | None = None
    incorporationdate: Date | None = None
    dissolutiondate: Date | None = None
    sic_text_1: Text | None = Field(default=None, alias="siccode.sictext_1")
    sic_text_2: Text | None = Field(default=None, alias="siccode.sictext_2")
    sic_text_3: Text | None = Field(default=None, alias="siccode.sictext_3")
    sic_text_4: Text | None = Field(default=None, alias="siccode.sictext_4")
    previous_name_1: Text | None = _previous(1)
    previous_name_2: Text | None = _previous(2)
    previous_name_3: Text | None = _previous(3)
    previous_name_4: Text | None = _previous(4)
    previous_name_5: Text | None = _previous(5)
    previous_name_6: Text | None = _previous(6)
    previous_name_7: Text | None = _previous(7)
    previous_name_8: Text | None = _previous(8)
    previous_name_9: Text | None = _previous(9)
    previous_name_10: Text | None = _previous(10)

    @property
    def previous_names(self) -> list[str]:
        """Previous names, most recent first, as written."""
        names = (getattr(self, f"previous_name_{n}") for n in range(1, 11))
        return [name for name in names if name]

    @property
    def sic_codes(self) -> list[str]:
        """SIC entries as written (``"49410 - Freight transport by road"``), none omitted."""
        texts = (self.sic_text_1, self.sic_text_2, self.sic_text_3, self.sic_text_4)
        return [text for text in texts if text and text.casefold() != NO_SIC.casefold()]

    @property
    def address_text(self) -> str | None:
        """The registered office on one line; a postcode that is not a UK one is kept in it."""
        odd = self.raw_postcode if self.postcode is None else None
        return join_address((self.address_line1, self.address_line2, self.post_town, odd))


def to_graph(row: CompanyRow, ctx: RowContext) -> Iterator[GraphRow]:
    """The company as a Haulier keyed ``CH:<number>``, and its registered office.

    Parameters
    ----------
    row : CompanyRow
        The validated company.
    ctx : RowContext
        Provenance and the haulier index, which learns the number, name and postcode.

    Yields
    ------
    NodeRow or EdgeRow
        The Haulier, then its Address and ``REGISTERED_AT`` when the row has an address.
    """
    firm = entities.haulier(
        ctx,
        row.companyname,
        "GB",
        company_number=row.companynumber,
        postcode=row.postcode,
        also_known_as=row.previous_names,
        status=row.companystatus,
        company_category=row.companycategory,
        sic_codes=row.sic_codes,
        incorporated_on=row.incorporationdate,
        dissolved_on=row.dissolutiondate,
    )
    if firm is None:  # never: a company number always gives a key
        return
    yield firm
    office = entities.address(ctx, row.address_text, row.postcode)
    if office is not None:
        yield office
        yield ctx.edge(RelType.REGISTERED_AT, firm, office)


SOURCE = Source(
    name="companies_house",
    model=CompanyRow,
    to_graph=to_graph,
    patterns=("companies_house*.csv", "basiccompanydata*.csv", "companies_house*.xlsx"),
    order=10,
)
