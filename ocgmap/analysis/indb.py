"""The in-database engine (``ocgmap analyse --engine gds``): same run, clusters from Neo4j.

The Python engine reads the whole graph into memory, projects it and finds clusters there.
This engine leaves the projection and the clustering to Neo4j and its Graph Data Science
library (:mod:`ocgmap.store.gds`), then reads only the scored clusters and what surrounds
them (:data:`CONTEXT_STEPS` steps out, :meth:`Neo4jStore.context`) and gives that to the
same feature, scoring, challenge and explanation code as the Python engine. The context is
read a batch of clusters at a time (``batch_members``): each batch is measured (features,
gaps, scope) and dropped before the next is read; all clusters are then scored and ranked
together, and the context of the top and challenged clusters is read once more for their
key players and suggested links. The data hash is streamed from the server alongside.
Python's memory then grows with one batch, not with the graph.

The two engines agree on clusters, members, hubs and ``as_of`` (the same projection rules,
computed in Cypher; components are the same whatever computes them). Where they may differ:

- a component larger than ``max_cluster_size`` is split by GDS Leiden, not igraph Leiden or
  networkx Louvain, so the communities of such a component can differ;
- features that look further than :data:`CONTEXT_STEPS` relationships from a member (the
  hauliers tied to the call partner of a member's phone through a person who controls them)
  see only what the context holds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import networkx as nx

from ocgmap.analysis.projection import ENTITY_LABELS, EVENT_LABELS, Projection, project
from ocgmap.analysis.results import AnalysisParams, AnalysisRun
from ocgmap.analysis.run import (
    Parts,
    Progress,
    digest_items,
    run_settings,
    score_clusters,
    whole,
)
from ocgmap.analysis.scoring import Weights
from ocgmap.collector import collect_young, paused
from ocgmap.schema import BandScheme
from ocgmap.schema.labels import Label, RelType
from ocgmap.store.gds import InDatabaseClusters, find_clusters_in_database

if TYPE_CHECKING:
    from ocgmap.store.neo4j import Neo4jStore

__all__ = [
    "BATCH_MEMBERS",
    "CONTEXT_STEPS",
    "WHOLE_GRAPH_EDGES",
    "WHOLE_GRAPH_SHARE",
    "analyse_in_database",
]

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
#: of the graph, and the whole graph is read instead (label by label, type by type)...
WHOLE_GRAPH_SHARE = 0.5
#: ...if it has no more relationships than this (about 2 GB in Python at 1.9 GB per million).
WHOLE_GRAPH_EDGES = 1_000_000
#: Members of scored clusters whose context is read at once (see ``batch_members``).
BATCH_MEMBERS = 20_000


def _expand(step: int, label: str) -> Collection[RelType] | None:
    if step == 0:
        return _INPUT_TYPES
    if step == 1:
        return _INPUT_TYPES if label in _GO_ON else None
    return _LAST_STEP.get(label)


class _Digest:
    """The data hash of everything a store holds, computed alongside the run.

    With ``jobs > 1`` it is computed in a process of its own
    (:mod:`ocgmap.analysis.digest_child`, with its own connection), so reading and decoding
    the whole graph takes another core rather than turns with this process's reading of the
    clusters' context; otherwise, and if that process fails, in a thread here. The digest
    is the same either way; a failed process is reported through ``tick`` (the last line of
    what it wrote on stderr), since hashing again here can take as long as the run.
    """

    def __init__(
        self,
        store: Neo4jStore,
        pool: ThreadPoolExecutor,
        jobs: int,
        tick: Callable[[str, int], None] = lambda step, n: None,
    ) -> None:
        self._store = store
        self._tick = tick
        self._child: subprocess.Popen[bytes] | None = None
        reopen = store.reopener()
        if jobs <= 1 or reopen is None:
            self._thread = pool.submit(lambda: digest_items(store.stream()))
            return
        # a file, not a pipe: nothing reads stderr while the child runs, and a pipe that
        # fills up would stop it
        self._stderr = tempfile.TemporaryFile()
        self._child = subprocess.Popen(
            [sys.executable, "-m", "ocgmap.analysis.digest_child"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        assert self._child.stdin is not None
        try:
            self._child.stdin.write(pickle.dumps(reopen))
            self._child.stdin.close()
        except OSError:  # it died at once: result() computes the digest here
            pass

    def result(self) -> str:
        """Wait for the digest."""
        if self._child is None:
            return self._thread.result()
        assert self._child.stdout is not None
        with self._child.stdout as stdout:  # only stdout is a pipe: read to its end, then wait
            digest = stdout.read().decode("ascii", "replace").strip()
        self._child.wait()
        if self._child.returncode == 0 and len(digest) == 64:
            self._stderr.close()
            return digest
        self._tick(f"data hash in this process: {self._failure()}", 1)
        return digest_items(self._store.stream())

    def _failure(self) -> str:
        """Why the digest process gave no digest: its exit status and last line on stderr."""
        assert self._child is not None
        self._stderr.seek(0)
        lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        self._stderr.close()
        said = f": {lines[-1].strip()[:300]}" if lines else ""
        return f"its own process failed (exit status {self._child.returncode}{said})"

    def close(self) -> None:
        """Stop the process if it is still running (the run failed), and wait for it."""
        if self._child is not None:
            if self._child.poll() is None:
                self._child.kill()
                self._child.wait()
            self._stderr.close()


def _batches(
    wanted: Sequence[int], clusters: Sequence[frozenset[str]], batch_members: int
) -> Iterator[list[int]]:
    """The wanted clusters, in the order given, in batches of at most ``batch_members`` members.

    A cluster bigger than that is a batch of its own.

    >>> sizes = [5, 3, 2, 2, 1]
    >>> clusters = [frozenset(range(n)) for n in sizes]
    >>> list(_batches([0, 1, 2, 3, 4], clusters, 4))
    [[0], [1], [2, 3], [4]]
    >>> list(_batches([4, 2], clusters, 4))
    [[4, 2]]
    """
    batch: list[int] = []
    size = 0
    for i in wanted:
        n = len(clusters[i])
        if batch and size + n > batch_members:
            yield batch
            batch, size = [], 0
        batch.append(i)
        size += n
    if batch:
        yield batch


def _context_parts(
    store: Neo4jStore,
    found: InDatabaseClusters,
    params: AnalysisParams,
    batch_members: int,
    tick: Callable[[str, int], None],
) -> Parts:
    """The part of the graph around each batch of clusters, read when asked for."""

    def parts(wanted: Sequence[int]) -> Iterator[tuple[Sequence[int], Projection]]:
        for batch in _batches(wanted, found.scored, batch_members):
            starts = {
                found.element_ids[node]: node.split(":", 1)[0]
                for i in batch
                for node in found.scored[i]
            }
            # no name here keeps a batch's graph alive while the next one is read
            proj = _project(
                store.context(
                    starts,
                    expand=_expand,
                    outgoing=lambda step: step == CONTEXT_STEPS - 1,
                    steps=CONTEXT_STEPS,
                    skip=found.hub_ids,
                ),
                found,
                params,
            )
            tick("read the clusters' context", 1)
            yield batch, proj
            _release(proj)
            del proj
            collect_young()  # what else the batch left in cycles: its objects only

    return parts


def _release(proj: Projection) -> None:
    """Free a batch's graphs now, by reference counting, instead of by a collection.

    A networkx graph refers to itself (its cached views hold it), so it is freed only by the
    cyclic collector, which must walk every object of the graph to find that out: with
    millions of them per batch, walks of the whole heap took a third of a run. Once the
    graph's attributes are dropped nothing refers to its dictionaries but themselves in
    trees, and they go at once. The graphs are unusable afterwards: only the batch's own
    generator calls this, once the batch is measured.
    """
    for graph in (proj.typed, proj.graph):
        graph.__dict__.clear()


def _project(
    typed: nx.MultiDiGraph, found: InDatabaseClusters, params: AnalysisParams
) -> Projection:
    proj = project(
        typed,
        half_life_days=params.half_life_days,
        max_pivot_degree=params.max_pivot_degree,
        as_of=found.as_of,
    )
    proj.hubs = dict(found.hubs)
    return proj


def analyse_in_database(
    store: Neo4jStore,
    params: AnalysisParams | None = None,
    *,
    weights: Weights | None = None,
    scheme: BandScheme | None = None,
    progress: Progress | None = None,
    whole_graph_share: float = WHOLE_GRAPH_SHARE,
    whole_graph_edges: int = WHOLE_GRAPH_EDGES,
    batch_members: int = BATCH_MEMBERS,
    jobs: int = 1,
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
    whole_graph_share, whole_graph_edges : float, int
        Read the whole graph at once when the scored clusters hold more than
        ``whole_graph_share`` of all entities and the graph has at most
        ``whole_graph_edges`` relationships; otherwise read the clusters' context batch by
        batch. The result is the same either way.
    batch_members : int
        Members of scored clusters whose context is read, measured and dropped together:
        what bounds the memory of a run (a cluster bigger than this is a batch of its own).
        The result is the same whatever it is.
    jobs : int
        Processes to use: with 2 or more the data hash is computed in a process of its own
        while the clusters are read and measured. The result is the same whatever it is.

    Returns
    -------
    AnalysisRun
        The same results contract as the Python engine (``params.engine`` is ``"gds"``).
    """
    if batch_members < 1:
        raise ValueError("batch_members must be at least 1")
    params = (params or AnalysisParams()).model_copy(update={"engine": "gds"})
    params, weights, scheme = run_settings(params, weights, scheme)
    tick: Callable[[str, int], None] = progress or (lambda step, n: None)
    generated = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=1))
        digest = _Digest(store, pool, jobs, tick)
        stack.callback(digest.close)
        found = find_clusters_in_database(store, params, tick)
        counts = store.counts()
        size = (sum(counts.nodes.values()), sum(counts.relationships.values()))
        members = sum(len(c) for c in found.scored)
        if members > whole_graph_share * found.projected_nodes and size[1] <= whole_graph_edges:
            # the context would be most of a small graph: one read of each label and type is
            # quicker than following relationships step by step, and gives the same answer
            typed = store.to_networkx()
            tick("read the clusters' context", 1)
            parts = whole(_project(typed, found, params))
        else:
            # the mapping, the last run and the resolution candidates, with their ends
            typed = store.context(
                {},
                expand=lambda step, label: None,
                outgoing=lambda step: False,
                steps=0,
                extra_labels=(Label.OCG, Label.ANALYSIS_RUN, Label.CLUSTER),
                extra_types=(RelType.MEMBER_OF, RelType.IN_CLUSTER, RelType.POSSIBLY_SAME),
            )
            parts = _context_parts(store, found, params, batch_members, tick)
        # no automatic collections: they walked every object of the batch in memory again and
        # again (ocgmap/collector.py); each batch is freed as it ends (_release)
        stack.enter_context(paused())
        run = score_clusters(
            typed,
            parts,
            found.scored,
            params=params,
            weights=weights,
            scheme=scheme,
            store_name=store.name,
            progress=tick,
            digest_of=digest.result,
            generated=generated,
            size=size,
            cluster_count=found.clusters,
            projected=(found.projected_nodes, found.projected_edges),
            as_of=found.as_of,
        )
    return run
