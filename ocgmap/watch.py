"""Watchlists: the entities, mapped OCGs and clusters a user wants to hear about.

A user watches an entity by its label and an identifier typed in any format (normalised as the
loaders normalise it, so ``ab12 cde`` watches ``AB12CDE``), a mapped OCG by its reference, a
cluster by its stable id, or the top of the challenge list. Each watch is a ``Watch`` node in
the graph with its owner, reason and creation time. It names its target by label and key
rather than by a relationship, so an identifier can be watched before any data mentions it.

What a watch raises, after every load and every analysis, is :mod:`ocgmap.alerts`' business.
Removing a watch removes its alerts with it: both carry the watch's own provenance token
(``<watch key>:watchlist#1``), and :meth:`GraphStore.erase_sources` takes them together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from ocgmap import normalise
from ocgmap.audit import Action, AuditLog
from ocgmap.errors import InputError, NormaliseError
from ocgmap.schema.labels import Label
from ocgmap.schema.models import NodeRef, NodeRow
from ocgmap.store.base import GraphFilter, GraphStore

__all__ = [
    "CHALLENGES",
    "WATCHABLE",
    "Watch",
    "add_watch",
    "list_watches",
    "remove_watch",
    "target_key",
]

#: The target label of a watch on the top of the challenge list (no node is watched).
CHALLENGES = "challenges"
#: Labels a watch may name, besides :data:`CHALLENGES`.
WATCHABLE: tuple[Label, ...] = (
    Label.VEHICLE,
    Label.TRAILER,
    Label.HAULIER,
    Label.PERSON,
    Label.PHONE,
    Label.ADDRESS,
    Label.OCG,
    Label.CLUSTER,
)
_NAMES = {str(label).lower(): str(label) for label in WATCHABLE} | {CHALLENGES: CHALLENGES}
#: Hops around a watched entity that a load is searched for news (the issue's default).
DEFAULT_HOPS = 2
#: Places in the challenge list a ``challenges`` watch looks at.
DEFAULT_TOP = 10


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Watch(BaseModel):
    """One user's watch on one target.

    Examples
    --------
    >>> when = dt.datetime(2026, 3, 12, 10, tzinfo=dt.UTC)
    >>> watch = Watch(owner="jsmith", target_label="Vehicle", target_key="AB12CDE",
    ...               reason="seen with OCG-7", created_at=when)
    >>> watch.key, watch.describe()
    ('W-f9ca3147a169', 'Vehicle AB12CDE (2 hops)')
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    owner: str = Field(min_length=1)
    target_label: str = Field(description="a label of WATCHABLE, or 'challenges'")
    target_key: str = Field(min_length=1)
    reason: str | None = None
    hops: int = Field(default=DEFAULT_HOPS, ge=1, le=4)
    top: int = Field(default=DEFAULT_TOP, ge=1, le=100)
    created_at: AwareDatetime = Field(default_factory=_utc_now)

    @field_validator("target_label")
    @classmethod
    def _label(cls, value: str) -> str:
        if value not in _NAMES.values():
            raise ValueError(f"cannot watch {value!r}: watch one of {', '.join(_NAMES.values())}")
        return value

    @field_validator("reason", mode="before")
    @classmethod
    def _reason(cls, value: Any) -> Any:
        return " ".join(value.split()) or None if isinstance(value, str) else value

    @property
    def key(self) -> str:
        """``W-`` and a digest of owner, label and key: one watch per user and target."""
        text = f"{self.owner}|{self.target_label}|{self.target_key}"
        return "W-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]

    @property
    def source(self) -> str:
        """The provenance token of the watch and of every alert it raises."""
        return f"{self.key}:watchlist#1"

    @property
    def target(self) -> NodeRef | None:
        """The watched node (``None`` for the challenge list)."""
        if self.target_label == CHALLENGES:
            return None
        return NodeRef(label=Label(self.target_label), key=self.target_key)

    def describe(self) -> str:
        """The target in words."""
        if self.target_label == CHALLENGES:
            return f"top {self.top} of the challenge list"
        if self.target_label in (Label.OCG, Label.CLUSTER):
            return f"{self.target_label} {self.target_key} and its members ({self.hops} hops)"
        return f"{self.target_label} {self.target_key} ({self.hops} hops)"


