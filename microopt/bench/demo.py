"""micrograd's demo workload: moons, an MLP 2-16-16-1, hinge loss + L2, one SGD step.

This is the training loop of micrograd's ``demo.ipynb``, one iteration of it::

    scores     = [model(x) for x in inputs]
    losses     = [relu(1 - y·score)]                       (hinge, or "max-margin", loss)
    data_loss  = Σ losses / n
    reg_loss   = α Σ p²                                    (α = 1e-4, L2 regularization)
    total_loss = data_loss + reg_loss ;  backward ;  p ← p - lr · ∂L/∂p,  lr = 1 - 0.9 k/100

Two ways of writing the model are measured:

- the *same code* (``MLP`` below: micrograd's ``nn.py`` line for line, with Python's builtin
  ``sum``), instantiated once per engine, so every engine builds the very same scalar graph;
- microopt's own ``microopt.nn.MLP`` with the n-ary ``microopt.sum``, which builds a smaller
  graph: one node for a weighted sum of 16 terms instead of a chain of 16 additions.

Both start from the same initial weights (micrograd's init: w ~ U(-1, 1), b = 0), so all
of them compute the same loss, up to the rounding of the order of additions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import microopt
from microopt.bench.engines import Engine
from microopt.data import make_moons, to_signed_labels
from microopt.nn import MLP as MicrooptMLP
from microopt.train.compile import compile_step

LAYERS = (2, 16, 16, 1)  # 2·16+16 + 16·16+16 + 16+1 = 337 parameters
ALPHA = 1e-4  # the demo's L2 strength


def moons(n_points: int = 100, seed: int = 0) -> tuple[list[list[float]], list[int]]:
    """The demo's data: scikit-learn's moons with noise 0.1, labels -1 and +1."""
    X, y = make_moons(n_points, noise=0.1, seed=seed)
    return X, to_signed_labels(y)


def initial_weights(layers: Sequence[int] = LAYERS, seed: int = 0) -> list[float]:
    """micrograd's initialisation, as one flat list in parameter order (per neuron: w..., b)."""
    rng = random.Random(seed)
    flat: list[float] = []
    for nin, nout in zip(layers, layers[1:]):
        for _ in range(nout):
            flat += [rng.uniform(-1.0, 1.0) for _ in range(nin)] + [0.0]
    return flat


# ----------------------------------------------------------------- micrograd's nn.py, on any engine
class Neuron:
    def __init__(self, w: list, b: Any, nonlin: bool = True):
        self.w, self.b, self.nonlin = w, b, nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self) -> list:
        return self.w + [self.b]


class Layer:
    def __init__(self, neurons: list[Neuron]):
        self.neurons = neurons

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list:
        return [p for n in self.neurons for p in n.parameters()]


class MLP:
    """micrograd's MLP, its weights made by ``engine.param`` from the ``weights`` list."""

    def __init__(self, engine: Engine, weights: Sequence[float], layers: Sequence[int] = LAYERS):
        values = iter([engine.param(w) for w in weights])
        self.layers = [
            Layer([Neuron([next(values) for _ in range(nin)], next(values), nonlin=i != len(layers) - 2)
                   for _ in range(nout)])
            for i, (nin, nout) in enumerate(zip(layers, layers[1:]))
        ]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list:
        return [p for layer in self.layers for p in layer.parameters()]


def own_mlp(weights: Sequence[float], layers: Sequence[int] = LAYERS):
    """microopt's own ``nn.MLP`` (relu hidden layers, linear output), loaded with ``weights``."""
    model = MicrooptMLP(layers[0], list(layers[1:]), activation="relu")
    params = model.parameters()
    if len(params) != len(weights):
        raise ValueError(f"{len(weights)} weights for a model of {len(params)} parameters.")
    for p, w in zip(params, weights):
        p.data = w
    return model


# ----------------------------------------------------------------- the demo's loss() and loop body
def demo_loss(model, X: Sequence[Sequence[float]], y: Sequence[int], engine: Engine,
              add_up: Callable = sum) -> tuple[Any, float]:
    """micrograd's ``loss()``: (total_loss, accuracy). ``add_up`` is builtin ``sum`` or ``microopt.sum``."""
    inputs = [[engine.constant(xi) for xi in row] for row in X]
    scores = [model(x) for x in inputs]
    losses = [(1 + -yi * score).relu() for yi, score in zip(y, scores)]
    data_loss = add_up(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * add_up(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (engine.value_of(score) > 0) for yi, score in zip(y, scores)]
    return total_loss, sum(accuracy) / len(accuracy)


def train_step(model, X, y, engine: Engine, k: int, add_up: Callable = sum) -> float:
    """One iteration k of the demo's loop: forward, zero_grad, backward, SGD update. Returns the loss.

    The graph is dropped inside ``engine.building()``, as ``fit`` drops each step's: microopt's
    collector, paused there, resumes with no graph left for it to rescan.
    """
    with engine.building():
        total_loss, _ = demo_loss(model, X, y, engine, add_up)
        params = model.parameters()
        engine.zero_grad(params)
        total_loss.backward()
        engine.sgd_step(params, 1.0 - 0.9 * k / 100)  # the demo's learning-rate decay
        loss = engine.value_of(total_loss)
        del total_loss
    return loss


@dataclass(frozen=True)
class Contender:
    """One way of running the demo: an engine, a model on it, and the sum its loss uses."""

    engine: Engine
    model: Any
    add_up: Callable = sum

    def loss(self, X, y) -> float:
        """The demo's total loss as a float (the graph is built, then dropped)."""
        return self.engine.value_of(self.graph(X, y))

    def graph(self, X, y):
        """The demo's total loss as a node of this engine, with its whole graph behind it."""
        return demo_loss(self.model, X, y, self.engine, self.add_up)[0]

    def train(self, X, y, steps: int) -> None:
        """``steps`` iterations of the demo's loop, k = 0, 1, ..."""
        for k in range(steps):
            train_step(self.model, X, y, self.engine, k, self.add_up)


# ----------------------------------------------------------------- the demo step, compiled
def demo_objective(model) -> Callable:
    """The demo's total loss as a function of the batch, for ``microopt.train.compile_step``.

    The lines of ``demo_loss`` with ``microopt.sum``; inputs and labels arrive as Values.
    """
    def total_loss(X_values, y_values):
        scores = [model(x) for x in X_values]
        losses = [(1 + -yi * score).relu() for yi, score in zip(y_values, scores)]
        data_loss = microopt.sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * microopt.sum(p * p for p in model.parameters())
        return data_loss + reg_loss

    return total_loss


@dataclass
class CompiledContender:
    """microopt.nn's model, its demo step compiled once (``compile_step``) and replayed.

    ``batched=True``: compiled with ``microopt.train.batched.compile_batched`` (numpy across
    the samples; agrees to about 1e-15, not bitwise).
    """

    model: Any
    X: Sequence
    y: Sequence
    batched: bool = False

    def __post_init__(self):
        self.params = self.model.parameters()
        if self.batched:
            from microopt.train.batched import compile_batched  # numpy: imported only for this contender

            self.step = compile_batched(demo_objective(self.model), self.params, self.X, self.y)
        else:
            self.step = compile_step(demo_objective(self.model), self.params, self.X, self.y)

    def loss(self, X, y) -> float:
        for p in self.params:
            p.grad = 0.0
        return self.step(X, y)

    def train(self, X, y, steps: int) -> None:
        for k in range(steps):
            for p in self.params:
                p.grad = 0.0
            self.step(X, y)
            lr = 1.0 - 0.9 * k / 100
            for p in self.params:
                p.data -= lr * p.grad
