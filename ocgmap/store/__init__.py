"""Graph stores: the ``GraphStore`` protocol, its embedded and Neo4j implementations."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ocgmap.config import Settings, StoreKind
from ocgmap.store.base import ErasureResult, GraphFilter, GraphStore, UpsertResult

if TYPE_CHECKING:
    from ocgmap.store.embedded import EmbeddedStore

__all__ = [
    "ErasureResult",
    "GraphFilter",
    "GraphStore",
    "UpsertResult",
    "embedded_path",
    "open_store",
]


def embedded_path(settings: Settings) -> Path:
    """Where the embedded store keeps its graph: ``OCGMAP_HOME/graph.json``."""
    return settings.home / "graph.json"


def open_store(settings: Settings | None = None, kind: StoreKind | None = None) -> GraphStore:
    """Open the store the settings (or ``kind``) choose.

    Raises
    ------
    StoreUnavailable
        Neo4j was chosen and cannot be reached or refuses the credentials.

    Examples
    --------
    >>> import tempfile
    >>> store = open_store(Settings(ocgmap_home=tempfile.mkdtemp(), neo4j_uri=None))
    >>> store.name
    'embedded'
    """
    settings = settings or Settings()
    chosen = kind or settings.store_kind
    if chosen == "embedded":
        from ocgmap.store.embedded import EmbeddedStore

        store: EmbeddedStore | GraphStore = EmbeddedStore(embedded_path(settings))
        return store
    from ocgmap.errors import StoreUnavailable
    from ocgmap.store.neo4j import Neo4jStore

    if not settings.neo4j_uri:
        raise StoreUnavailable(
            "The Neo4j store was chosen but NEO4J_URI is not set. Set it, e.g. "
            "NEO4J_URI=bolt://127.0.0.1:7687, or use --store embedded."
        )
    return Neo4jStore.connect(
        settings.neo4j_uri,
        settings.neo4j_user,
        settings.neo4j_password.get_secret_value(),
        settings.neo4j_database,
    )
