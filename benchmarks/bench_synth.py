"""Benchmark ``ocgmap synth``: wall time, rows/s and peak memory at a given scale.

The generator runs in a child process so its peak RSS is measured alone. The baseline, in
the same run, writes the same number of CSV rows of constant values with the standard
library's csv writer: the cost of the disk and the CSV module, with no world to simulate.
The ratio (synth time / baseline time) is what compares across machines.

    python benchmarks/bench_synth.py --scale 100 --out /tmp/synth-100
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

CHILD = """
import json, sys
from pathlib import Path
from ocgmap.synth import generate
truth = generate(Path(sys.argv[1]), seed=int(sys.argv[2]), scale=float(sys.argv[3]))
print(json.dumps({"rows": sum(f.rows for f in truth.files.values())}))
"""


def run_synth(out: Path, seed: int, scale: float) -> dict[str, float]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(out), str(seed), str(scale)],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    rows = json.loads(done.stdout)["rows"]
    size = sum(p.stat().st_size for p in out.iterdir())
    return {"seconds": seconds, "rows": rows, "bytes": size, "peak_rss_mib": peak_kib / 1024}


def run_baseline(out: Path, rows: int) -> float:
    row = [
        "BK000000001",
        "2025-03-01T02:14:00",
        "P&O Ferries",
        "FRCQF",
        "GBDVR",
        "AB12 CDE",
        "C123456",
        "Harbour Freight Ltd",
        "Jan Kowalski",
        "07700 900123",
        "general cargo",
    ]
    start = time.perf_counter()
    with (out / "baseline.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        for _ in range(rows):
            writer.writerow(row)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("/tmp/ocgmap-bench-synth"))
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    synth = run_synth(args.out / "world", args.seed, args.scale)
    baseline = run_baseline(args.out, int(synth["rows"]))
    result = {
        "scale": args.scale,
        "rows": int(synth["rows"]),
        "gigabytes": round(synth["bytes"] / 1e9, 3),
        "synth_seconds": round(synth["seconds"], 1),
        "synth_rows_per_s": round(synth["rows"] / synth["seconds"]),
        "baseline_seconds": round(baseline, 1),
        "ratio_synth_to_baseline": round(synth["seconds"] / baseline, 2),
        "peak_rss_mib": round(synth["peak_rss_mib"], 1),
    }
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    if not args.keep:
        shutil.rmtree(args.out, ignore_errors=True)


if __name__ == "__main__":
    main()
