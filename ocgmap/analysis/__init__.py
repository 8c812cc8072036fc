"""Analysis: project the store into an association graph, find clusters, score, explain.

DESIGN.md §5. :func:`analyse` is the one orchestrator; the building blocks
(:func:`key_players`, :func:`link_scores`, :func:`suggest_links`) work on any networkx graph.
Nothing heavy is imported until a name is first used.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "AnalysisParams",
    "AnalysisRun",
    "ClusterResult",
    "KeyPlayer",
    "SuggestedLink",
    "analyse",
    "analyse_edges",
    "key_players",
    "link_scores",
    "suggest_links",
]

_WHERE = {
    "AnalysisParams": "ocgmap.analysis.results",
    "AnalysisRun": "ocgmap.analysis.results",
    "ClusterResult": "ocgmap.analysis.results",
    "KeyPlayer": "ocgmap.analysis.keyplayers",
    "SuggestedLink": "ocgmap.analysis.links",
    "analyse": "ocgmap.analysis.run",
    "analyse_edges": "ocgmap.analysis.edgelist",
    "key_players": "ocgmap.analysis.keyplayers",
    "link_scores": "ocgmap.analysis.links",
    "suggest_links": "ocgmap.analysis.links",
}


def __getattr__(name: str) -> Any:
    try:
        module = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module 'ocgmap.analysis' has no attribute {name!r}") from None
    return getattr(importlib.import_module(module), name)