def _prefixed(prefix: str, read: Callable[[str], str | None]) -> Callable[[str], str | None]:
    def key(text: str) -> str | None:
        value = read(text)
        return f"{prefix}{value}" if value else None

    return key


def _haulier(text: str) -> str | None:
    head, sep, rest = text.partition(":")
    if sep and head.upper() in ("CH", "OL", "NAME"):
        if head.upper() == "CH":
            return _prefixed("CH:", normalise.company_number)(rest)
        if head.upper() == "OL":
            return _prefixed("OL:", normalise.operator_licence)(rest)
        name, bar, country = rest.rpartition("|")
        company = normalise.company(name if bar else rest)
        return f"NAME:{company}|{country.strip().upper()}" if bar else f"NAME:{company}"
    for read in (
        _prefixed("CH:", normalise.company_number),
        _prefixed("OL:", normalise.operator_licence),
    ):
        try:
            return read(text)
        except NormaliseError:
            continue
    raise NormaliseError(
        "haulier", text, "is not a company number, an operator licence or a haulier key"
    )


def _person(text: str) -> str | None:
    name, bar, dob = text.partition("|")
    if not bar:
        raise NormaliseError(
            "person", text, "needs a date of birth after '|' (NAME|yyyy-mm-dd or NAME|yyyy-mm)"
        )
    if dob.strip().startswith("?"):  # a person known without a date of birth, by scope
        return f"{normalise.person(name)}|{dob.strip()}"
    return normalise.person_key(name, dob.strip())


_READ: dict[str, Callable[[str], str | None]] = {
    Label.VEHICLE: normalise.vrm,
    Label.TRAILER: normalise.trailer_id,
    Label.PHONE: normalise.phone,
    Label.HAULIER: _haulier,
    Label.PERSON: _person,
    Label.ADDRESS: normalise.address,
    Label.OCG: lambda text: text.strip() or None,
    Label.CLUSTER: lambda text: text.strip().upper() or None,
}


def target_key(label: str, text: str) -> tuple[str, str]:
    """The label and key a typed target names, normalised as the loaders normalise it.

    Parameters
    ----------
    label : str
        A label of :data:`WATCHABLE` (any case), or ``"challenges"``.
    text : str
        The identifier as typed: a VRM, trailer id, phone number, company number, operator
        licence or haulier key, ``NAME|date of birth``, an address with its postcode, an OCG
        reference or a cluster id (ignored for ``challenges``).

    Raises
    ------
    InputError
        For an unknown label or an identifier that cannot be read, naming both.

    Examples
    --------
    >>> target_key("vehicle", "ab12 cde")
    ('Vehicle', 'AB12CDE')
    >>> target_key("Phone", "07700 900123")
    ('Phone', '+447700900123')
    >>> target_key("haulier", "01234567")
    ('Haulier', 'CH:01234567')
    >>> target_key("person", "Łukasz Wójcik|1980-02-03")
    ('Person', 'LUKASZ WOJCIK|1980-02-03')
    >>> target_key("cluster", " c-00012 ")
    ('Cluster', 'C-00012')
    """
    name = _NAMES.get(label.strip().lower())
    if name is None:
        raise InputError(f"Cannot watch a {label!r}: watch one of {', '.join(_NAMES.values())}.")
    if name == CHALLENGES:
        return CHALLENGES, CHALLENGES
    try:
        key = _READ[name](text)
    except NormaliseError as exc:
        raise InputError(f"Cannot watch {name} {text!r}: {exc}") from None
    if not key:
        raise InputError(f"Cannot watch {name}: no identifier was given.")
    return name, key


