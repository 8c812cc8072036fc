"""Benchmark ``ocgmap analyse``: time and peak RSS per world, and community detection.

Community detection compares networkx (Louvain) with igraph (Leiden) on the same graph.

Each world is an embedded store (``OCGMAP_HOME`` of a load), so the benchmark measures the
analysis alone, not the load:

    ocgmap synth --out /tmp/w1/data --seed 1 --scale 1
    OCGMAP_HOME=/tmp/w1/home ocgmap load /tmp/w1/data --store embedded
    python benchmarks/bench_analyse.py /tmp/w1/home [/tmp/w3/home ...]

For each store, in a child process (so peak RSS is its own): read the graph, run
``analyse_graph`` (nothing is written back), and report the graph's size, the time of each
step and the peak RSS. Then, on the clustering graph of the same world (the strong links the
clusters come from) and on a planted-partition graph of about ``--edges`` edges, time
``nx.community.louvain_communities`` and igraph's ``community_leiden`` (both seeded) and give
the ratio networkx / igraph, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from ocgmap.store.embedded import EmbeddedStore
from ocgmap.analysis.run import analyse_graph
from ocgmap.analysis.results import AnalysisParams

steps = {}
t = time.perf_counter()
typed = EmbeddedStore(Path(sys.argv[1]) / "graph.json").to_networkx()
steps["read the graph"] = time.perf_counter() - t
last = [time.perf_counter()]

def tick(step, n):
    now = time.perf_counter()
    steps[step] = steps.get(step, 0.0) + now - last[0]
    last[0] = now

t = last[0] = time.perf_counter()
run = analyse_graph(typed, AnalysisParams(), progress=tick, jobs=int(sys.argv[2]))
steps["analyse"] = time.perf_counter() - t
print(json.dumps({
    "nodes": typed.number_of_nodes(),
    "edges": typed.number_of_edges(),
    "projected_nodes": run.summary.projected_nodes,
    "projected_edges": run.summary.projected_edges,
    "clusters": run.summary.clusters,
    "scored": run.summary.scored,
    "challenged": run.summary.challenged,
    "steps": steps,
    "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "child_peak_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


def analyse_in_child(home: Path, jobs: int = 2) -> dict[str, Any]:
    """Run one analysis in a child process and return its figures."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(home), str(jobs)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def communities(graph: Any, seed: int = 7) -> dict[str, float]:
    """Seconds for networkx Louvain and igraph Leiden on the same weighted graph."""
    from ocgmap.analysis.clusters import split

    out: dict[str, float] = {}
    for name in ("networkx", "leiden"):
        t = time.perf_counter()
        parts = split(graph, community=name, seed=seed)  # type: ignore[arg-type]
        out[name] = time.perf_counter() - t
        out[f"{name}_communities"] = float(len(parts))
    out["ratio"] = out["networkx"] / out["leiden"] if out["leiden"] else float("nan")
    return out


def planted(edges: int, seed: int = 7) -> Any:
    """Groups of 50 dense inside (p = 0.45) with 10% of the edges between random groups."""
    import random

    import networkx as nx

    rng = random.Random(seed)
    size, p_in = 50, 0.45
    groups = max(2, int(edges * 0.9 / (size * (size - 1) / 2 * p_in)))
    graph = nx.Graph()
    for g in range(groups):
        base = g * size
        for i in range(size):
            for j in range(i + 1, size):
                if rng.random() < p_in:
                    graph.add_edge(str(base + i), str(base + j), weight=1.0)
    n = groups * size
    while graph.number_of_edges() < edges:
        u, v = rng.randrange(n), rng.randrange(n)
        if u != v:
            graph.add_edge(str(u), str(v), weight=1.0)
    return graph


def _say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("homes", nargs="+", type=Path, help="OCGMAP_HOME of loaded worlds")
    parser.add_argument("--edges", type=int, default=1_000_000, help="planted graph size")
    args = parser.parse_args()
    from ocgmap.analysis.projection import project
    from ocgmap.store.embedded import EmbeddedStore

    _say("| world | store edges | projected edges | clusters | scored | analyse | peak RSS |")
    _say("|---|---|---|---|---|---|---|")
    rows = []
    for home in args.homes:
        r = analyse_in_child(home)
        rows.append((home, r))
        _say(
            f"| {home} | {r['edges']:,} | {r['projected_edges']:,} | {r['clusters']:,} | "
            f"{r['scored']:,} | {r['steps']['analyse']:.1f} s | {r['peak_rss_mib']:.0f} MiB |"
        )
    _say()
    _say("| graph | nodes | edges | networkx Louvain | igraph Leiden | ratio |")
    _say("|---|---|---|---|---|---|")
    for home, _ in rows:
        typed = EmbeddedStore(home / "graph.json").to_networkx()
        graph = project(typed).clustering_graph(0.35)
        c = communities(graph)
        _say(
            f"| clustering graph of {home} | {graph.number_of_nodes():,} | "
            f"{graph.number_of_edges():,} | {c['networkx']:.2f} s | {c['leiden']:.2f} s | "
            f"{c['ratio']:.1f}× |"
        )
    t = time.perf_counter()
    graph = planted(args.edges)
    built = time.perf_counter() - t
    c = communities(graph)
    _say(
        f"| planted partition (built in {built:.0f} s) | {graph.number_of_nodes():,} | "
        f"{graph.number_of_edges():,} | {c['networkx']:.1f} s | {c['leiden']:.1f} s | "
        f"{c['ratio']:.1f}× |"
    )
    _say(
        f"\npeak RSS of the benchmark process: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
