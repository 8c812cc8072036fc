"""The only dashboard module that caches: the store connection and what is read from it."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ocgmap.analysis.results import AnalysisRun
from ocgmap.analysis.runs import latest_run
from ocgmap.config import Settings
from ocgmap.lookup import find
from ocgmap.schema.labels import Label
from ocgmap.schema.models import Counts, Node, NodeRef, Subgraph
from ocgmap.store import GraphStore, open_store

__all__ = ["find_nodes", "get_store", "load_counts", "load_neighbourhood", "load_results"]


def _where() -> tuple[str, str | None, str, str, str]:
    """What picks the store: the cache key, so a changed setting opens the new store."""
    s = Settings()
    return (s.store_kind, s.neo4j_uri, s.neo4j_user, s.neo4j_database, str(s.home))


def get_store() -> GraphStore:
    """Return the store the settings choose, opened once per dashboard process."""
    return _store(*_where())


@st.cache_resource
def _store(kind: str, uri: str | None, user: str, database: str, home: str) -> GraphStore:
    return open_store(Settings())  # the arguments only key the cache (no password in it)


def load_counts() -> Counts:
    """Node and relationship counts, refreshed at most once a minute."""
    return _counts(*_where())


@st.cache_data(ttl=60)
def _counts(kind: str, uri: str | None, user: str, database: str, home: str) -> Counts:
    return _store(kind, uri, user, database, home).counts()


def load_results(run_id: str | None = None) -> AnalysisRun | None:
    """The latest saved analysis run (or the one named); None before the first run."""
    return _results(str(Settings().home), run_id)


@st.cache_data(ttl=60)
def _results(home: str, run_id: str | None) -> AnalysisRun | None:
    return latest_run(Path(home), run_id)


def find_nodes(text: str) -> list[Node]:
    """Nodes an identifier names (normalised as the loaders do), then substring matches."""
    return _find(*_where(), text)


@st.cache_data(ttl=60)
def _find(kind: str, uri: str | None, user: str, database: str, home: str, text: str) -> list[Node]:
    return find(_store(kind, uri, user, database, home), text)


def load_neighbourhood(label: str, key: str, hops: int, limit: int) -> Subgraph:
    """What lies within ``hops`` of one node, at most ``limit`` nodes."""
    return _neighbourhood(*_where(), label, key, hops, limit)


@st.cache_data(ttl=60)
def _neighbourhood(
    kind: str,
    uri: str | None,
    user: str,
    database: str,
    home: str,
    label: str,
    key: str,
    hops: int,
    limit: int,
) -> Subgraph:
    store = _store(kind, uri, user, database, home)
    return store.neighbourhood([NodeRef(label=Label(label), key=key)], hops=hops, limit=limit)
