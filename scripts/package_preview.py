"""Render the first page of a target package PDF to PNG, for the README.

``scripts/package-preview`` with no arguments builds the package of the test cluster
(``tests/export_world.py``: synthetic, with one referral withheld under handling code C) and
writes ``docs/package-first-page.png``; ``scripts/package-preview PDF PNG`` renders the first page
of any ``package.pdf``. Needs the ``dev`` extra (pypdfium2).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PNG = ROOT / "docs" / "package-first-page.png"


def first_page_png(pdf: Path, png: Path, width: int = 900) -> Path:
    """Render page 1 of ``pdf`` to ``png``, ``width`` pixels wide, and return ``png``."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        page = document[0]
        image = page.render(scale=width / page.get_width()).to_pil()
        png.parent.mkdir(parents=True, exist_ok=True)
        image.save(png, format="PNG", optimize=True)
    finally:
        document.close()
    return png


def build_test_world_pdf(folder: Path) -> Path:
    """Export the test cluster of ``tests/export_world.py`` as package.pdf in ``folder``."""
    sys.path.insert(0, str(ROOT / "tests"))
    from export_world import CLUSTER_ID, run_of, seed

    from ocgmap.export.charts import write_charts
    from ocgmap.export.package import assemble
    from ocgmap.export.pdf import write_pdf
    from ocgmap.store.embedded import EmbeddedStore

    store = EmbeddedStore(folder / "graph.json")
    store.ensure_schema()
    seed(store)
    when = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)
    package = assemble(store, run_of(), CLUSTER_ID, exported_by="J Smith", exported_at=when)
    return write_pdf(package, folder / "package.pdf", write_charts(package, folder))


def main(argv: list[str]) -> int:
    """Run the script: ``[PDF PNG]``."""
    if len(argv) == 2:
        png = first_page_png(Path(argv[0]), Path(argv[1]))
    elif not argv:
        with tempfile.TemporaryDirectory() as tmp:
            png = first_page_png(build_test_world_pdf(Path(tmp)), DEFAULT_PNG)
    else:
        sys.stderr.write("usage: scripts/package-preview [PDF PNG]\n")
        return 2
    sys.stdout.write(f"wrote {png}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
