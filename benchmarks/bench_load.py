"""Benchmark loading a synthetic world into Neo4j: ocgmap's pipeline against a naive writer.

WARNING: THIS BENCHMARK WIPES THE NEO4J DATABASE IT CONNECTS TO. Every node and relationship
is deleted, several times (constraints stay). Point it only at a throwaway server, never at
one that holds data you want to keep.

The server must be running before the benchmark starts; ``scripts/neo4j-local start`` starts
one. A separate instance on its own port keeps the benchmark away from everyone else's data:

    NEO4J_LOCAL_INSTANCE=.neo4j/bench NEO4J_BOLT_PORT=7699 NEO4J_PASSWORD=bench-only \\
        scripts/neo4j-local start
    python benchmarks/bench_load.py --scale 0.2 --uri bolt://127.0.0.1:7699 --password bench-only
    NEO4J_LOCAL_INSTANCE=.neo4j/bench NEO4J_BOLT_PORT=7699 scripts/neo4j-local stop

Steps:

1. Generate a world with ``ocgmap.synth.generate`` (not timed).
2. Full load: wipe, then time ``loaders.pipeline.run([world], store, home)`` on every file, in a
   child process so its peak RSS is its own.
3. Subset: the first ``--baseline-rows`` valid rows of crossings.csv are written to
   ``<out>/subset/crossings.csv`` (not timed). Wipe and time the pipeline on that file.
4. Naive baseline, on the same file: wipe, then read it with ``read_records``, validate each
   record with the source's model, build graph rows with ``to_graph`` (a ``RowContext``, one
   ``HaulierIndex`` and one memo for the file, as the pipeline does), and write each graph row
   in its own ``session.execute_write`` transaction with one parameterised ``MERGE``.

5. Bulk route (with ``--bulk-instance``): ``loaders.bulk.bulk_load`` on the whole world (in a
   child process, its peak RSS its own; ``--bulk-modes`` memory and/or disk, the latter with
   ``on_disk=True``), then ``scripts/neo4j-local import DIR --force`` into the instance
   ``--bulk-instance`` (a second throwaway server on ``--bulk-port``, which the script stops
   for the import and starts again), each timed; then ``ocgmap db status --json`` of the
   imported database must equal the full load's, or the benchmark stops. The route's time
   is the two steps together (a first load into an empty database either way).

The ratios (pipeline input rows/s / naive input rows/s on the same subset; the full load's
time / the bulk route's time on the same world) are what compare across machines.

The naive writer does less per row than the pipeline, so the ratio understates the pipeline's
advantage rather than overstating it: temporal properties go as ISO strings and are stored as
strings (no driver temporal packing, no server ``datetime()``), ``first_seen``/``last_seen``
are not kept, and list properties are overwritten instead of accumulated. ``sources`` is
accumulated without duplicates, as the pipeline does; plain concatenation would grow the
sources list of every port and route by one entry per crossing and slow the naive writer
down for a reason that is not its transactions. Relationship writes return how many rows
found both end nodes, and a row that finds none stops the benchmark, so the naive writer
cannot look faster by dropping rows.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

from loaders.base import GraphRow, RowContext
from loaders.pipeline import LoadReport, run
from loaders.read import file_digest, read_records
from loaders.sources import sources
from ocgmap.resolve import HaulierIndex
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import NodeRow, SourceRef
from ocgmap.store.neo4j import Neo4jStore
from ocgmap.synth import generate

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "neo4j-local"
OCGMAP = shutil.which("ocgmap") or str(Path(sys.executable).parent / "ocgmap")

WARNING = (
    "WARNING: this benchmark WIPES the Neo4j database it connects to (every node and "
    "relationship, several times). Use a throwaway server started beforehand with "
    "scripts/neo4j-local start, e.g. NEO4J_LOCAL_INSTANCE=.neo4j/bench NEO4J_BOLT_PORT=7699."
)

CHILD = """
import cProfile, json, os, resource, sys, time
from pathlib import Path
from loaders.pipeline import run
from ocgmap.store.neo4j import Neo4jStore
world, home, uri, user, profile = sys.argv[1:6]
store = Neo4jStore.connect(uri, user, os.environ["NEO4J_PASSWORD"])
profiler = cProfile.Profile() if profile else None
try:
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    report = run([Path(world)], store, Path(home))
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - start
finally:
    store.close()
