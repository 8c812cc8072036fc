"""Where the tests find the outside things they need: the test Neo4j server, register samples.

Imported by name (``from servers import ...``): ``conftest`` is ambiguous once a test folder
has a conftest of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

__all__ = ["SHARED_SAMPLES", "neo4j_test_settings", "shared_sample"]


def neo4j_test_settings() -> tuple[str, str, str]:
    """URI, user and password of the throwaway test server, or skip/fail without one."""
    uri = os.environ.get("OCGMAP_TEST_NEO4J_URI")
    if not uri:
        reason = "OCGMAP_TEST_NEO4J_URI is not set: start scripts/neo4j-local and set it"
        if os.environ.get("OCGMAP_REQUIRE_NEO4J") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    user = os.environ.get("OCGMAP_TEST_NEO4J_USER", "neo4j")
    password = os.environ.get("OCGMAP_TEST_NEO4J_PASSWORD", "ocgmap-local")
    return uri, user, password


SHARED_SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


def shared_sample(name: str) -> str:
    """Text of a real public-register sample from ``../shared/samples``.

    The samples are real records, so they stay outside the repository. Without them the
    test is skipped with a reason, except in CI (``CI`` set), where it fails.
    """
    path = SHARED_SAMPLES / name
    if not path.exists():
        reason = f"{path} is not here: the real register samples live in ../shared/samples"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path.read_text(encoding="utf-8")
