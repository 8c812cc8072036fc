"""An analysis run as graph rows: ``AnalysisRun``, ``Cluster``, ``IN_CLUSTER``, ``RESULT_OF``.

Both stores write a run with these rows (DESIGN.md §4 ``write_results``). Cluster nodes are
kept across runs (their ids are stable and reviews hang off them); ``IN_CLUSTER`` is replaced
by each run, so it always describes the latest one. Every row's provenance is the run:
``<run id>:analysis#<rank>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, NodeRef, NodeRow

if TYPE_CHECKING:
    from ocgmap.analysis.results import AnalysisRun

__all__ = ["result_rows"]


def result_rows(run: AnalysisRun) -> tuple[list[NodeRow], dict[RelType, list[EdgeRow]]]:
    """Nodes (the run first, then its clusters) and relationships that record ``run``."""
    seen = run.generated_at
    run_ref = NodeRef(label=Label.ANALYSIS_RUN, key=run.run_id)
    nodes = [
        NodeRow(
            label=Label.ANALYSIS_RUN,
            key=run.run_id,
            properties={
                "generated_at": run.generated_at,
                "params": run.params.model_dump_json(),
                "data_hash": run.data_hash,
                "weights_version": run.params.weights_version,
                "ocgmap_version": run.ocgmap_version,
                "previous_run_id": run.previous_run_id,
                "clusters": len(run.clusters),
                "challenged": len(run.challenges),
            },
            sources=[f"{run.run_id}:analysis#0"],
            seen_at=seen,
        )
    ]
    edges: dict[RelType, list[EdgeRow]] = {RelType.RESULT_OF: [], RelType.IN_CLUSTER: []}
    for cluster in run.clusters:
        token = f"{run.run_id}:analysis#{cluster.rank}"
        nodes.append(
            NodeRow(
                label=Label.CLUSTER,
                key=cluster.cluster_id,
                properties={
                    "score": cluster.score,
                    "recommended_band": cluster.recommended_band,
                    # "" (not absent) so a cluster that lost its mapping stops showing one
                    "current_band": cluster.current_band or "",
                    "challenge": cluster.challenge,
                    "challenge_reason": cluster.challenge_reason or "",
                    "rank": cluster.rank,
                    "run_id": run.run_id,
                    "members": len(cluster.members),
                },
                sources=[token],
                seen_at=seen,
            )
        )
        ref = NodeRef(label=Label.CLUSTER, key=cluster.cluster_id)
        edges[RelType.RESULT_OF].append(
            EdgeRow(type=RelType.RESULT_OF, start=ref, end=run_ref, sources=[token], seen_at=seen)
        )
        edges[RelType.IN_CLUSTER].extend(
            EdgeRow(
                type=RelType.IN_CLUSTER,
                start=NodeRef(label=Label(m.label), key=m.key),
                end=ref,
                sources=[token],
                seen_at=seen,
            )
            for m in cluster.members
        )
    return nodes, edges
