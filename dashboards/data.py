"""The only dashboard module that caches: the store connection and what is read from it."""

from __future__ import annotations

import streamlit as st

from ocgmap.config import Settings
from ocgmap.schema.models import Counts
from ocgmap.store import GraphStore, open_store

__all__ = ["get_store", "load_counts"]


@st.cache_resource
def get_store() -> GraphStore:
    """Return the store the settings choose, opened once per dashboard process."""
    return open_store(Settings())


@st.cache_data(ttl=60)
def load_counts() -> Counts:
    """Node and relationship counts, refreshed at most once a minute."""
    return get_store().counts()
