"""Run every benchmark, one after the other, at the synth scales given.

    python benchmarks/run_all.py --scales 1 10 --out bench-results

For each scale, in this order (each script measures its subject against a baseline in the
same run; see its own docstring):

1. ``bench_synth.py``: world generation against writing constant CSV rows;
2. ``bench_load.py``: a first load into Neo4j by ocgmap's batched pipeline against one
   ``MERGE`` per row, and by the bulk route (``load --bulk`` and ``scripts/neo4j-local
   import``) into a second server;
3. ``bench_engines.py``: the analysis engines (networkx, igraph, GDS) on the world the bulk
   route imported, then ``bench_overview.py``: the dashboard map's figures counted by the
   server against read into Python, and ``bench_batches.py``: what the GDS engine's batches
   leave in Python's memory, batch after batch, on the same world;
4. ``bench_analyse.py``: a load into the embedded store, then ``analyse`` on it (time and
   peak RSS) and community detection by networkx Louvain against igraph Leiden on its
   clustering graph.

Then ``bench_analyse.py`` once more, for Louvain against Leiden on a planted-partition graph
of ``--planted-edges`` edges, and ``bench_dashboard.py`` (first paint of the challenge list
and of cluster views in headless Chromium; ``scripts/setup-browser`` installs it) on the
dashboard scales.

The two Neo4j servers are throwaway instances under ``--work``, started here with
``scripts/neo4j-local`` (a random password, ports ``--port`` and ``--port`` + 1) and stopped
at the end, whatever happened. Each step's output goes to ``--out`` (``<step>-<scale>.json``
or ``.md``, and ``.log`` with what it printed on stderr); ``summary.json`` lists the steps with
their exit status and wall time, and ``machine.json`` the machine and versions. The figures in
BENCHMARKS.md are copied from these files. A failed step is reported and the others still
run; the exit status is 1 if any failed.

Scale 100 needs a machine to itself for most of a day, and the Python engines and the embedded
load do not fit in 24 GB there: leave them out with ``--skip engines-python analyse`` (and
``batches``, which there repeats the GDS engine's two-hour run).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NEO4J_LOCAL = ROOT / "scripts" / "neo4j-local"
STEPS = (
    "synth",
    "load",
    "engines-python",
    "engines-gds",
    "overview",
    "batches",
    "analyse",
    "dashboard",
)


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


class Runner:
    """Runs the steps, keeps what each printed, and records how each ended."""

    def __init__(self, out: Path, env: dict[str, str]) -> None:
        self.out = out
        self.env = env
        self.steps: list[dict[str, Any]] = []

    def run(
        self,
        name: str,
        argv: Sequence[str],
        stdout: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> bool:
        """Run one step; its stdout goes to ``stdout`` (if given), its stderr to a log."""
        log = self.out / f"{name}.log"
        _say(f"== {name}: {' '.join(argv)}")
        started = time.perf_counter()
        with log.open("w", encoding="utf-8") as err:
            with open(stdout or os.devnull, "w", encoding="utf-8") as std:
                done = subprocess.run(
                    argv, stdout=std, stderr=err, env={**self.env, **(env or {})}, cwd=ROOT
                )
        seconds = time.perf_counter() - started
        self.steps.append(
            {"step": name, "status": done.returncode, "seconds": round(seconds, 1), "log": log.name}
        )
        verdict = "done" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
        _say(f"   {verdict} in {seconds:,.1f} s; log {log}")
        if done.returncode:
            _say("   " + "\n   ".join(log.read_text(encoding="utf-8").splitlines()[-15:]))
        return done.returncode == 0


@contextlib.contextmanager
def servers(
    work: Path, port: int, heap: str, pagecache: str, env: dict[str, str]
) -> Iterator[dict[str, dict[str, str]]]:
    """Two throwaway Neo4j instances (normal load, bulk import), stopped on the way out."""
    instances = {
        "normal": {
            **env,
            "NEO4J_LOCAL_INSTANCE": str(work / "neo4j-normal"),
            "NEO4J_BOLT_PORT": str(port),
            "NEO4J_HEAP": heap,
            "NEO4J_PAGECACHE": pagecache,
        },
        "bulk": {
            **env,
            "NEO4J_LOCAL_INSTANCE": str(work / "neo4j-bulk"),
            "NEO4J_BOLT_PORT": str(port + 1),
            "NEO4J_HEAP": heap,
            "NEO4J_PAGECACHE": pagecache,
        },
    }
    started: list[dict[str, str]] = []
    try:
        for name, instance in instances.items():
            _say(f"== starting the {name} server on port {instance['NEO4J_BOLT_PORT']}")
            subprocess.run([str(NEO4J_LOCAL), "start"], env=instance, check=True)
            started.append(instance)
        yield instances
    finally:
        for instance in started:
            subprocess.run([str(NEO4J_LOCAL), "stop"], env=instance, check=False)


def _scale_name(scale: float) -> str:
    return f"{scale:g}".replace(".", "_")


def _batch_members(scale: float) -> int:
    """Members a batch for ``bench_batches.py``: some 25 batches at any scale up to 40.

    >>> _batch_members(0.02), _batch_members(1), _batch_members(10), _batch_members(100)
    (500, 500, 5000, 20000)
    """
    return min(20_000, max(500, int(500 * scale)))


def _machine() -> dict[str, Any]:
    from ocgmap import __version__

    java = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
    memory = (
        Path("/proc/meminfo").read_text().splitlines()[0] if Path("/proc/meminfo").exists() else ""
    )
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "ocgmap": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cores": os.cpu_count(),
        "memory": memory.split(":", 1)[-1].strip(),
        "java": (java.stderr or java.stdout).splitlines()[0] if java.returncode == 0 else None,
        # the jars scripts/neo4j-local resolved (its default NEO4J_LOCAL_HOME)
        "neo4j": _jar_version(ROOT / ".neo4j" / "lib", "neo4j-kernel-"),
        "gds": _jar_version(ROOT / ".neo4j" / "plugins", "opengds-extension-"),
        "apoc": _jar_version(ROOT / ".neo4j" / "plugins", "apoc-core-"),
    }


def _jar_version(folder: Path, prefix: str) -> str | None:
    """The version in the name of the first jar ``<prefix><version>.jar`` in ``folder``."""
    jars = sorted(folder.glob(f"{prefix}[0-9]*.jar"))
    return jars[0].name[len(prefix) : -len(".jar")] if jars else None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0], help="synth scales")
    parser.add_argument(
        "--dashboard-scales",
        type=float,
        nargs="*",
        default=None,
        help="synth scales of the dashboard benchmark (default: those of --scales up to 1)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip", nargs="*", default=[], choices=STEPS, help="steps to leave out")
    parser.add_argument("--out", type=Path, default=Path("bench-results"), help="results")
    parser.add_argument(
        "--work", type=Path, default=Path("/tmp/ocgmap-bench"), help="worlds and servers (wiped)"
    )
    parser.add_argument("--port", type=int, default=7720, help="Bolt port of the first server")
    parser.add_argument("--heap", default="2g", help="each server's JVM heap")
    parser.add_argument("--pagecache", default="2g", help="each server's page cache")
    parser.add_argument(
        "--baseline-rows", type=int, default=3000, help="rows of bench_load.py's per-row subset"
    )
    parser.add_argument(
        "--planted-edges",
        type=int,
        default=1_000_000,
        help="edges of the planted-partition graph Louvain and Leiden are timed on (0: none)",
    )
    args = parser.parse_args(argv)
    skip = set(args.skip)
    marker = args.work / ".ocgmap-bench"
    if args.work.exists() and any(args.work.iterdir()) and not marker.exists():
        parser.error(f"--work {args.work} holds files this script did not make: not wiping it")
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    marker.touch()
    args.out.mkdir(parents=True, exist_ok=True)
    machine = _machine()
    (args.out / "machine.json").write_text(json.dumps(machine, indent=2) + "\n")
    # every step reads the password from its environment: never on a command line or in a log
    env = {**os.environ, "NEO4J_PASSWORD": secrets.token_urlsafe(18)}
    env.pop("OCGMAP_HOME", None)
    runner = Runner(args.out, env)
    py = sys.executable
    needs_servers = "load" not in skip
    with contextlib.ExitStack() as stack:
        instances = (
            stack.enter_context(servers(args.work, args.port, args.heap, args.pagecache, env))
            if needs_servers
            else {}
        )
        for scale in args.scales:
            tag = _scale_name(scale)
            generated = False  # bench_synth.py keeps the world it timed for the later steps
            kept = args.work / f"synth-{tag}" / "world"
            if "synth" not in skip:
                generated = runner.run(
                    f"synth-{tag}",
                    [
                        py,
                        str(HERE / "bench_synth.py"),
                        "--scale",
                        str(scale),
                        "--seed",
                        str(args.seed),
                        "--out",
                        str(args.work / f"synth-{tag}"),
                        "--keep",
                    ],
                    args.out / f"synth-{tag}.json",
                )
            loaded = False
            if "load" not in skip:
                bulk = instances["bulk"]
                loaded = runner.run(
                    f"load-{tag}",
                    [
                        py,
                        str(HERE / "bench_load.py"),
                        "--scale",
                        str(scale),
                        "--seed",
                        str(args.seed),
                        "--uri",
                        f"bolt://127.0.0.1:{args.port}",
                        "--baseline-rows",
                        str(args.baseline_rows),
                        "--out",
                        str(args.work / f"load-{tag}"),
                        "--bulk-instance",
                        bulk["NEO4J_LOCAL_INSTANCE"],
                        "--bulk-port",
                        bulk["NEO4J_BOLT_PORT"],
                        *(["--world", str(kept)] if generated else []),
                    ],
                    args.out / f"load-{tag}.json",
                )
            engines = [
                *([] if "engines-python" in skip else ["python/networkx", "python/igraph"]),
                *([] if "engines-gds" in skip else ["gds"]),
            ]
            if engines and loaded:  # the world the bulk route imported
                runner.run(
                    f"engines-{tag}",
                    [
                        py,
                        str(HERE / "bench_engines.py"),
                        "--uri",
                        f"bolt://127.0.0.1:{args.port + 1}",
                        "--engines",
                        *engines,
                        "--out",
                        str(args.out / f"engines-{tag}.json"),
                        "--work",
                        str(args.work / f"engines-{tag}"),
                    ],
                    args.out / f"engines-{tag}.md",
                )
            elif engines:
                _say(f"== engines-{tag}: not run, the load step did not leave a world")
            if "overview" not in skip and loaded:
                runner.run(
                    f"overview-{tag}",
                    [
                        py,
                        str(HERE / "bench_overview.py"),
                        "--uri",
                        f"bolt://127.0.0.1:{args.port + 1}",
                        "--out",
                        str(args.out / f"overview-{tag}.json"),
                    ],
                    args.out / f"overview-{tag}.md",
                )
            if "batches" not in skip and loaded:
                runner.run(
                    f"batches-{tag}",
                    [
                        py,
                        str(HERE / "bench_batches.py"),
                        "--uri",
                        f"bolt://127.0.0.1:{args.port + 1}",
                        "--batch-members",
                        str(_batch_members(scale)),
                        "--out",
                        str(args.out / f"batches-{tag}.json"),
                    ],
                    args.out / f"batches-{tag}.md",
                )
            if "analyse" not in skip:
                home = args.work / f"home-{tag}"
                world = kept if generated else args.work / f"world-{tag}"
                ocgmap = str(Path(sys.executable).with_name("ocgmap"))
                embedded = {"OCGMAP_HOME": str(home), "OCGMAP_STORE": "embedded"}
                made = generated or runner.run(
                    f"world-{tag}",
                    [
                        ocgmap,
                        "synth",
                        "--seed",
                        str(args.seed),
                        "--scale",
                        str(scale),
                        "--out",
                        str(world),
                    ],
                    env=embedded,
                )
                made = made and runner.run(
                    f"embedded-load-{tag}", [ocgmap, "load", str(world)], env=embedded
                )
                if made:
                    runner.run(
                        f"analyse-{tag}",
                        [py, str(HERE / "bench_analyse.py"), str(home), "--edges", "0"],
                        args.out / f"analyse-{tag}.md",
                    )
    if "analyse" not in skip and args.planted_edges:
        runner.run(
            "communities",
            [py, str(HERE / "bench_analyse.py"), "--edges", str(args.planted_edges)],
            args.out / "communities.md",
        )
    dashboard = args.dashboard_scales
    if dashboard is None:
        dashboard = [s for s in args.scales if s <= 1]
    if "dashboard" not in skip and dashboard:
        runner.run(
            "dashboard",
            [
                py,
                str(HERE / "bench_dashboard.py"),
                "--scale",
                *map(str, dashboard),
                "--seed",
                str(args.seed),
                "--work",
                str(args.work / "dashboard"),
                "--out",
                str(args.out / "dashboard.json"),
            ],
            args.out / "dashboard.md",
        )
    (args.out / "summary.json").write_text(
        json.dumps({"machine": machine, "steps": runner.steps}, indent=2) + "\n"
    )
    failed = [s["step"] for s in runner.steps if s["status"]]
    _say(f"== {len(runner.steps)} steps, {len(failed)} failed; results in {args.out}")
    for name in failed:
        _say(f"   failed: {name} (see {args.out / (name + '.log')})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
