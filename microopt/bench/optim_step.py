"""What one optimizer step costs, per parameter, as models grow: it should be O(n).

For MLPs of about 100, 1k and 10k parameters, this times ``optimizer.step()`` for SGD with
momentum and for Adam, and ``loss.backward()`` through one example's graph of the same model,
and reports

    ns per parameter per step = step time / parameters
    step / backward           = step time / backward time (one example)

A step visits each parameter once (O(n)); a flat ns-per-parameter column across sizes shows
it. The least-squares line  step time ≈ overhead + cost · n  separates the fixed cost of a
call (looping over groups, reading hyperparameters) from the per-parameter cost.
A minibatch of B examples costs about B times the backward shown here, while the step's cost
stays the same: the optimizer is cheap next to computing the gradients.
"""

from __future__ import annotations

from typing import Sequence

from microopt.bench.demo import moons
from microopt.bench.timing import interleaved, summary

# hidden widths w of MLP(2, [w, w, 1]): 3w + w(w+1) + w + 1 parameters
WIDTHS = {105: 8, 1051: 30, 10095: 98}
OPTIMIZERS = ("SGD", "Adam")
LABELS = {"SGD": "SGD(momentum=0.9)", "Adam": "Adam"}


def _optimizer(name: str, params: list):
    from microopt.optim import SGD, Adam

    return SGD(params, lr=0.01, momentum=0.9) if name == "SGD" else Adam(params, lr=1e-3)


def step_costs(sizes: Sequence[int], repeat: int) -> dict:
    """Rows (one per optimizer and size) and the fitted line per optimizer."""
    from microopt.nn import MLP

    x, y = moons(2, seed=0)  # one of these two examples makes the graph
    rows = []
    for n in sizes:
        if n not in WIDTHS:
            raise ValueError(f"No model of {n!r} parameters here; choose from {sorted(WIDTHS)}.")
        model = MLP(2, [WIDTHS[n], WIDTHS[n], 1], seed=0)
        params = model.parameters()
        loss = (model(x[0]) - y[0]) ** 2
        loss.backward()  # realistic gradients to step with
        optimizers = {name: _optimizer(name, params) for name in OPTIMIZERS}
        for optimizer in optimizers.values():
            optimizer.step()  # creates the state (momentum buffers, m and v): time the steady state
        calls = max(1, 20_000 // n)  # about 20k parameter updates per sample
        contenders = {name: _repeated(opt.step, calls) for name, opt in optimizers.items()}
        contenders["backward"] = loss.backward  # the same graph again: leaves just accumulate
        times = interleaved(contenders, repeat)
        backward = summary(times["backward"])["best"]
        for name in OPTIMIZERS:
            step = summary(times[name])["best"] / calls
            rows.append({"optimizer": LABELS[name], "parameters": n, "step_seconds": step,
                         "ns_per_parameter": step / n * 1e9, "backward_seconds": backward,
                         "step_over_backward": step / backward})
    return {"rows": rows, "fits": {LABELS[name]: _fit(rows, LABELS[name]) for name in OPTIMIZERS}}


def _repeated(step, calls: int):
    def run() -> None:
        for _ in range(calls):
            step()
    return run


def _fit(rows: list[dict], label: str) -> dict[str, float] | None:
    """Least squares t = overhead + cost·n over the sizes measured (None with fewer than 2)."""
    points = [(r["parameters"], r["step_seconds"]) for r in rows if r["optimizer"] == label]
    if len(points) < 2:
        return None
    mean_n = sum(n for n, _ in points) / len(points)
    mean_t = sum(t for _, t in points) / len(points)
    slope = (sum((n - mean_n) * (t - mean_t) for n, t in points)
             / sum((n - mean_n) ** 2 for n, _ in points))
    return {"overhead_seconds": mean_t - slope * mean_n, "ns_per_parameter": slope * 1e9}
