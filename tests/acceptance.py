"""The analysis acceptance checks, shared by every engine's tests."""

from __future__ import annotations

from ocgmap.analysis.evaluate import evaluate
from ocgmap.analysis.results import AnalysisRun
from ocgmap.synth import Truth


def assert_analysis_accepted(truth: Truth, run: AnalysisRun) -> None:
    """Planted groups challenged with member recall >= 0.6, precision@5 >= 0.8, decoys and
    the group already graded high kept out of the top of the list."""
    report = evaluate(truth, run)
    assert report.failures == []
    wanted = [g for g in report.groups if g.should_challenge]
    assert len(wanted) == 4
    assert all(g.challenged and g.member_recall >= 0.6 for g in wanted), wanted
    assert report.precision_at_5 >= 0.8
    assert report.kept_out_of_top_5
    high = next(g for g in report.groups if g.archetype == "graded_high")
    assert high.current_band == "1B" and not high.challenged
