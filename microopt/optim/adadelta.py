"""Adadelta: a step size in the units of θ, from running means of g² and of past steps².

The ratio RMS[Δθ] / RMS[g] gives the step the units of θ, so the paper needs no learning
rate; PyTorch keeps γ as a final scale. ε sits inside both square roots, and acc_delta is
updated with this step's delta before θ moves. ``square_avg`` and ``acc_delta`` are PyTorch's
state names (the paper's E[g²] and E[Δx²]); ``step`` counts updates as in PyTorch but does not
enter them.

The update equations, defaults and paper are in the class docstring: ``help(Adadelta)``.
"""

from __future__ import annotations

import math
from typing import Any

from microopt.engine.value import Value
from microopt.optim import rules as r
from microopt.optim.optimizer import Optimizer, ParamsT


class Adadelta(Optimizer):
    """Adadelta: a step size in the units of θ, from running means of g² and of past steps².

    For each parameter θ with learning rate γ (1.0 in the paper), decay ρ, eps ε and weight
    decay λ::

        g ← ∇f(θ)                                              (g ← -∇f(θ) when maximize)
        g ← g + λ θ                                            (coupled weight decay)
        square_avg ← ρ square_avg + (1 - ρ) g²                 (E[g²], starts at 0)
        delta ← √(acc_delta + ε) / √(square_avg + ε) · g       (the step, before γ)
        acc_delta ← ρ acc_delta + (1 - ρ) delta²               (E[Δθ²], starts at 0)
        update ← γ delta
        θ ← θ - update

    Signature and defaults: ``Adadelta(params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, *, maximize=False)``.

    Reference: Zeiler (2012), "ADADELTA: An Adaptive Learning Rate Method".
    """

    rules = {**Optimizer.rules, "rho": r.between("rho value", 0.0, 1.0)}
    state_rules = {"step": r.steps_taken, "square_avg": r.non_negative("square_avg"),
                   "acc_delta": r.non_negative("acc_delta")}
    eps_denominator = "√(square_avg + ε)"

    def __init__(self, params: ParamsT, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def update(self, p: Value, state: dict[str, Any], *, lr: float, rho: float, eps: float,
               weight_decay: float, maximize: bool) -> None:
        if not state:
            state.update(step=0, square_avg=0.0, acc_delta=0.0)
        g = -p.grad if maximize else p.grad
        if weight_decay != 0:
            g = g + weight_decay * p.data
        state["step"] += 1
        square_avg = rho * state["square_avg"] + (1 - rho) * g * g
        delta = math.sqrt(state["acc_delta"] + eps) / math.sqrt(square_avg + eps) * g
        acc_delta = rho * state["acc_delta"] + (1 - rho) * delta * delta
        state["square_avg"], state["acc_delta"] = square_avg, acc_delta
        update = lr * delta
        p.data -= update
