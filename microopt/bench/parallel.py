"""Row p: a 16-run learning-rate sweep on two worker processes against the same sweep run serially.

The target: at least 1.8x faster with ``n_jobs=2`` on a 2-core machine. Both contenders run
the same ``lr_sweep`` (16 rates, a small MLP on 64 moons points), in rotating turns, and the
two results are checked to be identical, bit for bit, before anything is timed. joblib's
worker pool is started by that check, so its start-up is not in the timings (a notebook that
sweeps more than once pays it once too). On a machine whose cores are busy with other work,
the ratio falls toward 1: run it on a quiet machine.
"""

from __future__ import annotations

from microopt.bench.timing import interleaved, ratio, summary
from microopt.data import make_moons
from microopt.nn import MLP
from microopt.train import log_space, lr_sweep

TARGET = 1.8
RUNS = 16


def _model() -> MLP:
    return MLP(2, [8, 1], seed=0)


def sweep_row(quick: bool = False, repeat: int = 3) -> dict:
    """The row: seconds per sweep for ``n_jobs=1`` and ``n_jobs=2``, and the speedup check."""
    X, y = make_moons(64, seed=0)
    lrs = log_space(1e-3, 10.0, per_decade=4)[:RUNS]
    steps = 3 if quick else 15

    def sweep(n_jobs: int):
        return lr_sweep((X, y), "sgd", lrs=lrs, steps=steps, model=_model, n_jobs=n_jobs)

    identical = [run.losses for run in sweep(1).race] == [run.losses for run in sweep(2).race]
    times = interleaved({"n_jobs=1": lambda: sweep(1), "n_jobs=2": lambda: sweep(2)}, 1 if quick else repeat)
    measured = ratio(times["n_jobs=1"], times["n_jobs=2"])
    met = identical and measured["median"] >= TARGET
    return {"id": "p", "workload": f"lr_sweep, {RUNS} runs of {steps} steps: n_jobs=2 vs n_jobs=1", "unit": "s",
            "results": {"microopt": summary(times["n_jobs=2"])["median"], "micrograd": None, "torch": None},
            "spread": {"microopt": [summary(times["n_jobs=2"])["low"], summary(times["n_jobs=2"])["high"]]},
            "samples": {"microopt": times["n_jobs=2"], "serial": times["n_jobs=1"]},
            "checks": [{"label": "vs n_jobs=1" + ("" if identical else " (results differ!)"), "kind": "speedup",
                        "value": measured["median"], "target": TARGET, "range": [measured["low"], measured["high"]],
                        "status": "PASS" if met else "MISS"}]}
