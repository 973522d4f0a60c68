"""What one optimizer step costs, per parameter, as models grow: it should be O(n).

For MLPs of about 100, 1k and 10k parameters, this times ``optimizer.step()`` for SGD with
momentum and for Adam, and ``loss.backward()`` through one example's graph of the same model,
and reports

    ns per parameter per step = step time / parameters
    step / backward           = step time / backward time (one example)

A step visits each parameter once (O(n)); a flat ns-per-parameter column across sizes shows
it. The fixed cost of a call (looping over groups, reading the hyperparameters) is measured
on its own, as the time of ``step()`` for a single parameter.
A minibatch of B examples costs about B times the backward shown here, while the step's cost
stays the same: the optimizer is cheap next to computing the gradients.
"""

from __future__ import annotations

from typing import Sequence

from microopt import Value
from microopt.bench.demo import moons
from microopt.bench.timing import interleaved, summary
from microopt.nn import MLP
from microopt.optim import SGD, Adam

# hidden widths w of MLP(2, [w, w, 1]): 3w + w(w+1) + w + 1 parameters
WIDTHS = {105: 8, 1051: 30, 10095: 98}
OPTIMIZERS = ("SGD", "Adam")
LABELS = {"SGD": "SGD(momentum=0.9)", "Adam": "Adam"}


def _optimizer(name: str, params: list):
    return SGD(params, lr=0.01, momentum=0.9) if name == "SGD" else Adam(params, lr=1e-3)


def step_costs(sizes: Sequence[int], repeat: int, updates: int = 20_000) -> dict:
    """Rows (one per optimizer and size), and each optimizer's cost of a one-parameter step.

    A sample makes about ``updates`` parameter updates: ``updates // n`` steps of n parameters.
    """
    x, y = moons(2, seed=0)  # one of these two examples makes the graph
    rows = []
    for n in sizes:
        if n not in WIDTHS:
            raise ValueError(f"No model of {n!r} parameters here; choose from {sorted(WIDTHS)}.")
        model = MLP(2, [WIDTHS[n], WIDTHS[n], 1], seed=0)
        loss = (model(x[0]) - y[0]) ** 2
        loss.backward()  # realistic gradients to step with
        calls = max(1, updates // n)
        steps = _steady_steps(model.parameters(), calls)
        steps["backward"] = loss.backward  # the same graph again: leaves just accumulate
        times = interleaved(steps, repeat)
        backward = summary(times["backward"])["median"]
        for name in OPTIMIZERS:
            step = summary(times[name])["median"] / calls
            rows.append({"optimizer": LABELS[name], "parameters": n, "step_seconds": step,
                         "ns_per_parameter": step / n * 1e9, "backward_seconds": backward,
                         "step_over_backward": step / backward})
    single = Value(1.0)
    single.grad = 0.5
    times = interleaved(_steady_steps([single], calls=updates), repeat)
    overhead = {LABELS[name]: summary(times[name])["median"] / updates for name in OPTIMIZERS}
    return {"rows": rows, "one_parameter_seconds": overhead}


def _steady_steps(params: list, calls: int) -> dict:
    """For each optimizer, a function making ``calls`` steps, its state already created."""
    steps = {}
    for name in OPTIMIZERS:
        optimizer = _optimizer(name, params)
        optimizer.step()  # creates the state (momentum buffers, m and v): time the steady state
        steps[name] = _repeated(optimizer.step, calls)
    return steps


def _repeated(step, calls: int):
    def run() -> None:
        for _ in range(calls):
            step()
    return run
