"""RAdam: Adam whose adaptive step is switched on gradually, as v's estimate becomes reliable.

With β₂ = 0.999 the rectified branch starts at t = 6. The rectification r grows towards 1,
which replaces the warm-up that Adam usually needs. ε is added to the uncorrected √v, as in
PyTorch. ``state["m"]`` is PyTorch's ``exp_avg``, ``state["v"]`` its ``exp_avg_sq``, and
``adaptive_lr`` and ``r`` are the l_t and r_t of PyTorch's documentation.

The update equations, defaults and paper are in the class docstring: ``help(RAdam)``.
"""

from __future__ import annotations

import math
from typing import Any

from microopt.engine.value import Value
from microopt.optim import rules as r
from microopt.optim.optimizer import Optimizer, ParamsT


class RAdam(Optimizer):
    """RAdam: Adam whose adaptive step is switched on gradually, as v's estimate becomes reliable.

    For each parameter θ, at step t = 1, 2, ... with learning rate γ, betas (β₁, β₂), eps ε and
    weight decay λ::

        g ← ∇f(θ)                                        (g ← -∇f(θ) when maximize)
        g ← g + λ θ                                      (coupled weight decay, the default)
        θ ← θ (1 - γ λ)                                  (instead, when decoupled_weight_decay)
        t ← t + 1                                        (the step count, state["step"]; 1 on the first step)
        m ← β₁ m + (1 - β₁) g
        v ← β₂ v + (1 - β₂) g²
        m_hat ← m / (1 - β₁ᵗ)
        rho_inf ← 2 / (1 - β₂) - 1                       (the longest the moving average can be)
        rho_t ← rho_inf - 2 t β₂ᵗ / (1 - β₂ᵗ)            (its length at step t)
        if rho_t > 5:                                    (v is trustworthy: rectified Adam step)
            r ← √((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
            adaptive_lr ← √(1 - β₂ᵗ) / (√v + ε)
            update ← γ m_hat · adaptive_lr · r
        else:                                            (too few steps: SGD with momentum)
            update ← γ m_hat
        θ ← θ - update

    Signature and defaults: ``RAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
    decoupled_weight_decay=False, *, maximize=False)``.

    Reference: Liu, Jiang, He, Chen, Liu, Gao & Han (2020), "On the Variance of the Adaptive
    Learning Rate and Beyond".
    """

    rules = {**Optimizer.rules, "betas": r.betas,
             "decoupled_weight_decay": r.boolean("decoupled_weight_decay")}
    state_rules = {"step": r.steps_taken, "m": r.buffer("m"), "v": r.non_negative("v")}
    eps_denominator = "√v + ε"

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, decoupled_weight_decay: bool = False,
                 *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def update(self, p: Value, state: dict[str, Any], *, lr: float, betas: tuple[float, float],
               eps: float, weight_decay: float, decoupled_weight_decay: bool,
               maximize: bool) -> None:
        beta1, beta2 = betas
        if not state:
            state.update(step=0, m=0.0, v=0.0)
        g = -p.grad if maximize else p.grad
        if weight_decay != 0:
            if decoupled_weight_decay:
                p.data *= 1 - lr * weight_decay
            else:
                g = g + weight_decay * p.data
        t = state["step"] + 1
        m = beta1 * state["m"] + (1 - beta1) * g
        v = beta2 * state["v"] + (1 - beta2) * g * g
        state["step"], state["m"], state["v"] = t, m, v
        m_hat = m / (1 - beta1 ** t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2 ** t / (1 - beta2 ** t)
        if rho_t > 5:
            r = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                          / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            adaptive_lr = math.sqrt(1 - beta2 ** t) / (math.sqrt(v) + eps)
            update = lr * m_hat * adaptive_lr * r
        else:
            update = lr * m_hat
        p.data -= update
