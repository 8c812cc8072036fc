"""The ``ocgmap`` command line: each command parses arguments, makes one library call, prints.

Errors raised on purpose (:class:`~ocgmap.errors.OcgmapError`) print as one line and exit 1;
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from ocgmap import __version__
from ocgmap.config import Settings, StoreKind
from ocgmap.errors import InputError, OcgmapError
from ocgmap.progress import progress_bars
from ocgmap.schema.models import Counts
from ocgmap.store import GraphStore, open_store

if TYPE_CHECKING:
    from loaders.pipeline import LoadReport

__all__ = ["app", "main"]

app = typer.Typer(
    name="ocgmap",
    help="Map the organised crime groups behind organised immigration crime.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Create, inspect and empty the graph store.", no_args_is_help=True)
app.add_typer(db_app, name="db")
audit_app = typer.Typer(help="Verify and export the DPA 2018 s.62 audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")

console = Console()
err = Console(stderr=True)
_state = {"debug": False}

StoreOption = Annotated[
    StoreKind | None,
    typer.Option("--store", help="Graph store to use (default: neo4j when NEO4J_URI is set)."),
]


def _version(value: bool) -> None:
    if value:
        console.print(f"ocgmap {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    """Map the organised crime groups behind organised immigration crime."""
    _state["debug"] = debug


def _open(kind: StoreKind | None) -> GraphStore:
    return open_store(Settings(), kind=kind)


def _print_counts(counts: Counts) -> None:
    table = Table(title=f"ocgmap graph ({counts.store} store)")
    table.add_column("kind")
    table.add_column("name")
    table.add_column("count", justify="right")
    for label, n in counts.nodes.items():
        table.add_row("node", label, f"{n:,}")
    for rel, n in counts.relationships.items():
        table.add_row("relationship", rel, f"{n:,}")
    if not counts.nodes:
        table.add_row("", "(empty)", "0")
    console.print(table)


@db_app.command("init")
def db_init(store: StoreOption = None) -> None:
    """Create the store's constraints and indexes (safe to run again)."""
    graph = _open(store)
    try:
        graph.ensure_schema()
        console.print(f"[green]ok[/green] {graph.name} store ready")
    finally:
        graph.close()


