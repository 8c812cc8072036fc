"""Pydantic models for what goes into a store (rows) and what comes out (nodes, edges).

Rows are validated once, where they are built: the label or relationship type must be in the
schema, every property must be declared for it with the right type, relationships must join
allowed labels, and intelligence must carry a grading. Stores can then write rows without
checking them again.

Loaders build hundreds of thousands of rows, so properties are first given a cheap check that
passes only values the per-label pydantic model would accept and keep unchanged (a ``str`` for
a string property, an aware UTC ``datetime`` for a datetime, and so on); anything else goes
through that model, which also produces every error message. For the same reason
:meth:`NodeRow.build` and :meth:`EdgeRow.build` assemble a row without pydantic when every
input is already in its final type and every rule holds, and otherwise call the validating
constructor, so a row is the same object either way and a bad one fails the same way.
"""

from __future__ import annotations

import builtins
import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from ocgmap.schema import PropType, load_schema
from ocgmap.schema.labels import Label, RelType

__all__ = [
    "Counts",
    "Edge",
    "EdgeRow",
    "Grading",
    "Node",
    "NodeRef",
    "NodeRow",
    "Path",
    "SourceRef",
    "Subgraph",
    "properties_model",
]

_PY_TYPES: dict[PropType, Any] = {
    PropType.STRING: str,
    PropType.INTEGER: int,
    PropType.FLOAT: float,
    PropType.BOOLEAN: bool,
    PropType.DATE: dt.date,
    PropType.DATETIME: AwareDatetime,
    PropType.STRING_LIST: list[str],
}


class SourceRef(BaseModel):
    """Provenance of one fact: which load, file and row it came from.

    Examples
    --------
    >>> SourceRef(load_id="L1", file="detections.csv", row=17).token
    'L1:detections.csv#17'
    """

    model_config = ConfigDict(frozen=True)

    load_id: str = Field(min_length=1, pattern=r"^[^:#]+$")
    file: str = Field(min_length=1)
    row: int = Field(ge=0)

    @property
    def token(self) -> str:
        """The ``<load id>:<file>#<row>`` string stored in ``sources``."""
        return f"{self.load_id}:{self.file}#{self.row}"


class NodeRef(BaseModel):
    """A node named by label and key."""

    model_config = ConfigDict(frozen=True)

    label: Label
    key: str = Field(min_length=1)