if profiler:
    profiler.dump_stats(profile)
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kib": peak_kib,
                  "report": report.model_dump(mode="json")}))
"""

BULK_CHILD = """
import json, resource, sys, time
from pathlib import Path
from loaders.bulk import bulk_load
world, out, home, mode = sys.argv[1:5]
start = time.perf_counter()
done = bulk_load([Path(world)], Path(out), Path(home), force=True, on_disk=mode == "disk")
seconds = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kib": peak_kib,
                  "counts": done.manifest.counts.model_dump(mode="json")}))
"""

# -- the naive baseline's Cypher: the thing being measured against -------------------------
# Labels and types are interpolated only from the schema enums; every value is a $parameter.

_SOURCES = "coalesce({v}.sources, []) + [s IN $sources WHERE NOT s IN coalesce({v}.sources, [])]"


@functools.cache
def naive_node_query(label: Label) -> str:
    """One node: ``MERGE`` by key, overwrite properties, accumulate sources."""
    if not isinstance(label, Label):
        raise TypeError(f"{label!r} is not a schema label")
    return (
        f"MERGE (n:`{label.value}` {{key: $key}}) "
        f"SET n += $props, n.sources = {_SOURCES.format(v='n')}"
    )


@functools.cache
def naive_edge_query(rel: RelType, start: Label, end: Label) -> str:
    """One relationship between two existing nodes; returns how many rows matched both."""
    if not (isinstance(rel, RelType) and isinstance(start, Label) and isinstance(end, Label)):
        raise TypeError(f"{rel!r}, {start!r}, {end!r} are not schema names")
    return (
        f"MATCH (a:`{start.value}` {{key: $a}}) MATCH (b:`{end.value}` {{key: $b}}) "
        f"MERGE (a)-[r:`{rel.value}` {{key: $k}}]->(b) "
        f"SET r += $props, r.sources = {_SOURCES.format(v='r')} "
        "RETURN count(*) AS matched"
    )


# -----------------------------------------------------------------------------------------


def _props(row: GraphRow) -> dict[str, Any]:
    """Row properties plus grading, dates and datetimes as ISO strings."""
    props = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.properties.items()}
    if row.grading is not None:
        props.update(row.grading.as_properties())
    return props


def _write_node(tx: Any, query: str, params: dict[str, Any]) -> None:
    tx.run(query, params).consume()


def _write_edge(tx: Any, query: str, params: dict[str, Any]) -> int:
    return int(tx.run(query, params).single(strict=True)["matched"])


def _write_naive(session: Any, row: GraphRow) -> None:
    props, row_sources = _props(row), list(row.sources)
    if isinstance(row, NodeRow):
        params = {"key": row.key, "props": props, "sources": row_sources}
        session.execute_write(_write_node, naive_node_query(row.label), params)
        return
    query = naive_edge_query(row.type, row.start.label, row.end.label)
    params = {"a": row.start.key, "b": row.end.key, "k": row.key, "props": props}
    if not session.execute_write(_write_edge, query, {**params, "sources": row_sources}):
        raise RuntimeError(f"naive baseline: {row.type} names a node it has not written")


def run_naive(path: Path, store: Neo4jStore) -> dict[str, float]:
    """Time the naive baseline on a crossings file: one transaction per graph row."""
    source = sources()["crossings"]
    rows = graph_rows = 0
    start = time.perf_counter()
    file_id = file_digest(path, text=True)
    index = HaulierIndex()
    memo: dict[Any, Any] = {}
    with store.driver.session(database=store.database) as session:
        for record in read_records(path, source.kind):
            ref = SourceRef(load_id=file_id, file=path.name, row=record.row)
            ctx = RowContext(ref, record.values, index, memo)
            row = source.model.model_validate(record.values)
            for out in source.to_graph(row, ctx):
                _write_naive(session, out)
                graph_rows += 1
            rows += 1
    return {"seconds": time.perf_counter() - start, "rows": rows, "graph_rows": graph_rows}


def write_subset(world: Path, out: Path, rows: int) -> int:
    """Write the first ``rows`` valid rows of the world's crossings.csv to ``out``."""
    source = sources()["crossings"]
    index = HaulierIndex()
    memo: dict[Any, Any] = {}
    kept: list[dict[str, Any]] = []
    ref = SourceRef(load_id="subset", file="crossings.csv", row=0)
    for record in read_records(world / "crossings.csv", source.kind):
        if len(kept) >= rows:
            break
        if record.error:
            continue
        try:
            row = source.model.model_validate(record.values)
            list(source.to_graph(row, RowContext(ref, record.values, index, memo)))
        except ValueError:  # pydantic's ValidationError is a ValueError
            continue
        kept.append(record.values)
    header = list(dict.fromkeys(k for values in kept for k in values))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, restval="")
        writer.writeheader()
        writer.writerows(kept)
    return len(kept)


