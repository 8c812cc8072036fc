"""package.html: parses, carries the marking at top and bottom, and only what handling allows."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pytest
from export_world import CLUSTER_ID, SECRET_PERSON, SECRET_REF, SECRET_ROW, run_of, seed

from ocgmap.export.charts import Charts, write_charts
from ocgmap.export.html import render_html, split_token, withheld_lines, write_html
from ocgmap.export.package import TargetPackage, assemble
from ocgmap.review import ReviewDecision
from ocgmap.store.embedded import EmbeddedStore

EXPORTED_AT = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)
JUSTIFICATION = "NCA case 2026/117: the recipient is an NCA investigator"


class _Page(HTMLParser):
    """What the tests read from the page: text, images, marking banners, provenance rows."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.images: list[str] = []
        self.body: list[tuple[str, str]] = []  # (tag, id) of each element inside <body>
        self.banners: dict[str, str] = {}
        self.provenance: list[list[str]] = []
        self._stack: list[tuple[str, str]] = []
        self._in_body = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "body":
            self._in_body = True
        elif self._in_body and tag not in ("br", "img"):
            self.body.append((tag, named.get("id") or ""))
        if tag == "img":
            self.images.append(named.get("src") or "")
            return
        if tag == "br":
            return
        self._stack.append((tag, named.get("id") or ""))
        if tag == "tr" and self._inside("provenance"):
            self._row = []
        if tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row is not None:
            if self._row:  # the header row has no data cells
                self.provenance.append(self._row)
            self._row = None
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._in_body:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        for _, ident in self._stack:
            if ident.startswith("marking-"):
                self.banners[ident] = self.banners.get(ident, "") + data.strip()

    def _inside(self, ident: str) -> bool:
        return any(i == ident for _, i in self._stack)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _package(folder: Path, **kwargs: object) -> TargetPackage:
    store = EmbeddedStore(folder / "graph.json")
    store.ensure_schema()
    seed(store)
    return assemble(
        store,
        run_of(),
        CLUSTER_ID,
        exported_by="J Smith",
        exported_at=EXPORTED_AT,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[TargetPackage, Charts, Path]:
    folder = tmp_path_factory.mktemp("default")
    package = _package(folder)
    charts = write_charts(package, folder)
    return package, charts, write_html(package, folder / "package.html", charts)


def test_html_parses_with_marking_first_and_last(
    rendered: tuple[TargetPackage, Charts, Path],
) -> None:
    package, _, path = rendered
    page = _parse(path.read_text(encoding="utf-8"))

    assert page.body[0] == ("div", "marking-top")
    assert page.body[-1] == ("div", "marking-bottom")
    assert page.banners == {"marking-top": "OFFICIAL", "marking-bottom": "OFFICIAL"}
    html = path.read_text(encoding="utf-8")
    assert 'content: "OFFICIAL";' in html  # @top-center of every printed page
    assert package.marking == "OFFICIAL"


def test_images_are_referenced_by_file_name_next_to_the_page(
    rendered: tuple[TargetPackage, Charts, Path],
) -> None:
    _, charts, path = rendered
    page = _parse(path.read_text(encoding="utf-8"))

    assert page.images == ["network.png", "timeline.png"]
    assert all((path.parent / src).is_file() for src in page.images)
    assert charts.network.parent == path.parent


def test_cluster_subjects_and_sections_are_shown(
    rendered: tuple[TargetPackage, Charts, Path],
) -> None:
    package, _, path = rendered
    words = _parse(path.read_text(encoding="utf-8")).words

    assert CLUSTER_ID in words and package.run_id in words
    assert "28 Nov 2026 12:00 UTC" in words  # the run date on the cover
    for subject in package.subjects:
        assert subject.key in words
    for heading in ("People (1)", "Vehicles (1)", "Phones (2)", "Addresses (1)"):
        assert heading in words
    assert "drives and calls" in words  # key player's reason
    assert "calls every week" in words  # suggested line of enquiry
    assert "1 of 2 people are not on the mapping of OCG-00007" in words  # gap
    assert "Firm's lorry seen loading at night near Calais" in words  # intelligence summary
    assert "No review decisions recorded" in words


def test_withheld_note_counts_only_and_nothing_secret_leaks(
    rendered: tuple[TargetPackage, Charts, Path],
) -> None:
    _, _, path = rendered
    html = path.read_text(encoding="utf-8")
    page = _parse(html)

    assert "1 referral with handling code C withheld" in page.words
    for secret in (SECRET_REF, SECRET_PERSON, SECRET_ROW, "HIDDEN SOURCE PERSON", "Covert"):
        assert secret not in html
    assert ["L1", "referrals.csv", "3"] not in [row[1:] for row in page.provenance]
    assert ["L1", "referrals.csv", "2"] in [row[1:] for row in page.provenance]


def test_provenance_appendix_splits_every_token(
    rendered: tuple[TargetPackage, Charts, Path],
) -> None:
    package, _, path = rendered
    rows = _parse(path.read_text(encoding="utf-8")).provenance
    tokens = [
        t for item in [*package.subjects, *package.events, *package.links] for t in item.sources
    ]

    assert len(rows) == len(tokens)
    assert sorted(f"{load}:{file}#{row}" for _, load, file, row in rows) == sorted(tokens)
    facts = [row[0] for row in rows]
    assert "Person:JAN TESTOWY|1980-01-02" in facts
    assert "Person:JAN TESTOWY|1980-01-02 —DROVE→ Vehicle:AB12CDE" in facts


def test_conditional_intelligence_is_shown_with_its_justification(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        include_conditional=True,
        justification=JUSTIFICATION,
        marking="OFFICIAL-SENSITIVE",
    )
    charts = write_charts(package, tmp_path)
    page = _parse(render_html(package, charts))

    assert page.banners == {
        "marking-top": "OFFICIAL-SENSITIVE",
        "marking-bottom": "OFFICIAL-SENSITIVE",
    }
    for secret in (SECRET_REF, SECRET_PERSON, "Covert source names the lorry's organiser"):
        assert secret in page.words
    assert ["L1", "referrals.csv", "3"] in [row[1:] for row in page.provenance]
    assert f"Justification: {JUSTIFICATION}" in page.words
    assert "conditions apply" in page.words
    assert "Nothing was withheld" in page.words


def test_text_is_escaped_and_reviews_are_listed(
    rendered: tuple[TargetPackage, Charts, Path],
) -> None:
    package, charts, _ = rendered
    hostile = package.subjects[0].model_copy(update={"name": "<script>alert(1)</script>"})
    review = ReviewDecision(
        cluster_id=CLUSTER_ID,
        decision="more_intelligence",
        reason="PNC check on the driver",
        user="A Supervisor",
        decided_at=dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC),
    )
    changed = package.model_copy(
        update={"subjects": [hostile, *package.subjects[1:]], "reviews": [review]}
    )

    html = render_html(changed, charts)

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert (
        "reviewed 02/12/2026 by A Supervisor: more intelligence requested: PNC check on the driver"
        in (_parse(html).words)
    )


def test_embedded_images_for_printing(rendered: tuple[TargetPackage, Charts, Path]) -> None:
    package, charts, _ = rendered
    page = _parse(render_html(package, charts, embed_images=True))

    assert len(page.images) == 2
    assert all(src.startswith("data:image/png;base64,iVBOR") for src in page.images)


def test_split_token_and_withheld_lines(rendered: tuple[TargetPackage, Charts, Path]) -> None:
    package, _, _ = rendered

    assert split_token("L1:referrals.csv#3") == ("L1", "referrals.csv", "3")
    assert split_token("L2:a#b.csv#12") == ("L2", "a#b.csv", "12")
    assert split_token("L7:routes.csv") == ("L7", "routes.csv", "")
    assert withheld_lines(package) == [
        "1 referral with handling code C withheld",
        "1 subject known only from withheld sources left out",
        "2 links left out",
        "1 source row withheld",
    ]
