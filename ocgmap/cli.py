"""The ``ocgmap`` command line: each command parses arguments, makes one library call, prints.

Errors raised on purpose (:class:`~ocgmap.errors.OcgmapError`) print as one line and exit 1;
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from ocgmap import __version__
from ocgmap.access import Permission, Role, Users, authorise
from ocgmap.audit import Action, audit_log
from ocgmap.config import Engine, Settings, StoreKind
from ocgmap.errors import InputError, OcgmapError
from ocgmap.progress import progress_bars
from ocgmap.schema.models import Counts
from ocgmap.store import GraphStore, open_store

if TYPE_CHECKING:
    from loaders.mapping import ColumnMapping
    from loaders.pipeline import LoadReport
    from ocgmap.alerts import Alert
    from ocgmap.audit import AuditLog
    from ocgmap.audit_copy import CopyCheck

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
review_app = typer.Typer(
    help="Review dates of loads (retention, docs/retention.md).", no_args_is_help=True
)
app.add_typer(review_app, name="review")
users_app = typer.Typer(help="Add, list and disable the users of ocgmap.", no_args_is_help=True)
app.add_typer(users_app, name="users")
watch_app = typer.Typer(
    help="Watch entities, OCGs, clusters or the challenge list; loads and analyses raise alerts.",
    no_args_is_help=True,
)
app.add_typer(watch_app, name="watch")
alerts_app = typer.Typer(help="What new data and analysis runs raised for your watches.")
app.add_typer(alerts_app, name="alerts")

console = Console()
err = Console(stderr=True)
_state: dict[str, str | bool | None] = {"debug": False, "user": None}

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
    user: Annotated[
        str | None,
        typer.Option(
            "--user", help="Act as this ocgmap user (default: OCGMAP_USER, else the login name)."
        ),
    ] = None,
) -> None:
    """Map the organised crime groups behind organised immigration crime."""
    _state["debug"] = debug
    _state["user"] = user


def _acting(settings: Settings, user: str | None = None) -> str:
    """Who runs this command: a command's own ``--user``, the global one, else the settings."""
    for name in (user, _state["user"], settings.user):
        if isinstance(name, str) and name.strip():
            return name.strip()
    return "(unknown)"


def _authorise(
    settings: Settings,
    *needs: Permission,
    what: str,
    objects: Iterable[str] = (),
    user: str | None = None,
) -> str:
    """The acting user's name, once the role rules allow ``needs`` (else a logged refusal)."""
    name = _acting(settings, user)
    authorise(settings, name, *needs, what=what, objects=objects)
    return name


def _open(kind: StoreKind | None) -> GraphStore:
    return open_store(Settings(), kind=kind)


