"""AdamW: Adam with decoupled weight decay, which shrinks θ directly instead of through g.

Adam's ``weight_decay`` adds λθ to g, so the decay is divided by √v_hat with the rest of the
gradient: weights with large gradients are barely decayed. AdamW decays every weight by the
same factor (1 - γλ), which is what "weight decay" meant for SGD. The decay is scaled by the
learning rate γ, as in PyTorch; the paper scales it by the schedule multiplier η_t only, not
by the base learning rate α, so its λ values are not PyTorch's.

As in PyTorch, ``AdamW`` is ``Adam`` with ``decoupled_weight_decay=True`` and a default
``weight_decay`` of 1e-2 instead of 0: the update is ``Adam.update`` (see ``adam.py``).

The update equations, defaults and paper are in the class docstring: ``help(AdamW)``.
"""

from __future__ import annotations

from microopt.optim.adam import Adam
from microopt.optim.optimizer import ParamsT


class AdamW(Adam):
    """AdamW: Adam with decoupled weight decay, which shrinks θ directly instead of through g.

    For each parameter θ, at step t = 1, 2, ... with learning rate γ, betas (β₁, β₂), eps ε and
    weight decay λ::

        g ← ∇f(θ)                             (g ← -∇f(θ) when maximize)
        θ ← θ (1 - γ λ)                       (decoupled weight decay: the only change from Adam)
        t ← t + 1                             (the step count, state["step"]; 1 on the first step)
        m ← β₁ m + (1 - β₁) g
        v ← β₂ v + (1 - β₂) g²
        v_max ← max(v_max, v)                 (amsgrad only; v_max then replaces v below)
        m_hat ← m / (1 - β₁ᵗ)
        v_hat ← v / (1 - β₂ᵗ)
        update ← γ m_hat / (√v_hat + ε)
        θ ← θ - update

    Signature and defaults: ``AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
    maximize=False)``.

    Reference: Loshchilov & Hutter (2019), "Decoupled Weight Decay Regularization".
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize, decoupled_weight_decay=True)
