"""Progress bars for long command-line work (rich), fed by the library's progress callbacks."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

__all__ = ["progress_bars"]


@contextlib.contextmanager
def progress_bars(
    where: Path | str, console: Console | None = None
) -> Iterator[Callable[[str, int], None]]:
    """Yield a ``progress(name, rows)`` callback that shows one live counter per name.

    Parameters
    ----------
    where : pathlib.Path or str
        What the work is about, shown in each line.
    console : rich.console.Console, optional
        Where to draw (stderr by default, so stdout stays clean for data).
    """
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console or Console(stderr=True), transient=False) as bars:
        tasks: dict[str, TaskID] = {}

        def advance(name: str, rows: int) -> None:
            if name not in tasks:
                _finish(bars, tasks.values())
                tasks[name] = bars.add_task(f"{name} ({where})", total=None)
            bars.advance(tasks[name], rows)

        yield advance
        _finish(bars, tasks.values())


def _finish(bars: Progress, tasks: Iterable[TaskID]) -> None:
    """Mark counters whose work is done as complete."""
    done = {t.id: t.completed for t in bars.tasks}
    for task in tasks:
        bars.update(task, total=done[task])