def _close(graph: GraphStore) -> None:
    """Copy new audit entries to Neo4j (when it is the store), then close the store."""
    from ocgmap.audit_copy import copy_new

    try:
        check = copy_new(audit_log(Settings()), graph)
        if check is not None and not check.ok:
            err.print(
                f"[yellow]warning:[/yellow] audit log: {check.message}; run ocgmap audit verify",
                soft_wrap=True,
                highlight=False,
            )
    finally:
        graph.close()


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
    _authorise(Settings(), Permission.LOAD, what="db init")
    graph = _open(store)
    try:
        graph.ensure_schema()
        console.print(f"[green]ok[/green] {graph.name} store ready")
    finally:
        _close(graph)


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
        _close(graph)
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
    settings = Settings()
    who = _authorise(settings, Permission.ERASE, what="db wipe")
    graph = _open(store)
    try:
        counts = graph.counts()
        graph.wipe()
        audit_log(settings).append(
            who,
            Action.ERASURE,
            "db wipe",
            [graph.name],
            details={
                "nodes": sum(counts.nodes.values()),
                "relationships": sum(counts.relationships.values()),
            },
        )
        console.print(f"[green]ok[/green] {graph.name} store emptied")
    finally:
        _close(graph)


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
    bulk: Annotated[
        bool,
        typer.Option(
            "--bulk",
            help="Write neo4j-admin import files to --out instead of a store "
            "(a first load; docs/bulk-import.md).",
        ),
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="With --bulk: the folder for the import files.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="With --bulk: replace what --out holds.")
    ] = False,
    on_disk: Annotated[
        bool,
        typer.Option(
            "--on-disk",
            help="With --bulk: merge in a working file beside --out instead of in memory "
            "(first loads bigger than memory; slower).",
        ),
    ] = False,
) -> None:
    """Load source files into the graph: validate, quarantine, resolve, write."""
    from loaders.mapping import load_mapping
    from loaders.pipeline import run

    if bulk and out is None:
        raise InputError("--bulk writes import files: name their folder with --out DIR.")
    if not bulk and (out is not None or force or on_disk):
        raise InputError(
            "--out, --force and --on-disk go with --bulk (ocgmap load --bulk PATH --out DIR)."
        )
    if bulk and store is not None:
        raise InputError("--bulk writes files for Neo4j, not to a store: leave out --store.")
    settings = Settings()
    who = _authorise(settings, Permission.LOAD, what="load", objects=(p.name for p in paths))
    column_map = load_mapping(mapping) if mapping else None
    if bulk and out is not None:
        _load_bulk(paths, out, force, on_disk, settings, source, column_map, who, as_json)
        return
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
                user=who,
            )
        raised = _raised(graph, report, settings, who) if report.alerts and not as_json else None
    finally:
        _close(graph)
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        _print_load(report, settings.home)
        if raised is not None:
            from ocgmap.alerts.show import print_alerts

            print_alerts(console, *raised, title="new alerts")
    if any(f.error for f in report.files):
        raise typer.Exit(1)


def _raised(
    graph: GraphStore, report: LoadReport, settings: Settings, who: str
) -> tuple[list[Alert], int]:
    """The alerts a load raised that ``who`` may see, and how many were held back; logged."""
    from ocgmap.alerts import read_alerts, visible

    shown, held = visible(read_alerts(graph, origin=report.load_id), include_conditional=False)
    _log_alerts(settings, who, shown, held, origin=report.load_id)
    return shown, held


def _log_alerts(
    settings: Settings,
    who: str,
    shown: list[Alert],
    held: int,
    *,
    origin: str | None = None,
    why: str | None = None,
) -> None:
    """Log alerts shown to ``who`` as a consultation (DPA 2018 s.62)."""
    if not shown and not held:
        return
    audit_log(settings).append(
        who,
        Action.CONSULTATION,
        "alerts",
        sorted({a.watch_key for a in shown}),
        justification=why,
        details={
            "alerts": len(shown),
            "held_back": held,
            "conditional": sum(1 for a in shown if a.handling == "conditional"),
            **({"origin": origin} if origin else {}),
        },
    )


def _load_bulk(
    paths: list[Path],
    out: Path,
    force: bool,
    on_disk: bool,
    settings: Settings,
    source: str | None,
    column_map: ColumnMapping | None,
    who: str,
    as_json: bool,
) -> None:
    """``load --bulk``: the same load, written as neo4j-admin import files in ``out``."""
    from loaders.bulk import bulk_load, check_target

    check_target(out, force)  # before any work
    with progress_bars("bulk load") as progress:
        done = bulk_load(
            paths,
            out,
            settings.home,
            force=force,
            on_disk=on_disk,
            source=source,
            mapping=column_map,
            progress=progress,
            user=who,
        )
    if as_json:
        data = {
            "report": done.report.model_dump(mode="json"),
            "out": str(done.out),
            "manifest": done.manifest.model_dump(mode="json"),
        }
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        _print_load(done.report, settings.home, bulk_out=done.out)
    if any(f.error for f in done.report.files):
        raise typer.Exit(1)


