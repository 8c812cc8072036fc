"""The one exception tree of ocgmap.

Every error a user can cause or meet derives from :class:`OcgmapError`; its message says
what went wrong, where, and what to do. The CLI prints the message without a traceback and
exits non-zero.
"""

from __future__ import annotations

__all__ = [
    "AccessDenied",
    "AnalysisError",
    "ExportError",
    "InputError",
    "NormaliseError",
    "OcgmapError",
    "SchemaError",
    "StoreError",
    "StoreUnavailable",
]


class OcgmapError(Exception):
    """Root of every error ocgmap raises on purpose."""


class InputError(OcgmapError):
    """Input data (a file, a row, a value) breaks its contract."""


class NormaliseError(InputError, ValueError):
    """A value could not be normalised into an identifier.

    It subclasses :class:`ValueError` so that a pydantic validator which calls a normaliser
    turns it into an ordinary validation error for the field.

    Parameters
    ----------
    kind : str
        The kind of identifier asked for, e.g. ``"phone"`` or ``"locode"``.
    value : str
        The raw value that failed.
    reason : str
        A plain-English reason.
    """

    def __init__(self, kind: str, value: str, reason: str) -> None:
        self.kind = kind
        self.value = value
        self.reason = reason
        super().__init__(f"{value!r} is not a valid {kind}: {reason}")


class SchemaError(OcgmapError):
    """A label, relationship type, property or schema file is not valid."""


class StoreError(OcgmapError):
    """A graph store failed."""


class StoreUnavailable(StoreError):
    """The graph store cannot be reached or refuses the credentials."""


class AnalysisError(OcgmapError):
    """Analysis could not run on the given graph or parameters."""


class AccessDenied(OcgmapError):
    """The user's role does not allow the action."""


class ExportError(OcgmapError):
    """An export could not be assembled or written."""
