"""Benchmark the Overview map's figures: counted by the store against read and counted here.

    NEO4J_PASSWORD=... python benchmarks/bench_overview.py --uri bolt://127.0.0.1:7697

``ocgmap.overview.places`` gives the dashboard's map: ports, cameras and routes with the
detections, ANPR reads and crossings at and on them. It reads the places and has the store
count what happened at them (``GraphStore.tally``; Neo4j counts in the server). The baseline,
in the same run, is the map read the way it used to be: every detection, crossing and vehicle
with their ``AT``, ``SIGHTED`` and ``ON_ROUTE`` relationships read into Python
(``to_networkx``) and counted there. Each runs in a child process, so its peak RSS is its own,
and the two must give the same map. ``--home`` measures an embedded store instead.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

CHILD = r"""
import json, os, resource, sys, time
from collections import Counter, defaultdict
from ocgmap import overview
from ocgmap.schema.labels import Label, RelType
from ocgmap.store.base import GraphFilter, observations

kind, where, way = sys.argv[1:4]
if kind == "neo4j":
    from ocgmap.store.neo4j import Neo4jStore
    store = Neo4jStore.connect(where, "neo4j", os.environ.pop("NEO4J_PASSWORD"))
else:
    from pathlib import Path
    from ocgmap.store.embedded import EmbeddedStore
    store = EmbeddedStore(Path(where))

EVERYTHING = GraphFilter(
    labels=frozenset(
        {Label.PORT, Label.LOCATION, Label.ROUTE, Label.DETECTION, Label.CROSSING, Label.VEHICLE}
    ),
    types=frozenset({RelType.AT, RelType.SIGHTED, RelType.ON_ROUTE}),
)


def read_and_count(store):
    # the baseline: the events read into Python and counted there
    graph = store.to_networkx(EVERYTHING)
    detections, reads, crossings = Counter(), Counter(), Counter()
    seen = defaultdict(set)
    for u, v, attrs in graph.edges(data=True):
        kind = attrs.get("type")
        if kind == RelType.SIGHTED:
            reads[v] += observations(attrs)
        elif kind in (RelType.AT, RelType.ON_ROUTE) and u not in seen[v]:
            seen[v].add(u)
            label = graph.nodes[u].get("label")
            if label == Label.DETECTION:
                detections[v] += 1
            elif label == Label.CROSSING:
                crossings[v] += 1
    return detections, reads, crossings


if way == "read":
    overview._activity = lambda store: read_and_count(store)
start = time.perf_counter()
found = overview.places(store)
seconds = time.perf_counter() - start
print(json.dumps({
    "seconds": seconds,
    "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "places": found.model_dump(mode="json"),
}))
"""

WAYS = {"tally": "counted by the store", "read": "read and counted in Python (the baseline)"}


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def run(kind: str, where: str, way: str, password: str | None) -> dict[str, Any]:
    env = {**os.environ}
    if password:
        env["NEO4J_PASSWORD"] = password
    done = subprocess.run(
        [sys.executable, "-c", CHILD, kind, where, way],
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"places() ({way}) failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main() -> None:
    """Measure both ways, alternating, and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--uri", help="a loaded Neo4j (nothing is written)")
    where.add_argument("--home", type=Path, help="OCGMAP_HOME of a loaded embedded store")
    parser.add_argument("--password", default=os.environ.get("NEO4J_PASSWORD"))
    parser.add_argument("--rounds", type=int, default=2, help="runs of each way")
    parser.add_argument("--out", type=Path, help="JSON results")
    parser.add_argument(
        "--ways",
        nargs="+",
        choices=list(WAYS),
        default=list(WAYS),
        help="which to run (the baseline reads every crossing and ANPR read into memory)",
    )
    args = parser.parse_args()
    kind, at = ("neo4j", args.uri) if args.uri else ("embedded", str(args.home / "graph.json"))
    if kind == "embedded" and not Path(at).exists():
        parser.error(f"no embedded store at {at}")
    results: dict[str, list[dict[str, Any]]] = {way: [] for way in args.ways}
    for _ in range(args.rounds):
        for way in args.ways:
            started = time.perf_counter()
            r = run(kind, at, way, args.password)
            r["wall"] = time.perf_counter() - started
            results[way].append(r)
    maps = [json.dumps(r["places"], sort_keys=True) for rs in results.values() for r in rs]
    same = len(set(maps)) == 1
    found = next(iter(results.values()))[0]["places"]
    _say(
        f"store: {kind}; {len(found['points'])} places, {len(found['routes'])} routes; "
        f"the same map every run: {same}"
    )
    _say("| way | runs | places() | peak RSS |")
    _say("|---|---|---|---|")
    for way, rs in results.items():
        times = " / ".join(f"{r['seconds']:.1f} s" for r in rs)
        rss = " / ".join(f"{r['peak_rss_mib']:,.0f} MiB" for r in rs)
        _say(f"| {WAYS[way]} | {len(rs)} | {times} | {rss} |")
    best = {way: min(r["seconds"] for r in rs) for way, rs in results.items()}
    if len(best) == 2:
        _say(f"baseline / store count (best of each): {best['read'] / best['tally']:.1f}x")
    if args.out:
        args.out.write_text(
            json.dumps(
                {
                    way: [{k: v for k, v in r.items() if k != "places"} for r in rs]
                    for way, rs in results.items()
                }
                | {"same": same},
                indent=2,
            )
            + "\n"
        )
    if not same:
        raise SystemExit("the two ways gave different maps")


if __name__ == "__main__":
    main()
