"""Plain-English reasons for a cluster's score, each citing the numbers behind it.

One sentence per feature group (harm, scale, persistence, organisation, intelligence), in the
order of the group's share of the score; groups that add nothing say nothing. Every number in
a sentence is a feature value, so a reader (or a test) can check it against the graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from ocgmap.analysis.features import FEATURES

__all__ = ["explain"]

#: Groups whose share of the score is below this are not worth a sentence.
MIN_SHARE = 0.01


def _n(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def _count(value: float, one: str, many: str | None = None) -> str:
    return f"{_n(value)} {one if value == 1 else (many or one + 's')}"


def _harm(f: Mapping[str, float]) -> str | None:
    if not f.get("detections"):
        return None
    text = (
        f"{_count(f['detections'], 'detection')} on "
        f"{_count(f.get('detected_assets', 0), 'vehicle or trailer', 'vehicles and trailers')} "
        f"with {_count(f.get('entrants', 0), 'person', 'people')} found"
    )
    if f.get("minors"):
        text += f", {_count(f['minors'], 'child', 'children')} among them"
    if f.get("dangerous_detections"):
        text += f"; {_n(f['dangerous_detections'])} in a risk-to-life concealment"
    return text


def _scale(f: Mapping[str, float]) -> str | None:
    parts = []
    if f.get("hauliers", 0) > 1:
        parts.append(f"{_n(f['hauliers'])} linked hauliers")
    if f.get("places", 0) > 1:
        parts.append(f"detections at {_n(f['places'])} ports and places")
    if f.get("countries", 0) > 1:
        parts.append(f"{_n(f['countries'])} countries")
    if f.get("anpr_before_detection"):
        parts.append(
            f"{_n(f['anpr_before_detection'])} inland "
            f"{'detection' if f['anpr_before_detection'] == 1 else 'detections'} "
            "with the lorry read by ANPR in the 6 hours before"
        )
    return "; ".join(parts) or None


def _persistence(f: Mapping[str, float]) -> str | None:
    if not f.get("detections"):
        return None
    text = (
        f"{f.get('detections_per_vehicle', 0):.2f} detections per vehicle run, "
        f"{f.get('detections_per_100_crossings', 0):.1f} per 100 crossings"
    )
    if f.get("repeat_assets"):
        text += f"; {_count(f['repeat_assets'], 'vehicle or trailer', 'vehicles or trailers')}"
        text += " found carrying people more than once"
    if f.get("active_months"):
        text += f"; active over {_n(f['active_months'])} months"
    return text


def _organisation(f: Mapping[str, float]) -> str | None:
    parts = []
    if f.get("shared_controllers"):
        parts.append(
            f"{_count(f['shared_controllers'], 'person controls', 'people control')} "
            "two or more of its hauliers"
        )
    if f.get("shared_addresses"):
        parts.append(
            f"{_count(f['shared_addresses'], 'address is', 'addresses are')} shared by its hauliers"
        )
    if f.get("phoenix_companies"):
        parts.append(
            f"{_count(f['phoenix_companies'], 'dissolved or revoked haulier')} "
            "carried on by a linked one (phoenix)"
        )
    if f.get("people_across_hauliers"):
        parts.append(
            f"{_count(f['people_across_hauliers'], 'person is', 'people are')} "
            "tied to more than one of its hauliers"
        )
    if f.get("hauliers_bridged_by_calls", 0) > 1:
        parts.append(
            f"calls from outside reach the people of {_n(f['hauliers_bridged_by_calls'])} hauliers"
        )
    return "; ".join(parts) or None


def _intelligence(f: Mapping[str, float]) -> str | None:
    if not f.get("referrals"):
        return None
    text = (
        f"{_count(f['referrals'], 'intelligence referral')} "
        f"(graded weight {f.get('graded_intelligence', 0):g})"
    )
    if f.get("agencies", 0) > 1:
        text += f" and reports from {_n(f['agencies'])} agencies"
    return text


_SENTENCES = {
    "harm": _harm,
    "scale": _scale,
    "persistence": _persistence,
    "organisation": _organisation,
    "intelligence": _intelligence,
}


def explain(features: Mapping[str, float], contributions: Mapping[str, float]) -> list[str]:
    """Reasons for a score, strongest group first.

    Examples
    --------
    >>> feats = {"detections": 4, "detected_assets": 2, "entrants": 31, "minors": 3}
    >>> explain(feats, {"entrants": 0.2, "detections": 0.1})[0]
    '4 detections on 2 vehicles and trailers with 31 people found, 3 children among them'
    """
    share: defaultdict[str, float] = defaultdict(float)
    for name, value in contributions.items():
        if name in FEATURES:
            share[FEATURES[name].group] += value
    reasons = []
    for group, value in sorted(share.items(), key=lambda kv: (-kv[1], kv[0])):
        if value < MIN_SHARE:
            continue
        sentence = _SENTENCES[group](features)
        if sentence:
            reasons.append(sentence[0].upper() + sentence[1:])
    return reasons
