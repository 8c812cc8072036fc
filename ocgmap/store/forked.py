"""Run a function over tasks on more than one core: shares of the tasks in forked children.

A bulk load ends with the whole graph in memory and work that reads it group by group (the
import files). A forked child shares that memory copy-on-write, so it can take a share of the
groups at no cost of copying the graph; only its small results come back, pickled, through a
pipe. Where the platform cannot fork, or with one job, everything runs here.
"""

from __future__ import annotations

import gc
import os
import pickle
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ocgmap.errors import StoreError

__all__ = ["fork_map", "shares"]

T = TypeVar("T")
R = TypeVar("R")


def shares(weights: Sequence[int], jobs: int) -> list[list[int]]:
    """Split task indexes into ``jobs`` shares of about equal weight (largest first).

    Each share lists its indexes in task order. The first share is the one this process
    keeps: it gets the heaviest task, so the children are never waited for long.

    Examples
    --------
    >>> shares([5, 1, 4, 2, 3], 2)
    [[0, 1, 3], [2, 4]]
    >>> shares([1, 1], 1)
    [[0, 1]]
    """
    jobs = max(1, min(jobs, len(weights))) if weights else 1
    load = [0] * jobs
    out: list[list[int]] = [[] for _ in range(jobs)]
    for i in sorted(range(len(weights)), key=lambda i: (-weights[i], i)):
        j = min(range(jobs), key=lambda j: (load[j], j))
        out[j].append(i)
        load[j] += max(weights[i], 1)
    return [sorted(s) for s in out]


def fork_map(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    weights: Sequence[int],
    jobs: int,
    init: Callable[[], None] | None = None,
    done: Callable[[int], None] | None = None,
) -> list[R]:
    """``[fn(t) for t in tasks]``, with shares of the tasks run in forked children.

    Parameters
    ----------
    fn : callable
        Run once per task; its result must pickle. It may write files, not shared state:
        what a child changes in memory stays in the child.
    tasks : sequence
        The tasks, in the order their results are returned.
    weights : sequence of int
        How much work each task is (rows, say), to balance the shares.
    jobs : int
        Processes to use, this one included.
    init : callable, optional
        Run first in each child (to open its own file handles, say).
    done : callable, optional
        Called here with a task's index once its result is in: as each of this process's
        tasks ends, and for a child's tasks when the child hands them over.

    Returns
    -------
    list
        Each task's result, in task order.

    Raises
    ------
    BaseException
        What ``fn`` raised for the first failing task in task order, wherever it ran.
    StoreError
        A child stopped without sending its results (killed, or out of memory).

    Examples
    --------
    >>> fork_map(lambda n: n * n, [1, 2, 3, 4], [1, 1, 1, 1], 2)
    [1, 4, 9, 16]
    """
    if jobs <= 1 or len(tasks) <= 1 or not hasattr(os, "fork"):
        results: list[R] = []
        for i, task in enumerate(tasks):
            results.append(fn(task))
            if done is not None:
                done(i)
        return results
    mine, *theirs = shares(weights, jobs)
    children: list[tuple[int, int]] = []
    outcome: dict[int, tuple[bool, Any]] = {}
    lost: list[StoreError] = []
    try:
        for share in theirs:
            children.append(_start(fn, tasks, share, init))
        outcome.update(_run(fn, tasks, mine, done))
    finally:  # every child is waited for, also when this process stops (Ctrl-C)
        for pid, fd in children:
            try:
                theirs_done = _collect(pid, fd)
            except StoreError as exc:
                lost.append(exc)
                continue
            outcome.update(theirs_done)
            if done is not None:
                for i in sorted(theirs_done):
                    done(i)
    if lost:
        raise lost[0]
    results = []
    for i in range(len(tasks)):
        ok, value = outcome[i]
        if not ok:
            raise value
        results.append(value)
    return results


def _run(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    share: list[int],
    done: Callable[[int], None] | None = None,
) -> dict[int, tuple[bool, Any]]:
    """Run a share, keeping each task's result or the exception it raised."""
    out: dict[int, tuple[bool, Any]] = {}
    for i in share:
        try:
            out[i] = (True, fn(tasks[i]))
        except Exception as exc:  # handed to the caller, in task order
            out[i] = (False, exc)
        if done is not None:
            done(i)
    return out


def _start(
    fn: Callable[[T], R], tasks: Sequence[T], share: list[int], init: Callable[[], None] | None
) -> tuple[int, int]:
    """Fork a child that runs ``share`` and writes its results to a pipe; (pid, read end)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write)
        return pid, read
    code = 1
    try:  # the child: never returns into the caller's code
        os.close(read)
        gc.disable()  # collecting would copy every page of the shared graph it walks
        try:
            if init is not None:
                init()
        except Exception as exc:  # every task of the share fails with it
            out = {i: (False, exc) for i in share}
        else:
            out = _run(fn, tasks, share)
        try:
            data = pickle.dumps(out)
        except Exception:  # an exception that does not pickle goes as its text
            data = pickle.dumps(
                {i: r if r[0] else (False, StoreError(str(r[1]))) for i, r in out.items()}
            )
        with os.fdopen(write, "wb") as fh:
            fh.write(data)
        code = 0
    finally:
        os._exit(code)


def _collect(pid: int, fd: int) -> dict[int, tuple[bool, Any]]:
    """Read a child's results and wait for it to end."""
    with os.fdopen(fd, "rb") as fh:
        data = fh.read()
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 or not data:
        raise StoreError(
            f"a worker process stopped without finishing its share (exit status "
            f"{os.waitstatus_to_exitcode(status)}); run again with one job"
        )
    result: dict[int, tuple[bool, Any]] = pickle.loads(data)  # our own child's data
    return result
