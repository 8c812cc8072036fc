"""The target package as one HTML page (``package.html``), the source of the PDF too.

:func:`render_html` fills ``templates/package.html.j2`` (Jinja2, autoescaped) from a
:class:`~ocgmap.export.package.TargetPackage`. Handling codes were applied when the package
was assembled, so everything here is presentation: which section shows what, in what order,
with dates in UTC and provenance tokens split into load, file and row. The charts are referred
to by file name, as they sit next to ``package.html`` in the export folder.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
from markupsafe import Markup

from ocgmap.export.charts import Charts
from ocgmap.export.package import Link, Subject, TargetPackage
from ocgmap.review import describe

__all__ = [
    "SUBJECT_SECTIONS",
    "ProvenanceRow",
    "TEMPLATE",
    "render_html",
    "split_token",
    "withheld_lines",
    "write_html",
]

TEMPLATE = "package.html.j2"

#: Subject tables in the order an investigator reads them: label and heading.
SUBJECT_SECTIONS: tuple[tuple[str, str], ...] = (
    ("Person", "People"),
    ("Vehicle", "Vehicles"),
    ("Trailer", "Trailers"),
    ("Haulier", "Hauliers"),
    ("Phone", "Phones"),
    ("Address", "Addresses"),
)
#: Singular nouns for counts ("1 person", "2 people").
_SINGULAR = {
    "People": "person",
    "Vehicles": "vehicle",
    "Trailers": "trailer",
    "Hauliers": "haulier",
    "Phones": "phone",
    "Addresses": "address",
}

#: Properties not repeated in a subject's details (shown elsewhere, or bookkeeping).
_HIDDEN_PROPERTIES = frozenset({"name", "basis"})
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_METHODS = {"topology": "network structure", "possibly_same": "possibly the same entity"}


class ProvenanceRow(NamedTuple):
    """One line of the provenance appendix: a fact and one source row behind it."""

    element: str
    load_id: str
    file: str
    row: str


def split_token(token: str) -> tuple[str, str, str]:
    """Split a provenance token ``<load id>:<file>#<row>`` into its three parts.

    File-level provenance (``<load id>:<file>``, no row) gives an empty row.

    Examples
    --------
    >>> split_token("L1:detections.csv#17")
    ('L1', 'detections.csv', '17')
    >>> split_token("L7:routes.csv")
    ('L7', 'routes.csv', '')
    """
    load_id, _, rest = token.partition(":")
    file, hash_, row = rest.rpartition("#")
    if not hash_ or not row.isdigit():
        return load_id, rest, ""
    return load_id, file, row


def _date(value: dt.datetime | dt.date | str | None, with_time: bool = False) -> str:
    """A date (or UTC timestamp) as ``09 Mar 2026`` (``09 Mar 2026 09:30 UTC``)."""
    if isinstance(value, str):
        try:
            parsed: dt.datetime | dt.date | None = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return _date(parsed, with_time)
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        utc = value.astimezone(dt.UTC) if value.tzinfo else value
        text = f"{utc.day:02d} {_MONTHS[utc.month - 1]} {utc.year}"
        return text + (f" {utc:%H:%M} UTC" if with_time else "")
    return f"{value.day:02d} {_MONTHS[value.month - 1]} {value.year}"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dt.datetime | dt.date):
        return _date(value, with_time=isinstance(value, dt.datetime))
    return str(value)


def _details(subject: Subject) -> list[tuple[str, str]]:
    return [
        (name.replace("_", " "), _value(value))
        for name, value in subject.properties.items()
        if name not in _HIDDEN_PROPERTIES
    ]


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def withheld_lines(package: TargetPackage) -> list[str]:
    """What handling codes kept out of ``package``, as counts in words (never content).

    Examples
    --------
    >>> from ocgmap.export.package import Withheld
    >>> class _P:  # a stand-in with only the field read here
    ...     withheld = Withheld(referrals={"C": 1}, subjects=1, links=2, source_rows=1)
    >>> withheld_lines(_P())  # doctest: +NORMALIZE_WHITESPACE
    ['1 referral with handling code C withheld',
     '1 subject known only from withheld sources left out',
     '2 links left out', '1 source row withheld']
    """
    held = package.withheld
    lines = [
        f"{_plural(count, 'referral')} with handling code {code} withheld"
        for code, count in held.referrals.items()
    ]
    if held.subjects:
        lines.append(
            f"{_plural(held.subjects, 'subject')} known only from withheld sources left out"
        )
    if held.links:
        lines.append(f"{_plural(held.links, 'link')} left out")
    if held.source_rows:
        lines.append(f"{_plural(held.source_rows, 'source row')} withheld")
    return lines


def _seen(package: TargetPackage) -> dict[str, tuple[dt.datetime | None, dt.datetime | None]]:
    """First and last seen per element id: its own, else the span of its links."""
    spans: dict[str, list[dt.datetime]] = {}
    for link in package.links:
        for end in (link.source, link.target):
            spans.setdefault(end, []).extend(
                t for t in (link.first_seen, link.last_seen) if t is not None
            )
    out: dict[str, tuple[dt.datetime | None, dt.datetime | None]] = {}
    for subject in [*package.subjects, *package.events]:
        times = spans.get(subject.id, [])
        first = subject.first_seen or (min(times) if times else None)
        last = subject.last_seen or (max(times) if times else None)
        out[subject.id] = (first, last)
    return out


def _names(package: TargetPackage) -> dict[str, str]:
    """Display name per element id: ``Label name-or-key``."""
    return {s.id: f"{s.label} {s.name or s.key}" for s in [*package.subjects, *package.events]}


def _subject_rows(package: TargetPackage, label: str) -> list[dict[str, Any]]:
    seen = _seen(package)
    return [
        {
            "key": s.key,
            "name": s.name or "",
            "details": _details(s),
            "first_seen": _date(seen[s.id][0]),
            "last_seen": _date(seen[s.id][1]),
            "score": "" if s.key_player_score is None else f"{s.key_player_score:.2f}",
            "sources": len(s.sources),
        }
        for s in package.subjects_of(label)
    ]


def _intelligence_rows(package: TargetPackage) -> list[dict[str, Any]]:
    summaries = {
        e.key: str(e.properties.get("summary") or "")
        for e in package.events
        if e.label == "Referral"
    }
    names = _names(package)
    return [
        {
            "ref": g.referral_ref,
            "date": _date(g.reported_at),
            "agency": g.reporting_agency or "—",
            "grading": g.grading or "ungraded",
            "scheme": g.scheme or "3x5x2",
            "handling": g.handling_code or "—",
            "conditions": g.handling_conditions or "",
            "conditional": g.referral_ref in package.included_conditional,
            "summary": summaries.get(g.referral_ref, ""),
            "concerns": [names.get(c, c) for c in g.concerns],
        }
        for g in package.intelligence
    ]


def _provenance(items: Iterable[tuple[str, list[str]]]) -> list[ProvenanceRow]:
    rows: list[ProvenanceRow] = []
    for element, tokens in items:
        if not tokens:
            rows.append(ProvenanceRow(element, "—", "no source recorded", ""))
        for i, token in enumerate(tokens):
            rows.append(ProvenanceRow(element if i == 0 else "", *split_token(token)))
    return rows


#: Characters per line of the provenance listing the PDF prints (7pt monospace, A4 portrait).
LISTING_WIDTH = 112


def provenance_listing(rows: list[ProvenanceRow], width: int = LISTING_WIDTH) -> list[str]:
    """The provenance appendix as monospace lines: fact, load, file and row in columns.

    The PDF prints the appendix this way rather than as a table: the same rows, but laid out
    by the printer about five times faster, which is most of a large package's printing time.
    A fact too long for its column runs on over lines of its own, the last of which carries
    its first source; lines wider than ``width`` are broken.

    Examples
    --------
    >>> rows = [ProvenanceRow("Person:SMITH|1980-01-02", "L1", "subjects.csv", "3"),
    ...         ProvenanceRow("", "L1", "crossings.csv", "12"),
    ...         ProvenanceRow("Haulier:CH:01234567 —OPERATES→ Vehicle:AB12CDE", "L1",
    ...                       "operators.csv", "7")]
    >>> for line in provenance_listing(rows, width=60):
    ...     print(line.rstrip())
    Fact                                Load  File           Row
    Person:SMITH|1980-01-02             L1    subjects.csv     3
                                        L1    crossings.csv   12
    Haulier:CH:01234567 —OPERATES→
    Vehicle:AB12CDE                     L1    operators.csv    7
    """
    load = max([len("Load"), *(len(r.load_id) for r in rows)])
    file = max([len("File"), *(len(r.file) for r in rows)])
    row = max([len("Row"), *(len(r.row) for r in rows)])
    fact = max(width - load - file - row - 6, 24)

    def line(element: str, r: ProvenanceRow) -> list[str]:
        text = f"{element:<{fact}}  {r.load_id:<{load}}  {r.file:<{file}}  {r.row:>{row}}"
        return textwrap.wrap(text, width, break_on_hyphens=False, drop_whitespace=False) or [""]

    lines = line("Fact", ProvenanceRow("", "Load", "File", "Row"))
    for r in rows:
        parts = textwrap.wrap(r.element, fact, break_on_hyphens=False) or [""]
        lines.extend(parts[:-1])
        lines.extend(line(parts[-1], r))
    return lines


def _link_text(link: Link) -> str:
    return f"{link.source} —{link.type}→ {link.target}"


def _leads(package: TargetPackage) -> dict[str, Any]:
    """Key players and suggested lines of enquiry, with display names."""
    names = _names(package)
    return {
        "key_players": [
            {
                "name": names.get(f"{p.label}:{p.key}", f"{p.label} {p.name or p.key}"),
                "key": p.key,
                "score": f"{p.score:.2f}",
                "why": p.why,
            }
            for p in package.cluster.key_players
        ],
        "suggested": [
            {
                "a": names.get(f"{s.a.label}:{s.a.key}", f"{s.a.label} {s.a.name or s.a.key}"),
                "b": names.get(f"{s.b.label}:{s.b.key}", f"{s.b.label} {s.b.name or s.b.key}"),
                "score": f"{s.score:.2f}",
                "method": _METHODS.get(s.method, s.method),
                "why": s.why,
            }
            for s in package.cluster.suggested_links
        ],
    }


def _contents(package: TargetPackage) -> str:
    """What the package holds, in words: ``1 person, 2 phones; 2 events, 9 links, ...``."""
    subjects = ", ".join(
        _plural(len(package.subjects_of(label)), _SINGULAR[heading], heading.lower())
        for label, heading in SUBJECT_SECTIONS
    )
    rest = (
        _plural(len(package.events), "event"),
        _plural(len(package.links), "link"),
        _plural(len(package.intelligence), "graded intelligence item"),
    )
    return f"{subjects}; {', '.join(rest)}"


def _image_src(path: Path, embed: bool) -> str:
    """A chart's ``src``: its file name, or its bytes as a ``data:`` URI."""
    if not embed:
        return path.name
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _context(package: TargetPackage, charts: Charts, embed: bool, listing: bool) -> dict[str, Any]:
    provenance = _provenance(
        [(s.id, s.sources) for s in [*package.subjects, *package.events]]
        + [(_link_text(link), link.sources) for link in package.links]
    )
    cluster = package.cluster
    change = cluster.change
    return {
        "p": package,
        "c": cluster,
        "generated": _date(package.run_generated_at, with_time=True),
        "created_w3c": f"{package.run_generated_at.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}",
        "modified_w3c": f"{package.exported_at.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}",
        "change": change.describe(cluster.score, cluster.recommended_band, cluster.rank)
        if change
        else None,
        "sections": [
            (heading, _subject_rows(package, label)) for label, heading in SUBJECT_SECTIONS
        ],
        "contents": _contents(package),
        "network_png": _image_src(charts.network, embed),
        "timeline_png": _image_src(charts.timeline, embed),
        "timeline": [
            {"when": _date(e.when, with_time=True), "kind": e.kind, "ref": e.ref, "what": e.summary}
            for e in package.timeline
        ],
        "intelligence": _intelligence_rows(package),
        "reviews": [describe(r) for r in package.reviews],
        "withheld": withheld_lines(package),
        "provenance": provenance,
        "provenance_listing": provenance_listing(provenance) if listing else None,
        **_leads(package),
    }


