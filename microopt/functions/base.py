"""`Function2D`: what every 2-D test function offers, so plots and races can treat them alike."""

from __future__ import annotations

import math
from typing import Union

from microopt.engine.value import Value

Scalar = Union[Value, float]


def cos(a: Scalar) -> Scalar:
    """cos for a float or a Value, so one formula serves both; cos(±inf) is nan, as in numpy
    and torch (``math.cos`` raises "math domain error" there)."""
    if isinstance(a, Value):
        return a.cos()
    return math.nan if math.isinf(a) else math.cos(a)


def sin(a: float) -> float:
    """math.sin with sin(±inf) = nan, like ``cos``."""
    return math.nan if math.isinf(a) else math.sin(a)


def square(a: Scalar) -> Scalar:
    """a²: one ``**2`` node for a Value; ``a * a`` for a float, which overflows to inf where
    ``a ** 2`` raises OverflowError."""
    return a ** 2 if isinstance(a, Value) else a * a


class Function2D:
    """A function f(x, y) to minimize, with what you need to study an optimizer on it.

    Call it as ``f(x, y)`` on floats (gives a float) or on Values (gives a Value you can
    ``backward()``): the same formula serves both.

    Attributes:
        name:          the registry name, e.g. ``"rosenbrock"``.
        formula:       f(x, y) written out, for titles, e.g. ``"x² − y²"``.
        minima:        the global minima, a list of (x, y); empty when there is none.
        minimum_value: f at the global minima, or None when f has no minimum.
        start:         a suggested starting point (x, y) that makes an instructive run.
        bounds:        ((xmin, xmax), (ymin, ymax)), a window for plotting that holds the
                       start and the minima.

    ``gradient(x, y)`` returns (df/dx, df/dy) from the hand-derived formula in the docstring.
    """

    name: str = ""
    formula: str = ""
    minima: list[tuple[float, float]] = []
    minimum_value: float | None = None
    start: tuple[float, float] = (0.0, 0.0)
    bounds: tuple[tuple[float, float], tuple[float, float]] = ((-1.0, 1.0), (-1.0, 1.0))

    def __call__(self, x: Scalar, y: Scalar) -> Scalar:
        raise NotImplementedError

    def gradient(self, x: float, y: float) -> tuple[float, float]:
        raise NotImplementedError

    def value_and_grad(self, x: float, y: float) -> tuple[float, tuple[float, float]]:
        """f(x, y) and its gradient at a point given as floats."""
        return self(x, y), self.gradient(x, y)

    def distance_to_minimum(self, x: float, y: float) -> float:
        """Euclidean distance from (x, y) to the nearest global minimum (inf when there is none)."""
        return min((math.hypot(x - a, y - b) for a, b in self.minima), default=math.inf)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
