"""Benchmark the analysis engines on one Neo4j world: Python (networkx / igraph) vs GDS.

Load a world into a throwaway Neo4j that has the GDS plugin (``scripts/neo4j-local`` installs
it), then:

    NEO4J_PASSWORD=... python benchmarks/bench_engines.py --uri bolt://127.0.0.1:7699 [--repeat 1]

Each engine runs in a child process (so the peak RSS is its own; GDS's memory is in the
server and is reported apart from it), with ``--jobs`` processes as ``ocgmap analyse`` has
them (2 by default: the data hash is computed alongside, in a forked child for the Python
engines and a process of its own for GDS; the largest of those is reported apart), and
nothing is written back:

- ``python/networkx``: ``Neo4jStore.to_networkx()`` then ``analyse_graph`` with networkx
  Louvain for components above ``max_cluster_size`` (the baseline);
- ``python/igraph``: the same with igraph's Leiden;
- ``gds``: ``analyse_in_database`` (projection and clustering in the server, the scored
  clusters' context read back).

The ratio of each to the baseline is measured in the same run; the results of the engines
are compared (same clusters and scores) and the comparison printed.

The first GDS run after the server starts pays a one-off warm-up inside the server (loading
and compiling the projection's code paths; a cold page cache is a small part of it). With
``--gds-twice`` (the default) the ``gds`` engine runs twice and both are reported: ``gds
(first run)`` and ``gds``, the one a running server gives every later analysis.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ocgmap.analysis.indb import BATCH_MEMBERS

_CHILD = r"""
import json, os, resource, sys, time
from ocgmap.store.neo4j import Neo4jStore
from ocgmap.analysis.results import AnalysisParams

uri, engine, out, jobs, batch_members = sys.argv[1:6]
jobs, batch_members = int(jobs), int(batch_members)
store = Neo4jStore.connect(uri, "neo4j", os.environ.pop("NEO4J_PASSWORD"))
steps = {}
last = [time.perf_counter()]

def tick(step, n):
    now = time.perf_counter()
    steps[step] = steps.get(step, 0.0) + now - last[0]
    last[0] = now

start = time.perf_counter()
if engine == "gds":
    from ocgmap.analysis.indb import analyse_in_database
    run = analyse_in_database(
        store, AnalysisParams(), progress=tick, jobs=jobs, batch_members=batch_members
    )
else:
    from ocgmap.analysis.run import analyse_graph
    typed = store.to_networkx()
    tick("read the graph", 1)
    community = "networkx" if engine == "python/networkx" else "leiden"
    run = analyse_graph(typed, AnalysisParams(community=community), progress=tick, jobs=jobs)
total = time.perf_counter() - start
from pathlib import Path
run.write(Path(out))
print(json.dumps({
    "engine": engine,
    "seconds": total,
    "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "peak_rss_children_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    "steps": steps,
    "summary": run.summary.model_dump(mode="json"),
}))
"""

ENGINES = ("python/networkx", "python/igraph", "gds")


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def run_engine(
    uri: str, password: str, engine: str, out: Path, jobs: int, batch_members: int
) -> dict[str, Any]:
    """Analyse in a child process; return its time, peak RSS and steps.

    The password goes to the child in its environment, not its arguments (which any user
    of the machine can list).
    """
    child = [_CHILD, uri, engine, str(out), str(jobs), str(batch_members)]
    done = subprocess.run(
        [sys.executable, "-c", *child],
        capture_output=True,
        text=True,
        env={**os.environ, "NEO4J_PASSWORD": password},
    )
    if done.returncode:
        raise SystemExit(f"{engine} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _same(a: Path, b: Path) -> str:
    from ocgmap.analysis.results import AnalysisRun

    x, y = AnalysisRun.read(a), AnalysisRun.read(b)
    core = [c.model_dump(exclude={"change"}) for c in x.clusters]
    other = [c.model_dump(exclude={"change"}) for c in y.clusters]
    if core == other and x.data_hash == y.data_hash:
        return "identical results"
    same_members = [c.member_keys() for c in x.clusters] == [c.member_keys() for c in y.clusters]
    challenged = [c.cluster_id for c in x.challenges] == [c.cluster_id for c in y.challenges]
    return f"members equal: {same_members}; challenge list equal: {challenged}"


def main() -> None:
    """Run the engines and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", required=True)
    parser.add_argument(
        "--password",
        default=os.environ.get("NEO4J_PASSWORD"),
        help="Neo4j password (default: NEO4J_PASSWORD)",
    )
    parser.add_argument("--engines", nargs="*", default=list(ENGINES), choices=ENGINES)
    parser.add_argument("--out", type=Path, default=Path("bench-engines.json"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/ocgmap-bench-engines"))
    parser.add_argument(
        "--gds-twice",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run gds twice: the server's first run after it started, and a warm one",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=2,
        help="processes per engine, as `ocgmap analyse --jobs` (2: the data hash alongside)",
    )
    parser.add_argument(
        "--batch-members",
        type=int,
        default=BATCH_MEMBERS,
        help="gds: members of scored clusters whose context is read at once",
    )
    args = parser.parse_args()
    if not args.password:
        parser.error("give the Neo4j password in NEO4J_PASSWORD (or --password)")
    args.work.mkdir(parents=True, exist_ok=True)
    from ocgmap import __version__

    results = []
    runs = [(e, e) for e in args.engines]
    if "gds" in args.engines and args.gds_twice:
        at = args.engines.index("gds")
        runs[at:at] = [("gds", "gds (first run)")]
    for engine, name in runs:
        out = args.work / f"{name.replace('/', '-').replace(' ', '-')}.json"
        started = time.perf_counter()
        result = run_engine(args.uri, args.password, engine, out, args.jobs, args.batch_members)
        result["engine"] = name
        result["wall"] = time.perf_counter() - started
        result["results_file"] = str(out)
        results.append(result)
        _say(
            f"{name}: {result['seconds']:.1f} s, peak RSS {result['peak_rss_mib']:,.0f} MiB "
            f"(its own processes {result['peak_rss_children_mib']:,.0f} MiB)"
        )
    base = results[0]
    _say("")
    _say(f"jobs: {args.jobs}; gds batches of {args.batch_members:,} members")
    _say("| engine | store edges | analyse | vs first | peak RSS (Python; hash process) | steps |")
    _say("|---|---|---|---|---|---|")
    for r in results:
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in r["steps"].items() if v >= 0.5)
        _say(
            f"| {r['engine']} | {r['summary']['edges']:,} | {r['seconds']:.1f} s "
            f"| {base['seconds'] / r['seconds']:.2f}x | {r['peak_rss_mib']:,.0f} MiB; "
            f"{r['peak_rss_children_mib']:,.0f} MiB | {steps} |"
        )
    for r in results[1:]:
        _say(
            f"{r['engine']} vs {base['engine']}: "
            f"{_same(Path(base['results_file']), Path(r['results_file']))}"
        )
    machine = {
        "python": platform.python_version(),
        "ocgmap": __version__,
        "cores": __import__("os").cpu_count(),
        "date": time.strftime("%Y-%m-%d"),
        "jobs": args.jobs,
        "batch_members": args.batch_members,
    }
    args.out.write_text(json.dumps({"machine": machine, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
