"""Neuron, Layer and MLP: the multi-layer perceptron of every course, on scalar Values."""

from __future__ import annotations

import math
import random
from typing import Sequence

from microopt.engine.value import Value, sum as value_sum
from microopt.nn.module import Module

ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "softplus", "linear")


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
        if isinstance(nin, bool) or not isinstance(nin, int) or nin < 1:
            raise ValueError(f"Neuron needs a positive whole number of inputs, got nin={nin!r}.")
        rng = rng if rng is not None else random.Random(0)
        bound = 1.0 / math.sqrt(nin)
        self.w = [Value(rng.uniform(-bound, bound)) for _ in range(nin)]
        self.b = Value(rng.uniform(-bound, bound))
        self.activation = _check_activation(activation)

    def forward(self, x: Sequence[Value | float]) -> Value:
        if not hasattr(x, "__len__"):
            raise TypeError(f"Neuron expects a list of {len(self.w)} inputs (numbers or Values), "
                            f"got {type(x).__name__}: {x!r}. Wrap a single input in a list: [x].")
        if len(x) != len(self.w):
            raise ValueError(f"Neuron expects {len(self.w)} inputs, got {len(x)}: {list(x)!r}.")
        out = value_sum([*(wi * xi for wi, xi in zip(self.w, x)), self.b])
        if self.activation == "linear":
            return out
        return getattr(out, self.activation)()

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons reading the same inputs; returns a list of ``nout`` Values."""

    def __init__(self, nin: int, nout: int, activation: str = "relu", rng: random.Random | None = None):
        if isinstance(nout, bool) or not isinstance(nout, int) or nout < 1:
            raise ValueError(f"Layer needs a positive whole number of outputs, got nout={nout!r}.")
        rng = rng if rng is not None else random.Random(0)
        self.neurons = [Neuron(nin, activation, rng) for _ in range(nout)]

    def forward(self, x: Sequence[Value | float]) -> list[Value]:
        return [n(x) for n in self.neurons]

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
        if isinstance(nouts, int):
            raise TypeError(f"MLP needs a list of layer sizes, got {nouts!r}; write MLP({nin}, [{nouts}]).")
        if len(nouts) == 0:
            raise ValueError("MLP needs at least one layer size in nouts, got [].")
        _check_activation(activation)
        rng = random.Random(seed)
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i < len(nouts) - 1 else "linear", rng)
            for i in range(len(nouts))
        ]

    def forward(self, x: Sequence[Value | float]) -> Value | list[Value]:
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def __repr__(self) -> str:
        sizes = [len(self.layers[0].neurons[0].w)] + [len(layer.neurons) for layer in self.layers]
        act = self.layers[0].neurons[0].activation if len(self.layers) > 1 else "linear"
        return f"MLP({' -> '.join(map(str, sizes))}, activation={act!r}, {self.num_parameters()} parameters)"
