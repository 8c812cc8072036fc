"""Spreadsheet cells that no spreadsheet will run as a formula (CSV or formula injection).

Excel, LibreOffice and Google Sheets read a cell that begins with ``=``, ``+``, ``-`` or
``@`` as a formula, and a tab or carriage return in front does not stop them. A formula
from hostile source data (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``) could send data
out or run a program when an analyst opens an exported file. Following the OWASP guidance
on CSV injection, every text cell that begins with one of those characters is written with
a leading single quote, which the spreadsheet shows as text. Numbers and dates written as
numbers and dates are not text and stay as they are.

Every CSV and XLSX writer of ocgmap passes its text cells through :func:`neutralise`:
``subjects.xlsx``, ``i2_entities.csv``, ``i2_links.csv`` and ``audit.csv``.
"""

from __future__ import annotations

__all__ = ["FORMULA_START", "neutralise"]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """``value`` with a leading ``'`` if a spreadsheet would read it as a formula.

    Parameters
    ----------
    value : str
        The text of one cell.

    Returns
    -------
    str
        ``value``, or ``"'" + value`` when it begins with ``=``, ``+``, ``-``, ``@``, a tab
        or a carriage return.

    Examples
    --------
    >>> print(neutralise('=HYPERLINK("http://x","y")'))
    '=HYPERLINK("http://x","y")
    >>> neutralise("+447700900123"), neutralise("AB12CDE"), neutralise("")
    ("'+447700900123", 'AB12CDE', '')
    """
    return "'" + value if value.startswith(FORMULA_START) else value
