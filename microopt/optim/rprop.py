"""Rprop: each parameter learns its own step size from the signs of its gradients alone.

Only the sign of the gradient is used, never its size, so Rprop does not care how the loss
is scaled; but it needs the same data at every step: it is a full-batch method, and noisy
minibatch gradients flip signs at random. step_size starts at γ on the first step and then
lives in the state, so changing ``lr`` afterwards (a schedule) has no effect, as in PyTorch.
``state["prev"]`` (g_prev), ``state["step_size"]`` and ``state["step"]`` are PyTorch's names.

The update equations, defaults and paper are in the class docstring: ``help(Rprop)``.
"""

from __future__ import annotations

from typing import Any

from microopt.engine.value import Value
from microopt._validate import invalid, real_number, sign
from microopt.optim import rules as r
from microopt.optim.optimizer import Optimizer, ParamsT


def etas(value: Any) -> tuple[float, float]:
    """(η₋, η₊) with 0 < η₋ < 1 < η₊: shrink after a sign change, grow while the sign holds."""
    eta_minus, eta_plus = (real_number(f"etas[{i}]", eta) for i, eta in enumerate(r.pair("etas", value, (0.5, 1.2))))
    if not 0.0 < eta_minus < 1.0 < eta_plus:
        raise ValueError(f"Invalid eta values: {eta_minus}, {eta_plus} (must be 0 < eta_minus < 1 < eta_plus). "
                         "For example etas=(0.5, 1.2).")
    return eta_minus, eta_plus


def step_sizes(value: Any) -> tuple[float, float]:
    """(Γ_min, Γ_max) with 0 <= Γ_min <= Γ_max: the range each step size is clamped to."""
    smallest, largest = (real_number(f"step_sizes[{i}]", size, minimum=0.0)
                         for i, size in enumerate(r.pair("step_sizes", value, (1e-6, 50))))
    if not smallest <= largest:
        raise ValueError(invalid("step sizes", (smallest, largest), "must be 0 <= min <= max",
                                 "For example step_sizes=(1e-6, 50)."))
    return smallest, largest


class Rprop(Optimizer):
    """Rprop: each parameter learns its own step size from the signs of its gradients alone.

    For each parameter θ with learning rate γ (the first step size), etas (η₋, η₊) and step-size
    limits (Γ_min, Γ_max)::

        g ← ∇f(θ)                                         (g ← -∇f(θ) when maximize)
        s ← sign(g · g_prev)                              (did the gradient keep its sign?)
        factor ← η₊ if s > 0 (same sign: speed up), η₋ if s < 0 (jumped over a minimum: slow
                 down), 1 if s = 0 (the first step, and the step after a sign change)
        step_size ← clamp(step_size · factor, Γ_min, Γ_max)
        g ← 0                                             if s < 0: skip the step after a sign change
        update ← sign(g) · step_size
        θ ← θ - update
        g_prev ← g

    Signature and defaults: ``Rprop(params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, maximize=False)``.

    Reference: Riedmiller & Braun (1993), "A Direct Adaptive Method for Faster Backpropagation
    Learning: The RPROP Algorithm". PyTorch (and microopt) implement the variant without weight
    backtracking that Igel & Hüsken (2000) call Rprop⁻.
    """

    rules = {**Optimizer.rules, "etas": etas, "step_sizes": step_sizes}
    state_rules = {"step": r.steps_taken, "prev": r.buffer("prev"), "step_size": r.non_negative("step_size")}

    def __init__(self, params: ParamsT, lr: float = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, maximize=maximize)
        super().__init__(params, defaults)

    def update(self, p: Value, state: dict[str, Any], *, lr: float, etas: tuple[float, float],
               step_sizes: tuple[float, float], maximize: bool) -> None:
        eta_minus, eta_plus = etas
        step_size_min, step_size_max = step_sizes
        if not state:
            state.update(step=0, prev=0.0, step_size=float(lr))
        g = -p.grad if maximize else p.grad
        state["step"] += 1
        s = sign(g * state["prev"])
        factor = eta_plus if s > 0 else eta_minus if s < 0 else 1.0
        step_size = min(max(state["step_size"] * factor, step_size_min), step_size_max)
        if s < 0:
            g = 0.0
        update = sign(g) * step_size
        p.data -= update
        state["prev"], state["step_size"] = g, step_size
