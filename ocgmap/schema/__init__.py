"""The graph model as data: ``graph.yaml`` (labels, relationships, grading) and bands.

Nothing is read when this package is imported; :func:`load_schema` and
:func:`load_bands` read and validate the YAML on first use and cache the result.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ocgmap.errors import SchemaError
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.spec import (
    BandScheme,
    Basis,
    GradingScheme,
    LabelSpec,
    NodeKind,
    PropType,
    RelSpec,
    Schema,
)

__all__ = [
    "BandScheme",
    "Basis",
    "GradingScheme",
    "Label",
    "LabelSpec",
    "NodeKind",
    "PropType",
    "RelSpec",
    "RelType",
    "Schema",
    "load_bands",
    "load_schema",
]


def _read_yaml(text: str, where: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SchemaError(f"{where} is not valid YAML: {exc}") from exc


@functools.cache
def load_schema() -> Schema:
    """Read and validate the shipped ``graph.yaml``.

    Examples
    --------
    >>> schema = load_schema()
    >>> schema.label("Port").joins_clusters
    False
    >>> [str(t) for t in schema.rel("OPERATES").to]
    ['Vehicle', 'Trailer']
    """
    text = resources.files(__name__).joinpath("graph.yaml").read_text("utf-8")
    raw = _read_yaml(text, "graph.yaml")
    labels = {name: {"name": name, **spec} for name, spec in raw["labels"].items()}
    rels = {name: {"name": name, **spec} for name, spec in raw["relationships"].items()}
    try:
        return Schema.model_validate(
            {
                "version": raw["version"],
                "labels": labels,
                "relationships": rels,
                "grading": raw["grading"]["schemes"],
            }
        )
    except ValidationError as exc:
        raise SchemaError(f"graph.yaml is not a valid graph model: {exc}") from exc


@functools.cache
def load_bands(path: Path | None = None) -> BandScheme:
    """Read the band scheme from ``path``, or the shipped default scheme.

    Examples
    --------
    >>> bands = load_bands()
    >>> bands.codes[0], bands.codes[-1], len(bands.codes)
    ('1A', 'UNGRADED', 16)
    """
    if path is None:
        where = "bands.yaml"
        text = resources.files(__name__).joinpath(where).read_text("utf-8")
    else:
        try:
            text, where = Path(path).read_text("utf-8"), str(path)
        except OSError as exc:
            raise SchemaError(f"Cannot read the band scheme file {path}: {exc.strerror}") from exc
    try:
        return BandScheme.model_validate(_read_yaml(text, where))
    except ValidationError as exc:
        raise SchemaError(f"{where} is not a valid band scheme: {exc}") from exc
