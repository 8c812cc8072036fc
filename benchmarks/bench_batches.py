"""Benchmark what the GDS engine's batches leave behind in Python's memory.

    NEO4J_PASSWORD=... python benchmarks/bench_batches.py --uri bolt://127.0.0.1:7697 \
        --batch-members 5000

``--engine gds`` reads the scored clusters' context a batch at a time and lets each batch go
before the next is read, so Python's memory should be one batch's, however many batches a
national graph needs. This runs ``analyse_in_database`` in a child process on a loaded
Neo4j (with the GDS plugin), reading in batches even where the graph is small enough to read
whole, and records after each batch is let go: the process's RSS, the objects the cyclic
collector tracks in its oldest generation, and CPython's allocator statistics
(``sys._debugmallocstats``: arenas in use, bytes in live blocks, and free bytes inside pools
still in use, which grow when a batch's survivors keep pools of freed objects in use). The
baseline is the same run's first batches: the summary gives how much each batch added on
average from the second to the last, against what the first batch left (its RSS). Batches
that left nothing behind add nothing, whatever their number.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

CHILD = r"""
import gc, json, os, resource, sys, tempfile, time
import ocgmap.analysis.indb as indb
from ocgmap.store.neo4j import Neo4jStore

_STATS = {
    "# arenas allocated current": "arenas",
    "# bytes in allocated blocks": "live_bytes",
    "# bytes in available blocks": "free_bytes_in_used_pools",
}


def rss_mib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def allocator():
    # sys._debugmallocstats writes to the C stderr: catch it in a file
    saved = os.dup(2)
    with tempfile.TemporaryFile("w+") as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        text = tmp.read()
    out = {}
    for line in text.splitlines():
        for prefix, name in _STATS.items():
            if line.startswith(prefix):
                out[name] = int(line.split("=")[1].replace(",", ""))
    return out


uri, batch_members, jobs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
start = time.perf_counter()
rows = []
collect = indb.collect_young


steps = set()


def after_batch():
    collect()
    # the top and challenged clusters are read again after all are scored ("explain")
    phase = "detail" if "explain" in steps else "measure"
    row = {"batch": len(rows) + 1, "phase": phase,
           "seconds": round(time.perf_counter() - start, 1),
           "rss_mib": round(rss_mib(), 1), "old_objects": len(gc.get_objects(2)),
           **allocator()}
    rows.append(row)
    sys.stderr.write(json.dumps(row) + "\n")
    sys.stderr.flush()


indb.collect_young = after_batch  # called once each batch is let go
store = Neo4jStore.connect(uri, "neo4j", os.environ.pop("NEO4J_PASSWORD"))
try:
    run = indb.analyse_in_database(
        store, whole_graph_edges=0, batch_members=batch_members, jobs=jobs,
        progress=lambda step, n: steps.add(step),
    )
finally:
    store.close()
print(json.dumps({
    "seconds": round(time.perf_counter() - start, 1),
    "scored": len(run.clusters),
    "challenged": sum(1 for c in run.clusters if c.challenge),
    "batches": rows,
    "end": {"rss_mib": round(rss_mib(), 1), **allocator()},
    "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
}))
"""


def _per_batch(rows: list[dict[str, Any]], field: str, scale: float = 1.0) -> float | None:
    """Average growth of ``field`` per batch from the second batch to the last."""
    if len(rows) < 3:
        return None
    first, last = rows[1], rows[-1]
    grown = float(last[field] - first[field]) / scale
    return round(grown / (int(last["batch"]) - int(first["batch"])), 1)


def summarise(result: dict[str, Any]) -> dict[str, Any]:
    """Per-batch growth of RSS and of the allocator's free space, against the first batch.

    Only the batches of clusters being measured count: the top and challenged clusters read
    again afterwards (``"detail"``) sit beside the results of every cluster.

    >>> rows = [
    ...     {"batch": b, "rss_mib": 100.0 + 10 * b, "free_bytes_in_used_pools": 2**20 * b,
    ...      "live_bytes": 2**21, "phase": "measure" if b < 5 else "detail"}
    ...     for b in range(1, 6)
    ... ]
    >>> s = summarise({"batches": rows})
    >>> s["rss_mib_per_batch"], s["free_mib_per_batch"], s["live_mib_per_batch"], s["batches"]
    (10.0, 1.0, 0.0, 4)
    """
    rows = [row for row in result["batches"] if row["phase"] == "measure"]
    mib = float(2**20)
    return {
        "batches": len(rows),
        "detail_batches": sum(1 for row in result["batches"] if row["phase"] == "detail"),
        "first_batch_rss_mib": rows[0]["rss_mib"] if rows else None,
        "rss_mib_per_batch": _per_batch(rows, "rss_mib"),
        "free_mib_per_batch": _per_batch(rows, "free_bytes_in_used_pools", mib),
        "live_mib_per_batch": _per_batch(rows, "live_bytes", mib),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", required=True, help="a loaded Neo4j with the GDS plugin")
    parser.add_argument(
        "--batch-members", type=int, default=5000, help="members read at once (default 5000)"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="2: the data hash in a process of its own, as `ocgmap analyse` does (default 1: "
        "in a thread of this process)",
    )
    parser.add_argument("--out", type=Path, help="write the full result (JSON) here too")
    args = parser.parse_args()
    if "NEO4J_PASSWORD" not in os.environ:
        parser.error("set NEO4J_PASSWORD")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, args.uri, str(args.batch_members), str(args.jobs)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    result["summary"] = summarise(result)
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    s = {k: "n/a" if v is None else f"{v:,}" for k, v in result["summary"].items()}
    sys.stdout.write(
        "| batches | members a batch | first batch RSS | RSS a batch | free space a batch "
        "| live blocks a batch | end RSS | peak RSS | analyse |\n"
        "|---|---|---|---|---|---|---|---|---|\n"
    )
    sys.stdout.write(
        f"| {s['batches']} | {args.batch_members:,} | {s['first_batch_rss_mib']} MiB "
        f"| {s['rss_mib_per_batch']} MiB | {s['free_mib_per_batch']} MiB "
        f"| {s['live_mib_per_batch']} MiB | {result['end']['rss_mib']:,.0f} MiB "
        f"| {result['peak_rss_mib']:,.0f} MiB | {result['seconds']:.1f} s |\n"
    )


if __name__ == "__main__":
    main()