def _css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string, safe inside ``<style>`` (no ``</style>`` escape)."""
    escaped = "".join(
        ch if ch.isalnum() or ch in " -_.,:;()/" else f"\\{ord(ch):x} " for ch in str(text)
    )
    return Markup(f'"{escaped}"')


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ocgmap.export", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = _css_string
    return env


def render_html(
    package: TargetPackage,
    charts: Charts,
    *,
    embed_images: bool = False,
    provenance_as_listing: bool = False,
) -> str:
    """The target package as an HTML document (print-ready: A4, marking on every page).

    Parameters
    ----------
    package : TargetPackage
        The package (handling codes already applied by ``assemble``).
    charts : Charts
        The chart files (:func:`ocgmap.export.charts.write_charts`). By default the page
        refers to them by file name, so they must sit next to the HTML.
    embed_images : bool
        Put the charts in the page as ``data:`` URIs instead (the PDF does, so its bytes do
        not depend on the folder it was printed in).
    provenance_as_listing : bool
        Give the provenance appendix as monospace lines (:func:`provenance_listing`) instead
        of a table: the PDF does, since a table of thousands of rows is slow to print.

    Returns
    -------
    str
        The HTML. The same package and charts always give the same text.
    """
    context = _context(package, charts, embed_images, provenance_as_listing)
    return _environment().get_template(TEMPLATE).render(context)


def write_html(package: TargetPackage, path: Path, charts: Charts) -> Path:
    """Write ``package.html`` (UTF-8) and return its path.

    Parameters
    ----------
    package : TargetPackage
        The package to render.
    path : pathlib.Path
        The file to write; the chart PNGs belong in the same folder.
    charts : Charts
        The chart files.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(package, charts), encoding="utf-8")
    return path
