"""``ocgmap evaluate``: measure a run against the ground truth of a synthetic world.

Each planted group is matched to the cluster holding most of its identifiers; its *member
recall* is the share of its identifiers in that cluster. The challenge list is judged by
recall (planted groups that should be challenged and are, with member recall of at least
``min_member_recall``), precision@5 and @10 (challenged clusters in rank order that are a
planted group's cluster), and whether decoys and groups already graded high stay out of the
top of the list.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from ocgmap.analysis.results import AnalysisRun, ClusterResult
from ocgmap.normalise import company
from ocgmap.synth.truth import GroupTruth, Truth

__all__ = ["Evaluation", "GroupScore", "evaluate", "group_ids"]


class GroupScore(BaseModel):
    """How one planted group or decoy came out."""

    group_id: str
    archetype: str
    decoy: bool
    should_challenge: bool
    identifiers: int
    cluster_id: str | None = None
    member_recall: float = 0.0
    challenged: bool = False
    rank: int | None = None
    challenge_position: int | None = Field(
        default=None, description="1-based position in the challenge list"
    )
    score: float | None = None
    recommended_band: str | None = None
    current_band: str | None = None


class Evaluation(BaseModel):
    """The figures of one run against one truth file, and whether they pass."""

    seed: int
    scale: float
    run_id: str
    challenge_recall: float
    precision_at_5: float
    precision_at_10: float
    challenged: int
    groups: list[GroupScore]
    kept_out_of_top_5: bool = Field(
        description="no decoy and no group that should not be challenged in the top 5"
    )
    passed: bool
    failures: list[str] = Field(default_factory=list)


def group_ids(group: GroupTruth) -> set[str]:
    """A group's identifiers as graph node ids (``<Label>:<key>``); hauliers by name too."""
    ids = {f"Vehicle:{v}" for v in group.vrms}
    ids |= {f"Trailer:{t}" for t in group.trailer_ids}
    ids |= {f"Phone:{p}" for p in group.phones}
    ids |= {f"Person:{p.name}|{p.dob}" for p in group.people}
    ids |= {f"Haulier:CH:{n}" for n in group.company_numbers}
    ids |= {f"HaulierName:{h}" for h in group.hauliers}
    return ids


def _cluster_ids(cluster: ClusterResult) -> set[str]:
    out = set()
    for m in cluster.members:
        out.add(f"{m.label}:{m.key}")
        if m.label == "Person" and "|" in m.key:
            name, dob = m.key.split("|", 1)
            out.add(f"Person:{name}|{dob}")
        if m.label == "Haulier" and m.name:
            out.add(f"HaulierName:{company(m.name) or m.name}")
    return out


def _person_alias(ids: set[str]) -> dict[str, str]:
    """Month-precision person ids (``NAME|yyyy-mm``) standing for a full date of birth."""
    return {f"{i.rsplit('|', 1)[0]}|{i.rsplit('|', 1)[1][:7]}": i for i in ids if "|" in i}


def evaluate(
    truth: Truth, run: AnalysisRun, *, min_member_recall: float = 0.6, min_precision: float = 0.8
) -> Evaluation:
    """Score ``run`` against ``truth``.

    Parameters
    ----------
    truth : Truth
        The world's ``truth.json``.
    run : AnalysisRun
        The analysis of that world.
    min_member_recall : float
        A challenged group counts as found only with at least this member recall.
    min_precision : float
        The precision@5 the run must reach to pass.
    """
    members = {c.cluster_id: _cluster_ids(c) for c in run.clusters}
    by_id = {c.cluster_id: c for c in run.clusters}
    positions = {c.cluster_id: i for i, c in enumerate(run.challenges, start=1)}
    scores = []
    for group in truth.groups:
        ids = group_ids(group)
        people = {i for i in ids if i.startswith("Person:")}
        alias = _person_alias(people)
        best, best_hits = None, 0
        for cid, found in members.items():
            hits = len(ids & found)
            hits += len({alias[a] for a in found if a in alias} - found)
            if hits > best_hits:
                best, best_hits = cid, hits
        score = GroupScore(
            group_id=group.group_id,
            archetype=group.archetype,
            decoy=group.decoy,
            should_challenge=group.should_challenge,
            identifiers=len(ids),
        )
        if best is not None:
            cluster = by_id[best]
            score = score.model_copy(
                update={
                    "cluster_id": best,
                    "member_recall": round(best_hits / max(1, len(ids)), 3),
                    "challenged": cluster.challenge,
                    "rank": cluster.rank,
                    "challenge_position": positions.get(best),
                    "score": cluster.score,
                    "recommended_band": cluster.recommended_band,
                    "current_band": cluster.current_band,
                }
            )
        scores.append(score)
    wanted = [g for g in scores if g.should_challenge]
    found_groups = [g for g in wanted if g.challenged and g.member_recall >= min_member_recall]
    relevant = {g.cluster_id for g in wanted if g.cluster_id}
    unwanted = {g.cluster_id for g in scores if not g.should_challenge and g.cluster_id}

    def precision(k: int) -> float:
        top = run.challenges[:k]
        if not top:
            return 0.0
        return round(sum(1 for c in top if c.cluster_id in relevant) / len(top), 3)

    top5 = {c.cluster_id for c in run.challenges[:5]}
    kept_out = not (top5 & (unwanted - relevant))
    recall = round(len(found_groups) / len(wanted), 3) if wanted else 1.0
    failures = [
        f"{g.group_id} ({g.archetype}) not found: challenged={g.challenged}, "
        f"member recall {g.member_recall}"
        for g in wanted
        if g not in found_groups
    ]
    if precision(5) < min_precision:
        failures.append(f"precision@5 {precision(5)} is below {min_precision}")
    if not kept_out:
        failures.append("a decoy or a group that should not be challenged is in the top 5")
    return Evaluation(
        seed=truth.seed,
        scale=truth.scale,
        run_id=run.run_id,
        challenge_recall=recall,
        precision_at_5=precision(5),
        precision_at_10=precision(10),
        challenged=len(run.challenges),
        groups=scores,
        kept_out_of_top_5=kept_out,
        passed=not failures,
        failures=failures,
    )
