"""The in-database engine (``ocgmap analyse --engine gds``): same run, clusters from Neo4j.

The Python engine reads the whole graph into memory, projects it and finds clusters there.
This engine leaves the projection and the clustering to Neo4j and its Graph Data Science
library (:mod:`ocgmap.store.gds`), then reads only the scored clusters and what surrounds
them (:data:`CONTEXT_STEPS` steps out, :meth:`Neo4jStore.context`) and gives that to the
same feature, scoring, challenge and explanation code as the Python engine. The data hash is
streamed from the server alongside. Memory then grows with the clusters that matter, not with
the graph.

The two engines agree on clusters, members, hubs and ``as_of`` (the same projection rules,
computed in Cypher; components are the same whatever computes them). Where they may differ:

- a component larger than ``max_cluster_size`` is split by GDS Leiden, not igraph Leiden or
  networkx Louvain, so the communities of such a component can differ;
- features that look further than :data:`CONTEXT_STEPS` relationships from a member (the
  hauliers tied to the call partner of a member's phone through a person who controls them)
  see only what the context holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from ocgmap.analysis.projection import ENTITY_LABELS, EVENT_LABELS, project
from ocgmap.analysis.results import AnalysisParams, AnalysisRun
from ocgmap.analysis.run import Progress, digest_items, run_settings, score_clusters
from ocgmap.analysis.scoring import Weights
from ocgmap.schema import BandScheme
from ocgmap.schema.labels import Label, RelType
from ocgmap.store.gds import find_clusters_in_database

if TYPE_CHECKING:
    from ocgmap.store.neo4j import Neo4jStore

__all__ = ["CONTEXT_STEPS", "WHOLE_GRAPH_SHARE", "analyse_in_database"]

_OUTPUT_TYPES = frozenset({RelType.IN_CLUSTER, RelType.RESULT_OF, RelType.REVIEWS})
_INPUT_TYPES = tuple(t for t in RelType if t not in _OUTPUT_TYPES)
_GO_ON = ENTITY_LABELS | EVENT_LABELS
#: The last step follows only these outgoing relationships: where an event happened and
#: what it involved, the ports of a route, the firms a person controls.
_LAST_STEP: dict[str, tuple[RelType, ...]] = {
    Label.DETECTION: (RelType.INVOLVED, RelType.AT, RelType.ON_ROUTE),
    Label.CROSSING: (RelType.CROSSED, RelType.ON_ROUTE),
    Label.REFERRAL: (RelType.CONCERNS, RelType.ABOUT),
    Label.ROUTE: (RelType.FROM, RelType.TO),
    Label.PERSON: (RelType.CONTROLS,),
}
#: Relationships followed out from the members: every type, then every type again from the
#: entities and events reached, then :data:`_LAST_STEP`.
CONTEXT_STEPS = 3
#: When the scored clusters hold more than this share of all entities, their context is most
#: of the graph, and the whole graph is read instead (label by label, type by type).
WHOLE_GRAPH_SHARE = 0.5


def _expand(step: int, label: str) -> Collection[RelType] | None:
    if step == 0:
        return _INPUT_TYPES
    if step == 1:
        return _INPUT_TYPES if label in _GO_ON else None
    return _LAST_STEP.get(label)


def analyse_in_database(
    store: Neo4jStore,
    params: AnalysisParams | None = None,
    *,
    weights: Weights | None = None,
    scheme: BandScheme | None = None,
    progress: Progress | None = None,
    whole_graph_share: float = WHOLE_GRAPH_SHARE,
) -> AnalysisRun:
    """Analyse what a Neo4j store holds, clustering inside the server with GDS.

    Parameters
    ----------
    store : Neo4jStore
        The store; its server must have the Graph Data Science library.
    params, weights, scheme : optional
        As for :func:`ocgmap.analysis.run.analyse_graph`.
    progress : callable, optional
        ``progress(step, n)`` as steps advance.
    whole_graph_share : float
        Read the whole graph instead of the clusters' context when the scored clusters hold
        more than this share of all entities (1.0: always the context; the result is the
        same either way).

    Returns
    -------
    AnalysisRun
        The same results contract as the Python engine (``params.engine`` is ``"gds"``).
    """
    params = (params or AnalysisParams()).model_copy(update={"engine": "gds"})
    params, weights, scheme = run_settings(params, weights, scheme)
    tick: Callable[[str, int], None] = progress or (lambda step, n: None)
    generated = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(lambda: digest_items(store.stream()))
        found = find_clusters_in_database(store, params, tick)
        members = {eid: node.split(":", 1)[0] for node, eid in found.element_ids.items()}
        if len(members) > whole_graph_share * found.projected_nodes:
            # the context would be most of the graph: one read of each label and type is
            # quicker than following relationships step by step, and gives the same answer
            typed = store.to_networkx()
        else:
            typed = store.context(
                members,
                expand=_expand,
                outgoing=lambda step: step == CONTEXT_STEPS - 1,
                steps=CONTEXT_STEPS,
                extra_labels=(Label.OCG, Label.ANALYSIS_RUN, Label.CLUSTER),
                extra_types=(RelType.MEMBER_OF, RelType.IN_CLUSTER),
                skip=found.hub_ids,
            )
        tick("read the clusters' context", 1)
        proj = project(
            typed,
            half_life_days=params.half_life_days,
            max_pivot_degree=params.max_pivot_degree,
            as_of=found.as_of,
        )
        proj.hubs = dict(found.hubs)
        counts = store.counts()
        run = score_clusters(
            typed,
            proj,
            found.scored,
            params=params,
            weights=weights,
            scheme=scheme,
            store_name=store.name,
            progress=tick,
            digest_of=digest.result,
            generated=generated,
            size=(sum(counts.nodes.values()), sum(counts.relationships.values())),
            cluster_count=found.clusters,
            projected=(found.projected_nodes, found.projected_edges),
        )
    return run
