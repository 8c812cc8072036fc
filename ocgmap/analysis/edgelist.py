"""``ocgmap analyse --edges FILE.csv``: analyse a plain edge list from another tool.

The file has columns ``source,target[,weight]``; the run finds clusters, key players and
suggested links, as for a store, but without features or scores (there is no evidence to
score, only structure).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import networkx as nx
from pydantic import BaseModel, Field

from ocgmap import __version__
from ocgmap.analysis.clusters import Community, find_clusters
from ocgmap.analysis.keyplayers import KeyPlayer, key_players
from ocgmap.analysis.links import SuggestedLink, suggest_links
from ocgmap.errors import InputError

__all__ = ["EdgeCluster", "EdgeListRun", "analyse_edges", "read_edges"]


class EdgeCluster(BaseModel):
    """One cluster of an edge list."""

    cluster_id: str
    size: int
    edges: int
    members: list[str]
    key_players: list[KeyPlayer] = Field(default_factory=list)
    suggested_links: list[SuggestedLink] = Field(default_factory=list)


class EdgeListRun(BaseModel):
    """The analysis of one edge list."""

    source: str
    generated_at: dt.datetime
    ocgmap_version: str
    nodes: int
    edges: int
    clusters: list[EdgeCluster]

    def write(self, path: Path) -> Path:
        """Write as JSON and return the path."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.model_dump_json(indent=1) + "\n", encoding="utf-8")
        return path


def read_edges(path: Path) -> nx.Graph:
    """Read ``source,target[,weight]`` rows into an undirected graph (repeats add up).

    Errors name the file, the row (the header is row 1) and the field.
    """
    graph = nx.Graph()
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            fields = [f.strip().lower() for f in reader.fieldnames or []]
            if "source" not in fields or "target" not in fields:
                raise InputError(
                    f"{path}: the header must have 'source' and 'target' columns "
                    f"(and optionally 'weight'); found {fields or 'no header'}"
                )
            for number, raw in enumerate(reader, start=2):
                row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
                source, target = row.get("source", ""), row.get("target", "")
                if not source or not target:
                    field = "source" if not source else "target"
                    raise InputError(f"{path}, row {number}, field '{field}': value is empty")
                text = row.get("weight") or "1"
                try:
                    weight = float(text)
                except ValueError:
                    raise InputError(
                        f"{path}, row {number}, field 'weight': {text!r} is not a number"
                    ) from None
                if weight <= 0:
                    raise InputError(
                        f"{path}, row {number}, field 'weight': {text!r} must be above 0"
                    )
                if source == target:
                    graph.add_node(source)
                    continue
                old = graph.get_edge_data(source, target, {"weight": 0.0})["weight"]
                graph.add_edge(source, target, weight=old + weight)
    except OSError as exc:
        raise InputError(f"Cannot read the edge list {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text: {exc.reason}") from exc
    return graph


def analyse_edges(
    path: Path,
    *,
    max_size: int = 2500,
    community: Community = "auto",
    seed: int = 7,
    k: int = 5,
) -> EdgeListRun:
    """Find clusters, key players and suggested links in an edge-list file.

    Clusters of one node are left out; ids follow size order (``C-00001`` is the largest).
    """
    graph = read_edges(path)
    clusters = [
        c
        for c in find_clusters(graph, max_size=max_size, community=community, seed=seed)
        if len(c) > 1
    ]
    out = []
    for number, members in enumerate(clusters, start=1):
        sub = graph.subgraph(members)
        out.append(
            EdgeCluster(
                cluster_id=f"C-{number:05d}",
                size=len(members),
                edges=sub.number_of_edges(),
                members=sorted(members),
                key_players=key_players(sub, k=k) if len(members) > 2 else [],
                suggested_links=suggest_links(sub, k=k),
            )
        )
    return EdgeListRun(
        source=str(path),
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        ocgmap_version=__version__,
        nodes=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        clusters=out,
    )
