"""micrograd's ``nn``: ``Module``, ``Neuron``, ``Layer`` and ``MLP``, with micrograd's initialization.

    from microopt.micrograd.nn import Neuron, Layer, MLP     # was: from micrograd.nn import ...

The same models as micrograd 0.1.0, number for number: a neuron draws its weights with
``random.uniform(-1, 1)`` from Python's global ``random``, one per input, in order, and starts
its bias at 0, so ``random.seed(1337)`` then ``MLP(2, [16, 16, 1])`` gives micrograd's weights.
It computes ``relu(b + w₀x₀ + w₁x₁ + ...)``, adding in that order (micrograd's
``sum(..., self.b)``), and the last layer of an MLP is linear.

The modules are also ``microopt.nn.Module``s, so ``named_parameters()``, ``state_dict()`` and
microopt's optimizers work with them; ``zero_grad()`` resets to the int 0, as micrograd does.
"""

from __future__ import annotations

import random

from microopt.micrograd.engine import Value, weighted_sum
from microopt.nn.module import Module as _MicrooptModule


class Module(_MicrooptModule):
    """micrograd's base class: ``parameters()`` and ``zero_grad()``."""

    def __call__(self, x):
        return self.forward(x)

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0

    def parameters(self) -> list[Value]:
        return []


class Neuron(Module):
    """``Neuron(nin, nonlin=True)``: relu(w · x + b), or w · x + b when ``nonlin`` is False."""

    def __init__(self, nin: int, nonlin: bool = True) -> None:
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0)
        self.nonlin = nonlin

    def forward(self, x) -> Value:
        act = weighted_sum(self.b, [wi * xi for wi, xi in zip(self.w, x)])
        return act.relu() if self.nonlin else act

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """``Layer(nin, nout, **kwargs)``: ``nout`` neurons on the same inputs (one output: a bare Value)."""

    def __init__(self, nin: int, nout: int, **kwargs) -> None:
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def forward(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """``MLP(nin, nouts)``: relu layers of the sizes in ``nouts``, the last one linear."""

    def __init__(self, nin: int, nouts: list[int]) -> None:
        sizes = [nin] + list(nouts)
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlin=i != len(nouts) - 1) for i in range(len(nouts))]

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
