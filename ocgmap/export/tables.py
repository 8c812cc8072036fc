"""The target package as a spreadsheet: ``subjects.xlsx``, one sheet per kind of thing.

One sheet per entity type present (People, Hauliers, Vehicles, Trailers, Phones,
Addresses), then Links, Intelligence and Events. Every sheet carries the security marking
in its first row and in the printed header and footer; the second row holds the column
names (bold, frozen, filterable). Times are in UTC. Text that a spreadsheet could read as
a formula gets a leading ``'`` (:mod:`ocgmap.export.cells`).

The file is reproducible: the same package gives the same bytes, whenever it is exported.
The workbook's created and modified dates are the analysis run's ``run_generated_at``, and
the zip entries are rewritten with that date in a fixed order; the export time and the
person exporting are not in the workbook (the manifest records them).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ocgmap.export._flat import (
    clean,
    event_time,
    grading_of,
    link_ids,
    provenance,
    text,
)
from ocgmap.export.cells import neutralise
from ocgmap.export.package import ENTITY_LABELS, Subject, TargetPackage

__all__ = ["SHEET_NAMES", "write_xlsx"]

#: The sheet of each entity label.
SHEET_NAMES: dict[str, str] = {
    "Person": "People",
    "Haulier": "Hauliers",
    "Vehicle": "Vehicles",
    "Trailer": "Trailers",
    "Phone": "Phones",
    "Address": "Addresses",
}

_DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
_MIN_WIDTH, _MAX_WIDTH = 8, 60

Row = Sequence[Any]


def _cell_value(value: Any) -> Any:
    """A value as the workbook holds it: numbers and dates stay so, times become naive UTC.

    Text is neutralised (:func:`ocgmap.export.cells.neutralise`): a leading ``'`` when it
    begins like a formula.
    """
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    if isinstance(value, dt.datetime):
        at = value.astimezone(dt.UTC) if value.tzinfo else value  # naive is taken as UTC
        return at.replace(tzinfo=None, microsecond=0)
    if isinstance(value, dt.date):
        return value
    return neutralise(text(value))


def _width(value: Any) -> int:
    if isinstance(value, dt.datetime):
        return len(_DATE_FORMAT)
    return max((len(line) for line in str(value).splitlines()), default=0)


def _fill(ws: Worksheet, caption: str, marking: str, header: Row, rows: Iterable[Row]) -> None:
    """Write the marking row, the header row and the data rows of one sheet."""
    ws.append([neutralise(marking), neutralise(clean(caption))])
    ws["A1"].font = Font(bold=True, color="C00000")
    ws.append(list(header))
    for cell in ws[2]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    widths = [len(str(h)) for h in header]
    for row in rows:
        values = [_cell_value(v) for v in row]
        ws.append(values)
        for column, value in enumerate(values):
            widths[column] = max(widths[column], _width(value))
    for cells in ws.iter_rows(min_row=3):
        for cell in cells:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = _DATE_FORMAT
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # a value starting "=" stays text, never a formula
    for column, width in enumerate(widths, start=1):
        letter = get_column_letter(column)
        ws.column_dimensions[letter].width = min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(header))}{max(ws.max_row, 2)}"
    for part in (ws.oddHeader.center, ws.oddFooter.center):
        part.text = marking
        part.font = "Arial,Bold"
    ws.oddFooter.right.text = "Page &P of &N"


def _property_names(subjects: Iterable[Subject], leave_out: Iterable[str] = ()) -> list[str]:
    skip = set(leave_out)
    return sorted({k for s in subjects for k in s.properties} - skip)


#: Column names that capitalising the property name would spell wrongly.
_HEADINGS = {"dob": "Date of birth", "nccu_ref": "NCCU reference", "vrm": "VRM"}


def _heading(name: str) -> str:
    return _HEADINGS.get(name) or name.replace("_", " ").capitalize()


def _subject_sheet(subjects: list[Subject]) -> tuple[list[str], list[Row]]:
    names = _property_names(subjects, leave_out=("name",))
    header = [
        "Identifier",
        "Name",
        *(_heading(n) for n in names),
        "First seen (UTC)",
        "Last seen (UTC)",
        "Key-player score",
        "Provenance",
    ]
    rows: list[Row] = [
        [
            s.key,
            s.name,
            *(s.properties.get(n) for n in names),
            s.first_seen,
            s.last_seen,
            s.key_player_score,
            provenance(s.sources),
        ]
        for s in subjects
    ]
    return header, rows


def _event_sheet(events: list[Subject]) -> tuple[list[str], list[Row]]:
    names = _property_names(events)
    header = [
        "Type",
        "Reference",
        "Date (UTC)",
        *(_heading(n) for n in names),
        "First seen (UTC)",
        "Last seen (UTC)",
        "Provenance",
    ]
    rows: list[Row] = [
        [
            e.label,
            e.key,
            event_time(e),
            *(e.properties.get(n) for n in names),
            e.first_seen,
            e.last_seen,
            provenance(e.sources),
        ]
        for e in events
    ]
    return header, rows


def _link_sheet(package: TargetPackage) -> tuple[list[str], list[Row]]:
    header = [
        "Link ID",
        "Type",
        "From",
        "To",
        "First seen (UTC)",
        "Last seen (UTC)",
        "Grading",
        "Handling code",
        "Provenance",
    ]
    rows: list[Row] = []
    for link_id, link in link_ids(package):
        grade, code, _ = grading_of(link.properties)
        rows.append(
            [
                link_id,
                link.type,
                link.source,
                link.target,
                link.first_seen,
                link.last_seen,
                grade,
                code,
                provenance(link.sources),
            ]
        )
    return header, rows


def _intelligence_sheet(package: TargetPackage) -> tuple[list[str], list[Row]]:
    header = [
        "Reference",
        "Reported (UTC)",
        "Agency",
        "Grading",
        "Scheme",
        "Handling code",
        "Handling conditions",
        "Intelligence document submitted",
        "Concerns",
        "Provenance",
    ]
    rows: list[Row] = [
        [
            g.referral_ref,
            g.reported_at,
            g.reporting_agency,
            g.grading,
            g.scheme,
            g.handling_code,
            g.handling_conditions,
            "unknown" if g.intel_submitted is None else text(g.intel_submitted),
            "; ".join(g.concerns),
            provenance(g.sources),
        ]
        for g in package.intelligence
    ]
    return header, rows


def _withheld_note(package: TargetPackage) -> str:
    parts = []
    held = sum(package.withheld.referrals.values())
    if held:
        codes = ", ".join(f"{code}: {n}" for code, n in sorted(package.withheld.referrals.items()))
        noun = "referral" if held == 1 else "referrals"
        parts.append(f"{held} {noun} withheld under their handling codes ({codes})")
    if package.included_conditional:
        parts.append(
            "included under handling conditions: " + ", ".join(package.included_conditional)
        )
    return "; ".join(parts)


def _sheets(package: TargetPackage) -> list[tuple[str, str, list[str], list[Row]]]:
    """Every sheet as (title, caption, header, rows), in workbook order."""
    scope = f"cluster {package.cluster.cluster_id}, run {package.run_id}"
    sheets: list[tuple[str, str, list[str], list[Row]]] = []
    for label in ENTITY_LABELS:
        subjects = package.subjects_of(str(label))
        if subjects:
            title = SHEET_NAMES[str(label)]
            sheets.append((title, f"{title}: {scope}", *_subject_sheet(subjects)))
    note = _withheld_note(package)
    intelligence_caption = f"Intelligence: {scope}" + (f"; {note}" if note else "")
    sheets.append(("Links", f"Links: {scope}", *_link_sheet(package)))
    sheets.append(("Intelligence", intelligence_caption, *_intelligence_sheet(package)))
    sheets.append(("Events", f"Events: {scope}", *_event_sheet(package.events)))
    return sheets


def _workbook(package: TargetPackage) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for title, caption, header, rows in _sheets(package):
        _fill(wb.create_sheet(title), caption, package.marking, header, rows)
    fixed = package.run_generated_at.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    props = wb.properties
    props.created = props.modified = fixed
    props.creator = props.lastModifiedBy = "ocgmap"
    props.title = f"Target package {package.cluster.cluster_id}"
    props.subject = package.marking
    props.keywords = package.marking
    return wb


def _zip_time(moment: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """A zip entry time (local fields, no zone; zip cannot hold years before 1980)."""
    at = moment.astimezone(dt.UTC)
    if at.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (at.year, at.month, at.day, at.hour, at.minute, at.second)


def _reproducible(data: bytes, moment: dt.datetime) -> bytes:
    """The zip ``data`` rewritten with one fixed time and fixed attributes on every entry."""
    when = _zip_time(moment)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()


def write_xlsx(package: TargetPackage, path: Path) -> Path:
    """Write the package's subjects, links, intelligence and events as ``subjects.xlsx``.

    Parameters
    ----------
    package : TargetPackage
        The assembled package; only what it holds is written (handling codes were
        applied when it was assembled).
    path : Path
        Where to write the workbook (its folder must exist).

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    Sheets: one per entity type present (People, Hauliers, Vehicles, Trailers, Phones,
    Addresses: identifier, name, properties, first and last seen, key-player score and
    provenance ``<load id>:<file>#<row>``), then Links, Intelligence and Events. Row 1 of
    every sheet holds the marking and what the sheet covers; row 2 the column names.
    Text cells are typed as text, never formulas, and text that begins with ``=``, ``+``,
    ``-``, ``@``, a tab or a return gets a leading ``'`` (:mod:`ocgmap.export.cells`), so it
    stays text if the cell is edited or copied elsewhere. The same package gives byte-identical
    files: dates inside the file come from the analysis run, not the clock.

    See Also
    --------
    ocgmap.export.run.write_package : writes every file of a package, with its manifest.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # ExcelWriter, not Workbook.save: save stamps the modified date with the clock.
        ExcelWriter(_workbook(package), archive).save()
    path.write_bytes(_reproducible(buffer.getvalue(), package.run_generated_at))
    return path