class Grading(BaseModel):
    """The grading of a piece of intelligence.

    3x5x2 codes are checked; a legacy 5x5x5 grading is kept verbatim under its own scheme and
    never converted (there is no official mapping between the two).

    Examples
    --------
    >>> grading = Grading(source_evaluation="1", intel_assessment="b", handling_code="p")
    >>> grading.intel_assessment, grading.handling_code
    ('B', 'P')
    >>> grading.as_properties()["grading_scheme"]
    '3x5x2'
    """

    model_config = ConfigDict(frozen=True)

    scheme: Literal["3x5x2", "5x5x5"] = "3x5x2"
    source_evaluation: str
    intel_assessment: str
    handling_code: str
    handling_conditions: str | None = None

    @field_validator("source_evaluation", "intel_assessment", "handling_code", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _codes(self) -> Grading:
        allowed = load_schema().grading[self.scheme]
        for part in ("source_evaluation", "intel_assessment", "handling_code"):
            codes: tuple[str, ...] = getattr(allowed, part)
            if getattr(self, part) not in codes:
                raise ValueError(
                    f"The '{part}' of a {self.scheme} grading must be one of "
                    f"{{{', '.join(codes)}}}. Got {getattr(self, part)!r} instead."
                )
        return self

    def as_properties(self) -> dict[str, str]:
        """Flatten into the reserved grading properties stored on a node or relationship."""
        props = {
            "grading_scheme": self.scheme,
            "source_evaluation": self.source_evaluation,
            "intel_assessment": self.intel_assessment,
            "handling_code": self.handling_code,
        }
        if self.handling_conditions:
            props["handling_conditions"] = self.handling_conditions
        return props


@functools.cache
def properties_model(owner: Label | RelType) -> type[BaseModel]:
    """Return the pydantic model of the properties declared for a label or relationship type.

    Examples
    --------
    >>> model = properties_model(Label.DETECTION)
    >>> model(entrants_count="4").entrants_count
    4
    """
    schema = load_schema()
    spec = schema.labels[owner] if isinstance(owner, Label) else schema.relationships[owner]
    fields: dict[str, Any] = {
        name: (_PY_TYPES[kind] | None, None) for name, kind in spec.properties.items()
    }
    return create_model(
        f"{owner}Properties", __config__=ConfigDict(extra="forbid", strict=False), **fields
    )


def _is_str(value: Any) -> bool:
    return type(value) is str


def _is_str_list(value: Any) -> bool:
    return type(value) is list and all(type(v) is str for v in value)


def _is_aware_utc(value: Any) -> bool:
    return type(value) is dt.datetime and value.tzinfo is dt.UTC


#: For each property type, a test that holds only for values its pydantic field (lax mode)
#: accepts and returns unchanged; lists are copied, as ``model_dump`` copies them.
_UNCHANGED: dict[PropType, Callable[[Any], bool]] = {
    PropType.STRING: _is_str,
    PropType.INTEGER: lambda v: type(v) is int,
    PropType.FLOAT: lambda v: type(v) is float,
    PropType.BOOLEAN: lambda v: type(v) is bool,
    PropType.DATE: lambda v: type(v) is dt.date,
    PropType.DATETIME: _is_aware_utc,
    PropType.STRING_LIST: _is_str_list,
}


@functools.cache
def _property_checks(
    owner: Label | RelType,
) -> tuple[frozenset[str], tuple[tuple[str, Callable[[Any], bool]], ...]]:
    """The names of the properties declared for ``owner``, and each with its cheap test."""
    schema = load_schema()
    spec = schema.labels[owner] if isinstance(owner, Label) else schema.relationships[owner]
    checks = tuple((name, _UNCHANGED[kind]) for name, kind in spec.properties.items())
    return frozenset(spec.properties), checks


def _quick_properties(owner: Label | RelType, props: dict[str, Any]) -> dict[str, Any] | None:
    """``_clean_properties(owner, props)`` when the cheap tests settle it, else ``None``.

    That result is ``properties_model(owner).model_validate(props)`` dumped without ``None``:
    the declared properties present, in declaration order, each unchanged (lists copied). An
    undeclared name, or a value the tests cannot vouch for, returns ``None``.
    """
    declared, checks = _property_checks(owner)
    if not props.keys() <= declared:
        return None  # an undeclared name: pydantic refuses it
    out: dict[str, Any] = {}
    for name, unchanged in checks:
        value = props.get(name)
        if value is None:
            continue
        if not unchanged(value):
            return None
        out[name] = list(value) if type(value) is list else value
    return out


def _clean_properties(owner: Label | RelType, props: dict[str, Any]) -> dict[str, Any]:
    if not props:
        return {}
    quick = _quick_properties(owner, props)
    if quick is not None:
        return quick
    model = properties_model(owner)
    try:
        return model.model_validate(props).model_dump(exclude_none=True)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ValueError(f"invalid properties for {owner}: {problems}") from None


@functools.cache
def _label_rules(label: Label) -> tuple[str, bool]:
    """The ``basis`` of a label's nodes and whether they are intelligence."""
    spec = load_schema().labels[label]
    return str(spec.basis), spec.intelligence


@functools.cache
def _rel_rules(type: RelType) -> tuple[frozenset[Label], frozenset[Label], str, bool]:
    """The labels a relationship type may join (from, to), its ``basis``, and intelligence."""
    spec = load_schema().relationships[type]
    return frozenset(spec.from_), frozenset(spec.to), str(spec.basis), spec.intelligence


def _plain_sources(sources: Any) -> bool:
    """True when ``sources`` is a non-empty list or tuple of ``str`` (pydantic keeps each)."""
    kind = type(sources)
    return (
        (kind is tuple or kind is list) and bool(sources) and all(type(s) is str for s in sources)
    )


def _plain_seen(seen_at: Any) -> bool:
    """True when pydantic would keep ``seen_at`` unchanged: None or a UTC ``datetime``."""
    return seen_at is None or (type(seen_at) is dt.datetime and seen_at.tzinfo is dt.UTC)


_R = TypeVar("_R", bound="_Row")


def _assemble(cls: type[_R], values: dict[str, Any]) -> _R:
    """An instance of a row model holding ``values`` (every field, in field order), unchecked.

    What ``model_construct`` does, without its per-field defaults: the validating constructor
    called with every field gives an instance equal in ``__dict__`` (and its order), in the
    set of fields given, and in having no extra or private attributes.
    """
    row = cls.__new__(cls)
    object.__setattr__(row, "__dict__", values)
    object.__setattr__(row, "__pydantic_fields_set__", set(values))
    object.__setattr__(row, "__pydantic_extra__", None)
    object.__setattr__(row, "__pydantic_private__", None)
    return row


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True)

    properties: dict[str, Any] = Field(default_factory=dict)
    sources: tuple[str, ...] = Field(min_length=1)
    seen_at: AwareDatetime | None = None
    grading: Grading | None = None


