"""``ocgmap demo``: the main job end to end on a fresh machine.

The demo runs the main job: generating a small synthetic world, preparing the store,
loading the world, analysing it (clusters, scores, the challenge list), judging the challenge
list against the world's ground truth, exporting the target package of the top challenge, and
verifying the audit log that recorded each step.
"""

from __future__ import annotations

from rich.console import Console

from ocgmap.analysis.evaluate import evaluate
from ocgmap.analysis.run import analyse
from ocgmap.analysis.runs import save_run
from ocgmap.analysis.show import print_challenges
from ocgmap.audit import audit_log
from ocgmap.config import Settings, StoreKind
from ocgmap.export.run import export
from ocgmap.progress import progress_bars
from ocgmap.store import open_store
from ocgmap.synth import generate

__all__ = ["run_demo"]

#: The demo world: small enough to run in seconds, with every archetype planted once.
DEMO_SEED, DEMO_SCALE = 7, 0.05


def run_demo(
    settings: Settings, kind: StoreKind = "embedded", console: Console | None = None
) -> None:
    """Run every demo step that exists and report the ones that do not yet.

    Parameters
    ----------
    settings : Settings
        Where the store lives.
    kind : {"embedded", "neo4j"}
        The store to run on; the embedded store needs no server.
    console : rich.console.Console, optional
        Where to report progress.
    """
    from loaders.pipeline import run as run_load

    console = console or Console()
    who = settings.user or "ocgmap demo"
    console.rule("ocgmap demo")
    data = settings.home / "demo" / "data"
    console.print(
        f"[bold]1. generate[/bold]: a synthetic world (seed {DEMO_SEED}, "
        f"scale {DEMO_SCALE}) in {data}"
    )
    truth = generate(data, seed=DEMO_SEED, scale=DEMO_SCALE)
    rows = sum(f.rows for f in truth.files.values())
    planted = sum(1 for g in truth.groups if not g.decoy)
    console.print(
        f"   {rows:,} rows in {len(truth.files)} files; {planted} planted groups, "
        f"{len(truth.groups) - planted} decoys"
    )
    store = open_store(settings, kind=kind)
    try:
        console.print(f"[bold]2. store[/bold]: preparing the {store.name} store")
        store.ensure_schema()
        counts = store.counts()
        total = sum(counts.nodes.values())
        console.print(
            f"   ready: {total:,} nodes, {sum(counts.relationships.values()):,} relationships"
        )
        console.print(f"[bold]3. load[/bold]: {data} into the {store.name} store")
        with progress_bars("demo load", console=console) as progress:
            report = run_load([data], store, settings.home, progress=progress, user=who)
        loaded = sum(f.loaded for f in report.files)
        held = sum(f.quarantined for f in report.files)
        console.print(
            f"   {loaded:,} rows loaded, {held} quarantined (as truth.json expects: "
            f"{sum(f.quarantine for f in truth.files.values())}); "
            f"{sum(report.nodes.values()):,} nodes, "
            f"{sum(report.relationships.values()):,} relationships, "
            f"{report.possibly_same} possible matches"
        )
        console.print("[bold]4. analyse[/bold]: clusters, scores and the challenge list")
        with progress_bars("demo analysis", console=console) as progress:
            result = analyse(
                store, out=settings.home / "demo" / "results.json", progress=progress, jobs=2
            )
        save_run(result, settings.home, user=who)  # where the dashboard finds the latest run
        print_challenges(result, console, top=5)
        console.print(f"   results: {settings.home / 'demo' / 'results.json'}")
        judged = evaluate(truth, result)
        console.print(
            f"   against the planted truth: challenge recall {judged.challenge_recall:.2f}, "
            f"precision@5 {judged.precision_at_5:.2f}, decoys and well-graded groups out of "
            f"the top 5: {'yes' if judged.kept_out_of_top_5 else 'no'}"
        )
        top = result.challenges[0] if result.challenges else None
        if top is None:
            console.print("[bold]5. export[/bold]: nothing challenged, so no package to export")
            return
        folder = settings.home / "demo" / "export" / top.cluster_id
        console.print(f"[bold]5. export[/bold]: the target package of {top.cluster_id}")
        with progress_bars("demo export", console=console) as progress:
            manifest = export(
                store,
                settings.home,
                top.cluster_id,
                folder,
                run_id=result.run_id,
                justification="ocgmap demo on synthetic data",
                recipients=["demo"],
                exported_by=who,
                progress=progress,
            )
        held = sum(manifest.withheld.referrals.values())
        console.print(
            f"   {manifest.marking}: {len(manifest.files)} files and manifest.json in {folder} "
            f"(package.pdf, package.html, subjects.xlsx, network.graphml, i2 CSV); "
            f"{held} referrals withheld by handling code"
        )
        console.print(f"[bold]6. audit[/bold]: {audit_log(settings).verify().message}")
    finally:
        store.close()
