"""Neuron, Layer and MLP: the multi-layer perceptron of every course, on scalar Values."""

from __future__ import annotations

import math
import random
from numbers import Real
from typing import Sequence

from microopt._validate import whole_number
from microopt.engine.ops import ACTIVATIONS as NONLINEAR, OPS
from microopt.engine.value import Value, weighted_sum
from microopt.nn.module import Module

ACTIVATIONS = (*NONLINEAR, "linear")  # the activations of microopt.engine.ops.OPS, or none


def _check_activation(activation: str) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"Unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}.")
    return activation


class Neuron(Module):
    """out = activation(w . x + b).

    Weights and bias start uniform in [-1/sqrt(nin), 1/sqrt(nin)], as PyTorch's nn.Linear.
    The weighted sum is one n-ary node (``microopt.sum``), not a chain of additions.
    """

    def __init__(self, nin: int, activation: str = "relu", rng: random.Random | None = None):
        nin = whole_number("nin", nin, minimum=1, advice="Pass how many inputs the neuron reads.")
        rng = rng if rng is not None else random.Random(0)
        bound = 1.0 / math.sqrt(nin)
        self.w = [Value(rng.uniform(-bound, bound)) for _ in range(nin)]
        self.b = Value(rng.uniform(-bound, bound))
        self.activation = _check_activation(activation)
        self._apply = None if activation == "linear" else OPS[activation].apply

    def forward(self, x: Sequence[Value | float]) -> Value:
        if not hasattr(x, "__len__"):
            raise TypeError(f"Neuron expects a list of {len(self.w)} inputs (numbers or Values), "
                            f"got {type(x).__name__}: {x!r}. Wrap a single input in a list: [x].")
        if len(x) != len(self.w):
            raise ValueError(f"Neuron expects {len(self.w)} inputs, got {len(x)}: {list(x)!r}.")
        out = weighted_sum(self.w, x, self.b)  # microopt.sum([wi * xi for wi, xi in zip(self.w, x)] + [b])
        return out if self._apply is None else self._apply(out)

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons reading the same inputs; returns a list of ``nout`` Values."""

    def __init__(self, nin: int, nout: int, activation: str = "relu", rng: random.Random | None = None):
        nout = whole_number("nout", nout, minimum=1, advice="Pass how many neurons the layer has.")
        rng = rng if rng is not None else random.Random(0)
        self.neurons = [Neuron(nin, activation, rng) for _ in range(nout)]

    def forward(self, x: Sequence[Value | float]) -> list[Value]:
        return [n.forward(x) for n in self.neurons]

    def __repr__(self) -> str:
        n = self.neurons[0]
        return f"Layer({len(n.w)}, {len(self.neurons)}, activation={n.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(2, [16, 16, 1])`` is 2 inputs, two hidden layers of 16, 1 output.

    Hidden layers use ``activation``; the last layer is linear (it produces scores or
    logits; the loss decides what they mean). Returns a single Value when the last layer
    has one output, else a list. The same ``seed`` gives the same initial weights.
    """

    def __init__(self, nin: int, nouts: Sequence[int], activation: str = "relu", seed: int = 0):
        if isinstance(nouts, Real) or not hasattr(nouts, "__len__"):
            raise TypeError(f"MLP needs a list of layer sizes, got {nouts}; write MLP({nin}, [{nouts}]).")
        if len(nouts) == 0:
            raise ValueError("MLP needs at least one layer size in nouts, got [].")
        _check_activation(activation)
        rng = random.Random(whole_number("seed", seed, advice="Pass a whole number such as 0."))
        advice = "Layer sizes are whole numbers of neurons, e.g. MLP(2, [16, 16, 1])."
        sizes = [whole_number("nin", nin, minimum=1, advice="Pass how many inputs the model reads."),
                 *(whole_number(f"nouts[{i}]", n, minimum=1, advice=advice) for i, n in enumerate(nouts))]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i < len(nouts) - 1 else "linear", rng)
            for i in range(len(nouts))
        ]

    def forward(self, x: Sequence[Value | float]) -> Value | list[Value]:
        for layer in self.layers:
            x = layer.forward(x)
        return x[0] if len(x) == 1 else x

    def __repr__(self) -> str:
        sizes = [len(self.layers[0].neurons[0].w)] + [len(layer.neurons) for layer in self.layers]
        act = self.layers[0].neurons[0].activation if len(self.layers) > 1 else "linear"
        return f"MLP({' -> '.join(map(str, sizes))}, activation={act!r}, {self.num_parameters()} parameters)"
