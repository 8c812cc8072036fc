"""Typed identifiers named by a type column: referral subjects (§2) and OCG members (§7).

A referral row names its subject, and an OCG mapping row its member, as a pair of columns:
a type (``PERSON``, ``VEHICLE``, ...) and a value whose meaning depends on that type. This
module checks the value as the identifier its type names and builds the node for it with
:mod:`loaders.entities`, so both sources do it one way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Final

from pydantic import BaseModel, ValidationError
from pydantic_core import InitErrorDetails

from loaders import entities
from loaders.base import RowContext
from ocgmap import normalise
from ocgmap.schema.models import NodeRow

__all__ = [
    "MEMBER_KINDS",
    "SUBJECT_KINDS",
    "clean_value",
    "split_postcode",
    "subject_node",
    "typed_value",
]

#: Subject types of a referral (formats.md §2).
SUBJECT_KINDS: Final = (
    "PERSON",
    "VEHICLE",
    "TRAILER",
    "HAULIER",
    "PHONE",
    "ADDRESS",
    "LOCATION",
    "PORT",
)
#: Member types of an OCG mapping record (formats.md §7): no places.
MEMBER_KINDS: Final = SUBJECT_KINDS[:6]


def _place(text: str | None) -> str | None:
    return (text.strip() or None) if text is not None else None


#: The normaliser that checks a value of each kind.
_NORMALISERS: Final[Mapping[str, Callable[[str], str | None]]] = {
    "PERSON": normalise.person,
    "VEHICLE": normalise.vrm,
    "TRAILER": normalise.trailer_id,
    "HAULIER": normalise.company,
    "PHONE": normalise.phone,
    "ADDRESS": normalise.address,
    "LOCATION": _place,
    "PORT": normalise.locode,
}
#: Kinds whose value is an exact identifier, held normalised. Names, addresses and places are
#: held as written: the node builders normalise them and keep the spelling (``names``).
_IDENTIFIERS: Final = frozenset({"VEHICLE", "TRAILER", "PHONE", "PORT"})
_WHAT: Final[Mapping[str, str]] = {
    "PERSON": "a person's name",
    "VEHICLE": "a VRM",
    "TRAILER": "a trailer id",
    "HAULIER": "a haulier name",
    "PHONE": "a phone number",
    "ADDRESS": "an address",
    "LOCATION": "a place",
    "PORT": "a UN/LOCODE",
}
_POSTCODE_AT_END: Final = re.compile(
    r"(?:^|[\s,])([A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2})[\s,.]*$", re.IGNORECASE
)


def clean_value(kind: str, value: str) -> str:
    """The value a subject or member of ``kind`` holds, checked as that kind of identifier.

    Exact identifiers (VRM, trailer id, phone, UN/LOCODE) are normalised; names, addresses
    and places are kept as written once their normaliser accepts them. Idempotent.

    Parameters
    ----------
    kind : str
        One of :data:`SUBJECT_KINDS`.
    value : str
        The value as written (or as this function returned it).

    Returns
    -------
    str
        The clean value.

    Raises
    ------
    ValueError
        If the value is empty or is not that kind of identifier (a
        :class:`ocgmap.errors.NormaliseError` with the normaliser's reason), or ``kind`` is
        not known.

    Examples
    --------
    >>> clean_value("VEHICLE", "ab12 cde")
    'AB12CDE'
    >>> clean_value("PHONE", "07700 900123")
    '+447700900123'
    >>> clean_value("PERSON", " Jan Nowak ")
    'Jan Nowak'
    """
    if kind not in _NORMALISERS:
        raise ValueError(f"unknown kind {kind!r}: must be one of {', '.join(SUBJECT_KINDS)}")
    norm = _NORMALISERS[kind](value)
    if norm is None:
        raise ValueError("is empty")
    return norm if kind in _IDENTIFIERS else value.strip()


def typed_value(row: BaseModel, type_field: str, value_field: str) -> str:
    """Check ``row.<value_field>`` as the identifier ``row.<type_field>`` names.

    Call it from a row model's ``model_validator(mode="after")``. A bad value raises a
    :class:`pydantic.ValidationError` (a :class:`ValueError`) located at ``value_field``,
    so the quarantine names that column rather than the row as a whole.

    Parameters
    ----------
    row : pydantic.BaseModel
        The row, its fields already validated.
    type_field, value_field : str
        The names of the type column and the value column.

    Returns
    -------
    str
        The clean value (see :func:`clean_value`).

    Raises
    ------
    pydantic.ValidationError
        One ``value_error`` at ``(value_field,)`` whose message names the column.
    """
    kind: str = getattr(row, type_field)
    value: str = getattr(row, value_field)
    try:
        return clean_value(kind, value)
    except ValueError as exc:
        what = _WHAT.get(kind, "a known kind of identifier")
        message = f"{value_field} must be {what} when {type_field} is {kind}: {exc}"
        detail = InitErrorDetails(
            type="value_error",
            loc=(value_field,),
            input=value,
            ctx={"error": ValueError(message)},
        )
        raise ValidationError.from_exception_data(type(row).__name__, [detail]) from None


def split_postcode(text: str) -> tuple[str | None, str | None]:
    """Split a UK postcode off the end of a one-line address.

    Parameters
    ----------
    text : str
        The address as written.

    Returns
    -------
    tuple
        The address without the postcode (None when nothing else is left) and the
        normalised postcode (None when the address does not end with one).

    Examples
    --------
    >>> split_postcode("1 High Street, Dover, ct16 1aa")
    ('1 High Street, Dover', 'CT16 1AA')
    >>> split_postcode("Unit 4, Dock Road")
    ('Unit 4, Dock Road', None)
    """
    match = _POSTCODE_AT_END.search(text)
    if match is None:
        return text.strip() or None, None
    rest = text[: match.start(1)].strip().rstrip(",").strip()
    return rest or None, normalise.postcode(match.group(1))


def subject_node(
    ctx: RowContext,
    kind: str,
    value: str,
    dob: dt.date | str | None,
    scope: str,
    *,
    raw: str | None = None,
    seen_at: dt.datetime | None = None,
) -> NodeRow | None:
    """The node of a referral subject or OCG member, built with :mod:`loaders.entities`.

    Parameters
    ----------
    ctx : loaders.base.RowContext
        The row context (provenance, haulier index).
    kind : str
        One of :data:`SUBJECT_KINDS`.
    value : str
        The value, as written or as :func:`clean_value` returned it.
    dob : datetime.date, str or None
        Date of birth; used for a ``PERSON`` only.
    scope : str
        Where a person named without a DOB is taken to be one person (the referral or OCG
        reference): their key is ``NAME|?<scope>``.
    raw : str, optional
        The value as written, kept on vehicles, trailers and phones (``raw_*``).
    seen_at : datetime.datetime, optional
        When the subject was reported; not recorded on places.

    Returns
    -------
    NodeRow or None
        The node, or None when the haulier index cannot key a haulier.
    """
    value = clean_value(kind, value)
    if kind == "PERSON":
        return entities.person(ctx, value, dob, scope=scope, seen_at=seen_at)
    if kind == "VEHICLE":
        return entities.vehicle(ctx, value, None, raw, seen_at)
    if kind == "TRAILER":
        return entities.trailer(ctx, value, None, raw, seen_at)
    if kind == "PHONE":
        return entities.phone(ctx, value, raw, seen_at)
    if kind == "HAULIER":
        return entities.haulier(ctx, value, None, seen_at=seen_at)
    if kind == "ADDRESS":
        return entities.address(ctx, *split_postcode(value))
    if kind == "LOCATION":
        return entities.location(ctx, f"PLACE:{value.upper()}", name=value, kind="place")
    return entities.port(ctx, value)
