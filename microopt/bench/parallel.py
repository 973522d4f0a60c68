"""Row p: a 16-run learning-rate sweep on two worker processes against the same sweep run serially.

The target: at least 1.8x faster with ``n_jobs=2`` on a 2-core machine. Both contenders run
the same ``lr_sweep`` (16 rates, a small MLP on 64 moons points, 40 steps: about 0.1 s of
CPU per run), in rotating turns, and the two results are checked to be identical, bit for
bit, before anything is timed. That check starts joblib's worker pool, which joblib keeps and
reuses: the timings are those of **warm workers** (a notebook that sweeps more than once pays
the start-up once too).

Wall-clock ratios mean something only on an idle machine. So the row also accounts for CPU
time, which other processes do not inflate as much: the serial sweep's CPU seconds per run
(in this process), the workers' CPU seconds per run (read from ``/proc`` on Linux), and what
joblib costs per task (16 tasks that do nothing, on the same warm workers). On two idle
cores the parallel sweep takes about half the workers' CPU time plus that overhead, hence
``expected`` = serial CPU / (workers' CPU / 2 + overhead): whether the design can reach the
target, whatever the machine's load today.
"""

from __future__ import annotations

import os
import statistics
import time

from microopt.bench.timing import interleaved, ratio, summary
from microopt.data import make_moons
from microopt.nn import MLP
from microopt.train import log_space, lr_sweep
from microopt.train.parallel import run_all

TARGET = 1.8
RUNS = 16
WORKERS = 2


def _model() -> MLP:
    return MLP(2, [8, 1], seed=0)


def _nothing() -> None:
    return None


def sweep_row(quick: bool = False, repeat: int = 3, n_jobs: int = WORKERS, runs: int = RUNS) -> dict:
    """The row: seconds per sweep for ``n_jobs=1`` and ``n_jobs=2``, the speedup check, the CPU account.

    ``n_jobs`` and ``runs`` replace the 2 workers and the 16 runs (a test checks the row's shape
    with 1 and 2: no worker process, a tiny sweep).
    """
    X, y = make_moons(64, seed=0)
    lrs = log_space(1e-3, 10.0, per_decade=4)[:runs]
    steps = 3 if quick else 40

    def sweep(jobs: int):
        return lr_sweep((X, y), "sgd", lrs=lrs, steps=steps, model=_model, n_jobs=jobs)

    identical = [run.losses for run in sweep(1).race] == [run.losses for run in sweep(n_jobs).race]
    serial_cpu: list[float] = []  # CPU seconds of each timed sweep: in this process, on the workers
    workers_cpu: list[float] = []

    def serial() -> None:
        start = time.process_time()
        sweep(1)
        serial_cpu.append(time.process_time() - start)

    def parallel() -> None:
        before = _workers_cpu()
        sweep(n_jobs)
        after = _workers_cpu()
        if before is not None and after is not None:
            workers_cpu.append(sum(after[pid] - before.get(pid, 0.0) for pid in after))

    times = interleaved({"n_jobs=1": serial, "n_jobs=2": parallel}, 1 if quick else repeat)
    measured = ratio(times["n_jobs=1"], times["n_jobs=2"])
    met = identical and measured["median"] >= TARGET
    return {"id": "p", "workload": f"lr_sweep, {runs} runs of {steps} steps: n_jobs=2 vs n_jobs=1 (warm workers)",
            "unit": "s",
            "results": {"microopt": summary(times["n_jobs=2"])["median"], "micrograd": None, "torch": None},
            "spread": {"microopt": [summary(times["n_jobs=2"])["low"], summary(times["n_jobs=2"])["high"]]},
            "samples": {"microopt": times["n_jobs=2"], "serial": times["n_jobs=1"]},
            "cpu": cpu_account(serial_cpu, workers_cpu, n_jobs, runs),
            "checks": [{"label": "vs n_jobs=1" + ("" if identical else " (results differ!)"), "kind": "speedup",
                        "value": measured["median"], "target": TARGET, "range": [measured["low"], measured["high"]],
                        "status": "PASS" if met else "MISS"}]}


def cpu_account(serial_cpu: list[float], workers_cpu: list[float], n_jobs: int = WORKERS, runs: int = RUNS) -> dict:
    """CPU seconds per run, serially and on the workers, joblib's cost per task, and the expected speedup."""
    start = time.perf_counter()
    run_all([_nothing] * runs, n_jobs=n_jobs)
    overhead = (time.perf_counter() - start) / runs
    serial = statistics.median(serial_cpu) / runs
    workers = statistics.median(workers_cpu) / runs if workers_cpu else None
    expected = serial / (workers / WORKERS + overhead) if workers else None
    return {"serial_cpu_per_run": serial, "workers_cpu_per_run": workers, "overhead_per_task": overhead,
            "expected_speedup": expected}


def _workers_cpu() -> dict[int, float] | None:
    """CPU seconds used so far by each of this process's children (joblib's workers), or None off Linux."""
    try:
        tick = os.sysconf("SC_CLK_TCK")
        tasks = os.listdir(f"/proc/{os.getpid()}/task")
        children = [int(pid) for task in tasks for pid in _read(f"/proc/{os.getpid()}/task/{task}/children").split()]
        used = {}
        for pid in children:
            fields = _read(f"/proc/{pid}/stat").rsplit(")", 1)[1].split()
            used[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime, in clock ticks
        return used
    except (OSError, AttributeError, ValueError):
        return None


def _read(path: str) -> str:
    with open(path) as file:
        return file.read()
