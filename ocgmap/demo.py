"""``ocgmap demo``: the main job end to end on a fresh machine.

The demo runs every step ocgmap has: today that is preparing the store and reporting what
it holds. Generating a synthetic world, loading it, analysing it and exporting a target
package join the demo as those steps are built; until then the demo says so plainly rather
than pretend.
"""

from __future__ import annotations

from rich.console import Console

from ocgmap.config import Settings, StoreKind
from ocgmap.store import open_store

__all__ = ["PENDING_STEPS", "run_demo"]

#: Steps of the full demo that this version of ocgmap does not have yet.
PENDING_STEPS = ("generate", "load", "analyse", "export")


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
    console = console or Console()
    store = open_store(settings, kind=kind)
    try:
        console.rule("ocgmap demo")
        console.print(f"[bold]1. store[/bold]: preparing the {store.name} store")
        store.ensure_schema()
        counts = store.counts()
        total = sum(counts.nodes.values())
        console.print(
            f"   ready: {total:,} nodes, {sum(counts.relationships.values()):,} relationships"
        )
        for number, step in enumerate(PENDING_STEPS, start=2):
            console.print(f"[bold]{number}. {step}[/bold]: not in this version of ocgmap yet")
    finally:
        store.close()
