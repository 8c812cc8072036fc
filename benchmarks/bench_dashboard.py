"""Benchmark the dashboard in Chromium: first paint of the challenge list and a cluster view.

Each world is an ``OCGMAP_HOME`` with an embedded store and an analysis run. The benchmark
makes them (or takes them with ``--home``):

- synthetic worlds, one per ``--scale``: ``ocgmap synth``, ``ocgmap load --store embedded``
  and ``ocgmap analyse --store embedded`` (or, with ``--home``, homes made that way before:
  a world whose ``../data/truth.json`` exists is named by its scale and seed);
- cluster worlds, one per ``--members``: a detections file (formats.md §1) in which one
  haulier's lorries are detected again and again, each detection naming a vehicle, a
  trailer, a driver and the driver's phone that no other detection names. The world holds
  one cluster: the haulier, and ``(members - 1) // 5`` detections with their four entities
  each (a cluster's members include its events). The cluster page reads the members and
  everything one relationship away (here a few ports and a route) and draws at most 2,000
  nodes (``dashboards/pages/cluster.py``), so ``--members 2000`` gives a 2,000-node drawing.

The challenge list is measured on the synthetic (and given) worlds, the cluster page on the
cluster worlds. Each world is served with the dashboard's own command line
(``ocgmap.dashboard.command``, what ``ocgmap dashboard`` runs): the challenge list on port
8612, the cluster page by a server of its own on port 8613 (see :func:`measure_world`). The
baseline, ``benchmarks/dashboard_baseline.py`` (the same sign-in and sidebar around a title
and a three-row table), is served with the same command line on port 8611. All are freshly
started for each world. Chromium (``/usr/bin/chromium``, driven by Playwright as in
``tests/e2e/test_browser.py``) then opens, in a new browser context each time, the baseline
and the world's page (``/``, the challenge list; ``/cluster``, which shows the first cluster
of the latest run), signing in through the form. Times are read in the page
(``performance.now()``, whose origin is the navigation start) on the first animation frame
where:

- the sign-in form's user name box is visible (``form``);
- after the click on Sign in, the page's heading is there and its table (a canvas grid) is
  visible and holds a cluster id, or it says that nothing matches (baseline, challenge list);
- after the click, the network component holds as many nodes as the page's caption says are
  drawn and the layout has placed them (cluster page).

``after sign-in`` (click to painted) is the figure compared: the sign-in run (the password
check, then ``st.rerun``) and one run of the page, the same sign-in as in the baseline. On
the cluster page the time the caption "Drawing N of M nodes" appears is also kept: the page's
script has chosen what to draw by then, and the rest is the network component drawing it.
The first round after the servers start is ``cold`` (Streamlit and ocgmap imported, caches
empty); the next ``--repeat`` rounds are ``warm`` and give the median and the range. Every
figure is also divided by the baseline measured in the same rounds.

    python benchmarks/bench_dashboard.py --scale 0.1 0.3 --members 250 500 1000 2000 \
        --out /tmp/bench_dashboard.json

Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

OCGMAP = shutil.which("ocgmap") or str(Path(sys.executable).parent / "ocgmap")
CHROMIUM = os.environ.get("OCGMAP_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
BASELINE_APP = Path(__file__).with_name("dashboard_baseline.py")
BASELINE_PORT, CHALLENGE_PORT, CLUSTER_PORT = 8611, 8612, 8613
USER, PASSWORD = "bench", "correct horse battery"
WAIT_MS = int(
    os.environ.get("BENCH_WAIT_MS", "300000")
)  # bounds on a hung page, not a performance limit
VIEWPORT = {"width": 1400, "height": 1000}
#: Variables that would point the servers at another store or sign-in.
_CLEARED = ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "OCGMAP_STORE", "OCGMAP_LOGIN")

# Predicates evaluated in the page on every animation frame; each returns false, or the
# in-page time (ms since navigation start) and what it saw.
_FORM = """() => {
  const box = document.querySelector('input[aria-label="user name"]');
  return box && box.offsetHeight > 0 ? {t: performance.now()} : false;
}"""
_TABLE = """(title) => {
  const heading = [...document.querySelectorAll('h1')].some(h => h.textContent.includes(title));
  if (!heading) return false;
  const text = document.body.innerText;
  const shown = (text.match(/([\\d,]+) clusters? shown/) || [])[1] || null;
  const grid = document.querySelector('[data-testid="stDataFrame"]');
  if (grid && grid.offsetHeight > 0 && /C-\\d{5}/.test(grid.textContent)) {
    return {t: performance.now(), shown: shown, empty: false};
  }
  if (text.includes('Nothing matches these filters')) {
    return {t: performance.now(), shown: shown, empty: true};
  }
  return false;
}"""
_NETWORK = """() => {
  const caption = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
    .map(c => c.textContent).find(c => c.startsWith('Drawing '));
  if (!caption) return false;
  if (window.__captionAt === undefined) window.__captionAt = performance.now();
  const m = caption.match(/Drawing ([\\d,]+) of ([\\d,]+) nodes/);
  const want = parseInt(m[1].replace(/,/g, ''), 10);
  const frame = document.querySelector("iframe[title*='st_link_analysis']");
  const doc = frame && frame.offsetHeight > 0 ? frame.contentDocument : null;
  const box = doc ? doc.getElementById('cy') : null;
  const cy = box && box._cyreg ? box._cyreg.cy : null;
  if (!cy || cy.nodes().length !== want || !doc.querySelector('canvas')) return false;
  const placed = new Set(cy.nodes().map(n => Math.round(n.position('x')) + ',' +
    Math.round(n.position('y'))));
  if (want > 1 && placed.size < want / 2) return false;
  return {t: performance.now(), caption: window.__captionAt, drawn: want,
          around: parseInt(m[2].replace(/,/g, ''), 10), edges: cy.edges().length};
}"""


def _say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# --- the machine ---------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """Cores, memory, load, versions and date of this run."""
    mem_kib = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    versions = {"python": platform.python_version()}
    for dist in ("ocgmap", "streamlit", "st_link_analysis", "playwright"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[dist] = metadata.version(dist)
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "ram_gib": round(mem_kib / 1024 / 1024, 1),
        "platform": platform.platform(),
        "load_average_at_start": list(os.getloadavg()),
        "versions": versions,
    }


# --- worlds --------------------------------------------------------------------------------


@dataclass
class World:
    """An ``OCGMAP_HOME`` with an analysis run, and how it was made."""

    name: str
    home: Path
    kind: str  # "synth", "cluster" or "given"
    size: float | None = None  # scale or members asked for
    prep_s: dict[str, float] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    first_cluster_members: int | None = None
    pages: tuple[str, ...] = ("challenge", "cluster")


def _env(home: Path, users: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env["OCGMAP_HOME"] = str(home)
    if users is not None:
        env["OCGMAP_USERS_FILE"] = str(users)
    return env


def _ocgmap(args: list[str], home: Path) -> float:
    """Run one ``ocgmap`` command on ``home``; return its wall-clock seconds."""
    cmd = [OCGMAP, *args]
    started = time.perf_counter()
    done = subprocess.run(cmd, env=_env(home), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:2])} failed ({done.returncode}):\n{done.stderr}")
    return time.perf_counter() - started


def _load_and_analyse(world: World, data: Path) -> None:
    world.prep_s["load"] = _ocgmap(["load", str(data), "--store", "embedded"], world.home)
    out = world.home.parent / "results.json"
    world.prep_s["analyse"] = _ocgmap(
        ["analyse", "--store", "embedded", "--out", str(out), "--top", "1"], world.home
    )
    _describe(world, out)


def _describe(world: World, results: Path) -> None:
    run = json.loads(results.read_text())
    world.summary = dict(run["summary"])
    if run["clusters"]:
        world.first_cluster_members = len(run["clusters"][0]["members"])


def synth_world(root: Path, scale: float, seed: int) -> World:
    """Generate, load and analyse a synthetic world at ``scale``."""
    name = f"synth scale {scale:g} (seed {seed})"
    world = World(name, root / "home", "synth", scale, pages=("challenge",))
    data = root / "data"
    world.prep_s["synth"] = _ocgmap(
        ["synth", "--out", str(data), "--seed", str(seed), "--scale", str(scale)], world.home
    )
    _load_and_analyse(world, data)
    return world


_FIRST = ("ADAM", "BOGDAN", "CLAUDIU", "DARIUS", "EMIL", "FLORIN", "GHEORGHE", "IONUT")
_LAST = ("POPESCU", "NOWAK", "IVANOV", "KOVACS", "HORVAT", "PETROV", "MARIN", "LUKAS")
_PORTS = ("GBDVR", "GBFXT", "GBHRW")
_TRAILERS = ("HARD", "SOFT", "REFRIGERATED", "CURTAIN")


def _phone(i: int) -> str:
    """A number from Ofcom's ranges for drama (07700 900xxx, then 01632 960xxx); else none."""
    if i < 1000:
        return f"07700 900{i:03d}"
    return f"01632 960{i - 1000:03d}" if i < 2000 else ""


