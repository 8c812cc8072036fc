"""Clusters computed inside Neo4j with the Graph Data Science library (``--engine gds``).

The association graph of DESIGN.md §5.1 is projected into the GDS catalogue by one Cypher
aggregation (:mod:`ocgmap.store.gds_queries`), filtered to its strong links without hubs,
split into weakly connected components and, where a component is larger than
``max_cluster_size``, into Leiden communities. Only the clusters the analysis scores (touched
by an event, or holding a mapped member) come back to Python, with their members; the rest of
the run works on the part of the graph around them (:meth:`Neo4jStore.context`).

The ``graphdatascience`` client (Apache-2.0) talks to the server; the GDS library itself runs
inside the Neo4j server process (``scripts/neo4j-local`` installs it).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ocgmap.analysis.projection import TRUSTED_MATCHES
from ocgmap.errors import AnalysisError
from ocgmap.store import gds_queries as q

if TYPE_CHECKING:
    from graphdatascience import GraphDataScience

    from ocgmap.analysis.results import AnalysisParams
    from ocgmap.store.neo4j import Neo4jStore

__all__ = ["InDatabaseClusters", "connect", "find_clusters_in_database"]


@dataclass
class InDatabaseClusters:
    """What the server worked out: the scored clusters and what the run summary needs.

    Attributes
    ----------
    scored : list of frozenset
        Clusters an event touches or with a mapped member, as node ids ``"<Label>:<key>"``.
    element_ids : dict
        Node id -> Neo4j element id, for every member of a scored cluster.
    clusters : int
        Every cluster, singletons included.
    hubs : dict
        Hub node id -> the actors sharing it.
    as_of : datetime or None
        The newest event in the data.
    projected_nodes, projected_edges : int
        Entities, and pairs of entities with any evidence.
    version : str
        The GDS library version of the server.
    """

    scored: list[frozenset[str]]
    element_ids: dict[str, str]
    clusters: int
    hubs: dict[str, int]
    hub_ids: list[str]
    as_of: dt.datetime | None
    projected_nodes: int
    projected_edges: int
    version: str
    timings: dict[str, float] = field(default_factory=dict)


def connect(store: Neo4jStore) -> GraphDataScience:
    """A GDS client on the store's driver, or :class:`AnalysisError` saying what is missing."""
    try:
        from graphdatascience import GraphDataScience
    except ImportError:  # pragma: no cover - a dependency of ocgmap
        raise AnalysisError(
            "--engine gds needs the graphdatascience package: pip install graphdatascience"
        ) from None
    try:
        return GraphDataScience(store.driver, database=store.database, arrow=False)
    except Exception as exc:  # the client raises plain exceptions when GDS is absent
        raise AnalysisError(
            f"Neo4j at {store.uri} has no usable Graph Data Science library ({exc}). "
            "Install the GDS plugin (scripts/neo4j-local does, NEO4J_PLUGINS=1) or run "
            "'ocgmap analyse --engine python'."
        ) from None


@contextmanager
def _graphs(gds: GraphDataScience) -> Iterator[Callable[[str], str]]:
    """Name catalogue graphs for one run and drop them all when it ends."""
    run = secrets.token_hex(4)
    made: list[str] = []

    def name(kind: str) -> str:
        made.append(f"ocgmap-{kind}-{run}")
        return made[-1]

    try:
        yield name
    finally:
        for graph in made:
            gds.run_cypher(q.DROP_GRAPH, {"g": graph})


def find_clusters_in_database(
    store: Neo4jStore,
    params: AnalysisParams,
    tick: Callable[[str, int], None] | None = None,
) -> InDatabaseClusters:
    """Project, filter and cluster inside Neo4j; return the clusters the analysis scores."""
    step = tick or (lambda name, n: None)
    gds = connect(store)
    version = str(gds.server_version())
    frame = gds.run_cypher(q.AS_OF)
    as_of_text = frame["as_of"].iloc[0] if len(frame) else None
    as_of = dt.datetime.fromisoformat(str(as_of_text).split("[", 1)[0]) if as_of_text else None
    hubs_frame = gds.run_cypher(q.HUBS, {"max_degree": params.max_pivot_degree})
    hub_ids = [str(x) for x in hubs_frame["id"]] if len(hubs_frame) else []
    hubs = (
        {str(n): int(a) for n, a in zip(hubs_frame["node"], hubs_frame["actors"], strict=True)}
        if len(hubs_frame)
        else {}
    )
    step("hubs and as of", 1)
    with _graphs(gds) as name:
        full, strong = name("projection"), name("strong")
        projected: dict[str, Any] = gds.run_cypher(
            q.projection_query(),
            {
                "graph": full,
                "hubs": hub_ids,
                **q.factor_params(as_of_text, params.half_life_days, TRUSTED_MATCHES),
            },
        )["g"].iloc[0]
        step("project in Neo4j", 1)
        if not projected or not int(projected.get("nodeCount") or 0):
            # no entities: nothing was projected, and there is nothing to cluster
            return InDatabaseClusters(
                scored=[],
                element_ids={},
                clusters=0,
                hubs=hubs,
                hub_ids=hub_ids,
                as_of=as_of,
                projected_nodes=0,
                projected_edges=0,
                version=version,
            )
        if int(projected["relationshipCount"]):
            gds.run_cypher(
                q.STRONG_LINKS,
                {"strong": strong, "full": full, "min": float(params.min_link_weight)},
            )
        else:  # without relationships the projection has no weight to filter on
            gds.run_cypher(q.NO_LINKS, {"strong": strong, "full": full})
        wcc = gds.run_cypher(q.COMPONENTS, {"g": strong})["d"].iloc[0]
        properties = ["component"]
        if int(wcc.get("max") or 0) > params.max_cluster_size:
            gds.run_cypher(
                q.COMMUNITIES,
                {"g": strong, "seed": int(params.seed), "gamma": float(params.resolution)},
            )
            properties.append("community")
        step("cluster in Neo4j", 1)
        found = gds.run_cypher(
            q.CLUSTERS,
            {"graph": strong, "properties": properties, "max_size": params.max_cluster_size},
        )
    row = found.iloc[0]
    scored: list[frozenset[str]] = []
    element_ids: dict[str, str] = {}
    for members in row["scored"]:
        scored.append(frozenset(str(m["node"]) for m in members))
        element_ids.update((str(m["node"]), str(m["id"])) for m in members)
    scored.sort(key=lambda c: (-len(c), min(c)))
    return InDatabaseClusters(
        scored=scored,
        element_ids=element_ids,
        clusters=int(row["clusters"]),
        hubs=hubs,
        hub_ids=hub_ids,
        as_of=as_of,
        projected_nodes=int(projected["nodeCount"]),
        projected_edges=int(projected["relationshipCount"]) // 2,
        version=version,
    )
