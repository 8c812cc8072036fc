"""``analyse(store)``: the one orchestrator of an analysis run (DESIGN.md §5).

project -> cluster -> match ids to the previous run -> features -> score -> band ->
challenge -> reasons, gaps, key players, suggested links -> rank -> write back. Everything a
result depends on besides the data is in :class:`AnalysisParams` and the weights file, and the
run records both with a hash of the input graph, so it can be reproduced and compared with the
last run.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import itertools
import json
import multiprocessing
import pickle
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import networkx as nx

from ocgmap import __version__
from ocgmap.analysis.challenge import decide
from ocgmap.analysis.clusters import assign_ids, find_clusters
from ocgmap.analysis.features import ClusterView, Context, compute_features, intelligence_gaps
from ocgmap.analysis.keyplayers import key_players
from ocgmap.analysis.labels import read_labels
from ocgmap.analysis.links import explain_links, link_scores
from ocgmap.analysis.projection import ENTITY_LABELS, Projection, project
from ocgmap.analysis.reasons import explain
from ocgmap.analysis.results import (
    AnalysisParams,
    AnalysisRun,
    ClusterChange,
    ClusterResult,
    EntityRef,
    KeyPlayerResult,
    Member,
    RunSummary,
    SuggestedLinkResult,
)
from ocgmap.analysis.scope import cluster_scope
from ocgmap.analysis.scoring import ClusterScorer, Weights, load_weights, recommend_band
from ocgmap.config import Engine, band_scheme
from ocgmap.errors import AnalysisError
from ocgmap.schema import BandScheme, load_schema
from ocgmap.store.base import GraphStore

__all__ = [
    "Engine",
    "Parts",
    "Progress",
    "analyse",
    "analyse_graph",
    "data_hash",
    "digest_items",
    "run_settings",
    "score_clusters",
    "whole",
]

P = ParamSpec("P")
R = TypeVar("R")

#: Called with a step name and how much of it was done since the last call.
Progress = Callable[[str, int], None]
#: Called with the indices of some clusters (into the sequence being scored); gives, batch by
#: batch, the indices of each batch (each index in exactly one) and the projection of a part
#: of the graph that holds everything around that batch's clusters.
Parts = Callable[[Sequence[int]], Iterable[tuple[Sequence[int], Projection]]]

#: Labels and relationship types the analysis writes, and users' watchlists and alerts:
#: not part of its input.
_OUTPUT_LABELS = frozenset({"Cluster", "AnalysisRun", "Review", "Watch", "Alert"})
_OUTPUT_TYPES = frozenset({"IN_CLUSTER", "RESULT_OF", "REVIEWS"})
#: Provenance fields left out of the data hash (load ids differ between two loads of a file).
_UNHASHED = frozenset({"sources"})
#: Labels a suggested link may join (actors and the phones they hide behind).
_LINKABLE = frozenset({"Person", "Haulier", "Phone"})
#: Intermediaries with more neighbours than this are not walked for link candidates.
_MAX_WALK = 200
#: Pairs scored per cluster for suggested links.
_MAX_CANDIDATES = 2000
_EVENT_MEMBERS = frozenset({"Detection", "Referral"})


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(_plain(v) for v in value)
    return value


def data_hash(typed: nx.MultiDiGraph) -> str:
    """SHA-256 of the analysis input: every node and relationship but analysis output.

    Provenance tokens are left out (two loads of the same files get different load ids), and
    so are empty values (one store keeps an unset ``first_seen`` as null, the other omits it);
    the hash is the same for the same data in either store, and from either engine.
    """
    nodes = ((n, str(a.get("label")), None, a) for n, a in typed.nodes(data=True))
    edges = ((u, v, str(k), a) for u, v, k, a in typed.edges(keys=True, data=True))
    return digest_items(itertools.chain(nodes, edges))


def digest_items(items: Iterable[tuple[str, str, str | None, Mapping[str, Any]]]) -> str:
    """The data hash of a stream of nodes and relationships, in any order.

    Nodes come as ``(id, label, None, attrs)`` and relationships as ``(start, end, key,
    attrs)`` (:meth:`Neo4jStore.stream` gives such a stream).

    Each item becomes one canonical JSON line; the digest is the SHA-256 of the number of
    lines and the sum (mod 2**256) of their SHA-256s, so the stream needs no sorting and no
    copy in memory. It fingerprints the input for reproducibility; it is not a security
    control (the audit log's hash chain is).
    """
    total, count = 0, 0
    for a, b, key, attrs in items:
        if key is None:
            if attrs.get("label") in _OUTPUT_LABELS:
                continue
            props = {k: v for k, v in attrs.items() if k not in _UNHASHED and v is not None}
            line = json.dumps([a, props], sort_keys=True, default=_plain)
        else:
            if attrs.get("type") in _OUTPUT_TYPES:
                continue
            props = {k: x for k, x in attrs.items() if k not in _UNHASHED and x is not None}
            line = json.dumps([a, b, props], sort_keys=True, default=_plain)
        total += int.from_bytes(hashlib.sha256(line.encode("utf-8")).digest(), "big")
        count += 1
    summary = f"ocgmap-data-hash-2\n{count}\n{total % 2**256:064x}"
    return hashlib.sha256(summary.encode("ascii")).hexdigest()


def _send_hash(typed: nx.MultiDiGraph, conn: Connection) -> None:
    gc.disable()  # only strings are made here; collecting would copy every page of the graph
    try:
        conn.send(data_hash(typed))
    finally:
        conn.close()


def _hash_later(typed: nx.MultiDiGraph, jobs: int) -> Callable[[], str]:
    """Start :func:`data_hash` and return a function that waits for the digest.

    With ``jobs > 1`` on a platform that can fork, the hash runs in a forked child (which
    shares the graph's memory copy-on-write) while the analysis goes on; the rest of the run
    is pure Python, so this is where a second core pays. Anything wrong with the child
    falls back to hashing here: the digest is the same either way.
    """
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        digest = data_hash(typed)
        return lambda: digest
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_send_hash, args=(typed, send), daemon=True)
    child.start()
    send.close()

    def wait() -> str:
        try:
            digest = receive.recv()
        except (EOFError, OSError):
            digest = None
        finally:
            receive.close()
            child.join()
        return digest if isinstance(digest, str) else data_hash(typed)

    return wait


def _ref(typed: nx.MultiDiGraph, node: str) -> EntityRef:
    attrs = typed.nodes[node]
    return EntityRef(label=str(attrs["label"]), key=str(attrs["key"]), name=_name(attrs))


def _name(attrs: Mapping[str, Any]) -> str | None:
    name = attrs.get("name")
    return str(name) if name else None


class _Previous:
    """The last run, as the store holds it: cluster nodes and their members."""

    def __init__(self, typed: nx.MultiDiGraph) -> None:
        stored = [a for _, a in typed.nodes(data=True) if a.get("label") == "AnalysisRun"]
        # The last run is the one no later run names as its previous: two runs within one
        # second have the same generated_at (kept to the second), so time alone cannot say.
        followed = {a.get("previous_run_id") for a in stored}
        heads = [a for a in stored if a["key"] not in followed] or stored
        runs = sorted((_plain(a.get("generated_at")) or "", str(a["key"])) for a in heads)
        self.run_id = runs[-1][1] if runs else None
        self.taken = [
            str(a["key"]) for _, a in typed.nodes(data=True) if a.get("label") == "Cluster"
        ]
        self.clusters: dict[str, dict[str, Any]] = {}
        self.members: defaultdict[str, set[str]] = defaultdict(set)
        for node, attrs in typed.nodes(data=True):
            if attrs.get("label") != "Cluster" or attrs.get("run_id") != self.run_id:
                continue
            cid = str(attrs["key"])
            self.clusters[cid] = dict(attrs)
            for member, _, rel in typed.in_edges(node, data="type"):
                if rel == "IN_CLUSTER" and str(typed.nodes[member]["label"]) in ENTITY_LABELS:
                    self.members[cid].add(member)

    def change(self, cid: str, members: frozenset[str], score: float, band: str) -> ClusterChange:
        if cid not in self.clusters:
            return ClusterChange(status="new", previous_run_id=self.run_id)
        old, props = self.members[cid], self.clusters[cid]
        gained, lost = len(members - old), len(old - members)
        same = (
            not gained
            and not lost
            and props.get("recommended_band") == band
            and round(float(props.get("score") or 0.0), 4) == round(score, 4)
        )
        return ClusterChange(
            status="unchanged" if same else "changed",
            previous_run_id=self.run_id,
            previous_score=props.get("score"),
            previous_recommended_band=props.get("recommended_band"),
            previous_rank=props.get("rank"),
            members_gained=gained,
            members_lost=lost,
        )


def _mapping(typed: nx.MultiDiGraph) -> tuple[dict[str, set[str]], dict[str, dict[str, Any]]]:
    """Node -> the OCGs it is mapped to; OCG -> its properties."""
    mapped: defaultdict[str, set[str]] = defaultdict(set)
    ocgs = {n: dict(a) for n, a in typed.nodes(data=True) if a.get("label") == "OCG"}
    for u, v, rel in typed.edges(data="type"):
        if rel == "MEMBER_OF" and v in ocgs:
            mapped[u].add(v)
    return dict(mapped), ocgs


def _current_band(
    refs: Iterable[str], ocgs: Mapping[str, Mapping[str, Any]], scheme: BandScheme
) -> str | None:
    bands = []
    for ref in refs:
        band = str(ocgs[ref].get("band") or scheme.ungraded).strip().upper()
        bands.append(band if band in scheme.codes else scheme.ungraded)
    return min(bands, key=scheme.rank) if bands else None


def _link_candidates(sub: nx.Graph) -> list[tuple[str, str]]:
    """Unlinked pairs of people, hauliers and phones with a neighbour in common.

    At most ``_MAX_CANDIDATES``, those with the most neighbours in common first.
    """
    shared: Counter[tuple[str, str]] = Counter()
    label = {n: sub.nodes[n].get("label") for n in sub}
    for middle in sub:
        ends = sorted(n for n in sub[middle] if label[n] in _LINKABLE)
        if len(ends) > _MAX_WALK:
            continue
        for a, b in itertools.combinations(ends, 2):
            if not (label[a] == label[b] == "Phone") and b not in sub[a]:
                shared[a, b] += 1
    best = sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:_MAX_CANDIDATES]
    return sorted(pair for pair, _ in best)


def _possibly_same(typed: nx.MultiDiGraph) -> defaultdict[str, list[tuple[str, str, Any]]]:
    """Every ``POSSIBLY_SAME`` candidate, indexed by both ends."""
    index: defaultdict[str, list[tuple[str, str, Any]]] = defaultdict(list)
    for u, v, attrs in typed.edges(data=True):
        if attrs.get("type") == "POSSIBLY_SAME":
            index[u].append((u, v, attrs))
            index[v].append((u, v, attrs))
    return index


def _subgraph(graph: nx.Graph, members: frozenset[str]) -> nx.Graph:
    """A copy of the members' part of the association graph, nodes in canonical order.

    Built directly from the adjacency: a subgraph view filters every lookup, which costs more
    than the copy on large clusters.
    """
    order = sorted(members)
    sub = nx.Graph()
    sub.add_nodes_from((n, graph.nodes[n]) for n in order)
    adj = graph.adj
    sub.add_edges_from(
        (u, v, data) for u in order for v, data in adj[u].items() if u < v and v in members
    )
    return sub


def _suggested(
    proj: Projection,
    members: frozenset[str],
    sub: nx.Graph,
    k: int,
    candidates: Mapping[str, list[tuple[str, str, Any]]],
) -> list[SuggestedLinkResult]:
    if k <= 0:
        return []
    typed = proj.typed
    out: list[SuggestedLinkResult] = []
    seen: set[tuple[str, str]] = set()
    for member in sorted(members):
        for u, v, attrs in candidates.get(member, ()):
            pair = (min(u, v), max(u, v))
            if pair in seen or u not in members or v not in members:
                continue
            seen.add(pair)
            reasons = ", ".join(str(r) for r in attrs.get("reasons") or ())
            out.append(
                SuggestedLinkResult(
                    a=_ref(typed, pair[0]),
                    b=_ref(typed, pair[1]),
                    score=round(float(attrs.get("score") or 0.0), 4),
                    why=f"possibly the same {str(typed.nodes[u]['label']).lower()}: {reasons}",
                    method="possibly_same",
                )
            )
    pairs = [p for p in _link_candidates(sub) if p not in seen]
    if pairs:
        scores = link_scores(sub, pairs)
        ranked = sorted(zip(scores, pairs, strict=True), key=lambda x: (-x[0], x[1]))
        best = [(score, pair) for score, pair in ranked[:k] if score > 0.0]
        whys = explain_links(sub, [pair for _, pair in best])
        for (score, (a, b)), why in zip(best, whys, strict=True):
            out.append(
                SuggestedLinkResult(
                    a=_ref(typed, a),
                    b=_ref(typed, b),
                    score=round(float(score), 4),
                    why=why,
                    method="topology",
                )
            )
    out.sort(key=lambda s: (-s.score, s.a.label, s.a.key, s.b.label, s.b.key))
    return out[:k]


def _key_players(proj: Projection, sub: nx.Graph, k: int) -> list[KeyPlayerResult]:
    if k <= 0 or sub.number_of_nodes() < 3:
        return []
    found = key_players(sub, k=k)
    return [
        KeyPlayerResult(**_ref(proj.typed, p.node).model_dump(), score=round(p.score, 4), why=p.why)
        for p in found
    ]


@dataclass
class _Votes:
    """A detection or referral, and the members of clusters it involves."""

    member: Member
    entities: set[str]


def _event_votes(proj: Projection, index_of: Mapping[str, int], votes: dict[str, _Votes]) -> None:
    """Add, for each detection and referral in a part, the cluster members it involves.

    A part may hold an event without all of its entities (a referral's detection can be at
    the edge of what was read), but every member sees its own events: the union over the
    parts is what the whole graph gives.
    """
    typed = proj.typed
    for event, entities in proj.events.items():
        if str(typed.nodes[event]["label"]) not in _EVENT_MEMBERS:
            continue
        mine = {e for e in entities if e in index_of}
        if not mine:
            continue
        if event in votes:
            votes[event].entities |= mine
        else:
            kind = _kind(typed, event)
            votes[event] = _Votes(Member(**_ref(typed, event).model_dump(), kind=kind), mine)


def _event_homes(
    votes: Mapping[str, _Votes], index_of: Mapping[str, int], cid_of: Mapping[int, str]
) -> defaultdict[str, list[Member]]:
    """Each detection and referral joins the scored cluster holding most of what it involves.

    Cluster id -> its events, in the order of their node ids.
    """
    homes: defaultdict[str, list[Member]] = defaultdict(list)
    for event in sorted(votes):
        vote = votes[event]
        counts = Counter(cid_of[index_of[e]] for e in vote.entities if index_of[e] in cid_of)
        if counts:
            best = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            homes[best].append(vote.member)
    return homes


def _scorer(
    weights: Weights,
    params: AnalysisParams,
    ids: Sequence[str],
    rows: Sequence[Mapping[str, float]],
) -> tuple[ClusterScorer, AnalysisParams]:
    """The default scorer, or one fitted on the confirmed outcomes of ``params.labels_file``."""
    if not params.labels_file:
        return ClusterScorer(weights=weights).fit([]), params
    labels = read_labels(Path(params.labels_file))
    unknown = sorted(set(labels) - set(ids))
    if unknown:
        raise AnalysisError(
            f"{params.labels_file}: {len(unknown)} labelled clusters are not scored in this run "
            f"({', '.join(unknown[:5])}): label cluster ids from the latest results"
        )
    picked = [i for i, cid in enumerate(ids) if cid in labels]
    scorer = ClusterScorer(weights=weights).fit(
        [rows[i] for i in picked], [labels[ids[i]] for i in picked]
    )
    return scorer, params.model_copy(update={"labels": len(picked)})


def _gc_frozen(func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func`` with the garbage collector frozen.

    The input graph is millions of long-lived objects that collections need not walk.
    """

    @functools.wraps(func)
    def frozen(*args: P.args, **kwargs: P.kwargs) -> R:
        gc.freeze()
        try:
            return func(*args, **kwargs)
        finally:
            gc.unfreeze()

    return frozen


def _rank_key(result: ClusterResult) -> tuple[bool, float, str]:
    """Challenged clusters first, then by score, then by id."""
    return (not result.challenge, -result.score, result.cluster_id)


def run_settings(
    params: AnalysisParams | None, weights: Weights | None, scheme: BandScheme | None
) -> tuple[AnalysisParams, Weights, BandScheme]:
    """The parameters, weights and band scheme of a run, defaults filled in and recorded."""
    params = params or AnalysisParams()
    weights = weights or load_weights(params.weights_file)
    scheme = scheme or band_scheme()
    params = params.model_copy(
        update={"weights_version": weights.version, "band_scheme": scheme.name}
    )
    return params, weights, scheme


@_gc_frozen
def analyse_graph(
    typed: nx.MultiDiGraph,
    params: AnalysisParams | None = None,
    *,
    weights: Weights | None = None,
    scheme: BandScheme | None = None,
    store_name: str = "graph",
    progress: Progress | None = None,
    jobs: int = 1,
) -> AnalysisRun:
    """Analyse a store graph (as :meth:`GraphStore.to_networkx` returns it).

    Parameters
    ----------
    typed : networkx.MultiDiGraph
        The store graph, including any previous run's clusters.
    params : AnalysisParams, optional
        Run parameters (defaults when omitted).
    weights : Weights, optional
        Scoring weights (the shipped ``weights.yaml`` when omitted).
    scheme : BandScheme, optional
        The band scheme (``OCGMAP_BANDS_FILE`` or the shipped default when omitted).
    store_name : str
        Recorded in the run.
    progress : callable, optional
        ``progress(step, n)`` as steps advance.
    jobs : int
        Processes to use: with 2 or more the data hash is computed in a forked child while
        the analysis runs. The result is the same whatever ``jobs`` is.

    Returns
    -------
    AnalysisRun
    """
    params, weights, scheme = run_settings(params, weights, scheme)
    tick = progress or (lambda step, n: None)
    generated = dt.datetime.now(dt.UTC).replace(microsecond=0)
    digest_of = _hash_later(typed, jobs)
    tick("hash the input", 1)
    proj = project(
        typed, half_life_days=params.half_life_days, max_pivot_degree=params.max_pivot_degree
    )
    tick("project", 1)
    clusters = find_clusters(
        proj.clustering_graph(params.min_link_weight),
        max_size=params.max_cluster_size,
        community=params.community,
        resolution=params.resolution,
        seed=params.seed,
    )
    tick("cluster", 1)
    return score_clusters(
        typed,
        whole(proj),
        clusters,
        params=params,
        weights=weights,
        scheme=scheme,
        store_name=store_name,
        progress=tick,
        digest_of=digest_of,
        generated=generated,
        size=(typed.number_of_nodes(), typed.number_of_edges()),
        cluster_count=len(clusters),
        projected=(proj.graph.number_of_nodes(), proj.graph.number_of_edges()),
        as_of=proj.as_of,
    )


@dataclass
class _Measured:
    """What one scored cluster's context says, before any score: kept while parts come and go."""

    row: dict[str, float]
    refs: list[str]
    gaps: list[str]
    scope: dict[str, Any]
    members: list[Member]


def whole(proj: Projection) -> Parts:
    """The :data:`Parts` of a graph held whole: one part, the given projection, for any clusters."""
    return lambda wanted: [(wanted, proj)]


def _measure_one(
    ctx: Context,
    members: frozenset[str],
    mapped: Mapping[str, set[str]],
    ocgs: Mapping[str, Mapping[str, Any]],
) -> _Measured:
    view = ClusterView(ctx, members)
    refs = sorted({o for m in members for o in mapped.get(m, ())})
    on_mapping = {str(ocgs[r]["key"]): {m for m, os in mapped.items() if r in os} for r in refs}
    return _Measured(
        row=compute_features(ctx, view),
        refs=refs,
        gaps=intelligence_gaps(ctx, view, on_mapping),
        scope=cluster_scope(ctx, view)._asdict(),
        members=[
            Member(**_ref(ctx.typed, m).model_dump(), kind=_kind(ctx.typed, m))
            for m in sorted(members)
        ],
    )


def _measure(
    clusters: Sequence[frozenset[str]],
    parts: Parts,
    mapped: Mapping[str, set[str]],
    ocgs: Mapping[str, Mapping[str, Any]],
    tick: Progress,
) -> tuple[dict[int, _Measured], dict[str, _Votes], dict[str, int]]:
    """Features, gaps, scope and members of each cluster worth scoring, part by part.

    A cluster is worth scoring when an event touches it or it is on the current mapping.
    Also returns each detection and referral with the members it involves, and the index
    of each member's cluster.

    What a part leaves behind is kept pickled once the next part is read: made one by one
    among the millions of objects a part's graph is built of, it would otherwise pin the
    memory of every part read so far, which then grows with the number of parts. A graph
    held whole is one part, and is never pickled.
    """
    index_of = {m: i for i, c in enumerate(clusters) for m in c}
    kept: list[bytes] = []
    last: tuple[dict[int, _Measured], dict[str, _Votes]] = ({}, {})
    for batch, proj in parts(range(len(clusters))):
        if last[0] or last[1]:
            kept.append(pickle.dumps(last, pickle.HIGHEST_PROTOCOL))
        last = ({}, {})
        ctx = Context(proj)
        for i in batch:
            if any(ctx.touching.get(m) or m in mapped for m in clusters[i]):
                last[0][i] = _measure_one(ctx, clusters[i], mapped, ocgs)
                tick("features", 1)
        _event_votes(proj, index_of, last[1])
        del ctx, proj  # before the next part is read: one part in memory at a time
    kept.reverse()
    measured, votes = last
    while kept:
        part_measured, part_votes = pickle.loads(kept.pop())
        measured.update(part_measured)
        for event, vote in part_votes.items():
            if event in votes:
                votes[event].entities |= vote.entities
            else:
                votes[event] = vote
    return measured, votes, index_of


def score_clusters(
    typed: nx.MultiDiGraph,
    parts: Parts,
    clusters: Sequence[frozenset[str]],
    *,
    params: AnalysisParams,
    weights: Weights,
    scheme: BandScheme,
    store_name: str,
    progress: Progress,
    digest_of: Callable[[], str],
    generated: dt.datetime,
    size: tuple[int, int],
    cluster_count: int,
    projected: tuple[int, int],
    as_of: dt.datetime | None,
) -> AnalysisRun:
    """Everything after clustering: ids, features, scores, bands, challenges, explanations.

    ``typed`` need hold only the current mapping (``OCG`` nodes and ``MEMBER_OF``), the last
    run (``AnalysisRun``, ``Cluster`` and ``IN_CLUSTER`` with their members) and the
    ``POSSIBLY_SAME`` candidates; what surrounds the clusters comes from ``parts``, which may
    give it a batch of clusters at a time, so memory holds one batch's part of the graph
    (:func:`whole` when the graph is held anyway). ``size`` is the whole graph's node and
    relationship count, ``cluster_count`` the number of clusters (``clusters`` may be only
    those that could be scored), and ``projected`` the whole projection's node and edge count.

    Clusters are measured part by part (features, gaps, scope), then scored, banded and
    ranked together; the top ``params.detail_clusters`` and every challenged cluster then get
    key players and suggested links from their part of the graph, asked for again.
    """
    tick = progress
    mapped, ocgs = _mapping(typed)
    previous = _Previous(typed)
    measured, votes, index_of = _measure(clusters, parts, mapped, ocgs, tick)
    kept = sorted(measured)
    ids = assign_ids([clusters[i] for i in kept], previous.members, previous.taken)
    rows = [measured[i].row for i in kept]
    scorer, params = _scorer(weights, params, ids, rows)
    scores = scorer.score_samples(rows)
    contributions = scorer.contributions(rows)
    homes = _event_homes(votes, index_of, dict(zip(kept, ids, strict=True)))
    results = []
    for n, (i, cid) in enumerate(zip(kept, ids, strict=True)):
        m = measured[i]
        score = round(float(scores[n]), 4)
        contrib = {
            f: round(float(c), 4)
            for f, c in zip(scorer.feature_names_, contributions[n], strict=True)
        }
        current = _current_band(m.refs, ocgs, scheme)
        band = recommend_band(score, scheme, weights.banding)
        decision = decide(
            score,
            band,
            current,
            scheme,
            margin=params.challenge_margin,
            unmapped_threshold=params.unmapped_threshold,
        )
        results.append(
            ClusterResult(
                cluster_id=cid,
                rank=0,
                score=score,
                recommended_band=band,
                current_band=current,
                ocg_refs=[str(ocgs[r]["key"]) for r in m.refs],
                challenge=decision.challenge,
                challenge_reason=decision.reason,
                reasons=explain(m.row, contrib),
                members=m.members + homes.get(cid, []),
                features={f: round(v, 4) for f, v in m.row.items()},
                contributions=contrib,
                intelligence_gaps=m.gaps,
                change=previous.change(cid, clusters[i], score, band),
                **m.scope,
            )
        )
        tick("explain", 1)
    del measured
    order = sorted(range(len(results)), key=lambda n: _rank_key(results[n]))
    detail: dict[int, ClusterResult] = {}
    for rank, n in enumerate(order, start=1):
        result = results[n]
        result.rank = rank
        if rank <= params.detail_clusters or result.challenge:
            detail[kept[n]] = result
    candidates = _possibly_same(typed)
    for batch, proj in parts(sorted(detail)):
        for i in batch:
            entities = clusters[i]
            sub = _subgraph(proj.graph, entities)
            detail[i].key_players = _key_players(proj, sub, params.key_players)
            detail[i].suggested_links = _suggested(
                proj, entities, sub, params.suggested_links, candidates
            )
            tick("key players and links", 1)
        del proj
    results = [results[n] for n in order]
    digest = digest_of()
    return AnalysisRun(
        run_id=f"R-{generated:%Y%m%dT%H%M%S}-{digest[:8]}",
        generated_at=generated,
        ocgmap_version=__version__,
        store=store_name,
        params=params,
        data_hash=digest,
        previous_run_id=previous.run_id,
        summary=RunSummary(
            nodes=size[0],
            edges=size[1],
            projected_nodes=projected[0],
            projected_edges=projected[1],
            clusters=cluster_count,
            scored=len(results),
            challenged=sum(1 for r in results if r.challenge),
            as_of=as_of,
        ),
        clusters=results,
    )


def _kind(typed: nx.MultiDiGraph, node: str) -> str:
    return str(load_schema().label(str(typed.nodes[node]["label"])).kind)


def analyse(
    store: GraphStore,
    params: AnalysisParams | None = None,
    *,
    weights: Weights | None = None,
    scheme: BandScheme | None = None,
    out: Path | None = None,
    write: bool = True,
    progress: Progress | None = None,
    jobs: int = 1,
    engine: Engine = "python",
    batch_members: int | None = None,
) -> AnalysisRun:
    """Analyse what a store holds, write the run back into it and (optionally) to a file.

    Parameters
    ----------
    store : GraphStore
        The store to read (and write the run back to).
    params, weights, scheme : optional
        As for :func:`analyse_graph`.
    out : pathlib.Path, optional
        Where to write ``results.json``.
    write : bool
        Write ``AnalysisRun``, ``Cluster`` and ``IN_CLUSTER`` back into the store.
    progress : callable, optional
        ``progress(step, n)`` as steps advance.
    jobs : int
        As for :func:`analyse_graph`.
    engine : {"python", "gds"}
        ``"gds"`` projects and clusters inside Neo4j with the Graph Data Science library
        (:mod:`ocgmap.analysis.indb`); it needs the Neo4j store.
    batch_members : int, optional
        ``"gds"`` only: members of scored clusters whose context is read at once (default
        :data:`ocgmap.analysis.indb.BATCH_MEMBERS`); the results are the same whatever it is.

    Raises
    ------
    AnalysisError
        ``engine="gds"`` on a store that is not Neo4j, or ``batch_members`` without it.
    """
    tick = progress or (lambda step, n: None)
    if batch_members is not None and engine != "gds":
        raise AnalysisError(
            "--batch-members is for --engine gds, which reads the clusters' context a batch "
            "at a time; the python engine reads the whole graph at once."
        )
    if engine == "gds":
        from ocgmap.analysis.indb import BATCH_MEMBERS, analyse_in_database
        from ocgmap.store.neo4j import Neo4jStore

        if not isinstance(store, Neo4jStore):
            raise AnalysisError(
                f"--engine gds runs inside Neo4j: it needs the neo4j store, not the {store.name} "
                "store (set NEO4J_URI, or use --engine python)."
            )
        run = analyse_in_database(
            store,
            params,
            weights=weights,
            scheme=scheme,
            progress=progress,
            jobs=jobs,
            batch_members=batch_members or BATCH_MEMBERS,
        )
    else:
        typed = store.to_networkx(copy=False)  # read only: the embedded store's own graph
        tick("read the graph", 1)
        run = analyse_graph(
            typed,
            params,
            weights=weights,
            scheme=scheme,
            store_name=store.name,
            progress=progress,
            jobs=jobs,
        )
    if write:
        store.write_results(run)
        tick("write back", 1)
    if out is not None:
        run.write(out)
    return run
