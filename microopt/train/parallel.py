"""Independent runs side by side: in this process, on every core, or on a Dask cluster.

A race, a learning-rate sweep and a multi-seed experiment are lists of runs that share
nothing: each builds its own model and optimizer from the same settings. ``run_all`` runs
such a list and hands each result, in the order of the list, to a callback as soon as it
is there (a progress bar, or keeping the trained models).

- ``n_jobs=1`` (the default): one after the other, in this process; joblib is not imported.
- ``n_jobs=k`` (or -1 for every core): k worker processes through joblib (its ``loky``
  backend), or, when a ``dask.distributed.Client`` exists in this session, the Dask cluster
  through joblib's ``dask`` backend (start one with ``Client(LocalCluster())`` or connect
  to a scheduler).

A run is plain Python arithmetic on floats, which gives the same bits in every process, so
the results are identical to a serial run, bit for bit. Each task and its result travel by
pickle (cloudpickle for the task, so lambdas and closures are fine).
"""

from __future__ import annotations

import sys
from functools import partial
from typing import Any, Callable, Sequence

from microopt._validate import invalid, whole_number

Task = Callable[[], Any]


def check_n_jobs(n_jobs: object) -> int:
    """``n_jobs`` as an int: a whole number >= 1, or -1 for every core (as joblib counts)."""
    rule = "must be a whole number >= 1, or -1 for every core"
    advice = "Pass 1 to run in this process, or the number of workers to use."
    try:
        number = whole_number("n_jobs", n_jobs)
    except ValueError:
        raise ValueError(invalid("n_jobs", n_jobs, rule, advice)) from None
    if number == 0 or number < -1:
        raise ValueError(invalid("n_jobs", n_jobs, rule, advice))
    return number


def run_all(tasks: Sequence[Task], *, n_jobs: int = 1, callback: Callable[[Any], None] | None = None) -> list:
    """``[task() for task in tasks]``, on ``n_jobs`` workers; ``callback(result)`` for each, in order."""
    n_jobs = check_n_jobs(n_jobs)
    if n_jobs == 1 or len(tasks) <= 1:
        results = (task() for task in tasks)
    else:
        results = _in_workers(tasks, n_jobs)
    collected = []
    for result in results:
        if callback is not None:
            callback(result)
        collected.append(result)
    return collected


def over_seeds(run: Callable[[int], Any], seeds: Sequence[int], *, n_jobs: int = 1,
               callback: Callable[[Any], None] | None = None) -> list:
    """``[run(seed) for seed in seeds]``: one configuration repeated with several seeds.

    A single run says little about an optimizer (notebook 07): the same race with other
    initial weights and other minibatches can come out the other way. ``run`` builds and
    trains everything from its seed, for example::

        def one(seed):
            return race(["momentum", "adam"], (X, y), model=lambda: MLP(2, [8, 1], seed=seed),
                        steps=200, batch_size=16, seed=seed)

        results = over_seeds(one, range(10), n_jobs=-1)   # ten races, on every core

    ``n_jobs`` and ``callback`` as in ``run_all``; the results come in the order of ``seeds``
    and are the same, bit for bit, whatever ``n_jobs``.
    """
    if not callable(run):
        raise TypeError(f"over_seeds needs a function run(seed), got {type(run).__name__}: {run!r:.80}.")
    seeds = [whole_number("seed", seed, advice="Seeds are whole numbers, e.g. range(10).") for seed in seeds]
    if not seeds:
        raise ValueError("over_seeds got no seeds; pass e.g. range(5).")
    return run_all([partial(run, seed) for seed in seeds], n_jobs=n_jobs, callback=callback)


def _in_workers(tasks: Sequence[Task], n_jobs: int):
    from joblib import Parallel, delayed, parallel_config

    backend = "dask" if dask_client() is not None else "loky"
    with parallel_config(backend=backend, n_jobs=n_jobs):
        # return_as="generator": results arrive in the order of the tasks, as they finish
        yield from Parallel(return_as="generator")(delayed(task)() for task in tasks)


def dask_client():
    """The ``dask.distributed`` Client of this session, or None (then dask is not imported)."""
    if "distributed" not in sys.modules:  # no Client can exist before distributed is imported
        return None
    from distributed import get_client

    try:
        return get_client()
    except ValueError:  # "No global client found"
        return None
