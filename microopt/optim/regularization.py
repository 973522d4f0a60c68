"""Penalties to add to a loss, and the two kinds of weight decay they are compared with.

``l1_penalty(params, λ) = λ Σ |w|`` (pushes weights to exactly 0: sparse models) and
``l2_penalty(params, λ) = λ/2 Σ w²`` (shrinks every weight in proportion to its size) return
a Value to add to the loss before ``backward()``::

    loss = mse(model(x), y) + l2_penalty(model.parameters(), 1e-3)

Weight decay, side by side (θ a parameter, g = ∇loss(θ), γ the learning rate):

- coupled (``weight_decay=λ`` of SGD, Adam, Adagrad, RMSprop, Adadelta, Adamax, NAdam,
  RAdam): the optimizer replaces g with g + λθ, which is exactly the gradient of
  loss + λ/2 Σ w². So ``l2_penalty(params, λ)`` and ``weight_decay=λ`` are the same thing,
  step for step, for every such optimizer. With SGD both read θ ← θ - γ(g + λθ).
- decoupled (``AdamW``, Lion, ``decoupled_weight_decay=True``): the optimizer shrinks θ
  directly, θ ← θ(1 - γλ), and the adaptive step uses the plain gradient g. For SGD the
  two coincide; for Adam they do not: coupled decay passes through m/√v, so a weight with
  large gradients (large v) is hardly decayed, while decoupled decay shrinks every weight by
  the same factor. That is the point of AdamW (Loshchilov & Hutter 2019, "Decoupled Weight
  Decay Regularization"), and why Adam's ``weight_decay`` is not AdamW's.

The tests in ``tests/optim/test_regularization.py`` check each of these statements.
"""

from __future__ import annotations

from typing import Iterable

from microopt._validate import real_number
from microopt.engine.value import Value, sum


def _check(params: Iterable[Value], strength: float, who: str) -> list[Value]:
    real_number(f"{who} strength", strength, minimum=0.0, finite=False)
    params = [params] if isinstance(params, Value) else list(params)
    if not params:
        raise ValueError(f"{who} got an empty parameter list. Pass e.g. model.parameters().")
    for w in params:
        if not isinstance(w, Value):
            raise TypeError(f"{who} needs Values, got {type(w).__name__}: {w!r}.")
    return params


def l1_penalty(params: Iterable[Value], strength: float) -> Value:
    """strength · Σ |w|: its gradient is strength · sign(w), with sign(0) = 0.

    >>> l1_penalty([Value(-2.0), Value(3.0)], 0.5).data
    2.5
    """
    params = _check(params, strength, "l1_penalty")
    return strength * sum([abs(w) for w in params])


def l2_penalty(params: Iterable[Value], strength: float) -> Value:
    """strength/2 · Σ w²: its gradient is strength · w, the coupled weight decay term.

    >>> l2_penalty([Value(-2.0), Value(3.0)], 0.5).data
    3.25
    """
    params = _check(params, strength, "l2_penalty")
    return strength / 2 * sum([w ** 2 for w in params])
