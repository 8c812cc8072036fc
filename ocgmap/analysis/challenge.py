"""The challenge list (DESIGN.md §5.5): which clusters are graded too low, and why.

A cluster is challenged when the band its score recommends is at least ``margin`` bands above
its current band, or when it is not mapped at all and scores at least ``unmapped_threshold``.
A group already graded about right is not challenged, however high it scores. The decision is
always recorded with its reason, challenged or not.
"""

from __future__ import annotations

from dataclasses import dataclass

from ocgmap.schema import BandScheme

__all__ = ["Decision", "decide"]


@dataclass(frozen=True)
class Decision:
    """Whether a cluster is challenged, and why."""

    challenge: bool
    reason: str


def decide(
    score: float,
    recommended: str,
    current: str | None,
    scheme: BandScheme,
    *,
    margin: int = 3,
    unmapped_threshold: float = 0.27,
) -> Decision:
    """Decide whether one cluster goes on the challenge list.

    Parameters
    ----------
    score : float
        The cluster's score in [0, 1].
    recommended : str
        The band the score recommends.
    current : str or None
        The highest band of the OCGs the cluster is mapped to; ``None`` when unmapped.
    scheme : BandScheme
        The band scheme both bands belong to.
    margin : int
        How many bands above the current band the recommendation must be.
    unmapped_threshold : float
        The score at which an unmapped cluster is challenged.

    Examples
    --------
    >>> from ocgmap.schema import load_bands
    >>> bands = load_bands()
    >>> decide(0.6, "2A", "3C", bands).challenge
    True
    >>> decide(0.8, "1A", "1B", bands).reason
    'graded about right: recommended 1A is 1 band above the current 1B (margin 3)'
    >>> decide(0.5, "2B", None, bands).challenge
    True
    """
    if current is None:
        if score >= unmapped_threshold:
            return Decision(
                True,
                f"not mapped to any OCG, yet scores {score:.2f} (at least "
                f"{unmapped_threshold:.2f}) and is recommended {recommended}",
            )
        return Decision(False, f"not mapped and scores {score:.2f}, below {unmapped_threshold:.2f}")
    steps = scheme.rank(current) - scheme.rank(recommended)
    if steps >= margin:
        return Decision(
            True,
            f"recommended {recommended} is {steps} bands above the current {current} "
            f"(margin {margin})",
        )
    if steps > 0:
        return Decision(
            False,
            f"graded about right: recommended {recommended} is {steps} "
            f"{'band' if steps == 1 else 'bands'} above the current {current} (margin {margin})",
        )
    return Decision(
        False,
        f"graded at or above what the evidence supports: current {current}, "
        f"recommended {recommended}",
    )
