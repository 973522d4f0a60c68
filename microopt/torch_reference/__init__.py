"""PyTorch's numbers for lesson 18, recorded for where PyTorch cannot run (JupyterLite).

Lesson 18 trains the same networks in microopt and in PyTorch and compares the numbers. In the
browser (Pyodide) there is no PyTorch, so there the lesson compares microopt, computed live,
with the numbers PyTorch computed for the same cells: ``lesson18.json``, written by
``python -m microopt.torch_reference.generate`` (PyTorch 2.13.0, float64), whose functions run
the lesson's PyTorch code. Where torch imports, the lesson runs that code live and asserts
that it still gives the recorded numbers; ``tests/torch_reference`` does the same in CI, so
the record cannot drift from what PyTorch computes.

Pure standard library: this module reads the record and rebuilds, from it, what the lesson's
``from_torch`` call returns (an ``MLP`` and its optimizer), without torch.
"""

from __future__ import annotations

import json
import math
from importlib import resources

from microopt.nn import MLP
from microopt.optim.registry import OPTIMIZERS

RECORD = "lesson18.json"


def load() -> dict:
    """The record: ``{"torch_version": ..., "section_1": {...}, ...}``, one entry per section of lesson 18."""
    return json.loads(resources.files(__name__).joinpath(RECORD).read_text(encoding="utf-8"))


def assert_same(live, recorded, where: str = "the record") -> None:
    """Raise ``AssertionError`` unless ``live`` is ``recorded``: every float within 1e-12 (relative), the rest equal.

    1e-12, not bit for bit: a matrix product may add up in another order on another machine.
    Dicts and lists are compared element by element; the message names the first that differs.
    """
    if isinstance(recorded, dict) and isinstance(live, dict) and live.keys() == recorded.keys():
        for key in recorded:
            assert_same(live[key], recorded[key], f"{where}[{key!r}]")
    elif isinstance(recorded, list) and isinstance(live, (list, tuple)) and len(live) == len(recorded):
        for i, (a, b) in enumerate(zip(live, recorded)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(recorded, float) and isinstance(live, (int, float)) and not isinstance(live, bool):
        if not math.isclose(live, recorded, rel_tol=1e-12, abs_tol=1e-300):
            raise AssertionError(f"{where}: PyTorch computes {live!r} now, the record says {recorded!r}. If PyTorch "
                                 "or the lesson changed on purpose, regenerate the record: "
                                 "python -m microopt.torch_reference.generate.")
    elif live != recorded or type(live) is not type(recorded):
        raise AssertionError(f"{where}: {live!r} now, the record says {recorded!r}")


def rebuild(record: dict):
    """``(model, optimizer)`` as ``from_torch`` returned them, from a record of ``model_and_optimizer``.

    The record holds the MLP's sizes and activation, its weights in ``parameters()`` order, the
    optimizer's name and hyperparameters, and each parameter's buffers, copied in as
    ``from_torch`` copies them out of torch's state (torch keeps only the buffers its options
    use: RMSprop without ``centered`` has no ``grad_avg``).
    """
    model = MLP(record["sizes"][0], record["sizes"][1:], activation=record["activation"])
    parameters = model.parameters()
    if len(parameters) != len(record["weights"]):
        raise ValueError(f"The record holds {len(record['weights'])} weights, an MLP of sizes {record['sizes']} "
                         f"has {len(parameters)}. Regenerate it: python -m microopt.torch_reference.generate.")
    for p, w in zip(parameters, record["weights"]):
        p.data = w
    optimizer = OPTIMIZERS[record["optimizer"]].cls(parameters, **record["hyperparameters"])
    for p, buffers in zip(parameters, record["state"]):
        optimizer.state[p].update(buffers)
    return model, optimizer


def model_and_optimizer(model, optimizer) -> dict:
    """What ``rebuild`` needs, as plain numbers (JSON), for a one-group optimizer: ``rebuild``'s inverse."""
    (group,) = optimizer.param_groups
    sizes = [len(model.layers[0].neurons[0].w)] + [len(layer.neurons) for layer in model.layers]
    activation = model.layers[0].neurons[0].activation if len(model.layers) > 1 else "linear"
    return {"sizes": sizes, "activation": activation, "weights": [p.data for p in model.parameters()],
            "optimizer": type(optimizer).__name__,
            "hyperparameters": {k: v for k, v in group.items() if k != "params"},
            "state": [dict(optimizer.state[p]) for p in model.parameters()]}
