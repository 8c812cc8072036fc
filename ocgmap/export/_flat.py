"""Flat values for the tabular and graph formats: text, dates, gradings and display names.

The spreadsheet, GraphML and i2 renderers turn the same package values into cells and
attributes; these helpers keep them saying the same thing in the same words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ocgmap.export.package import Link, Subject, TargetPackage

__all__ = [
    "clean",
    "display_name",
    "event_time",
    "grading_of",
    "iso",
    "link_ids",
    "provenance",
    "text",
    "utc",
]

#: Characters XML 1.0 and the xlsx format cannot hold (tab, newline and return are kept).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

#: The property that dates an event, by label.
_EVENT_TIME = {
    "Detection": "detected_at",
    "Crossing": "crossed_at",
    "Referral": "reported_at",
}


def clean(value: str) -> str:
    r"""``value`` without the control characters that XML and xlsx cannot hold.

    >>> clean("AB12\x00CDE\tGB")
    'AB12CDE\tGB'
    """
    return _CONTROL.sub("", value)


def utc(value: Any) -> dt.datetime | None:
    """``value`` as an aware UTC datetime (dates at midnight), or None if it is not a date.

    >>> utc("2026-03-09T09:30:00Z").isoformat()
    '2026-03-09T09:30:00+00:00'
    >>> utc(dt.date(2026, 3, 9)).isoformat(), utc("soon")
    ('2026-03-09T00:00:00+00:00', None)
    """
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return None


def iso(value: dt.datetime | None) -> str:
    """A datetime as ISO 8601 in UTC to the second, or ``""``.

    >>> iso(dt.datetime(2026, 3, 9, 9, 30, tzinfo=dt.UTC)), iso(None)
    ('2026-03-09T09:30:00+00:00', '')
    """
    moment = utc(value)
    return moment.replace(microsecond=0).isoformat() if moment else ""


def text(value: Any) -> str:
    """One property value as text: lists joined with ``"; "``, dates in ISO, yes or no.

    >>> text(["Border Force", "Kent Police"]), text(True), text(None), text(6)
    ('Border Force; Kent Police', 'yes', '', '6')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return iso(value) if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, list | tuple | set):
        parts = sorted(text(v) for v in value) if isinstance(value, set) else map(text, value)
        return "; ".join(parts)
    return clean(str(value))


def provenance(sources: Iterable[str]) -> str:
    """Provenance tokens ``<load id>:<file>#<row>`` as one line.

    >>> provenance(["L1:detections.csv#2", "L2:calls.csv#7"])
    'L1:detections.csv#2; L2:calls.csv#7'
    """
    return "; ".join(clean(s) for s in sources)


def display_name(subject: Subject) -> str:
    """What a chart shows for a subject or event: its name, else its key made readable.

    >>> display_name(Subject(label="Phone", key="+447700900001", sources=[]))
    '+447700900001'
    >>> display_name(Subject(label="Address", key="1 TEST ROAD|CT16 1AA", sources=[]))
    '1 TEST ROAD, CT16 1AA'
    >>> display_name(Subject(label="Detection", key="D-1", sources=[]))
    'Detection D-1'
    """
    if subject.name:
        return clean(subject.name)
    readable = clean(subject.key.replace("|", ", "))
    return f"{subject.label} {readable}" if subject.label in _EVENT_TIME else readable


def event_time(subject: Subject) -> dt.datetime | None:
    """When an event happened (detected, crossed, reported), else when it was first seen.

    >>> event_time(Subject(label="Referral", key="R-1", sources=[],
    ...     properties={"reported_at": "2026-02-01T09:30:00Z"})).isoformat()
    '2026-02-01T09:30:00+00:00'
    """
    field = _EVENT_TIME.get(subject.label)
    moment = utc(subject.properties.get(field)) if field else None
    return moment or utc(subject.first_seen)


def grading_of(properties: Mapping[str, Any]) -> tuple[str, str, str]:
    """The grading (``"2B"``), handling code and handling conditions held in ``properties``.

    >>> grading_of({"source_evaluation": "2", "intel_assessment": "B", "handling_code": "P"})
    ('2B', 'P', '')
    """
    grade = f"{properties.get('source_evaluation') or ''}{properties.get('intel_assessment') or ''}"
    return (
        clean(grade),
        text(properties.get("handling_code")),
        text(properties.get("handling_conditions")),
    )


def link_ids(package: TargetPackage) -> list[tuple[str, Link]]:
    """Every link of the package with a stable id, ``LINK-0001`` onwards, in package order.

    The package lists links sorted by type, start and end, so the same package gives the
    same ids in every format (the spreadsheet, GraphML and i2 files agree).
    """
    return [(f"LINK-{n:04d}", link) for n, link in enumerate(package.links, start=1)]
