"""Handling codes: what may be shown or passed on, and what is held back.

A referral's handling code (3x5x2 ``P``/``C``, or a 5x5x5 handling code) decides whether it
leaves in a target package (:mod:`ocgmap.export.package`) and whether the dashboard shows it
without a justification. One function, :func:`handling_decision`, decides for both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from ocgmap.network import element_id
from ocgmap.schema.labels import Label
from ocgmap.schema.models import Node, Subgraph

__all__ = ["conditional_view", "handling_decision", "withheld_referrals"]


def handling_decision(properties: dict[str, Any], include_conditional: bool) -> str:
    """What to do with one piece of intelligence, from its handling code.

    ``"export"``; ``"conditional"`` (conditions apply, and the export includes them);
    ``"withhold"`` (conditions apply, not included); or ``"never"`` (5x5x5 handling 4, 5).

    >>> handling_decision({"handling_code": "P"}, False)
    'export'
    >>> [handling_decision({"handling_code": "C"}, both) for both in (False, True)]
    ['withhold', 'conditional']
    >>> handling_decision({"grading_scheme": "5x5x5", "handling_code": "4"}, True)
    'never'
    """
    code = str(properties.get("handling_code") or "")
    if properties.get("grading_scheme") == "5x5x5":
        if code in ("4", "5"):
            return "never"
        conditional = code in ("2", "3")
    else:
        conditional = code == "C"
    if not conditional:
        return "export"
    return "conditional" if include_conditional else "withhold"


def withheld_referrals(
    nodes: Iterable[Node], include_conditional: bool
) -> tuple[set[str], Counter[str], list[str]]:
    """The referrals to withhold (element ids), counts per handling code, and those included."""
    withheld: set[str] = set()
    codes: Counter[str] = Counter()
    included: list[str] = []
    for node in nodes:
        if node.label is not Label.REFERRAL:
            continue
        decision = handling_decision(node.properties, include_conditional)
        if decision in ("withhold", "never"):
            withheld.add(element_id(node.ref))
            codes[str(node.properties.get("handling_code") or "?")] += 1
        elif decision == "conditional":
            included.append(node.key)
    return withheld, codes, sorted(included)


def conditional_view(sub: Subgraph) -> tuple[Subgraph, int]:
    """``sub`` without intelligence that has handling conditions, and how many were held back.

    Held back: referrals whose handling code sets conditions (or forbids passing on), nodes
    known only from their rows, and every relationship touching either or known only from
    those rows. What is left is what anyone with the view permission may see.
    """
    held, _, _ = withheld_referrals(sub.nodes, include_conditional=False)
    if not held:
        return sub, 0
    secret = {t for n in sub.nodes if element_id(n.ref) in held for t in n.sources}
    gone = set(held) | {
        element_id(n.ref) for n in sub.nodes if n.sources and all(t in secret for t in n.sources)
    }
    nodes = [n for n in sub.nodes if element_id(n.ref) not in gone]
    edges = [
        e
        for e in sub.edges
        if element_id(e.start) not in gone
        and element_id(e.end) not in gone
        and not (e.sources and all(t in secret for t in e.sources))
    ]
    return Subgraph(nodes=nodes, edges=edges), len(held)
