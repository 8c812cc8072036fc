"""The package charts: PNGs that open, are sized for A4, and are byte-identical when redrawn."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from export_world import CLUSTER_ID, run_of, seed
from PIL import Image

from ocgmap.export.charts import NETWORK_PNG, TIMELINE_PNG, short_label, write_charts
from ocgmap.export.package import Link, Subject, TargetPackage, assemble
from ocgmap.store.embedded import EmbeddedStore

EXPORTED_AT = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> TargetPackage:
    store = EmbeddedStore(tmp_path_factory.mktemp("store") / "graph.json")
    store.ensure_schema()
    seed(store)
    return assemble(store, run_of(), CLUSTER_ID, exported_by="J Smith", exported_at=EXPORTED_AT)


def _pixels(path: Path) -> tuple[int, int, int]:
    """Width, height and the number of pixels that are not white."""
    with Image.open(path) as image:
        grey = image.convert("L")
        white = grey.histogram()[255]
        return grey.width, grey.height, grey.width * grey.height - white


def test_charts_are_pngs_sized_for_a_page(package: TargetPackage, tmp_path: Path) -> None:
    charts = write_charts(package, tmp_path / "out")

    assert charts.network == tmp_path / "out" / NETWORK_PNG
    assert charts.timeline == tmp_path / "out" / TIMELINE_PNG
    for path in charts:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        width, height, inked = _pixels(path)
        assert 1200 <= width <= 2000
        assert 300 <= height <= width
        assert inked > 0.01 * width * height  # something was drawn


def test_two_renders_are_byte_identical(package: TargetPackage, tmp_path: Path) -> None:
    first = write_charts(package, tmp_path / "a")
    second = write_charts(package, tmp_path / "b")

    assert first.network.read_bytes() == second.network.read_bytes()
    assert first.timeline.read_bytes() == second.timeline.read_bytes()
    with Image.open(first.network) as image:
        assert "Software" not in image.info


def test_empty_package_gives_informative_empty_charts(
    package: TargetPackage, tmp_path: Path
) -> None:
    empty = package.model_copy(update={"subjects": [], "events": [], "links": [], "timeline": []})

    full = write_charts(package, tmp_path / "full")
    charts = write_charts(empty, tmp_path / "empty")

    for path, drawn in zip(charts, full, strict=True):
        width, height, inked = _pixels(path)
        assert width >= 1200 and height > 0
        assert 0 < inked < _pixels(drawn)[2]  # a message, less ink than a real chart


def test_large_network_gets_a_seeded_layout(package: TargetPackage, tmp_path: Path) -> None:
    phones = [
        Subject(label="Phone", key=f"+4477009{n:05d}", sources=[f"L2:calls.csv#{n + 2}"])
        for n in range(320)
    ]
    chain = [
        Link(type="CALLED", source=a.id, target=b.id, sources=[])
        for a, b in zip(phones, phones[1:], strict=False)
    ]
    big = package.model_copy(update={"subjects": phones, "events": [], "links": chain})

    first = write_charts(big, tmp_path / "a")
    second = write_charts(big, tmp_path / "b")

    assert first.network.read_bytes() == second.network.read_bytes()
    assert _pixels(first.network)[2] > 0


def test_short_label_prefers_the_name_and_truncates() -> None:
    named = Subject(label="Haulier", key="CH:1", name="ACME HAULAGE LTD", sources=[])
    long = Subject(label="Address", key="1 A VERY LONG ROAD NAME IN DOVER|CT16 1AA", sources=[])

    assert short_label(named) == "ACME HAULAGE LTD"
    assert short_label(long, limit=10) == "1 A VERY…"
    assert len(short_label(long)) <= 26
