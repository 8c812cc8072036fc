"""Rich tables of an analysis run and of an evaluation, for the command line and the demo."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from ocgmap.analysis.evaluate import Evaluation
from ocgmap.analysis.results import AnalysisRun, ClusterResult

__all__ = ["cluster_rows", "print_challenges", "print_evaluation"]


def cluster_rows(clusters: list[ClusterResult]) -> list[dict[str, Any]]:
    """One plain row per cluster, as the challenge list shows it (rank order kept)."""
    return [
        {
            "rank": c.rank,
            "cluster": c.cluster_id,
            "score": round(c.score, 2),
            "current": c.current_band or "not mapped",
            "recommended": c.recommended_band,
            "challenged": c.challenge,
            "why": c.challenge_reason or "",
            "top reason": c.reasons[0] if c.reasons else "",
            "first gap": c.intelligence_gaps[0] if c.intelligence_gaps else "",
            "members": len(c.members),
            "active": _span(c),
            "ports": ", ".join(c.ports),
            "agencies": ", ".join(c.agencies),
        }
        for c in clusters
    ]


def _span(cluster: ClusterResult) -> str:
    first, last = cluster.first_event, cluster.last_event
    if first is None or last is None:
        return ""
    return f"{first:%d/%m/%Y} to {last:%d/%m/%Y}"


def print_challenges(run: AnalysisRun, console: Console, top: int = 10) -> None:
    """Print the top of the challenge list with each cluster's first reasons."""
    s = run.summary
    console.print(
        f"run {run.run_id}: {s.scored:,} of {s.clusters:,} clusters scored, "
        f"{s.challenged} challenged (weights {run.params.weights_version}, "
        f"bands {run.params.band_scheme}, data {run.data_hash[:12]})"
    )
    table = Table(title="challenge list", show_lines=True)
    for column in ("rank", "cluster", "score", "current", "recommended", "why"):
        table.add_column(column, justify="right" if column in ("rank", "score") else "left")
    for cluster in run.challenges[:top]:
        why = [cluster.challenge_reason or "", *cluster.reasons[:2]]
        if cluster.intelligence_gaps:
            why.append(f"gap: {cluster.intelligence_gaps[0]}")
        table.add_row(
            str(cluster.rank),
            cluster.cluster_id,
            f"{cluster.score:.2f}",
            cluster.current_band or "not mapped",
            cluster.recommended_band,
            "\n".join(w for w in why if w),
        )
    if not run.challenges:
        console.print("no cluster is graded too low on this evidence")
        return
    console.print(table)


def print_evaluation(report: Evaluation, console: Console) -> None:
    """Print an evaluation: one row per planted group and the headline figures."""
    table = Table(title=f"seed {report.seed}, scale {report.scale:g}: run {report.run_id}")
    for column in (
        "group",
        "archetype",
        "should",
        "cluster",
        "recall",
        "challenged",
        "position",
        "score",
        "current",
        "recommended",
    ):
        table.add_column(column)
    for g in report.groups:
        table.add_row(
            g.group_id,
            g.archetype,
            "yes" if g.should_challenge else "no",
            g.cluster_id or "-",
            f"{g.member_recall:.2f}",
            "yes" if g.challenged else "no",
            str(g.challenge_position or "-"),
            f"{g.score:.2f}" if g.score is not None else "-",
            g.current_band or "-",
            g.recommended_band or "-",
        )
    console.print(table)
    console.print(
        f"challenge recall {report.challenge_recall:.2f}; precision@5 "
        f"{report.precision_at_5:.2f}; precision@10 {report.precision_at_10:.2f}; "
        f"{report.challenged} challenged; decoys and well-graded groups out of the top 5: "
        f"{'yes' if report.kept_out_of_top_5 else 'no'}"
    )
    if report.passed:
        console.print("[green]passed[/green]")
    for failure in report.failures:
        console.print(f"[red]failed:[/red] {failure}")
