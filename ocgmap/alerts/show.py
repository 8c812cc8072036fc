"""Alerts and watches on the command line: one table per watcher."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from ocgmap.alerts.model import Alert, by_owner
from ocgmap.watch import Watch

__all__ = ["print_alerts", "print_watches"]


def print_alerts(
    console: Console, alerts: Sequence[Alert], held: int = 0, *, title: str = "alerts"
) -> None:
    """Print alerts per watcher, unread first (marked ``*``), and how many were held back.

    Each alert shows how its subject was reached from the watched target and the provenance
    tokens behind it.
    """
    if not alerts:
        console.print(f"{title}: none" + (f" shown ({held} held back)" if held else ""))
    for owner, mine in by_owner(alerts).items():
        unread = sum(1 for a in mine if a.unread)
        console.rule(f"{title} for {owner}: {unread} unread of {len(mine)}")
        for a in mine:
            mark = "*" if a.unread else " "
            console.print(f"{mark} {a.key} [bold]{a.kind}[/bold] {a.summary}", highlight=False)
            if a.via:
                console.print(f"    via {a.via}", highlight=False)
            evidence = ", ".join(a.evidence[:5]) + (" ..." if len(a.evidence) > 5 else "")
            console.print(
                f"    evidence {evidence}; raised by {a.origin_kind} {a.origin}", highlight=False
            )
    if alerts and held:
        console.print(
            f"{held} alert(s) rest on intelligence with handling conditions and are not shown: "
            "a role with the conditional permission sees them with --include-conditional "
            "--why REASON (logged)."
        )


def print_watches(console: Console, watches: Sequence[Watch]) -> None:
    """Print watches as one table."""
    table = Table(title="watches")
    for column in ("watch", "owner", "target", "reason", "since"):
        table.add_column(column, overflow="fold")
    for w in watches:
        table.add_row(w.key, w.owner, w.describe(), w.reason or "", f"{w.created_at:%Y-%m-%d}")
    if not watches:
        table.caption = "nothing is watched yet: ocgmap watch add LABEL IDENTIFIER"
    console.print(table)
