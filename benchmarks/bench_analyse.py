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

A world too big for the embedded store and the in-Python engine (synth scale 100: about 80 GB
in Python) is analysed where it lives: ``--uri bolt://...`` (password in ``NEO4J_PASSWORD``)
runs ``ocgmap analyse --engine gds`` on a loaded Neo4j in a child process, as
``bench_engines.py`` does, and adds its row to the table (its community detection runs in
the server, so it has no Louvain / Leiden row).
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


def _timed_split(graph: Any, name: str, seed: int, conn: Any) -> None:
    from ocgmap.analysis.clusters import split

    t = time.perf_counter()
    parts = split(graph, community=name, seed=seed)  # type: ignore[arg-type]
    conn.send((time.perf_counter() - t, len(parts)))
    conn.close()


def _split_within(graph: Any, name: str, seed: int, limit: float) -> tuple[float, int] | None:
    """Seconds and communities of one method, in a forked child; None past ``limit`` s."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_timed_split, args=(graph, name, seed, send))
    child.start()
    send.close()
    done = receive.poll(limit)
    result = receive.recv() if done else None
    if child.is_alive():
        child.kill()
    child.join()
    return result


def communities(graph: Any, seed: int = 7, limit: float = 900.0) -> dict[str, float | None]:
    """Seconds for networkx Louvain and igraph Leiden on the same weighted graph.

    Each runs in a forked child given at most ``limit`` seconds; a method that has not
    finished by then is reported as such (None), not waited for.
    """
    out: dict[str, float | None] = {}
    for name in ("networkx", "leiden"):
        found = _split_within(graph, name, seed, limit)
        out[name] = found[0] if found else None
        out[f"{name}_communities"] = float(found[1]) if found else None
    nx_s, leiden_s = out["networkx"], out["leiden"]
    out["ratio"] = nx_s / leiden_s if nx_s and leiden_s else None
    return out


def planted(edges: int, seed: int = 7) -> Any:
    """Groups of 50, dense inside (p = 0.45), plus random edges between groups up to ``edges``.

    Built with numpy (a pure-Python loop takes minutes at a million edges).
    """
    import networkx as nx
    import numpy as np

    rng = np.random.default_rng(seed)
    size, p_in = 50, 0.45
    groups = max(2, int(edges * 0.9 / (size * (size - 1) / 2 * p_in)))
    first, second = np.triu_indices(size, 1)
    group, pair = np.nonzero(rng.random((groups, first.size)) < p_in)
    starts, ends = (group * size + first[pair]).tolist(), (group * size + second[pair]).tolist()
    inside = set(zip(starts, ends, strict=True))
    n = groups * size
    between: set[tuple[int, int]] = set()
    while len(inside) + len(between) < edges:
        u, v = rng.integers(0, n, size=(2, edges))
        for a, b in zip(np.minimum(u, v).tolist(), np.maximum(u, v).tolist(), strict=True):
            if a != b and (a, b) not in inside:
                between.add((a, b))
                if len(inside) + len(between) >= edges:
                    break
    graph = nx.Graph()
    graph.add_nodes_from(str(i) for i in range(n))
    graph.add_edges_from((str(a), str(b), {"weight": 1.0}) for a, b in inside | between)
    return graph


def _seconds(value: float | None, limit: float) -> str:
    return f"{value:.2f} s" if value is not None else f"not done in {limit:.0f} s"


def _ratio(value: float | None) -> str:
    return f"{value:.1f}×" if value is not None else "-"


def _say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _in_database(uri: str, jobs: int, batch_members: int) -> dict[str, Any]:
    """``analyse --engine gds`` on a Neo4j world, in a child process (bench_engines.py's)."""
    import os
    import tempfile

    from bench_engines import run_engine

    password = os.environ.get("NEO4J_PASSWORD")
    if not password:
        raise SystemExit("give the Neo4j password in NEO4J_PASSWORD")
    with tempfile.TemporaryDirectory() as work:
        return run_engine(uri, password, "gds", Path(work) / "gds.json", jobs, batch_members)


def main() -> None:
    """Run the benchmark and print Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("homes", nargs="*", type=Path, help="OCGMAP_HOME of loaded worlds")
    parser.add_argument("--edges", type=int, default=1_000_000, help="planted graph size")
    parser.add_argument("--jobs", type=int, default=2, help="analyse(jobs=...)")
    parser.add_argument("--limit", type=float, default=900.0, help="seconds per community run")
    parser.add_argument(
        "--uri", nargs="*", default=[], help="loaded Neo4j worlds, analysed with --engine gds"
    )
    parser.add_argument(
        "--batch-members", type=int, default=20_000, help="gds: members read at once"
    )
    args = parser.parse_args()
    from ocgmap.analysis.projection import project
    from ocgmap.store.embedded import EmbeddedStore

    _say(
        "| world | store edges | projected edges | clusters | scored | jobs | analyse "
        "| peak RSS (hash child) |"
    )
    _say("|---|---|---|---|---|---|---|---|")
    for home in args.homes:
        r = analyse_in_child(home, args.jobs)
        _say(
            f"| {home} | {r['edges']:,} | {r['projected_edges']:,} | {r['clusters']:,} | "
            f"{r['scored']:,} | {args.jobs} | {r['steps']['analyse']:.1f} s | "
            f"{r['peak_rss_mib']:.0f} MiB ({r['child_peak_rss_mib']:.0f} MiB) |"
        )
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in r["steps"].items())
        _say(f"|   steps: {steps} |||||||")
    for uri in args.uri:
        r = _in_database(uri, args.jobs, args.batch_members)
        summary = r["summary"]
        _say(
            f"| {uri} (gds) | {summary['edges']:,} | {summary['projected_edges']:,} | "
            f"{summary['clusters']:,} | {summary['scored']:,} | {args.jobs} | "
            f"{r['seconds']:.1f} s | {r['peak_rss_mib']:.0f} MiB "
            f"({r['peak_rss_children_mib']:.0f} MiB) |"
        )
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in r["steps"].items())
        _say(f"|   steps: {steps} |||||||")
    if not args.homes and not args.edges:
        return  # Neo4j worlds only: GDS clusters in the server, there is nothing to compare
    _say()
    _say("| graph | nodes | edges | networkx Louvain | igraph Leiden | Louvain / Leiden |")
    _say("|---|---|---|---|---|---|")
    for home in args.homes:
        typed = EmbeddedStore(home / "graph.json").to_networkx()
        graph = project(typed).clustering_graph(0.35)
        del typed
        c = communities(graph, limit=args.limit)
        _say(
            f"| clustering graph of {home} | {graph.number_of_nodes():,} | "
            f"{graph.number_of_edges():,} | {_seconds(c['networkx'], args.limit)} | "
            f"{_seconds(c['leiden'], args.limit)} | {_ratio(c['ratio'])} |"
        )
    if args.edges:
        t = time.perf_counter()
        graph = planted(args.edges)
        built = time.perf_counter() - t
        c = communities(graph, limit=args.limit)
        _say(
            f"| planted partition (built in {built:.0f} s) | {graph.number_of_nodes():,} | "
            f"{graph.number_of_edges():,} | {_seconds(c['networkx'], args.limit)} | "
            f"{_seconds(c['leiden'], args.limit)} | {_ratio(c['ratio'])} |"
        )
    _say(
        f"\npeak RSS of the benchmark process: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
