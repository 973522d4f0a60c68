"""Adam: momentum on the gradient, divided by a running root-mean-square of the gradient.

Names follow the paper. In PyTorch, ``state["m"]`` is ``exp_avg``, ``state["v"]`` is
``exp_avg_sq``, ``state["v_max"]`` is ``max_exp_avg_sq`` and ``state["step"]`` is t.
ε sits outside the square root, after bias correction, as in PyTorch and the paper
(other libraries differ: pytorch#23796, optax#532).

Adam's ``weight_decay`` is L2 regularization, which then gets divided by √v_hat like the rest
of the gradient; ``decoupled_weight_decay=True`` (or ``AdamW``) shrinks θ directly instead.
See ``microopt.optim.regularization`` for why the two differ.

The update equations, defaults and paper are in the class docstring: ``help(Adam)``.
"""

from __future__ import annotations

import math
from typing import Any

from microopt.engine.value import Value
from microopt.optim import rules as r
from microopt.optim.optimizer import Optimizer, ParamsT


class Adam(Optimizer):
    """Adam: momentum on the gradient, divided by a running root-mean-square of the gradient.

    For each parameter θ, at step t = 1, 2, ... with learning rate γ, betas (β₁, β₂), eps ε and
    weight decay λ::

        g ← ∇f(θ)                             (g ← -∇f(θ) when maximize)
        g ← g + λ θ                           (coupled weight decay, the default: L2 through g)
        θ ← θ (1 - γ λ)                       (instead, when decoupled_weight_decay: AdamW)
        t ← t + 1                             (the step count, state["step"]; 1 on the first step)
        m ← β₁ m + (1 - β₁) g                 (first moment: a running mean of g; m₀ = 0)
        v ← β₂ v + (1 - β₂) g²                (second moment: a running mean of g²; v₀ = 0)
        v_max ← max(v_max, v)                 (amsgrad only; v_max then replaces v below)
        m_hat ← m / (1 - β₁ᵗ)                 (bias correction: m and v start at 0)
        v_hat ← v / (1 - β₂ᵗ)
        update ← γ m_hat / (√v_hat + ε)
        θ ← θ - update

    Signature and defaults: ``Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
    maximize=False, decoupled_weight_decay=False)``.

    References: Kingma & Ba (2015), "Adam: A Method for Stochastic Optimization"; Reddi, Kale &
    Kumar (2018), "On the Convergence of Adam and Beyond" (AMSGrad); Loshchilov & Hutter (2019),
    "Decoupled Weight Decay Regularization" (AdamW).
    """

    rules = {**Optimizer.rules, "betas": r.betas, "amsgrad": r.boolean("amsgrad"),
             "decoupled_weight_decay": r.boolean("decoupled_weight_decay")}
    state_rules = {"step": r.steps_taken, "m": r.buffer("m"), "v": r.non_negative("v"),
                   "v_max": r.non_negative("v_max")}
    optional_state = frozenset({"v_max"})  # kept once amsgrad has been on
    eps_denominator = "√v_hat + ε"

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
                 maximize: bool = False, decoupled_weight_decay: bool = False) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def update(self, p: Value, state: dict[str, Any], *, lr: float, betas: tuple[float, float],
               eps: float, weight_decay: float, amsgrad: bool, maximize: bool,
               decoupled_weight_decay: bool) -> None:
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
        if amsgrad:
            v_max = max(state.get("v_max", 0.0), v)
            state["v_max"] = v_max
        m_hat = m / (1 - beta1 ** t)
        v_hat = (v_max if amsgrad else v) / (1 - beta2 ** t)
        update = lr * m_hat / (math.sqrt(v_hat) + eps)
        p.data -= update
