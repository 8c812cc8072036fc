"""Attribution of phone numbers (formats.md §6): who a number is registered to, and where.

A name without a date of birth is taken as one person only on this number's attribution
(the person key is scoped by the number), never merged with the same name elsewhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from loaders import entities
from loaders.base import GraphRow, RowContext, Source, SourceRow
from loaders.types import Date, Phone, Postcode, Text
from ocgmap.schema.labels import RelType

__all__ = ["SOURCE", "SubscriberRow", "to_graph"]


class SubscriberRow(SourceRow):
    """One attribution of a number: the subscriber, their address, and where it comes from."""

    number: Phone
    person_name: Text | None = None
    person_dob: Date | None = None
    address: Text | None = None
    postcode: Postcode | None = None
    source: Text
    attributed_at: Date | None = None


def to_graph(row: SubscriberRow, ctx: RowContext) -> Iterator[GraphRow]:
    """The phone, the person it is attributed to, and their address.

    Parameters
    ----------
    row : SubscriberRow
        The validated attribution.
    ctx : RowContext
        Provenance and raw values of the row.

    Yields
    ------
    NodeRow or EdgeRow
        The Phone; with a name, the Person and ``USES`` Person→Phone; with an address or
        postcode, the Address and, when there is a person, ``REGISTERED_AT`` Person→Address.
        Everything is seen at midnight UTC of ``attributed_at`` when it is given.

    Examples
    --------
    >>> from ocgmap.resolve import HaulierIndex
    >>> from ocgmap.schema.models import SourceRef
    >>> ctx = RowContext(SourceRef(load_id="L1", file="subscribers.csv", row=2), {},
    ...                  HaulierIndex())
    >>> row = SubscriberRow(number="07700 900123", person_name="Anna Nowak",
    ...                     source="Provider subscriber check")
    >>> [r.key for r in to_graph(row, ctx)]
    ['+447700900123', 'ANNA NOWAK|?+447700900123', '']
    """
    at = _midnight(row.attributed_at)
    handset = entities.phone(ctx, row.number, ctx.raw_text("number"), at)
    yield handset
    subscriber = None
    if row.person_name:
        subscriber = entities.person(
            ctx, row.person_name, row.person_dob, scope=row.number, seen_at=at
        )
        yield subscriber
        yield ctx.edge(RelType.USES, subscriber, handset, seen_at=at)
    home = entities.address(ctx, row.address, row.postcode)
    if home is not None:
        yield home
        if subscriber is not None:
            yield ctx.edge(RelType.REGISTERED_AT, subscriber, home, seen_at=at)


def _midnight(day: dt.date | None) -> dt.datetime | None:
    """Midnight UTC at the start of ``day``."""
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


SOURCE = Source(
    name="subscribers",
    model=SubscriberRow,
    to_graph=to_graph,
    patterns=("subscribers*.csv", "subscribers*.xlsx", "subscribers*.jsonl"),
    order=100,
)
