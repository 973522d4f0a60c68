"""The small problems the checkers run an optimizer on: two 2-D functions and a tiny MLP.

Each problem builds fresh parameters every time it is called, so a student's optimizer and
the reference start from exactly the same numbers. The functions use products, not ``**``,
so that a diverging optimizer gives inf or nan instead of raising OverflowError.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from microopt.engine.value import Value, sum as value_sum
from microopt.nn import MLP, Module

# (params, loss_fn, names): what a problem's ``make()`` returns; names for ``trace``
Setup = tuple[list[Value], Callable[[], Value], Module | list[str]]


@dataclass(frozen=True)
class Problem:
    name: str
    make: Callable[[], Setup]


def tilted_bowl() -> Setup:
    """f(x, y) = (x - 1)² + 5 (y + 0.5)² + x y + tanh(x + y), from (x, y) = (-1.5, 2).

    Coupled (the x y term), curved differently along x and y (so per-parameter step sizes
    matter), and not quadratic (the tanh): a small landscape where every mistake shows.
    """
    x, y = Value(-1.5, label="x"), Value(2.0, label="y")

    def loss() -> Value:
        return (x - 1.0) * (x - 1.0) + 5.0 * (y + 0.5) * (y + 0.5) + x * y + (x + y).tanh()

    return [x, y], loss, ["x", "y"]


def flat_bowl() -> Setup:
    """f(x, y) = 10⁻⁶ ((x - 1)² + 4 (y + 0.5)²), from (x, y) = (-1.5, 2): gradients near 10⁻⁵.

    So small that Adam's ε = 10⁻⁸ is no longer negligible next to √v̂: where ε sits (inside
    or outside the square root) changes the step here, and only here.
    """
    x, y = Value(-1.5, label="x"), Value(2.0, label="y")

    def loss() -> Value:
        return 1e-6 * ((x - 1.0) * (x - 1.0) + 4.0 * (y + 0.5) * (y + 0.5))

    return [x, y], loss, ["x", "y"]


XOR_INPUTS = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
XOR_TARGETS = [-1.0, 1.0, 1.0, -1.0]


def tiny_mlp() -> Setup:
    """MLP(2, [3, 1], tanh, seed=0) on the four XOR points, mean squared error: 13 parameters."""
    model = MLP(2, [3, 1], activation="tanh", seed=0)

    def loss() -> Value:
        errors = [model(list(x)) - y for x, y in zip(XOR_INPUTS, XOR_TARGETS)]
        return value_sum([e * e for e in errors]) / len(errors)

    return model.parameters(), loss, model


PROBLEMS = (
    Problem("the tilted bowl f(x, y) = (x-1)² + 5(y+0.5)² + xy + tanh(x+y)", tilted_bowl),
    Problem("the flat bowl f(x, y) = 10⁻⁶ ((x-1)² + 4(y+0.5)²)", flat_bowl),
    Problem("a tiny MLP (2 -> 3 -> 1, tanh) on XOR", tiny_mlp),
)
