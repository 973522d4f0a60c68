"""Adamax: Adam with the infinity norm: v's running mean of g² becomes a running max of |g|.

ε sits inside the max, as in PyTorch, so u is never 0. ``state["m"]`` is PyTorch's
``exp_avg``, ``state["u"]`` its ``exp_inf`` and ``state["step"]`` is t.

The update equations, defaults and paper are in the class docstring: ``help(Adamax)``.
"""

from __future__ import annotations

from typing import Any

from microopt.engine.value import Value
from microopt.optim import rules as r
from microopt.optim.optimizer import Optimizer, ParamsT


class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm: v's running mean of g² becomes a running max of |g|.

    For each parameter θ, at step t = 1, 2, ... with learning rate γ, betas (β₁, β₂), eps ε and
    weight decay λ::

        g ← ∇f(θ)                             (g ← -∇f(θ) when maximize)
        g ← g + λ θ                           (coupled weight decay)
        t ← t + 1                             (the step count, state["step"]; 1 on the first step)
        m ← β₁ m + (1 - β₁) g                 (first moment, as in Adam; m₀ = 0)
        u ← max(|g| + ε, β₂ u)                (exponentially weighted infinity norm; u₀ = 0)
        update ← γ / (1 - β₁ᵗ) · m / u        (only m is bias-corrected: a max is not biased to 0)
        θ ← θ - update

    Signature and defaults: ``Adamax(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, *,
    maximize=False)``.

    Reference: Kingma & Ba (2015), "Adam: A Method for Stochastic Optimization", section 7.1.
    """

    rules = {**Optimizer.rules, "betas": r.betas}
    state_rules = {"step": r.steps_taken, "m": r.buffer("m"), "u": r.non_negative("u")}
    eps_denominator = "u = max(|g| + ε, β₂ u)"

    def __init__(self, params: ParamsT, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def update(self, p: Value, state: dict[str, Any], *, lr: float, betas: tuple[float, float],
               eps: float, weight_decay: float, maximize: bool) -> None:
        beta1, beta2 = betas
        if not state:
            state.update(step=0, m=0.0, u=0.0)
        g = -p.grad if maximize else p.grad
        if weight_decay != 0:
            g = g + weight_decay * p.data
        t = state["step"] + 1
        m = beta1 * state["m"] + (1 - beta1) * g
        u = max(abs(g) + eps, beta2 * state["u"])  # |g| + ε first: a nan g gives nan, as in torch
        state["step"], state["m"], state["u"] = t, m, u
        update = lr / (1 - beta1 ** t) * m / u
        p.data -= update
