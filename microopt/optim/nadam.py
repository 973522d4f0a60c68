"""NAdam: Adam with Nesterov momentum: the step looks ahead with the next step's momentum.

The first term is the current gradient's share, the second the momentum's, bias-corrected
with the product of the schedule up to t + 1: that look-ahead is Nesterov's idea.
``state["m"]`` is PyTorch's ``exp_avg``, ``state["v"]`` its ``exp_avg_sq``;
``mu_product`` and ``step`` (t) have PyTorch's names.

The update equations, defaults and paper are in the class docstring: ``help(NAdam)``.
"""

from __future__ import annotations

import math
from typing import Any

from microopt.engine.value import Value
from microopt.optim import rules as r
from microopt.optim.optimizer import Optimizer, ParamsT


class NAdam(Optimizer):
    """NAdam: Adam with Nesterov momentum: the step looks ahead with the next step's momentum.

    For each parameter θ, at step t = 1, 2, ... with learning rate γ, betas (β₁, β₂), eps ε,
    weight decay λ and momentum decay ψ::

        g ← ∇f(θ)                                        (g ← -∇f(θ) when maximize)
        g ← g + λ θ                                      (coupled weight decay, the default)
        θ ← θ (1 - γ λ)                                  (instead, when decoupled_weight_decay)
        t ← t + 1                                        (the step count, state["step"]; 1 on the first step)
        mu ← β₁ (1 - ½ · 0.96^(t ψ))                     (the momentum schedule μ_t ...)
        mu_next ← β₁ (1 - ½ · 0.96^((t + 1) ψ))          (... and μ_{t+1})
        mu_product ← mu_product · mu                     (Π μ_i for i ≤ t; starts at 1)
        m ← β₁ m + (1 - β₁) g
        v ← β₂ v + (1 - β₂) g²
        v_hat ← v / (1 - β₂ᵗ)
        denom ← √v_hat + ε
        update ← γ (1 - mu) / (1 - mu_product) · g / denom
               + γ mu_next / (1 - mu_product · mu_next) · m / denom
        θ ← θ - update

    Signature and defaults: ``NAdam(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
    decoupled_weight_decay=False, *, maximize=False)``.

    Reference: Dozat (2016), "Incorporating Nesterov Momentum into Adam" (ICLR workshop).
    """

    rules = {**Optimizer.rules, "betas": r.betas, "momentum_decay": r.at_least_zero("momentum_decay value"),
             "decoupled_weight_decay": r.boolean("decoupled_weight_decay")}
    state_rules = {"step": r.steps_taken, "mu_product": r.non_negative("mu_product"), "m": r.buffer("m"),
                   "v": r.non_negative("v")}
    eps_denominator = "denom = √v_hat + ε"

    def __init__(self, params: ParamsT, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def update(self, p: Value, state: dict[str, Any], *, lr: float, betas: tuple[float, float],
               eps: float, weight_decay: float, momentum_decay: float,
               decoupled_weight_decay: bool, maximize: bool) -> None:
        beta1, beta2 = betas
        if not state:
            state.update(step=0, mu_product=1.0, m=0.0, v=0.0)
        g = -p.grad if maximize else p.grad
        if weight_decay != 0:
            if decoupled_weight_decay:
                p.data *= 1 - lr * weight_decay
            else:
                g = g + weight_decay * p.data
        t = state["step"] + 1
        mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        mu_product = state["mu_product"] * mu
        m = beta1 * state["m"] + (1 - beta1) * g
        v = beta2 * state["v"] + (1 - beta2) * g * g
        state["step"], state["mu_product"], state["m"], state["v"] = t, mu_product, m, v
        v_hat = v / (1 - beta2 ** t)
        denom = math.sqrt(v_hat) + eps
        update = (lr * (1 - mu) / (1 - mu_product) * g / denom
                  + lr * mu_next / (1 - mu_product * mu_next) * m / denom)
        p.data -= update