def run_full(world: Path, home: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Run the pipeline on the whole world in a child process; return its timing and report."""
    profile = str(args.profile) if args.profile else ""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(world), str(home), args.uri, args.user, profile],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "NEO4J_PASSWORD": args.password},
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _status(uri: str, user: str, password: str) -> dict[str, Any]:
    """``ocgmap db status --json`` of a server."""
    env = {**os.environ, "NEO4J_URI": uri, "NEO4J_USER": user, "NEO4J_PASSWORD": password}
    env.pop("OCGMAP_STORE", None)
    done = subprocess.run(
        [OCGMAP, "db", "status", "--json"], env=env, capture_output=True, text=True, check=True
    )
    status: dict[str, Any] = json.loads(done.stdout)
    return status


def run_bulk(world: Path, work: Path, mode: str, args: argparse.Namespace) -> dict[str, Any]:
    """Bulk-load ``world`` (``mode`` memory or disk) and import it into the bulk instance."""
    out = work / f"import-{mode}"
    done = subprocess.run(
        [sys.executable, "-c", BULK_CHILD, str(world), str(out), str(work / f"home-{mode}"), mode],
        check=True,
        capture_output=True,
        text=True,
    )
    loaded: dict[str, Any] = json.loads(done.stdout)
    env = {
        **os.environ,
        "NEO4J_LOCAL_INSTANCE": str(args.bulk_instance),
        "NEO4J_BOLT_PORT": str(args.bulk_port),
        "NEO4J_PASSWORD": args.password,
    }
    start = time.perf_counter()
    imported = subprocess.run(
        [str(SCRIPT), "import", str(out), "--force"], env=env, capture_output=True, text=True
    )
    import_seconds = time.perf_counter() - start
    if imported.returncode:
        raise SystemExit(f"the import failed:\n{imported.stderr[-3000:]}")
    shutil.rmtree(out, ignore_errors=True)
    status = _status(f"bolt://127.0.0.1:{args.bulk_port}", args.user, args.password)
    return {
        "mode": mode,
        "load_seconds": round(loaded["seconds"], 1),
        "import_seconds": round(import_seconds, 1),
        "seconds": round(loaded["seconds"] + import_seconds, 1),
        "peak_rss_mib": round(loaded["peak_kib"] / 1024, 1),
        # the script's own account of its steps (stop, import tool, start, constraints)
        "import_steps": [
            line
            for line in imported.stderr.splitlines()
            if "IMPORT DONE" in line or re.search(r" in \d+s\b", line)
        ],
        "status": status,
    }


def _total(counts: dict[str, int]) -> int:
    return sum(counts.values())


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=f"{__doc__.splitlines()[0]}\n\n{textwrap.fill(WARNING, 80)}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--world",
        type=Path,
        help="load this synthetic world (bench_synth.py --keep) instead of generating one; "
        "--scale then only labels the result",
    )
    parser.add_argument(
        "--uri",
        default=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"),
        help="Neo4j to WIPE and load (default: $NEO4J_URI or bolt://127.0.0.1:7687)",
    )
    parser.add_argument("--user", default="neo4j")
    parser.add_argument(
        "--password",
        default=os.environ.get("NEO4J_PASSWORD", "ocgmap-local"),
        help="default: $NEO4J_PASSWORD or ocgmap-local",
    )
    parser.add_argument(
        "--baseline-rows",
        type=int,
        default=3000,
        help="valid crossings.csv rows in the subset both sides load (default 3000)",
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/ocgmap-bench-load"))
    parser.add_argument(
        "--profile",
        type=Path,
        help="write cProfile stats of the full load here (its time then includes the profiler)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--bulk-instance",
        type=Path,
        help="NEO4J_LOCAL_INSTANCE of a second throwaway server to bulk-import into (its "
        "database is REPLACED); without it the bulk route is not measured",
    )
    parser.add_argument("--bulk-port", type=int, default=7697, help="its Bolt port")
    parser.add_argument(
        "--bulk-modes",
        nargs="+",
        choices=["memory", "disk"],
        default=["memory"],
        help="bulk stores to measure (default: memory)",
    )
    parser.add_argument(
        "--skip-baseline", action="store_true", help="skip the subset and naive steps"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    world, subset = args.out / "world", args.out / "subset" / "crossings.csv"
    if args.world is None:
        generate(world, seed=args.seed, scale=args.scale)
    elif not (args.world / "crossings.csv").is_file():
        raise SystemExit(f"{args.world}: not a synthetic world (no crossings.csv)")
    else:
        world = args.world
    store = Neo4jStore.connect(args.uri, args.user, args.password)
    try:
        store.wipe()
        full = run_full(world, args.out / "home-full", args)
        report = LoadReport.model_validate(full["report"])
        full_status = _status(args.uri, args.user, args.password)
        _step("full load", seconds=round(full["seconds"], 1), status=full_status)
        bulk = []
        for mode in args.bulk_modes if args.bulk_instance else []:
            bulk.append(run_bulk(world, args.out, mode, args))
            _step(f"bulk {mode}", **bulk[-1])
            if bulk[-1]["status"] != full_status:
                raise SystemExit(
                    f"the bulk route ({mode}) gave another graph: {bulk[-1]['status']} "
                    f"against {full_status}"
                )
        if args.skip_baseline:
            _say_result(args, report, full, bulk, None)
            return
        subset_rows = write_subset(world, subset, args.baseline_rows)

        store.wipe()
        start = time.perf_counter()
        piped = run([subset], store, args.out / "home-subset")
        piped_seconds = time.perf_counter() - start

        store.wipe()
        store.ensure_schema()
        naive = run_naive(subset, store)
        naive_counts = store.counts()
    finally:
        store.close()
    piped_rate = sum(f.rows for f in piped.files) / piped_seconds
    naive_rate = naive["rows"] / naive["seconds"]
    baseline = {
        "subset_rows": subset_rows,
        "subset_graph_rows": naive["graph_rows"],
        "pipeline_subset_seconds": round(piped_seconds, 2),
        "pipeline_subset_rows_per_s": round(piped_rate),
        "pipeline_subset_nodes": _total(piped.nodes),
        "pipeline_subset_relationships": _total(piped.relationships),
        "naive_seconds": round(naive["seconds"], 2),
        "naive_rows_per_s": round(naive_rate, 1),
        "naive_nodes": _total(naive_counts.nodes),
        "naive_relationships": _total(naive_counts.relationships),
        "ratio": round(piped_rate / naive_rate, 1),
    }
    _say_result(args, report, full, bulk, baseline)


def _step(name: str, **figures: Any) -> None:
    """Each step's figures on standard error as it ends: a run that fails later keeps them."""
    sys.stderr.write(json.dumps({"step": name, **figures}) + "\n")
    sys.stderr.flush()


def _say_result(
    args: argparse.Namespace,
    report: LoadReport,
    full: dict[str, Any],
    bulk: list[dict[str, Any]],
    baseline: dict[str, Any] | None,
) -> None:
    rows = sum(f.rows for f in report.files)
    result: dict[str, Any] = {
        "scale": args.scale,
        "input_rows": rows,
        "loaded": sum(f.loaded for f in report.files),
        "quarantined": sum(f.quarantined for f in report.files),
        "file_errors": [f"{f.path}: {f.error}" for f in report.files if f.error],
        "seconds": round(full["seconds"], 1),
        "rows_per_s": round(rows / full["seconds"]),
        "nodes": _total(report.nodes),
        "relationships": _total(report.relationships),
        "possibly_same": report.possibly_same,
        "peak_rss_mib": round(full["peak_kib"] / 1024, 1),
        **(baseline or {}),
    }
    for route in bulk:
        route["rows_per_s"] = round(rows / route["seconds"])
        route["full_load_over_bulk"] = round(full["seconds"] / route["seconds"], 2)
        route.pop("status")  # equal to the full load's (checked)
    result["bulk"] = bulk
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    if not args.keep:
        shutil.rmtree(args.out, ignore_errors=True)


if __name__ == "__main__":
    main()
