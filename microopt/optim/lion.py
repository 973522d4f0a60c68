"""Lion: move every parameter by the same amount, γ, in the direction of a momentum's sign.

Two betas: β₁ mixes the gradient into the step, β₂ (larger) keeps the longer memory. Every
step has size γ per parameter, so Lion wants a learning rate 3-10x smaller than AdamW's and
a weight decay 3-10x larger, to keep γλ similar. Its only state is ``state["m"]``, the
paper's m (lucidrains/lion-pytorch calls it ``exp_avg``).

Lion is not in torch.optim: it was found by a program search over update rules. Defaults are
the paper's: lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0.

The update equations, defaults and paper are in the class docstring: ``help(Lion)``.
"""

from __future__ import annotations

from typing import Any

from microopt.engine.value import Value
from microopt._validate import sign
from microopt.optim import rules as r
from microopt.optim.optimizer import Optimizer, ParamsT


class Lion(Optimizer):
    """Lion: move every parameter by the same amount, γ, in the direction of a momentum's sign.

    For each parameter θ with learning rate γ, betas (β₁, β₂) and weight decay λ::

        g ← ∇f(θ)                             (g ← -∇f(θ) when maximize)
        θ ← θ (1 - γ λ)                       (decoupled weight decay, as in AdamW)
        c ← β₁ m + (1 - β₁) g                 (the interpolation the step follows)
        update ← γ sign(c)                    (sign(0) = 0: a parameter with c = 0 stays put)
        θ ← θ - update
        m ← β₂ m + (1 - β₂) g                 (the momentum, updated after the step; m₀ = 0)

    Signature and defaults: ``Lion(params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, *, maximize=False)``.

    Reference: Chen, Liang, Huang, Real, Wang, Pham, Dong, Luong, Hsieh, Lu & Le (2023),
    "Symbolic Discovery of Optimization Algorithms".
    """

    rules = {**Optimizer.rules, "betas": r.betas}
    state_rules = {"m": r.buffer("m")}

    def __init__(self, params: ParamsT, lr: float = 1e-4, betas: tuple[float, float] = (0.9, 0.99),
                 weight_decay: float = 0.0, *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, betas=betas, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def update(self, p: Value, state: dict[str, Any], *, lr: float, betas: tuple[float, float],
               weight_decay: float, maximize: bool) -> None:
        beta1, beta2 = betas
        if not state:
            state["m"] = 0.0
        g = -p.grad if maximize else p.grad
        if weight_decay != 0:
            p.data *= 1 - lr * weight_decay
        c = beta1 * state["m"] + (1 - beta1) * g
        update = lr * sign(c)
        p.data -= update
        m = beta2 * state["m"] + (1 - beta2) * g
        state["m"] = m