def _print_load(report: LoadReport, home: Path, bulk_out: Path | None = None) -> None:
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
    where = "in the store" if bulk_out is None else f"written as import files to {bulk_out}"
    console.print(
        f"{sum(report.nodes.values()):,} nodes and "
        f"{sum(report.relationships.values()):,} relationships {where}; "
        f"{report.possibly_same} possible matches; "
        f"report: {home / 'loads' / report.load_id / 'report.json'}"
    )
    if bulk_out is not None:
        console.print(
            f"next, into an empty Neo4j database: scripts/neo4j-local import {bulk_out}",
            highlight=False,
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
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="python: project and cluster in Python; gds: inside Neo4j with the Graph "
            "Data Science library (neo4j store only).",
        ),
    ] = "python",
    batch_members: Annotated[
        int | None,
        typer.Option(
            "--batch-members",
            min=1,
            help="gds: members of scored clusters whose context is read at once (bounds memory; "
            "the results are the same).",
        ),
    ] = None,
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

    settings = Settings()
    who = _authorise(settings, Permission.ANALYSE, what="analyse")
    if edges is not None:
        _analyse_edges(edges, out, as_json)
        return
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
                engine=engine,
                batch_members=batch_members,
            )
        saved = save_run(run, settings.home, user=who)
        from ocgmap.alerts import alerts_after_run, visible

        raised = visible(alerts_after_run(graph, run, settings.home), include_conditional=False)
        if not as_json:
            _log_alerts(settings, who, *raised, origin=run.run_id)
    finally:
        _close(graph)
    if out is not None:
        run.write(out)
    if as_json:
        sys.stdout.write(run.model_dump_json(indent=1) + "\n")
        return
    from ocgmap.analysis.show import print_challenges

    print_challenges(run, console, top=top)
    if raised[0]:
        from ocgmap.alerts.show import print_alerts

        print_alerts(console, *raised, title="new alerts")
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

    settings = Settings()
    who = _authorise(settings, Permission.LOAD, Permission.ANALYSE, Permission.EXPORT, what="demo")
    run_demo(
        settings.model_copy(update={"ocgmap_user": who}), kind=store or "embedded", console=console
    )


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
    needs = [Permission.EXPORT] + ([Permission.CONDITIONAL] if include_conditional else [])
    who = _authorise(settings, *needs, what="export", objects=[cluster_id], user=user)
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
                exported_by=who,
                progress=progress,
            )
    finally:
        _close(graph)
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
    store: StoreOption = None,
) -> None:
    """Check the audit log's hash chain (and its Neo4j copy); exit 1 naming the first bad line."""
    settings = Settings()
    _authorise(settings, Permission.READ_AUDIT, what="audit verify")
    log = audit_log(settings)
    result = log.verify()
    copy = _compare_copy(log, settings, store) if result.ok else None
    if as_json:
        data = {**result.model_dump(), "path": str(log.path)}
        if copy is not None:
            data["neo4j_copy"] = copy.model_dump()
        sys.stdout.write(json.dumps(data) + "\n")
    elif result.ok:
        console.print(f"[green]ok[/green] {result.message} ({log.path})", highlight=False)
    else:
        err.print(
            f"[red]error:[/red] {result.message} ({log.path})", soft_wrap=True, highlight=False
        )
    if copy is not None and not as_json:
        if copy.ok:
            console.print(f"[green]ok[/green] {copy.message}", highlight=False)
        else:
            err.print(f"[red]error:[/red] {copy.message}", soft_wrap=True, highlight=False)
    if not result.ok or (copy is not None and not copy.ok):
        raise typer.Exit(1)


def _compare_copy(log: AuditLog, settings: Settings, kind: StoreKind | None) -> CopyCheck | None:
    """The file against its Neo4j copy, when Neo4j is the store (else ``None``)."""
    from ocgmap.audit_copy import compare
    from ocgmap.store.neo4j import Neo4jStore

    if (kind or settings.store_kind) != "neo4j":
        return None
    graph = _open("neo4j")
    try:
        return compare(log, graph) if isinstance(graph, Neo4jStore) else None
    finally:
        graph.close()


