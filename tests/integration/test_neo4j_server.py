"""The server scripts/neo4j-local runs: the 5.26 line, with GDS and APOC callable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from servers import neo4j_test_settings

neo4j = pytest.importorskip("neo4j")

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def driver() -> Iterator[neo4j.Driver]:
    uri, user, password = neo4j_test_settings()
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as drv:
        yield drv


def test_server_is_community_5_26(driver: neo4j.Driver) -> None:
    records, _, _ = driver.execute_query("CALL dbms.components() YIELD versions, edition")
    assert records[0]["edition"] == "community"
    assert records[0]["versions"][0].startswith("5.26.")


def test_gds_and_apoc_are_callable(driver: neo4j.Driver) -> None:
    gds, _, _ = driver.execute_query("CALL gds.version() YIELD gdsVersion")
    assert gds[0]["gdsVersion"].startswith("2.13.")
    apoc, _, _ = driver.execute_query("RETURN apoc.version() AS version")
    assert apoc[0]["version"].startswith("5.26.")
