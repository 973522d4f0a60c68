"""Adagrad: each parameter's step is divided by the root of the sum of all its squared gradients.

A parameter that has seen large gradients takes small steps from then on, and one that has
seen small gradients takes larger ones. Because sum_sq only grows, every step shrinks over
time: RMSprop and Adam replace the sum with a running mean to forget old gradients.

``state["sum_sq"]`` is PyTorch's ``state["sum"]`` and ``state["step"]`` is t. PyTorch fills
the state when the optimizer is built, from the constructor's initial_accumulator_value;
microopt fills it on the first step, from the parameter's group (the same number unless a
group overrides initial_accumulator_value).

The update equations, defaults and paper are in the class docstring: ``help(Adagrad)``.
"""

from __future__ import annotations

import math
from typing import Any

from microopt.engine.value import Value
from microopt.optim import rules as r
from microopt.optim.optimizer import Optimizer, ParamsT


class Adagrad(Optimizer):
    """Adagrad: each parameter's step is divided by the root of the sum of all its squared gradients.

    For each parameter θ, at step t = 1, 2, ... with learning rate γ, learning-rate decay η,
    weight decay λ and eps ε::

        g ← ∇f(θ)                             (g ← -∇f(θ) when maximize)
        g ← g + λ θ                           (coupled weight decay)
        t ← t + 1                             (the step count, state["step"]; 1 on the first step)
        clr ← γ / (1 + (t - 1) η)             (the decayed learning rate)
        sum_sq ← sum_sq + g²                  (starts at initial_accumulator_value)
        update ← clr · g / (√sum_sq + ε)
        θ ← θ - update

    Signature and defaults: ``Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
    eps=1e-10, *, maximize=False)``.

    Reference: Duchi, Hazan & Singer (2011), "Adaptive Subgradient Methods for Online Learning and
    Stochastic Optimization".
    """

    rules = {**Optimizer.rules, "lr_decay": r.at_least_zero("lr_decay value"),
             "initial_accumulator_value": r.at_least_zero("initial_accumulator_value value")}
    state_rules = {"step": r.steps_taken, "sum_sq": r.non_negative("sum_sq")}
    eps_denominator = "√sum_sq + ε"

    def __init__(self, params: ParamsT, lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, eps=eps,
                        maximize=maximize)
        super().__init__(params, defaults)

    def update(self, p: Value, state: dict[str, Any], *, lr: float, lr_decay: float,
               weight_decay: float, initial_accumulator_value: float, eps: float,
               maximize: bool) -> None:
        if not state:
            state.update(step=0, sum_sq=float(initial_accumulator_value))
        g = -p.grad if maximize else p.grad
        if weight_decay != 0:
            g = g + weight_decay * p.data
        t = state["step"] + 1
        clr = lr / (1 + (t - 1) * lr_decay)
        sum_sq = state["sum_sq"] + g * g
        state["step"], state["sum_sq"] = t, sum_sq
        update = clr * g / (math.sqrt(sum_sq) + eps)
        p.data -= update