@db_app.command("status")
def db_status(
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show node counts per label and relationship counts per type."""
    graph = _open(store)
    try:
        counts = graph.counts()
    finally:
        graph.close()
    if as_json:
        sys.stdout.write(json.dumps(counts.model_dump(), indent=2) + "\n")
    else:
        _print_counts(counts)


@db_app.command("wipe")
def db_wipe(
    store: StoreOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: delete everything.")] = False,
) -> None:
    """Delete every node and relationship in the store."""
    if not yes:
        raise OcgmapError("db wipe deletes the whole graph: add --yes to confirm.")
    graph = _open(store)
    try:
        graph.wipe()
        console.print(f"[green]ok[/green] {graph.name} store emptied")
    finally:
        graph.close()


@app.command("synth")
def synth(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the files into.")],
    seed: Annotated[int, typer.Option(help="Same seed and scale give identical files.")] = 0,
    scale: Annotated[float, typer.Option(help="1.0 is about one region's year.")] = 1.0,
) -> None:
    """Generate a synthetic OIC world with ground truth (every source file + truth.json)."""
    from ocgmap.synth import generate

    with progress_bars(out) as progress:
        truth = generate(out, seed=seed, scale=scale, progress=progress)
    table = Table(title=f"synthetic world in {out} (seed {seed}, scale {scale:g})")
    for column in ("file", "rows", "planted faults"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for name, info in truth.files.items():
        table.add_row(name, f"{info.rows:,}", str(info.quarantine))
    table.caption = f"{len(truth.groups)} planted groups and decoys in {out / 'truth.json'}"
    console.print(table)


@app.command("load")
def load(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to load.")],
    source: Annotated[
        str | None, typer.Option("--source", help="Treat every file as this source.")
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="YAML column mapping (formats.md §10).")
    ] = None,
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Load source files into the graph: validate, quarantine, resolve, write."""
    from loaders.mapping import load_mapping
    from loaders.pipeline import run

    settings = Settings()
    column_map = load_mapping(mapping) if mapping else None
    graph = _open(store)
    try:
        with progress_bars("loading") as progress:
            report = run(
                paths,
                graph,
                settings.home,
                source=source,
                mapping=column_map,
                progress=progress,
                user=settings.user,
            )
    finally:
        graph.close()
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        _print_load(report, settings.home)
    if any(f.error for f in report.files):
        raise typer.Exit(1)


def _print_load(report: LoadReport, home: Path) -> None:
    table = Table(title=f"load {report.load_id} into the {report.store} store")
    for column in ("file", "source", "rows", "loaded", "quarantined", "skipped"):
        table.add_column(column, justify="left" if column in ("file", "source") else "right")
    for f in report.files:
        name = Path(f.path).name
        if f.error:
            table.add_row(name, f.source, "", "", "", "", style="red")
            continue
        table.add_row(
            name, f.source, f"{f.rows:,}", f"{f.loaded:,}", f"{f.quarantined:,}", f"{f.skipped:,}"
        )
    console.print(table)
    for f in report.files:
        if f.error:
            err.print(f"[red]error:[/red] {f.error}", soft_wrap=True, highlight=False)
    if any(f.quarantine_file for f in report.files):
        console.print(f"quarantined rows: {home / 'quarantine' / report.load_id}")
    console.print(
        f"{sum(report.nodes.values()):,} nodes and "
        f"{sum(report.relationships.values()):,} relationships in the store; "
        f"{report.possibly_same} possible matches; "
        f"report: {home / 'loads' / report.load_id / 'report.json'}"
    )


@app.command("analyse")
def analyse(
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write the results JSON here.")
    ] = None,
    weights: Annotated[
        Path | None, typer.Option("--weights", help="Scoring weights YAML (default: shipped).")
    ] = None,
    bands: Annotated[
        Path | None, typer.Option("--bands", help="Band scheme YAML (default: OCGMAP_BANDS_FILE).")
    ] = None,
    labels: Annotated[
        Path | None,
        typer.Option(
            "--labels",
            help="CSV cluster_id,outcome (1 confirmed OCG, 0 not): fit the scorer on them.",
        ),
    ] = None,
    edges: Annotated[
        Path | None,
        typer.Option("--edges", help="Analyse a CSV edge list (source,target[,weight]) instead."),
    ] = None,
    margin: Annotated[
        int | None, typer.Option("--margin", help="Bands above the current one to challenge.")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Challenges to print.")] = 10,
    jobs: Annotated[
        int,
        typer.Option("--jobs", min=1, help="Processes to use (2: hash the data alongside)."),
    ] = 2,
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Find clusters, score them against their grading and list the challenges."""
    from ocgmap.analysis.results import AnalysisParams
    from ocgmap.analysis.run import analyse as run_analysis
    from ocgmap.analysis.runs import save_run
    from ocgmap.analysis.scoring import load_weights
    from ocgmap.config import band_scheme
    from ocgmap.schema import load_bands

    if edges is not None:
        _analyse_edges(edges, out, as_json)
        return
    settings = Settings()
    params = AnalysisParams(
        weights_file=str(weights) if weights else None,
        labels_file=str(labels) if labels else None,
    )
    if margin is not None:
        params = params.model_copy(update={"challenge_margin": margin})
    scheme = load_bands(bands) if bands else band_scheme()
    graph = _open(store)
    try:
        with progress_bars("analysis") as progress:
            run = run_analysis(
                graph,
                params,
                weights=load_weights(weights),
                scheme=scheme,
                progress=progress,
                jobs=jobs,
            )
    finally:
        graph.close()
    saved = save_run(run, settings.home, user=settings.user)
    if out is not None:
        run.write(out)
    if as_json:
        sys.stdout.write(run.model_dump_json(indent=1) + "\n")
        return
    from ocgmap.analysis.show import print_challenges

    print_challenges(run, console, top=top)
    if run.params.labels:
        console.print(f"scores from a model fitted on {run.params.labels} labelled clusters")
    console.print(f"results: {out or saved}")


def _analyse_edges(path: Path, out: Path | None, as_json: bool) -> None:
    from ocgmap.analysis.edgelist import analyse_edges

    result = analyse_edges(path)
    if out is not None:
        result.write(out)
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=1) + "\n")
        return
    table = Table(title=f"{result.nodes:,} nodes, {result.edges:,} edges in {path.name}")
    for column in ("cluster", "size", "key players", "suggested links"):
        table.add_column(column)
    for cluster in result.clusters[:20]:
        table.add_row(
            cluster.cluster_id,
            str(cluster.size),
            ", ".join(p.node for p in cluster.key_players[:3]),
            ", ".join(f"{s.a}-{s.b}" for s in cluster.suggested_links[:2]),
        )
    console.print(table)
    if out is not None:
        console.print(f"results: {out}")


@app.command("evaluate")
def evaluate(
    truth: Annotated[Path, typer.Argument(help="truth.json of a synthetic world.")],
    results: Annotated[Path, typer.Argument(help="results.json of its analysis.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when the acceptance figures are not met.")
    ] = False,
) -> None:
    """Measure an analysis against a synthetic world's ground truth."""
    from ocgmap.analysis.evaluate import evaluate as run_evaluation
    from ocgmap.analysis.results import AnalysisRun
    from ocgmap.analysis.show import print_evaluation
    from ocgmap.synth.truth import Truth

    try:
        world = Truth.model_validate_json(truth.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{truth} is not a readable truth.json: {exc}") from exc
    report = run_evaluation(world, AnalysisRun.read(results))
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=1) + "\n")
    else:
        print_evaluation(report, console)
    if check and not report.passed:
        raise typer.Exit(1)


@app.command("demo")
def demo(store: StoreOption = None) -> None:
    """Run the full demo on the steps ocgmap has so far (embedded store by default)."""
    from ocgmap.demo import run_demo

    run_demo(Settings(), kind=store or "embedded", console=console)


@app.command("export")
def export_cluster(
    cluster_id: Annotated[str, typer.Argument(help="The cluster to export, e.g. C-00012.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the package into.")],
    marking: Annotated[
        str, typer.Option("--marking", help="OFFICIAL or OFFICIAL-SENSITIVE.")
    ] = "OFFICIAL",
    include_conditional: Annotated[
        bool,
        typer.Option(
            "--include-conditional",
            help="Include intelligence with handling conditions (needs --justification).",
        ),
    ] = False,
    justification: Annotated[
        str | None,
        typer.Option(
            "--justification",
            help="Why the package is disclosed (required, DPA 2018 s.62); with "
            "--include-conditional also why the recipients meet the handling conditions.",
        ),
    ] = None,
    recipients: Annotated[
        list[str] | None,
        typer.Option("--recipient", help="Who receives the package (required; repeatable)."),
    ] = None,
    run_id: Annotated[
        str | None, typer.Option("--run", help="A saved run id (default: the latest).")
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="Who exports (default: OCGMAP_USER or login).")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Write a cluster's target package: PDF, HTML, XLSX, GraphML, i2 CSV, JSON, manifest."""
    from ocgmap.export.run import export

    if marking not in ("OFFICIAL", "OFFICIAL-SENSITIVE"):
        raise InputError(f"--marking must be OFFICIAL or OFFICIAL-SENSITIVE, got {marking!r}")
    settings = Settings()
    graph = _open(store)
    try:
        with progress_bars("export") as progress:
            manifest = export(
                graph,
                settings.home,
                cluster_id,
                out,
                run_id=run_id,
                marking="OFFICIAL-SENSITIVE" if marking == "OFFICIAL-SENSITIVE" else "OFFICIAL",
                include_conditional=include_conditional,
                justification=justification,
                recipients=recipients or (),
                exported_by=user or settings.user,
                progress=progress,
            )
    finally:
        graph.close()
    console.print(
        f"{manifest.marking}: target package of {manifest.cluster_id} (run {manifest.run_id}) "
        f"in {out}: {len(manifest.files)} files and manifest.json"
    )
    held = manifest.withheld
    if held.referrals:
        codes = ", ".join(f"{n} with handling code {c}" for c, n in held.referrals.items())
        console.print(
            f"withheld: referrals {codes}; {held.subjects} subjects and {held.links} links "
            "known only from them (use --include-conditional with --justification where allowed)"
        )
    if manifest.included_conditional:
        console.print(
            f"included with conditions: {', '.join(manifest.included_conditional)} "
            f"(justification recorded: {manifest.justification})"
        )


@audit_app.command("verify")
def audit_verify(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check the audit log's hash chain; exit 1 naming the first edited, removed or moved line."""
    from ocgmap.audit import audit_log

    log = audit_log(Settings())
    result = log.verify()
    if as_json:
        sys.stdout.write(json.dumps({**result.model_dump(), "path": str(log.path)}) + "\n")
    elif result.ok:
        console.print(f"[green]ok[/green] {result.message} ({log.path})", highlight=False)
    else:
        err.print(
            f"[red]error:[/red] {result.message} ({log.path})", soft_wrap=True, highlight=False
        )
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command("export")
def audit_export(
    out: Annotated[Path, typer.Option("--out", help="Folder to write audit.jsonl and audit.csv.")],
) -> None:
    """Copy the audit log for an auditor (JSONL and CSV), after verifying it."""
    from ocgmap.audit import audit_log

    log = audit_log(Settings())
    folder = log.export(out)
    console.print(
        f"[green]ok[/green] {len(log.entries())} entries verified and written to "
        f"{folder / 'audit.jsonl'} and {folder / 'audit.csv'}",
        highlight=False,
    )


@app.command("dashboard")
def dashboard(
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8501,
    address: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Serve the Streamlit dashboard."""
    from ocgmap.dashboard import serve

    serve(port=port, address=address)


def main() -> None:
    """Console-script entry point: run the app, turning ocgmap errors into one line."""
    try:
        app()
    except OcgmapError as exc:
        if _state["debug"]:
            raise
        err.print(f"[red]error:[/red] {exc}", soft_wrap=True, highlight=False)
        sys.exit(1)
