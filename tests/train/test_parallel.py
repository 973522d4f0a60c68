"""n_jobs: races, sweeps and seed repeats on worker processes (joblib) or a Dask cluster, bit for bit."""

from __future__ import annotations

import pytest

from microopt.data import make_moons
from microopt.nn import MLP
from microopt.train import lr_sweep, over_seeds, race
from microopt.train.parallel import check_n_jobs, dask_client

MOONS = make_moons(16, seed=3)


def model():
    return MLP(2, [3, 1], seed=1)


def same_runs(a, b) -> bool:
    """Every number of every run, the histories and the models' weights included."""
    def numbers(result):
        return [(run.name, run.losses, run.final_loss, run.trajectory, run.steps_to_threshold, run.test_loss,
                 run.test_accuracy, run.diverged, run.diverged_at, run.message, run.lr,
                 run.history.to_dict() if run.history is not None else None) for run in result]
    return numbers(a) == numbers(b)


def test_a_dataset_race_on_two_workers_is_the_serial_race_bit_for_bit():
    serial_models, parallel_models, order = {}, {}, []
    settings = dict(model=model, steps=6, batch_size=5, test_data=MOONS, seed=2)
    serial = race(["gd", "adam", "rmsprop"], MOONS, callback=lambda run, m: serial_models.update({run.name: m}),
                  **settings)
    parallel = race(["gd", "adam", "rmsprop"], MOONS, n_jobs=2, callback=lambda run, m: (
        order.append(run.name), parallel_models.update({run.name: m})), **settings)
    assert same_runs(serial, parallel)
    assert order == ["gd", "adam", "rmsprop"]  # the callback sees the runs in order, in this process
    assert {k: m.state_dict() for k, m in serial_models.items()} == {
        k: m.state_dict() for k, m in parallel_models.items()}


def test_a_sweep_on_every_core_is_the_serial_sweep_bit_for_bit():
    lrs = [1e-4, 3e-4, 1e-3, 1e-2, 0.1]  # the last two diverge: their messages travel back too
    serial = lr_sweep("rosenbrock", "momentum", lrs=lrs, steps=40)
    parallel = lr_sweep("rosenbrock", "momentum", lrs=lrs, steps=40, n_jobs=-1)
    assert parallel.losses == serial.losses and parallel.diverged == serial.diverged == [False] * 3 + [True] * 2
    assert same_runs(serial.race, parallel.race)


def test_over_seeds_repeats_a_configuration_in_the_order_of_the_seeds():
    def one(seed):
        return race(["gd", "adam"], MOONS, model=lambda: MLP(2, [3, 1], seed=seed), steps=3, seed=seed)

    serial = over_seeds(one, [4, 5, 6])
    parallel = over_seeds(one, [4, 5, 6], n_jobs=2)
    assert all(same_runs(a, b) for a, b in zip(serial, parallel))
    assert all(same_runs(a, one(seed)) for a, seed in zip(serial, [4, 5, 6]))
    assert serial[0]["gd"].losses != serial[1]["gd"].losses  # other seeds, other runs


@pytest.mark.parametrize("call, error, message", [
    (lambda: over_seeds(3, [1]), TypeError, r"over_seeds needs a function run\(seed\), got int: 3"),
    (lambda: over_seeds(abs, []), ValueError, r"over_seeds got no seeds"),
    (lambda: over_seeds(abs, [1.5]), ValueError, r"Invalid seed: 1.5 \(must be a whole number\)"),
    (lambda: check_n_jobs(-2), ValueError, r"Invalid n_jobs: -2 \(must be a whole number >= 1, or -1"),
    (lambda: check_n_jobs("2"), ValueError, r"Invalid n_jobs: '2' \(must be a whole number >= 1, or -1"),
])
def test_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_numpy_job_counts_are_accepted():
    import numpy as np

    assert check_n_jobs(np.int64(2)) == 2


def test_on_a_dask_cluster_through_joblibs_dask_backend():
    import distributed  # the parallel extra, part of the test extra
    assert dask_client() is None
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, silence_logs=40)
    try:
        with distributed.Client(cluster) as client:
            assert dask_client() is client
            lrs = [1e-3, 1e-2, 0.1, 1.0]
            with distributed.get_task_stream(client) as tasks:
                on_cluster = lr_sweep("quadratic", "gd", lrs=lrs, steps=30, n_jobs=2)
            assert len(tasks.data) >= len(lrs)  # the runs were the cluster's tasks
            assert same_runs(on_cluster.race, lr_sweep("quadratic", "gd", lrs=lrs, steps=30).race)
    finally:
        cluster.close()
    assert dask_client() is None
