"""The target package as a PDF (``package.pdf``): the HTML page printed by WeasyPrint.

The page's print CSS sets A4 and puts the security marking at the top and bottom of every
page. The PDF is reproducible: its creation date is the run's, its modification date the
export's, it carries no file identifier, the charts are embedded (WeasyPrint names images
after their URL, which would carry the folder), and its information dictionary is written
outside the compressed object stream, so two exports of one package differ only in the
characters of that modification date.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ocgmap.errors import InputError
from ocgmap.export.charts import Charts
from ocgmap.export.html import render_html
from ocgmap.export.package import TargetPackage

__all__ = ["write_pdf"]


def _plain_info(document: Any, pdf: Any) -> None:
    """Keep the information dictionary (dates) out of the compressed object stream.

    A WeasyPrint finisher, run on the ``pydyf.PDF`` before it is written: the dates then
    appear as plain ``(D:...)`` strings of fixed length and nothing else moves when they change.
    """
    import pydyf

    class _PlainDictionary(pydyf.Dictionary):  # type: ignore[misc]
        @property
        def compressible(self) -> bool:
            return False

    pdf.info = _PlainDictionary(dict(pdf.info))


def _weasyprint() -> Any:
    try:
        import weasyprint
    except OSError as exc:  # Pango or its fonts missing from the system
        raise InputError(
            f"PDF export needs the Pango libraries from the system ({exc}). Install them "
            "(Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
            "libharfbuzz-subset0 fonts-dejavu-core) or run scripts/setup."
        ) from exc
    return weasyprint


def write_pdf(package: TargetPackage, path: Path, charts: Charts) -> Path:
    """Print ``package`` to a PDF at ``path`` and return the path.

    Parameters
    ----------
    package : TargetPackage
        The package (handling codes already applied by ``assemble``).
    path : pathlib.Path
        The PDF to write; its folder is the base URL of the page.
    charts : Charts
        The chart files (:func:`ocgmap.export.charts.write_charts`), read and embedded
        (WeasyPrint names an image after its URL, so embedding keeps the PDF independent of
        the folder it was printed in).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    InputError
        The system libraries WeasyPrint needs (Pango) are missing.

    Notes
    -----
    Reproducible: ``/CreationDate`` is the run's ``generated_at`` and ``/ModDate`` the
    package's ``exported_at``; two exports that differ only in ``exported_at`` differ only
    in the ``/ModDate`` characters.
    """
    weasyprint = _weasyprint()
    path.parent.mkdir(parents=True, exist_ok=True)
    page = render_html(package, charts, embed_images=True, provenance_as_listing=True)
    folder = path.parent.resolve().as_uri() + "/"
    html = weasyprint.HTML(string=page, base_url=folder)
    html.write_pdf(path, finisher=_plain_info, pdf_identifier=False)
    return path
