"""Regenerate the images of the README tour: ``python notebooks/figures/make_figures.py``.

- ``graph.png``: the computation graph of one tanh neuron, L = tanh(x·w + b), after
  ``backward()``: what ``L.draw()`` shows in the README's first example.
- ``trajectories.png``: gradient descent, momentum, RMSprop and Adam on the Rosenbrock
  function, each at the best learning rate of a small sweep (as in notebook 03).

Needs the drawing extras (graphviz, graphviz-pure, matplotlib), all in the default install.
"""

from __future__ import annotations

import pathlib

from microopt import Value
from microopt.functions import Rosenbrock
from microopt.train import log_space, lr_sweep, preset, race
from microopt.viz import plot_contour, save_graph

HERE = pathlib.Path(__file__).resolve().parent


def neuron_graph(path: pathlib.Path) -> pathlib.Path:
    """L = tanh(x·w + b) after backward(): exactly what the README's first example draws."""
    x, w, b = Value(2.0, label="x"), Value(-0.5, label="w"), Value(0.25, label="b")
    L = (x * w + b).tanh()
    L.backward()
    return save_graph(L, path)


def rosenbrock_race(path: pathlib.Path) -> pathlib.Path:
    """GD, momentum, RMSprop and Adam for 1000 steps from (-1.2, 1), each at the best of 13 rates."""
    rosenbrock = Rosenbrock()
    names = ["gd", "momentum", "rmsprop", "adam"]
    rates = log_space(1e-4, 1.0, per_decade=3)
    best = {name: lr_sweep(rosenbrock, name, lrs=rates, steps=1000).best_lr for name in names}
    # plain preset names, so each optimizer keeps its color from microopt.viz.style
    result = race({name: preset(name, lr=best[name]) for name in names}, rosenbrock, steps=1000)
    figure = plot_contour(result, title="Rosenbrock: 1000 steps, each at its best lr")
    figure.savefig(path, dpi=100, bbox_inches="tight")  # 100 dpi keeps the file under 200 KB
    return path


if __name__ == "__main__":
    print(neuron_graph(HERE / "graph.png"))
    print(rosenbrock_race(HERE / "trajectories.png"))
