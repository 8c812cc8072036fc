"""Column mappings (formats.md §10): a force's own column names onto ocgmap's, as YAML data."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ocgmap.errors import InputError

__all__ = ["ColumnMapping", "load_mapping"]


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
    constants: dict[str, Any] = Field(default_factory=dict)

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

    Raises
    ------
    InputError
        The file cannot be read or is not a valid mapping.
    """
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
        return ColumnMapping.model_validate(data)
    except OSError as exc:
        raise InputError(f"Cannot read the mapping file {path}: {exc.strerror}.") from None
    except yaml.YAMLError as exc:
        raise InputError(f"The mapping file {path} is not valid YAML: {exc}.") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(
            f"The mapping file {path} is not valid: {where}: {first['msg']}."
        ) from None