class NodeRow(_Row):
    """A node to upsert: label, key, declared properties, provenance and optional grading.

    Examples
    --------
    >>> row = NodeRow(label="Vehicle", key="AB12CDE", properties={"country": "GB"},
    ...               sources=["L1:detections.csv#2"])
    >>> row.ref
    NodeRef(label=<Label.VEHICLE: 'Vehicle'>, key='AB12CDE')
    """

    label: Label
    key: str = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> NodeRow:
        basis, intelligence = _label_rules(self.label)
        props = _clean_properties(self.label, self.properties)
        props["basis"] = basis
        object.__setattr__(self, "properties", props)
        _check_grading(intelligence, self.grading, self.label)
        return self

    @property
    def ref(self) -> NodeRef:
        """Return the node reference of this row."""
        return NodeRef(label=self.label, key=self.key)

    @classmethod
    def build(
        cls,
        label: Label,
        key: str,
        properties: dict[str, Any],
        sources: list[str] | tuple[str, ...],
        seen_at: dt.datetime | None = None,
        grading: Grading | None = None,
    ) -> NodeRow:
        """``NodeRow(label=label, key=key, properties=..., sources=..., ...)``, built quickly.

        When every input already has its final type (a :class:`Label`, a non-empty ``str``
        key, a non-empty list or tuple of ``str`` sources, a UTC ``datetime`` or None, a
        :class:`Grading` or None), the grading rule holds and the properties pass the cheap
        check, the row is assembled without pydantic; otherwise the validating constructor
        runs, and raises what it always raises. Either way the result is equal to, and
        indistinguishable from, the validated row (``tests/unit/test_row_build.py``).

        Examples
        --------
        >>> row = NodeRow.build(Label.VEHICLE, "AB12CDE", {"country": "GB"}, ["L1:a.csv#2"])
        >>> row == NodeRow(label="Vehicle", key="AB12CDE", properties={"country": "GB"},
        ...                sources=["L1:a.csv#2"], seen_at=None, grading=None)
        True
        """
        if (
            type(label) is Label
            and type(key) is str
            and key
            and type(properties) is dict
            and _plain_sources(sources)
            and _plain_seen(seen_at)
            and (grading is None or type(grading) is Grading)
        ):
            basis, intelligence = _label_rules(label)
            props = _quick_properties(label, properties) if properties else {}
            if props is not None and intelligence == (grading is not None):
                props["basis"] = basis
                return _assemble(
                    cls,
                    {
                        "properties": props,
                        "sources": tuple(sources),
                        "seen_at": seen_at,
                        "grading": grading,
                        "label": label,
                        "key": key,
                    },
                )
        return cls(
            label=label,
            key=key,
            properties=properties,
            sources=sources,
            seen_at=seen_at,
            grading=grading,
        )