def add_watch(
    store: GraphStore,
    owner: str,
    label: str,
    text: str,
    *,
    reason: str | None = None,
    hops: int = DEFAULT_HOPS,
    top: int = DEFAULT_TOP,
    now: dt.datetime | None = None,
    audit: AuditLog | None = None,
) -> Watch:
    """Watch a target for ``owner``; watching it again updates the reason and hops.

    Parameters
    ----------
    store : GraphStore
        Where the watch is kept.
    owner : str
        Who watches (the user the alerts are for).
    label, text : str
        The target, as :func:`target_key` reads it.
    reason : str, optional
        Why: shown beside every alert of the watch.
    hops : int
        How far around the target a load is searched (1 to 4).
    top : int
        For ``challenges``: places of the challenge list to look at.
    now : datetime, optional
        When the watch starts (default: now).
    audit : AuditLog, optional
        Logged as an alteration when given (every caller acting for a user passes it).

    Returns
    -------
    Watch
        The watch as stored.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ocgmap.store.embedded import EmbeddedStore
    >>> store = EmbeddedStore(pathlib.Path(tempfile.mkdtemp()) / "graph.json")
    >>> watch = add_watch(store, "jsmith", "vehicle", "ab12 cde", reason="OCG-7 lead")
    >>> [w.target_key for w in list_watches(store)], remove_watch(store, watch.key, "jsmith")
    (['AB12CDE'], True)
    >>> list_watches(store)
    []
    """
    owner = owner.strip()
    if not owner:
        raise InputError("A watch needs an owner: the user its alerts are for.")
    name, key = target_key(label, text)
    try:
        watch = Watch(
            owner=owner,
            target_label=name,
            target_key=key,
            reason=reason,
            hops=hops,
            top=top,
            created_at=now or _utc_now(),
        )
    except ValueError as exc:
        raise InputError(f"The watch on {name} {key} was not added: {exc}") from None
    if name == Label.CLUSTER and store.get(Label.CLUSTER, key) is None:
        raise InputError(
            f"Cluster {key!r} is not in the {store.name} store. Check the id against the "
            "challenge list, or write the analysis run to the store (ocgmap analyse) first."
        )
    earlier = next((w for w in list_watches(store, owner) if w.key == watch.key), None)
    if earlier is not None:  # keep when it started; the reason and reach may change
        watch = watch.model_copy(update={"created_at": earlier.created_at})
    props = watch.model_dump(mode="json", exclude_none=True)
    row = NodeRow(
        label=Label.WATCH,
        key=watch.key,
        properties=props,
        sources=[watch.source],
        seen_at=watch.created_at,
    )
    store.upsert_nodes(Label.WATCH, [row])
    if audit is not None:
        audit.append(
            owner,
            Action.ALTERATION,
            "watch",
            [watch.key, f"{name}:{key}"],
            justification=watch.reason,
            details={"hops": watch.hops},
        )
    return watch


def list_watches(store: GraphStore, owner: str | None = None) -> list[Watch]:
    """The watches in the store (of ``owner`` only, when given), oldest first.

    Notes
    -----
    Reads every ``Watch`` node once: O(w log w) for w watches.
    """
    graph = store.to_networkx(GraphFilter(labels=frozenset({Label.WATCH}), types=frozenset()))
    watches = [Watch.model_validate(attrs) for _, attrs in graph.nodes(data=True)]
    if owner is not None:
        watches = [w for w in watches if w.owner == owner]
    return sorted(watches, key=lambda w: (w.created_at, w.key))


def remove_watch(store: GraphStore, key: str, owner: str, *, audit: AuditLog | None = None) -> bool:
    """Stop a watch of ``owner`` (by its key) and delete its alerts; False when none matched.

    Raises
    ------
    InputError
        When the watch belongs to someone else: only its owner removes it.
    """
    watch = next((w for w in list_watches(store) if w.key == key.strip()), None)
    if watch is None:
        return False
    if watch.owner != owner:
        raise InputError(
            f"Watch {watch.key} belongs to {watch.owner}; only its owner can remove it."
        )
    done = store.erase_sources([watch.key])
    if audit is not None:
        audit.append(
            owner,
            Action.ERASURE,
            "unwatch",
            [watch.key, f"{watch.target_label}:{watch.target_key}"],
            details={"alerts_deleted": max(0, done.nodes_deleted - 1)},
        )
    return True
