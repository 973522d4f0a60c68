"""RMSprop: divide the gradient by a running root-mean-square of recent gradients.

Unlike Adam there is no bias correction, so the first steps are large (square_avg starts at
0 and is small at first). ε is added outside the square root, as in PyTorch (TensorFlow puts
it inside). The state names are PyTorch's: ``square_avg``, ``grad_avg``, ``momentum_buffer``
(b), and ``step``, which counts the updates as in PyTorch but does not enter them.

The update equations, defaults and paper are in the class docstring: ``help(RMSprop)``.
"""

from __future__ import annotations

import math
from typing import Any

from microopt.engine.value import Value
from microopt.optim import rules as r
from microopt.optim.optimizer import Optimizer, ParamsT


class RMSprop(Optimizer):
    """RMSprop: divide the gradient by a running root-mean-square of recent gradients.

    For each parameter θ with learning rate γ, smoothing constant α, eps ε, weight decay λ and
    momentum μ::

        g ← ∇f(θ)                                      (g ← -∇f(θ) when maximize)
        g ← g + λ θ                                    (coupled weight decay)
        square_avg ← α square_avg + (1 - α) g²         (a running mean of g², starts at 0)
        grad_avg ← α grad_avg + (1 - α) g              (centered only: a running mean of g)
        avg ← √(square_avg - grad_avg²) + ε            (centered: a running standard deviation)
        avg ← √square_avg + ε                          (otherwise)
        b ← μ b + g / avg ;  update ← γ b              (with momentum, b starts at 0)
        update ← γ g / avg                             (without)
        θ ← θ - update

    Signature and defaults: ``RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
    *, maximize=False)``.

    Reference: Tieleman & Hinton (2012), "Lecture 6.5 - rmsprop: Divide the gradient by a running
    average of its recent magnitude" (COURSERA: Neural Networks for Machine Learning); the
    centered variant is from Graves (2013), "Generating Sequences With Recurrent Neural Networks".
    """

    # alpha > 1 would make 1 - α negative, and square_avg a negative "mean of squares"
    rules = {**Optimizer.rules, "alpha": r.between("alpha value", 0.0, 1.0),
             "momentum": r.at_least_zero("momentum value"), "centered": r.boolean("centered")}
    state_rules = {"step": r.steps_taken, "square_avg": r.non_negative("square_avg"),
                   "grad_avg": r.buffer("grad_avg"), "momentum_buffer": r.buffer("momentum_buffer")}
    eps_denominator = "avg = √square_avg + ε"

    def __init__(self, params: ParamsT, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, *,
                 maximize: bool = False) -> None:
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                        momentum=momentum, centered=centered, maximize=maximize)
        super().__init__(params, defaults)

    def update(self, p: Value, state: dict[str, Any], *, lr: float, alpha: float, eps: float,
               weight_decay: float, momentum: float, centered: bool, maximize: bool) -> None:
        if not state:
            state.update(step=0, square_avg=0.0, grad_avg=0.0, momentum_buffer=0.0)
        g = -p.grad if maximize else p.grad
        if weight_decay != 0:
            g = g + weight_decay * p.data
        state["step"] += 1
        square_avg = alpha * state["square_avg"] + (1 - alpha) * g * g
        state["square_avg"] = square_avg
        if centered:
            grad_avg = alpha * state["grad_avg"] + (1 - alpha) * g
            state["grad_avg"] = grad_avg
            # max(..., 0): for a steady gradient the variance is ~0, and rounding can leave
            # it a hair below 0 (PyTorch then gets nan)
            avg = math.sqrt(max(square_avg - grad_avg * grad_avg, 0.0)) + eps
        else:
            avg = math.sqrt(square_avg) + eps
        if momentum > 0:
            b = momentum * state["momentum_buffer"] + g / avg
            state["momentum_buffer"] = b
            update = lr * b
        else:
            update = lr * g / avg
        p.data -= update