class EdgeRow(_Row):
    """A relationship to upsert between two nodes that the same load also upserts.

    ``key`` tells apart several relationships of one type between the same two nodes
    (e.g. ANPR sightings per day); it is empty when one per pair suffices.
    """

    type: RelType
    start: NodeRef
    end: NodeRef
    key: str = ""

    @model_validator(mode="after")
    def _check(self) -> EdgeRow:
        spec = load_schema().relationships[self.type]
        if self.start.label not in spec.from_ or self.end.label not in spec.to:
            raise ValueError(
                f"{self.type} must go from {[str(x) for x in spec.from_]} to "
                f"{[str(x) for x in spec.to]}. Got {self.start.label} -> {self.end.label}."
            )
        props = _clean_properties(self.type, self.properties)
        props["basis"] = _rel_rules(self.type)[2]  # one string per type, not one per row
        object.__setattr__(self, "properties", props)
        _check_grading(spec.intelligence, self.grading, self.type)
        return self

    @classmethod
    def build(
        cls,
        type: RelType,
        start: NodeRef,
        end: NodeRef,
        key: str,
        properties: dict[str, Any],
        sources: list[str] | tuple[str, ...],
        seen_at: dt.datetime | None = None,
        grading: Grading | None = None,
    ) -> EdgeRow:
        """``EdgeRow(type=type, start=start, end=end, key=key, ...)``, built quickly.

        The fast path of :meth:`NodeRow.build`: it also needs :class:`NodeRef` ends whose
        labels the type may join; anything else goes through the validating constructor.

        Examples
        --------
        >>> a, b = NodeRef(label="Haulier", key="H1"), NodeRef(label="Vehicle", key="AB12CDE")
        >>> row = EdgeRow.build(RelType.OPERATES, a, b, "", {}, ["L1:a.csv#2"])
        >>> row == EdgeRow(type="OPERATES", start=a, end=b, key="", properties={},
        ...                sources=["L1:a.csv#2"], seen_at=None, grading=None)
        True
        """
        if (
            builtins.type(type) is RelType
            and builtins.type(start) is NodeRef
            and builtins.type(end) is NodeRef
            and builtins.type(key) is str
            and builtins.type(properties) is dict
            and _plain_sources(sources)
            and _plain_seen(seen_at)
            and (grading is None or builtins.type(grading) is Grading)
        ):
            starts, ends, basis, intelligence = _rel_rules(type)
            props = _quick_properties(type, properties) if properties else {}
            if (
                props is not None
                and start.label in starts
                and end.label in ends
                and intelligence == (grading is not None)
            ):
                props["basis"] = basis
                return _assemble(
                    cls,
                    {
                        "properties": props,
                        "sources": tuple(sources),
                        "seen_at": seen_at,
                        "grading": grading,
                        "type": type,
                        "start": start,
                        "end": end,
                        "key": key,
                    },
                )
        return cls(
            type=type,
            start=start,
            end=end,
            key=key,
            properties=properties,
            sources=sources,
            seen_at=seen_at,
            grading=grading,
        )


def _check_grading(required: bool, grading: Grading | None, owner: str) -> None:
    if required and grading is None:
        raise ValueError(f"{owner} is intelligence and needs a grading")
    if not required and grading is not None:
        raise ValueError(f"{owner} is not intelligence and takes no grading")


class Node(BaseModel):
    """A node read back from a store."""

    label: Label
    key: str
    properties: dict[str, Any] = Field(default_factory=dict)
    sources: list[str] = Field(default_factory=list)
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None

    @property
    def ref(self) -> NodeRef:
        """Return the reference of this node."""
        return NodeRef(label=self.label, key=self.key)

    @property
    def name(self) -> str:
        """A caption for display: the ``name`` property when there is one, else the key."""
        return str(self.properties.get("name") or self.key)


class Edge(BaseModel):
    """A relationship read back from a store."""

    type: RelType
    start: NodeRef
    end: NodeRef
    key: str = ""
    properties: dict[str, Any] = Field(default_factory=dict)
    sources: list[str] = Field(default_factory=list)
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None


class Subgraph(BaseModel):
    """Nodes and the relationships among them."""

    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)

    def refs(self) -> set[NodeRef]:
        """Return the references of every node in this subgraph."""
        return {n.ref for n in self.nodes}


class Path(BaseModel):
    """One path: ``nodes[i]`` and ``nodes[i+1]`` are joined by ``edges[i]``."""

    nodes: list[Node]
    edges: list[Edge]

    @property
    def length(self) -> int:
        """Number of relationships on the path."""
        return len(self.edges)


class Counts(BaseModel):
    """Node counts per label and relationship counts per type (zero counts omitted)."""

    store: str
    nodes: dict[str, int] = Field(default_factory=dict)
    relationships: dict[str, int] = Field(default_factory=dict)
