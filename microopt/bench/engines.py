"""The contenders: how each autograd library makes a scalar, reads it back, and steps it.

The same-code workloads are written once against this small interface, so microopt,
micrograd and PyTorch run exactly the same Python lines; only the scalar type changes.
micrograd and torch are optional: ``load_engines`` skips a missing one and says why.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
from dataclasses import dataclass, field
from typing import Any, Callable, ContextManager

import microopt
from microopt.engine.collector import paused_collector


@dataclass(frozen=True)
class Engine:
    """One autograd library, seen through the few operations the workloads need."""

    name: str
    version: str
    param: Callable[[float], Any]  # a leaf that receives a gradient (a weight)
    constant: Callable[[float], Any]  # a leaf that is data (micrograd's demo wraps inputs too)
    value_of: Callable[[Any], float]  # the plain float inside a scalar
    grad_of: Callable[[Any], float]  # its gradient after backward(), as a float
    zero_grad: Callable[[list], None]  # reset every parameter's gradient, the library's way
    sgd_step: Callable[[list, float], None]  # θ ← θ - lr · ∂L/∂θ for every parameter
    # what the library does around building and backpropagating a graph: microopt pauses the
    # cyclic collector (its graphs have no cycles); the others leave it running
    building: Callable[[], ContextManager] = field(default=contextlib.nullcontext)


def _value_engine(name: str, version: str, value_class: type, zero: float,
                  building: Callable[[], ContextManager] = contextlib.nullcontext) -> Engine:
    """microopt and micrograd share one shape: ``.data`` and ``.grad`` are plain numbers."""

    def zero_grad(params: list) -> None:
        for p in params:
            p.grad = zero

    def sgd_step(params: list, lr: float) -> None:
        for p in params:
            p.data -= lr * p.grad

    return Engine(name, version, value_class, value_class, lambda v: v.data, lambda v: float(v.grad),
                  zero_grad, sgd_step, building)


def microopt_engine() -> Engine:
    return _value_engine("microopt", microopt.__version__, microopt.Value, 0.0, paused_collector)


def micrograd_engine() -> Engine:
    from micrograd.engine import Value

    # micrograd's own Module.zero_grad resets to the int 0; do as it does
    return _value_engine("micrograd", importlib.metadata.version("micrograd"), Value, 0)


def torch_engine() -> Engine:
    """0-d float64 tensors (Python floats are doubles, so all three compute in float64)."""
    import torch

    def param(x: float):
        return torch.tensor(x, dtype=torch.float64, requires_grad=True)

    def constant(x: float):
        return torch.tensor(x, dtype=torch.float64)

    def grad_of(t) -> float:
        return 0.0 if t.grad is None else t.grad.item()

    def zero_grad(params: list) -> None:
        for p in params:
            p.grad = None  # torch's default: optimizer.zero_grad(set_to_none=True)

    def sgd_step(params: list, lr: float) -> None:
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad

    return Engine("torch", torch.__version__, param, constant, lambda t: t.item(), grad_of,
                  zero_grad, sgd_step)


def load_engines(names: tuple[str, ...] = ("microopt", "micrograd", "torch"),
                 ) -> tuple[dict[str, Engine], list[str]]:
    """The engines that are installed, by name, and a note for each one that is not."""
    makers = {"microopt": microopt_engine, "micrograd": micrograd_engine, "torch": torch_engine}
    install = {"micrograd": "pip install micrograd==0.1.0 (or microopt[bench])",
               "torch": "pip install torch==2.13.0 (or microopt[reference])"}
    engines: dict[str, Engine] = {}
    skipped: list[str] = []
    for name in names:
        if name not in makers:
            raise ValueError(f"Unknown engine {name!r}; choose from {', '.join(makers)}.")
        try:
            engines[name] = makers[name]()
        except ImportError:
            skipped.append(f"{name} is not installed, so its comparisons are skipped: {install[name]}.")
    return engines, skipped