@audit_app.command("export")
def audit_export(
    out: Annotated[Path, typer.Option("--out", help="Folder to write audit.jsonl and audit.csv.")],
) -> None:
    """Copy the audit log for an auditor (JSONL and CSV), after verifying it."""
    settings = Settings()
    who = _authorise(settings, Permission.READ_AUDIT, what="audit export")
    log = audit_log(settings)
    # logged first, so the auditor's copy holds the record of its own making
    log.append(who, Action.CONSULTATION, "audit export", [str(out)])
    folder = log.export(out)
    console.print(
        f"[green]ok[/green] {len(log.entries())} entries verified and written to "
        f"{folder / 'audit.jsonl'} and {folder / 'audit.csv'}",
        highlight=False,
    )


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name (an email address works).")],
    role: Annotated[Role, typer.Option("--role", help="What the user may do (docs/access.md).")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Add a user; the first user must be an admin, later ones are added by an admin."""
    settings = Settings()
    users = Users.of(settings)
    if users.exists():
        who = _authorise(settings, Permission.MANAGE_USERS, what="users add", objects=[name])
    elif role is not Role.ADMIN:
        raise InputError(
            f"There are no users yet: add an admin first (ocgmap users add NAME --role admin), "
            f"who then adds {name} as {role.value}."
        )
    else:
        who = _acting(settings)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(f"password for {name}", hide_input=True, confirmation_prompt=True)
    user = users.add(name, role, password, by=who)
    audit_log(settings).append(
        who, Action.ALTERATION, "users add", [user.name], details={"role": user.role.value}
    )
    console.print(f"[green]ok[/green] {user.name} added as {user.role.value} ({users.path})")


@users_app.command("list")
def users_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the users with their roles, and whether each is disabled."""
    settings = Settings()
    users = Users.of(settings)
    _authorise(settings, Permission.MANAGE_USERS, what="users list")
    everyone = users.all()
    if as_json:
        rows = [u.model_dump(mode="json", exclude={"password_hash"}) for u in everyone]
        sys.stdout.write(json.dumps(rows, indent=1) + "\n")
        return
    table = Table(title=f"ocgmap users ({users.path})")
    for column in ("name", "role", "status", "added", "by"):
        table.add_column(column)
    for u in everyone:
        table.add_row(
            u.name,
            u.role.value,
            "disabled" if u.disabled else "enabled",
            f"{u.created_at:%Y-%m-%d}",
            u.created_by,
        )
    if not everyone:
        table.caption = "no users yet: ocgmap users add NAME --role admin"
    console.print(table)


@users_app.command("disable")
def users_disable(
    name: Annotated[str, typer.Argument(help="The user to disable.")],
) -> None:
    """Disable a user: they can no longer sign in or act; their entry and history stay."""
    settings = Settings()
    users = Users.of(settings)
    who = _authorise(settings, Permission.MANAGE_USERS, what="users disable", objects=[name])
    target = users.get(name)
    admins = [u for u in users.all() if u.role is Role.ADMIN and not u.disabled]
    if target is not None and [u.name for u in admins] == [target.name]:
        raise InputError(f"{target.name} is the last enabled admin: add another admin first.")
    user = users.disable(name)
    audit_log(settings).append(who, Action.ALTERATION, "users disable", [user.name])
    console.print(f"[green]ok[/green] {user.name} disabled")


@review_app.command("due")
def review_due(
    show_all: Annotated[
        bool, typer.Option("--all", help="List every load with its review date, erased ones too.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the loads past their review date (OCGMAP_RETENTION_YEARS after they started)."""
    from loaders.erasure import due_reviews, load_reviews

    settings = Settings()
    _authorise(settings, Permission.VIEW, what="review due")
    home = settings.home
    reviews = load_reviews(home) if show_all else due_reviews(home)
    if as_json:
        rows = [r.model_dump(mode="json") for r in reviews]
        sys.stdout.write(json.dumps(rows, indent=1) + "\n")
        return
    table = Table(title="loads and review dates" if show_all else "loads past their review date")
    for column in ["load id", "started", "review due", "files", "rows"]:
        right = column in ("files", "rows")
        table.add_column(column, justify="right" if right else "left", no_wrap=True)
    if show_all:
        table.add_column("status")
    for r in reviews:
        status = f"erased {r.erased_at:%Y-%m-%d}" if r.erased_at else "due" if r.due else ""
        cells = [r.load_id, f"{r.started_at:%Y-%m-%d %H:%M}", f"{r.review_due}", str(r.files)]
        table.add_row(*cells, f"{r.rows:,}", *([status] if show_all else []))
    if not reviews:
        table.caption = "no loads yet" if show_all else "no load is past its review date"
    console.print(table)


@app.command("erase")
def erase(
    load_id: Annotated[
        str, typer.Option("--load", help="The load to erase (see ocgmap review due).")
    ],
    justification: Annotated[
        str,
        typer.Option("--justification", help="Why the load is erased (required, DPA 2018 s.62)."),
    ],
    yes: Annotated[
        bool, typer.Option("--yes", help="Confirm: erase the facts only this load supports.")
    ] = False,
    user: Annotated[
        str | None, typer.Option("--user", help="Who erases (default: OCGMAP_USER or login).")
    ] = None,
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Erase a load: the facts only its files support, its quarantine and uploads; log it."""
    from loaders.erasure import erase_load, recorded_store

    if not yes:
        raise OcgmapError(
            f"erase removes the facts only load {load_id} supports and deletes its files: "
            "add --yes to confirm."
        )
    settings = Settings()
    who = _authorise(settings, Permission.ERASE, what="erase", objects=[load_id], user=user)
    graph = _open(store or recorded_store(settings.home, load_id))
    try:
        done = erase_load(graph, settings.home, load_id, justification=justification, user=who)
    finally:
        _close(graph)
    if as_json:
        sys.stdout.write(done.model_dump_json(indent=1) + "\n")
        return
    r = done.result
    console.print(
        f"[green]ok[/green] load {done.load_id} erased from the {done.store} store: "
        f"{r.nodes_deleted:,} nodes and {r.relationships_deleted:,} relationships deleted; "
        f"{r.nodes_trimmed:,} nodes and {r.relationships_trimmed:,} relationships kept on "
        f"other sources; {done.deleted_files} files deleted; logged as an erasure",
        highlight=False,
    )
    for file_id, loads in done.kept_file_ids.items():
        console.print(f"file {file_id} kept: load {', '.join(loads)} also loaded it")
    if done.repeat:
        console.print("the load had been erased before: this run finished whatever was left")


@watch_app.command("add")
def watch_add(
    label: Annotated[
        str,
        typer.Argument(
            help="vehicle, trailer, haulier, person, phone, address, ocg, cluster or challenges."
        ),
    ],
    identifier: Annotated[
        str,
        typer.Argument(
            help="As typed (normalised as on load): a VRM, phone number, company number, "
            "NAME|date of birth, OCG reference, cluster id; anything for challenges."
        ),
    ] = "",
    reason: Annotated[str | None, typer.Option("--reason", help="Why you watch it.")] = None,
    hops: Annotated[
        int, typer.Option("--hops", min=1, max=4, help="How far around it a load is searched.")
    ] = 2,
    top: Annotated[
        int, typer.Option("--top", min=1, max=100, help="For challenges: places to watch.")
    ] = 10,
    store: StoreOption = None,
) -> None:
    """Watch something: later loads and analysis runs raise alerts about it for you."""
    from ocgmap.watch import add_watch

    settings = Settings()
    who = _authorise(settings, Permission.VIEW, what="watch add", objects=[label, identifier])
    graph = _open(store)
    try:
        watch = add_watch(
            graph,
            who,
            label,
            identifier,
            reason=reason,
            hops=hops,
            top=top,
            audit=audit_log(settings),
        )
    finally:
        _close(graph)
    console.print(f"[green]ok[/green] {who} watches {watch.describe()}: {watch.key}")


@watch_app.command("list")
def watch_list(
    everyone: Annotated[bool, typer.Option("--all", help="Every user's watches.")] = False,
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List your watches (or everyone's)."""
    from ocgmap.alerts.show import print_watches
    from ocgmap.watch import list_watches

    settings = Settings()
    who = _authorise(settings, Permission.VIEW, what="watch list")
    graph = _open(store)
    try:
        watches = list_watches(graph, None if everyone else who)
    finally:
        _close(graph)
    if as_json:
        rows = [{"key": w.key, **w.model_dump(mode="json")} for w in watches]
        sys.stdout.write(json.dumps(rows, indent=1) + "\n")
        return
    print_watches(console, watches)


@watch_app.command("remove")
def watch_remove(
    key: Annotated[str, typer.Argument(help="The watch (W-..., from ocgmap watch list).")],
    store: StoreOption = None,
) -> None:
    """Stop a watch of yours; its alerts go with it."""
    from ocgmap.watch import remove_watch

    settings = Settings()
    who = _authorise(settings, Permission.VIEW, what="watch remove", objects=[key])
    graph = _open(store)
    try:
        removed = remove_watch(graph, key, who, audit=audit_log(settings))
    finally:
        _close(graph)
    if not removed:
        raise InputError(f"No watch {key!r}: see ocgmap watch list.")
    console.print(f"[green]ok[/green] watch {key} removed with its alerts")


@alerts_app.callback(invoke_without_command=True)
def alerts(
    ctx: typer.Context,
    unread: Annotated[bool, typer.Option("--unread", help="Only alerts not marked read.")] = False,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Only this kind (repeat for more).")
    ] = None,
    include_conditional: Annotated[
        bool,
        typer.Option(
            "--include-conditional",
            help="Also alerts resting on intelligence with handling conditions (needs --why).",
        ),
    ] = False,
    why: Annotated[
        str | None, typer.Option("--why", help="Why you need the conditional ones (logged).")
    ] = None,
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List your alerts, unread first; ocgmap alerts read KEY... marks them read."""
    if ctx.invoked_subcommand is not None:
        return
    from ocgmap.alerts import read_alerts, visible
    from ocgmap.alerts.show import print_alerts

    settings = Settings()
    needs = [Permission.VIEW] + ([Permission.CONDITIONAL] if include_conditional else [])
    who = _authorise(settings, *needs, what="alerts")
    if include_conditional and not (why and why.strip()):
        raise InputError("--include-conditional needs --why: the reason goes into the audit log.")
    graph = _open(store)
    try:
        found = read_alerts(graph, owner=who, unread_only=unread, kinds=kind or None)
        shown, held = visible(found, include_conditional)
        _log_alerts(
            settings, who, shown, held, why=why.strip() if include_conditional and why else None
        )
    finally:
        _close(graph)
    if as_json:
        rows = [a.model_dump(mode="json") for a in shown]
        sys.stdout.write(json.dumps({"alerts": rows, "held_back": held}, indent=1) + "\n")
        return
    print_alerts(console, shown, held)


@alerts_app.command("read")
def alerts_read(
    keys: Annotated[list[str] | None, typer.Argument(help="Alerts to mark read (A-...).")] = None,
    every: Annotated[bool, typer.Option("--all", help="Mark all your alerts read.")] = False,
    store: StoreOption = None,
) -> None:
    """Mark your alerts read."""
    from ocgmap.alerts import mark_read, read_alerts

    if not keys and not every:
        raise InputError("Name the alerts to mark read (A-...), or use --all.")
    settings = Settings()
    who = _authorise(settings, Permission.VIEW, what="alerts read", objects=keys or [])
    graph = _open(store)
    try:
        wanted = [a.key for a in read_alerts(graph, owner=who)] if every else list(keys or [])
        done = mark_read(graph, wanted, who)
    finally:
        _close(graph)
    console.print(f"[green]ok[/green] {done} alert(s) marked read")


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