def _vrm(i: int) -> str:
    letters = "".join("ABCDEFGHJKLMNPRSTUVWXYZ"[(i // 23**p) % 23] for p in range(3))
    return f"BX{10 + i % 90}{letters}" if i < 90 * 23**3 else f"BY{i}"


def detection_rows(sets: int) -> Iterator[dict[str, str]]:
    """One haulier's detections: each names a vehicle, trailer, driver and phone of its own."""
    start = dt.datetime(2025, 1, 6, 2, 0)
    for i in range(sets):
        at = start + dt.timedelta(hours=7 * i)
        dob = dt.date(1960, 1, 1) + dt.timedelta(days=11 * i)
        yield {
            "detection_ref": f"BD-{i + 1:05d}",
            "detected_at": at.isoformat(),
            "location_type": "PORT",
            "port_locode": _PORTS[i % len(_PORTS)],
            "vrm": _vrm(i),
            "vehicle_country": "GB",
            "trailer_id": f"TRL{700000 + i}",
            "trailer_type": _TRAILERS[i % 3],
            "haulier_name": "Northgate Bench Freight Ltd",
            "haulier_country": "GB",
            "operator_licence": "OB9000001",
            "driver_name": f"{_FIRST[i % 8]} {_LAST[(i // 8) % 8]}",
            "driver_dob": dob.isoformat(),
            "driver_nationality": "RO",
            "driver_phone": _phone(i),
            "route_from": "FRCQF",
            "route_to": "GBDVR",
            "entrants_count": str(1 + i % 6),
            "concealment": ("in load", "roof", "chassis")[i % 3],
            "reporting_agency": "Border Force",
        }


def cluster_world(root: Path, members: int) -> World:
    """Load and analyse a world whose one cluster has about ``members`` members."""
    sets = max(1, (members - 1) // 5)
    name = f"one cluster of ~{members:,} members"
    world = World(name, root / "home", "cluster", members, pages=("cluster",))
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    rows = list(detection_rows(sets))
    with (data / "detections.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    _load_and_analyse(world, data / "detections.csv")
    return world


def given_world(home: Path, pages: tuple[str, ...] = ("challenge",)) -> World:
    """A world loaded and analysed elsewhere: its latest run is written out to describe it."""
    world = World(str(home), home, "given", pages=pages)
    truth = home.parent / "data" / "truth.json"
    if truth.exists():  # made by ocgmap synth, as synth_world does
        made = json.loads(truth.read_text())
        world.name = f"synth scale {made['scale']:g} (seed {made['seed']})"
        world.size = made["scale"]
    with tempfile.TemporaryDirectory() as tmp:
        from ocgmap.analysis.runs import latest_run

        run = latest_run(home, None)
        if run is None:
            raise SystemExit(f"{home} holds no analysis run: run ocgmap analyse on it first.")
        out = Path(tmp) / "results.json"
        out.write_text(run.model_dump_json())
        _describe(world, out)
    return world


# --- servers and browser -------------------------------------------------------------------


def add_user(path: Path) -> Path:
    """A users file with one supervisor, as ``ocgmap users add`` writes it."""
    from ocgmap.access import Role, Users

    Users(path).add(USER, Role.SUPERVISOR, PASSWORD, by="benchmark")
    return path


@contextlib.contextmanager
def serving(app: Path | None, port: int, home: Path, users: Path, log: Path) -> Iterator[str]:
    """Serve ``app`` (None: the dashboard) with the dashboard's command line; yield its URL."""
    from ocgmap.dashboard import app_path, command

    args = command(port)
    if app is not None:
        args[args.index(app_path())] = str(app)
    with log.open("w") as out:
        server = subprocess.Popen(
            args, env=_env(home, users), cwd=log.parent, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_healthy(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server for {url} exited with {server.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as reply:
                if reply.status == 200:
                    return
        time.sleep(0.3)
    raise SystemExit(f"no server answered on {url}")


def first_paint(browser: Any, url: str, what: str, shot: Path) -> dict[str, Any]:
    """Open ``url`` in a new context, sign in and time the page's first paint (ms).

    On a timeout the page is saved to ``shot`` (PNG) and the run stops.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        page.set_default_timeout(WAIT_MS)
        page.goto(url, wait_until="commit")
        form = page.wait_for_function(_FORM, polling="raf").json_value()
        page.get_by_label("user name").fill(USER)
        page.get_by_label("password", exact=True).fill(PASSWORD)
        page.evaluate(
            "() => document.addEventListener('click', () => "
            "{ window.__clicked = performance.now(); }, {capture: true, once: true})"
        )
        page.get_by_role("button", name="Sign in").click()
        if what == "cluster":
            seen = page.wait_for_function(_NETWORK, polling="raf").json_value()
        else:
            title = "Baseline" if what == "baseline" else "Challenge list"
            seen = page.wait_for_function(_TABLE, arg=title, polling="raf").json_value()
        clicked = float(page.evaluate("() => window.__clicked"))
    except PlaywrightTimeout as exc:
        page.screenshot(path=str(shot), full_page=True)
        raise SystemExit(f"{what} at {url} was not drawn ({exc}); the page is in {shot}") from exc
    finally:
        context.close()
    seen.update(form=form["t"], clicked=clicked, after=seen["t"] - clicked, total=seen["t"])
    return dict(seen)


def measure_world(
    browser: Any, world: World, users: Path, repeat: int, logs: Path
) -> dict[str, list[dict[str, Any]]]:
    """Baseline, challenge list and cluster page: one cold round, then ``repeat`` warm.

    The challenge list and the cluster page have a server each (same command, same home):
    once a session of a server has shown the challenge list, a later session opened at
    ``/cluster`` lands on the challenge list after signing in (seen with Streamlit 1.67), so
    one server per page keeps every measurement a first paint of the page asked for.
    """
    runs: dict[str, list[dict[str, Any]]] = {what: [] for what in ("baseline", *world.pages)}
    with contextlib.ExitStack() as stack:
        urls = {
            "baseline": stack.enter_context(
                serving(BASELINE_APP, BASELINE_PORT, world.home, users, logs / "baseline.log")
            )
        }
        for what, port, path in (
            ("challenge", CHALLENGE_PORT, ""),
            ("cluster", CLUSTER_PORT, "/cluster"),
        ):
            if what in world.pages:
                log = logs / f"{what}.log"
                urls[what] = stack.enter_context(serving(None, port, world.home, users, log)) + path
        for round_ in range(repeat + 1):
            for what, url in urls.items():
                seen = first_paint(browser, url, what, logs / f"timeout-{what}.png")
                seen["round"] = round_
                runs[what].append(seen)
            _say(
                f"  round {round_}: "
                + ", ".join(f"{k} {v[-1]['after']:.0f} ms" for k, v in runs.items())
            )
    return runs


# --- figures -------------------------------------------------------------------------------


def summarise(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Cold, warm median and range per page (ms after sign-in), and ratios to the baseline."""
    out: dict[str, Any] = {}
    for what, seen in runs.items():
        warm = [s["after"] for s in seen if s["round"] > 0]
        out[what] = {
            "cold_ms": seen[0]["after"],
            "warm_median_ms": statistics.median(warm),
            "warm_min_ms": min(warm),
            "warm_max_ms": max(warm),
            "form_warm_median_ms": statistics.median(s["form"] for s in seen if s["round"] > 0),
            "from_navigation_warm_median_ms": statistics.median(
                s["total"] for s in seen if s["round"] > 0
            ),
        }
    base = out["baseline"]
    for what in runs:
        out[what]["cold_ratio"] = out[what]["cold_ms"] / base["cold_ms"]
        out[what]["warm_ratio"] = out[what]["warm_median_ms"] / base["warm_median_ms"]
    if "cluster" in runs:
        last = runs["cluster"][-1]
        out["cluster"]["drawn"] = last.get("drawn")
        out["cluster"]["nodes_around"] = last.get("around")
        out["cluster"]["edges_drawn"] = last.get("edges")
        out["cluster"]["caption_warm_median_ms"] = statistics.median(
            s["caption"] - s["clicked"] for s in runs["cluster"] if s["round"] > 0
        )
    if "challenge" in runs:
        out["challenge"]["rows_shown"] = runs["challenge"][-1].get("shown")
    return out


def _s(ms: float) -> str:
    return f"{ms / 1000:.2f} s"


def table(results: list[dict[str, Any]]) -> list[str]:
    """The Markdown table of every world."""
    lines = [
        "| world | store nodes / edges | scored (challenged) | page | shown | cold | warm median "
        "(range) | baseline warm | page / baseline (cold, warm) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        s, f = r["summary"], r["figures"]
        base = f["baseline"]
        size = f"{s.get('nodes', 0):,} / {s.get('edges', 0):,}"
        scored = f"{s.get('scored', 0):,} ({s.get('challenged', 0):,})"
        for what, label in (("challenge", "challenge list"), ("cluster", "cluster network")):
            if what not in f:
                continue
            g = f[what]
            if what == "challenge":
                shown = f"{g['rows_shown'] or 0} rows"
            else:
                shown = f"{g['drawn']:,} of {g['nodes_around']:,} nodes"
                shown += f" ({r['first_cluster_members']:,} members)"
            lines.append(
                f"| {r['name']} | {size} | {scored} | {label} | {shown} | {_s(g['cold_ms'])} | "
                f"{_s(g['warm_median_ms'])} ({_s(g['warm_min_ms'])}-{_s(g['warm_max_ms'])}) | "
                f"{_s(base['warm_median_ms'])} | {g['cold_ratio']:.1f}×, {g['warm_ratio']:.1f}× |"
            )
    return lines


def growth(results: list[dict[str, Any]]) -> list[str]:
    """How each page's warm ratio to the baseline grows with the world, smallest first."""
    lines = [
        "| page | world | size | warm page / baseline | growth from the smallest |",
        "|---|---|---|---|---|",
    ]
    for what, label in (("challenge", "challenge list"), ("cluster", "cluster network")):
        rows = [r for r in results if what in r["figures"]]
        rows.sort(key=lambda r: (r["figures"][what].get("drawn") or 0, r["summary"]["nodes"]))
        for r in rows:
            g = r["figures"][what]
            if what == "cluster":
                size = f"{g['drawn']:,} nodes drawn"
            else:
                size = f"{r['summary']['nodes']:,} store nodes, {g['rows_shown'] or 0} rows"
            first = rows[0]["figures"][what]["warm_ratio"]
            lines.append(
                f"| {label} | {r['name']} | {size} | {g['warm_ratio']:.1f}× | "
                f"{g['warm_ratio'] / first:.1f}× |"
            )
    return lines


def _worlds(args: argparse.Namespace, root: Path) -> Iterator[World]:
    for home in args.home:
        yield given_world(home, tuple(args.home_pages))
    for scale in args.scale:
        _say(f"preparing synth scale {scale:g} ...")
        yield synth_world(root / f"synth-{scale:g}", scale, args.seed)
    for members in args.members:
        _say(f"preparing a cluster of ~{members:,} members ...")
        yield cluster_world(root / f"cluster-{members}", members)


def main() -> None:
    """Prepare the worlds, measure each in Chromium, print a Markdown table, write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, nargs="*", default=[], help="synth scales")
    parser.add_argument("--seed", type=int, default=1, help="synth seed")
    parser.add_argument("--members", type=int, nargs="*", default=[], help="cluster sizes")
    parser.add_argument("--home", type=Path, nargs="*", default=[], help="analysed homes")
    parser.add_argument(
        "--home-pages",
        nargs="+",
        choices=["challenge", "cluster"],
        default=["challenge"],
        help="pages measured on the --home worlds",
    )
    parser.add_argument("--repeat", type=int, default=5, help="warm rounds per world")
    parser.add_argument("--work", type=Path, help="folder for worlds and logs (default: tmp)")
    parser.add_argument("--out", type=Path, required=True, help="JSON results")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the servers are stopped too
    from playwright.sync_api import sync_playwright

    root = args.work or Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    root.mkdir(parents=True, exist_ok=True)
    users = add_user(root / "users.json")
    report: dict[str, Any] = {"machine": machine(), "worlds": []}
    worlds = list(_worlds(args, root))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        report["machine"]["versions"]["chromium"] = browser.version
        for world in worlds:
            _say(f"measuring {world.name} ...")
            logs = world.home.parent if world.kind != "given" else root
            runs = measure_world(browser, world, users, args.repeat, logs)
            entry = {**asdict(world), "home": str(world.home), "runs": runs}
            entry["figures"] = summarise(runs)
            report["worlds"].append(entry)
            args.out.write_text(json.dumps(report, indent=2, default=str))  # so far
        browser.close()
    report["machine"]["load_average_at_end"] = list(os.getloadavg())
    args.out.write_text(json.dumps(report, indent=2, default=str))
    m = report["machine"]
    v = m["versions"]
    _say()
    _say(
        f"{m['date']}: {m['cores']} cores, {m['ram_gib']} GiB RAM, Python {v['python']}, "
        f"Streamlit {v.get('streamlit')}, st-link-analysis {v.get('st_link_analysis')}, "
        f"Chromium {v['chromium']}, ocgmap {v.get('ocgmap')}; load average "
        f"{m['load_average_at_start'][0]:.1f} at start, {m['load_average_at_end'][0]:.1f} at end"
    )
    _say()
    for line in table(report["worlds"]):
        _say(line)
    _say()
    for line in growth(report["worlds"]):
        _say(line)
    _say(f"\nresults in {args.out}; worlds and server logs in {root}")


if __name__ == "__main__":
    main()
