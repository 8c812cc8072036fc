"""package.pdf read back with pypdf: marking on every page, handling respected, reproducible."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from export_world import CLUSTER_ID, SECRET_PERSON, SECRET_REF, SECRET_ROW, run_of, seed

from ocgmap.export.charts import write_charts
from ocgmap.export.package import TargetPackage, assemble
from ocgmap.export.pdf import write_pdf
from ocgmap.store.embedded import EmbeddedStore

pypdf = pytest.importorskip("pypdf")

EXPORTED_AT = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)
JUSTIFICATION = "NCA case 2026/117: the recipient is an NCA investigator"
#: The PDF date strings of the information dictionary.
PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}Z\)")


def _export(folder: Path, exported_at: dt.datetime = EXPORTED_AT, **kwargs: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    store = EmbeddedStore(folder / "graph.json")
    store.ensure_schema()
    seed(store)
    package: TargetPackage = assemble(
        store,
        run_of(),
        CLUSTER_ID,
        exported_by="J Smith",
        exported_at=exported_at,
        **kwargs,  # type: ignore[arg-type]
    )
    charts = write_charts(package, folder)
    return write_pdf(package, folder / "package.pdf", charts)


def _pages(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def _flat(text: str) -> str:
    """Text without whitespace: table cells may wrap an identifier over two lines."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def default_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _export(tmp_path_factory.mktemp("default"))


@pytest.fixture(scope="module")
def conditional_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _export(
        tmp_path_factory.mktemp("conditional"),
        include_conditional=True,
        justification=JUSTIFICATION,
        marking="OFFICIAL-SENSITIVE",
    )


def test_marking_and_page_number_on_every_page(default_pdf: Path) -> None:
    pages = _pages(default_pdf)

    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL") >= 2, f"page {number} lacks the marking top and bottom"
        assert f"OFFICIAL · page {number} of {len(pages)}" in text


def test_selected_marking_on_every_page(conditional_pdf: Path) -> None:
    pages = _pages(conditional_pdf)

    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2
        assert f"OFFICIAL-SENSITIVE · page {number} of {len(pages)}" in text


def test_cluster_and_every_subject_identifier_appear(default_pdf: Path) -> None:
    text = "\n".join(_pages(default_pdf))
    keys = [
        "CH:01234567",
        "AB12CDE",
        "TRL-0042",
        "JAN TESTOWY|1980-01-02",
        "+447700900001",
        "+447700900002",
        "1 TEST ROAD DOVER|CT16 1AA",
    ]

    assert CLUSTER_ID in text
    assert "R-20261128T120000-0000cafe" in text
    for key in keys:
        assert _flat(key) in _flat(text), key
    assert "1 referral with handling code C withheld" in " ".join(text.split())


def test_withheld_intelligence_is_nowhere_in_the_pdf(default_pdf: Path) -> None:
    flat = _flat("\n".join(_pages(default_pdf)))

    for secret in (SECRET_REF, SECRET_PERSON, SECRET_ROW, "Covert source"):
        assert _flat(secret) not in flat
    assert _flat("L1 referrals.csv 3") not in flat  # its row in the provenance appendix
    assert _flat("L1 referrals.csv 2") in flat
    assert b"REF-C-9" not in default_pdf.read_bytes()  # not even in metadata


def test_conditional_export_shows_it_with_the_justification(conditional_pdf: Path) -> None:
    text = "\n".join(_pages(conditional_pdf))
    flat = _flat(text)

    for shown in (SECRET_REF, SECRET_PERSON, "L1 referrals.csv 3", "Covert source names"):
        assert _flat(shown) in flat, shown
    assert _flat(f"Justification: {JUSTIFICATION}") in flat


def test_metadata_dates_come_from_the_package(default_pdf: Path) -> None:
    reader = pypdf.PdfReader(default_pdf)
    info = reader.metadata

    assert info is not None
    assert info["/CreationDate"] == "D:20261128120000Z"  # the run
    assert info["/ModDate"] == "D:20261201100000Z"  # the export
    assert info["/Title"].startswith("OFFICIAL")
    sizes = {(i.image.width, i.image.height) for page in reader.pages for i in page.images}
    assert sizes == {(1500, 975), (1500, 412)}  # both charts embedded, at full resolution


def test_two_exports_differ_only_in_the_export_date(tmp_path: Path) -> None:
    first = _export(tmp_path / "one", EXPORTED_AT)
    second = _export(tmp_path / "two", dt.datetime(2027, 1, 2, 11, 5, 7, tzinfo=dt.UTC))
    a, b = first.read_bytes(), second.read_bytes()

    assert _pages(first) == _pages(second)
    assert a != b  # the modification dates differ...
    assert len(a) == len(b)
    assert PDF_DATE.sub(b"<date>", a) == PDF_DATE.sub(b"<date>", b)  # ...and nothing else
    differing = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    assert b"/ModDate (D:" in a[differing[0] - 20 : differing[0]]
