"""Work shared among forked children: results in task order, errors from any process."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from ocgmap.errors import InputError, StoreError
from ocgmap.store.forked import fork_map, shares


def test_shares_balance_weights_and_keep_task_order() -> None:
    weights = [50, 10, 10, 10, 10, 10, 1]
    got = shares(weights, 2)
    assert sorted(i for s in got for i in s) == list(range(len(weights)))
    assert all(s == sorted(s) for s in got)
    loads = [sum(weights[i] for i in s) for s in got]
    assert max(loads) - min(loads) <= 10
    assert got[0][0] == 0  # the heaviest task stays in this process
    assert shares([3, 1], 5) == [[0], [1]]  # no more shares than tasks
    assert shares([], 2) == [[]]


def test_results_come_back_in_task_order_from_children() -> None:
    here = os.getpid()
    got = fork_map(lambda n: (n * n, os.getpid()), list(range(10)), [1] * 10, 3)
    assert [square for square, _ in got] == [n * n for n in range(10)]
    workers = {pid for _, pid in got}
    assert here in workers and len(workers) == 3  # this process and two children


def _fails_on(bad: set[int]) -> Callable[[int], int]:
    def work(n: int) -> int:
        if n in bad:
            raise InputError(f"task {n} is bad")
        return n

    return work


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_first_failing_task_in_task_order_is_raised(jobs: int) -> None:
    # task 1 runs in a child, task 3 in this process: task order decides, not who ran first
    with pytest.raises(InputError, match="^task 1 is bad$"):
        fork_map(_fails_on({1, 3}), [0, 1, 2, 3], [10, 1, 1, 10], jobs)


def test_a_child_that_dies_is_reported() -> None:
    def die(n: int) -> int:
        if n == 1 and os.getpid() != here:
            os._exit(3)
        return n

    here = os.getpid()
    with pytest.raises(StoreError, match="exit status 3"):
        fork_map(die, [0, 1], [5, 1], 2)


def test_a_result_that_does_not_pickle_becomes_an_error_naming_it() -> None:
    class Local(Exception):  # defined in a function: cannot be pickled
        pass

    def work(n: int) -> int:
        if n == 1:
            raise Local("local trouble")
        return n

    with pytest.raises(StoreError, match="local trouble"):
        fork_map(work, [0, 1], [5, 1], 2)


def test_init_runs_in_each_child_before_its_tasks() -> None:
    state = {"where": "parent"}

    def init() -> None:
        state["where"] = "child"

    got = fork_map(lambda n: (n, state["where"]), [0, 1], [5, 1], 2, init)
    assert got == [(0, "parent"), (1, "child")]
    assert state["where"] == "parent"

    def broken() -> None:
        raise InputError("cannot open")

    with pytest.raises(InputError, match="cannot open"):
        fork_map(lambda n: n, [0, 1], [5, 1], 2, broken)


@pytest.mark.parametrize("jobs", [1, 2])
def test_done_hears_of_every_task_here(jobs: int) -> None:
    heard: list[int] = []
    fork_map(lambda n: n, [0, 1, 2, 3], [5, 1, 1, 5], jobs, done=heard.append)
    assert sorted(heard) == [0, 1, 2, 3]
