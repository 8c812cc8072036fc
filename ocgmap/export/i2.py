"""The target package as two CSV files laid out for an i2 Analyst's Notebook import.

``i2_entities.csv`` has one row per subject and event; ``i2_links.csv`` one row per link.
The columns are meant to be mapped in an Analyst's Notebook import specification (Import
Data wizard): ``Entity ID`` is the identity that joins the two files, ``Entity Type`` an
Analyst's Notebook entity type name (:data:`I2_ENTITY_TYPES`), ``Label`` the text on the
chart. docs/i2-import.md explains every column and the import step by step; it is a
layout for an import specification, written without i2 software to test it against.

The files are UTF-8 with a byte-order mark and Windows line ends (CR LF), which is
what the import wizard and Excel on Windows recognise as UTF-8 without asking. Line
breaks inside a value become spaces, so one row is one line. A value that begins with
``=``, ``+``, ``-`` or ``@`` gets a leading ``'`` (:mod:`ocgmap.export.cells`), so a
spreadsheet never runs it as a formula: a phone number's ``Key`` and ``Label`` read
``'+447700900001``. Identities (``Entity ID``, ``<label>:<key>``) begin with the label, so
they are never changed and the two files still join. Times are UTC.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ocgmap.export._flat import (
    clean,
    display_name,
    event_time,
    grading_of,
    link_ids,
    provenance,
    text,
    utc,
)
from ocgmap.export.cells import neutralise
from ocgmap.export.package import ENTITY_LABELS, Link, Subject, TargetPackage

__all__ = ["ENTITY_COLUMNS", "I2_ENTITY_TYPES", "LINK_COLUMNS", "i2_type", "write_i2"]

#: The Analyst's Notebook entity type of each ocgmap label (others keep their label).
I2_ENTITY_TYPES: dict[str, str] = {
    "Person": "Person",
    "Haulier": "Organisation",
    "Vehicle": "Vehicle",
    "Trailer": "Vehicle",
    "Phone": "Telephone",
    "Address": "Address",
    "Detection": "Event",
    "Crossing": "Event",
    "Referral": "Document",
    "Port": "Location",
    "Location": "Location",
    "OCG": "Organisation",
}

ENTITY_COLUMNS: tuple[str, ...] = (
    "Entity ID",
    "Entity Type",
    "ocgmap Type",
    "Label",
    "Key",
    "Description",
    "Date",
    "Time",
    "First Seen",
    "Last Seen",
    "Grading",
    "Handling Code",
    "Handling Conditions",
    "Key Player Score",
    "Source Reference",
    "Marking",
)

LINK_COLUMNS: tuple[str, ...] = (
    "Link ID",
    "From Entity ID",
    "To Entity ID",
    "From Entity Type",
    "To Entity Type",
    "Link Type",
    "Label",
    "Direction",
    "Date",
    "Time",
    "First Seen",
    "Last Seen",
    "Grading",
    "Handling Code",
    "Handling Conditions",
    "Source Reference",
    "Marking",
)

#: Properties shown in their own columns, not in the description.
_OWN_COLUMNS = frozenset(
    {
        "name",
        "source_evaluation",
        "intel_assessment",
        "handling_code",
        "handling_conditions",
    }
)

_ENTITIES = frozenset(str(label) for label in ENTITY_LABELS)


def i2_type(label: str) -> str:
    """The Analyst's Notebook entity type for an ocgmap label.

    >>> i2_type("Haulier"), i2_type("Phone"), i2_type("Referral"), i2_type("Route")
    ('Organisation', 'Telephone', 'Document', 'Route')
    """
    return I2_ENTITY_TYPES.get(label, label)


def _cell(value: str) -> str:
    """One CSV value on one line, without control characters, never read as a formula."""
    return neutralise(" ".join(clean(value).split())) if value else ""


def _date_time(moment: Any) -> tuple[str, str]:
    """``("YYYY-MM-DD", "HH:MM:SS")`` in UTC, or two empty strings."""
    at = utc(moment)
    if at is None:
        return "", ""
    return at.date().isoformat(), at.time().replace(microsecond=0).isoformat()


def _stamp(moment: dt.datetime | None) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in UTC, or ``""``."""
    day, time = _date_time(moment)
    return f"{day} {time}" if day else ""


def _description(subject: Subject) -> str:
    return "; ".join(
        f"{name}: {text(value)}"
        for name, value in sorted(subject.properties.items())
        if name not in _OWN_COLUMNS
    )


def _entity_row(subject: Subject, marking: str) -> list[str]:
    grade, code, conditions = grading_of(subject.properties)
    when = subject.first_seen if subject.label in _ENTITIES else event_time(subject)
    score = subject.key_player_score
    return [
        subject.id,
        i2_type(subject.label),
        subject.label,
        display_name(subject),
        subject.key,
        _description(subject),
        *_date_time(when),
        _stamp(subject.first_seen),
        _stamp(subject.last_seen),
        grade,
        code,
        conditions,
        "" if score is None else f"{score:.3f}",
        provenance(subject.sources),
        marking,
    ]


def _label_of(element_id: str) -> str:
    """The label part of an element id ``<Label>:<key>`` (labels hold no colon)."""
    return element_id.split(":", 1)[0]


def _link_row(link_id: str, link: Link, marking: str) -> list[str]:
    grade, code, conditions = grading_of(link.properties)
    return [
        link_id,
        link.source,
        link.target,
        i2_type(_label_of(link.source)),
        i2_type(_label_of(link.target)),
        link.type,
        link.type.replace("_", " ").lower(),
        "With",
        *_date_time(link.first_seen),
        _stamp(link.first_seen),
        _stamp(link.last_seen),
        grade,
        code,
        conditions,
        provenance(link.sources),
        marking,
    ]


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([_cell(v) for v in row] for row in rows)
    return path


def write_i2(package: TargetPackage, entities: Path, links: Path) -> tuple[Path, Path]:
    """Write the package as ``i2_entities.csv`` and ``i2_links.csv`` for Analyst's Notebook.

    Parameters
    ----------
    package : TargetPackage
        The assembled package; only what it holds is written.
    entities : Path
        Where to write the entities file: one row per subject and event.
    links : Path
        Where to write the links file: one row per link, ``From Entity ID`` to
        ``To Entity ID``, matching the entities file's ``Entity ID``.

    Returns
    -------
    tuple of Path
        ``(entities, links)``.

    Notes
    -----
    Columns are :data:`ENTITY_COLUMNS` and :data:`LINK_COLUMNS`; link ids are those of
    the spreadsheet and the GraphML file. Every row carries the package's marking. The
    export time is not written, so the same package gives the same bytes.

    See Also
    --------
    ocgmap.export.run.write_package : writes every file of a package, with its manifest.
    """
    marking = package.marking
    things = sorted([*package.subjects, *package.events], key=lambda s: s.id)
    _write_csv(entities, ENTITY_COLUMNS, (_entity_row(s, marking) for s in things))
    _write_csv(
        links,
        LINK_COLUMNS,
        (_link_row(link_id, link, marking) for link_id, link in link_ids(package)),
    )
    return entities, links
