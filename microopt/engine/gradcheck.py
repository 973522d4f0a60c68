"""Check backpropagated gradients against central differences.

The central difference  (f(x + h) - f(x - h)) / 2h  approximates df/dx with an error of
order h^2, independent of any derivative rule we wrote: if it disagrees with ``backward()``,
a local derivative is wrong.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Callable, Sequence

from microopt.engine.value import Value, _to_float


class GradcheckError(AssertionError):
    """A gradient from ``backward()`` disagrees with the numerical estimate."""


def _as_floats(inputs: Sequence[float | Value]) -> list[float]:
    if isinstance(inputs, (Real, Value)):
        raise TypeError(
            f"gradcheck needs a sequence of inputs, got a single {type(inputs).__name__}: "
            f"{inputs!r}. Wrap it in a list: gradcheck(f, [x])."
        )
    values = []
    for i, x in enumerate(inputs):
        x = x.data if isinstance(x, Value) else x
        if isinstance(x, bool) or not isinstance(x, Real):
            raise TypeError(f"gradcheck input {i} must be a number or a Value, got {x!r}.")
        values.append(_to_float(x))  # numpy numbers too; a huge int is a named OverflowError
    return values


def _evaluate(f: Callable[..., Value], xs: list[float]) -> tuple[Value, list[Value]]:
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(
            f"gradcheck: f must return a Value, got {type(out).__name__}: {out!r}. "
            "Build the result from the Value arguments f receives."
        )
    return out, leaves


def numerical_grad(f: Callable[..., Value], inputs: Sequence[float | Value],
                   h: float = 1e-6) -> list[float]:
    """Central-difference estimate of df/dx_i for each input."""
    xs = _as_floats(inputs)
    grads = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        grads.append((_evaluate(f, up)[0].data - _evaluate(f, down)[0].data) / (2.0 * h))
    return grads


def gradcheck(f: Callable[..., Value], inputs: Sequence[float | Value], *,
              h: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-4) -> bool:
    """Compare ``backward()`` with central differences; return True or raise GradcheckError.

    ``f`` receives one Value per input and returns a Value. Each gradient must satisfy
    ``|analytic - numerical| <= atol + rtol * |numerical|``.

    >>> gradcheck(lambda a, b: a * b + a.tanh(), [0.5, -2.0])
    True
    """
    xs = _as_floats(inputs)
    out, leaves = _evaluate(f, xs)
    out.backward()
    numerical = numerical_grad(f, xs, h)
    for i, (leaf, expected) in enumerate(zip(leaves, numerical)):
        got = leaf.grad
        tolerance = atol + rtol * abs(expected)
        if not (abs(got - expected) <= tolerance) or math.isnan(got):
            raise GradcheckError(
                f"gradient of input {i} (at x{i} = {xs[i]!r}) is wrong: backward() gives "
                f"{got:.6g}, central differences give {expected:.6g} (difference "
                f"{abs(got - expected):.3g}, tolerance {tolerance:.3g}). Check the local "
                f"derivative of the operation(s) that use input {i}."
            )
    return True
