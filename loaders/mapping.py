"""Column mappings (formats.md §10): a force's own column names onto ocgmap's, as YAML data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from loaders.sources import sources
from ocgmap.errors import InputError

__all__ = ["MAPPING_MAX_BYTES", "ColumnMapping", "load_mapping"]

#: Largest mapping file read, in bytes.
MAPPING_MAX_BYTES = 1 << 20

#: What a constant may be: one cell's worth of value, not a structure.
Constant = str | int | float | bool | dt.datetime | dt.date | None


class ColumnMapping(BaseModel):
    """Rename columns (case-insensitively) and supply constant values for one source.

    Examples
    --------
    >>> m = ColumnMapping(source="detections", columns={"Reg No": "vrm"},
    ...                   constants={"reporting_agency": "Thames Valley Police"})
    >>> m.apply({"reg no": "AB12 CDE", "notes": "x"})
    {'vrm': 'AB12 CDE', 'notes': 'x', 'reporting_agency': 'Thames Valley Police'}
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    columns: dict[str, str] = Field(default_factory=dict)
    constants: dict[str, Constant] = Field(default_factory=dict)

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str) -> str:
        if value not in sources():
            raise ValueError(f"must be one of {sorted(sources())}, not {value[:60]!r}")
        return value

    def apply(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Return the record with mapped column names and constants filled in where empty."""
        renames = {k.strip().lower(): v.strip().lower() for k, v in self.columns.items()}
        out = {renames.get(k, k): v for k, v in values.items()}
        for key, value in self.constants.items():
            if out.get(key.lower()) in (None, ""):
                out[key.lower()] = value
        return out


def load_mapping(path: Path) -> ColumnMapping:
    """Read and validate a mapping file.

    The YAML is read with ``yaml.safe_load`` (no Python objects), from a file of at most
    :data:`MAPPING_MAX_BYTES`; constants must be single values.

    Raises
    ------
    InputError
        The file cannot be read, is too large, is not UTF-8 YAML, or is not a valid mapping.
    """
    try:
        if path.stat().st_size > MAPPING_MAX_BYTES:
            raise InputError(f"The mapping file {path} is over 1 MB: it cannot be a mapping.")
        data = yaml.safe_load(path.read_text("utf-8"))
        return ColumnMapping.model_validate(data)
    except OSError as exc:
        raise InputError(f"Cannot read the mapping file {path}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise InputError(f"The mapping file {path} is not UTF-8 text: save it as UTF-8.") from None
    except (yaml.YAMLError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise InputError(f"The mapping file {path} is not valid YAML: {reason}.") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        raise InputError(
            f"The mapping file {path} is not valid: {where}: {first['msg']}."
        ) from None
