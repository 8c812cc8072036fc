"""Typed view of ``graph.yaml`` and ``bands.yaml``: the schema as validated data."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ocgmap.errors import SchemaError
from ocgmap.schema.labels import Label, RelType

__all__ = [
    "BandScheme",
    "Basis",
    "GradingScheme",
    "LabelSpec",
    "NodeKind",
    "PropType",
    "RelSpec",
    "Schema",
]

#: Property names the stores manage themselves; no label may declare them.
RESERVED = frozenset(
    {
        "key",
        "sources",
        "first_seen",
        "last_seen",
        "grading_scheme",
        "source_evaluation",
        "intel_assessment",
        "handling_code",
        "handling_conditions",
        "basis",
    }
)


class Basis(StrEnum):
    """Whether a node or relationship records a fact or an assessment (DPA 2018 s.38(2))."""

    FACT = "fact"
    ASSESSMENT = "assessment"


class PropType(StrEnum):
    """Types a graph property may have."""

    STRING = "string"
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    STRING_LIST = "string_list"


class NodeKind(StrEnum):
    """What a label stands for in the analysis."""

    ACTOR = "actor"
    ASSET = "asset"
    PLACE = "place"
    EVENT = "event"
    INTELLIGENCE = "intelligence"
    MAPPING = "mapping"
    ANALYSIS = "analysis"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class LabelSpec(_Frozen):
    """One node label: its key rule, flags and typed properties."""

    name: Label
    key: str
    kind: NodeKind
    joins_clusters: bool = True
    pivot: bool = False
    sensitive: bool = False
    intelligence: bool = False
    basis: Basis = Basis.FACT
    properties: dict[str, PropType] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _no_reserved(self) -> LabelSpec:
        clash = RESERVED & set(self.properties)
        if clash:
            raise ValueError(f"label {self.name} declares reserved properties {sorted(clash)}")
        return self


class RelSpec(_Frozen):
    """One relationship type: allowed endpoints, association weight, flags, properties."""

    name: RelType
    from_: tuple[Label, ...] = Field(alias="from")
    to: tuple[Label, ...]
    weight: float = 0.0
    intelligence: bool = False
    basis: Basis = Basis.FACT
    properties: dict[str, PropType] = Field(default_factory=dict)


class GradingScheme(_Frozen):
    """Allowed codes of one intelligence grading scheme (3x5x2, or legacy 5x5x5)."""

    source_evaluation: tuple[str, ...]
    intel_assessment: tuple[str, ...]
    handling_code: tuple[str, ...]


class BandScheme(_Frozen):
    """An ordered OCG priority band scheme, highest priority first.

    Examples
    --------
    >>> scheme = BandScheme(name="t", bands=("1A", "1B", "2A"), ungraded="UNGRADED")
    >>> scheme.rank("1A") < scheme.rank("2A") < scheme.rank("UNGRADED")
    True
    """

    name: str
    bands: tuple[str, ...]
    ungraded: str = "UNGRADED"

    @model_validator(mode="after")
    def _unique(self) -> BandScheme:
        codes = [*self.bands, self.ungraded]
        if len(set(codes)) != len(codes) or not self.bands:
            raise ValueError("band codes must be unique and at least one band is needed")
        return self

    @property
    def codes(self) -> tuple[str, ...]:
        """Every valid code, highest priority first, ``ungraded`` last."""
        return (*self.bands, self.ungraded)

    def rank(self, code: str) -> int:
        """Return the 0-based priority rank of ``code`` (0 = highest priority)."""
        try:
            return self.codes.index(code.strip().upper())
        except ValueError:
            raise SchemaError(
                f"The band must be one of {list(self.codes)} (scheme {self.name!r}). "
                f"Got {code!r} instead."
            ) from None


class Schema(_Frozen):
    """The whole graph model (``graph.yaml``)."""

    version: int
    labels: dict[Label, LabelSpec]
    relationships: dict[RelType, RelSpec]
    grading: dict[str, GradingScheme]

    @model_validator(mode="after")
    def _complete(self) -> Schema:
        missing = (set(Label) - set(self.labels)) | (set(RelType) - set(self.relationships))
        extra = {n for n, s in self.labels.items() if s.name != n}
        if missing or extra:
            raise ValueError(f"graph.yaml does not match the enums: missing {sorted(missing)}")
        return self

    def label(self, name: str) -> LabelSpec:
        """Return the spec of label ``name`` or raise :class:`SchemaError`."""
        try:
            return self.labels[Label(name)]
        except ValueError:
            raise SchemaError(
                f"The label must be one of {[str(x) for x in Label]}. Got {name!r} instead."
            ) from None

    def rel(self, name: str) -> RelSpec:
        """Return the spec of relationship type ``name`` or raise :class:`SchemaError`."""
        try:
            return self.relationships[RelType(name)]
        except ValueError:
            raise SchemaError(
                f"The relationship type must be one of {[str(x) for x in RelType]}. "
                f"Got {name!r} instead."
            ) from None
