"""SGD: stochastic gradient descent, with optional momentum, Nesterov momentum and weight decay.

``b`` is PyTorch's ``state["momentum_buffer"]``. It starts at g itself, not at 0 and not
scaled by (1 - τ): dampening only applies from the second step on (pytorch PR #152833).

Gradient descent, minibatch SGD and "stochastic" gradient descent all use this one update
rule; they differ in the data the gradient is computed on (the whole training set, a batch,
or one example), which is the training loop's business, not the optimizer's.

The update equations, defaults and paper are in the class docstring: ``help(SGD)``.
"""

from __future__ import annotations

from typing import Any

from microopt.engine.value import Value
from microopt.optim import rules as r
from microopt.optim.optimizer import Optimizer, ParamsT


class SGD(Optimizer):
    """SGD: stochastic gradient descent, with optional momentum, Nesterov momentum and weight decay.

    For each parameter θ with gradient ∇f(θ), learning rate γ, momentum μ, dampening τ and
    weight decay λ (PyTorch's formulation)::

        g ← ∇f(θ)                        (g ← -∇f(θ) when maximize)
        g ← g + λ θ                      (coupled weight decay: L2 through the gradient)
        b ← g                            on the first step, then
        b ← μ b + (1 - τ) g              (momentum buffer: a running sum of past gradients)
        direction ← g + μ b              (nesterov)   or   b   (plain momentum)   or   g (μ = 0)
        update ← γ · direction
        θ ← θ - update

    Signature and defaults: ``SGD(params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
    maximize=False)``.

    >>> from microopt import Value
    >>> w = Value(2.0)
    >>> opt = SGD([w], lr=0.1)
    >>> w.grad = 4.0              # d(w²)/dw at w = 2
    >>> opt.step()
    >>> w.data                    # 2 - 0.1 * 4
    1.6

    References: Robbins & Monro (1951), "A Stochastic Approximation Method"; Polyak (1964),
    "Some methods of speeding up the convergence of iteration methods" (momentum); Sutskever,
    Martens, Dahl & Hinton (2013), "On the importance of initialization and momentum in deep
    learning" (Nesterov momentum in this form).
    """

    rules = {**Optimizer.rules, "momentum": r.at_least_zero("momentum value"),
             "dampening": r.between("dampening", 0.0, 1.0), "nesterov": r.boolean("nesterov")}
    state_rules = {"momentum_buffer": r.buffer("momentum_buffer")}
    optional_state = frozenset({"momentum_buffer"})  # only kept when momentum != 0

    def __init__(self, params: ParamsT, lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False,
                 *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)

    def update(self, p: Value, state: dict[str, Any], *, lr: float, momentum: float,
               dampening: float, weight_decay: float, nesterov: bool, maximize: bool) -> None:
        g = -p.grad if maximize else p.grad
        if weight_decay != 0:
            g = g + weight_decay * p.data
        if momentum != 0:
            if "momentum_buffer" not in state:
                b = g
            else:
                b = momentum * state["momentum_buffer"] + (1 - dampening) * g
            state["momentum_buffer"] = b
            direction = g + momentum * b if nesterov else b
        else:
            direction = g
        update = lr * direction
        p.data -= update

    def check_group(self, group: dict[str, Any]) -> None:
        super().check_group(group)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                f"Nesterov momentum requires a momentum and zero dampening, got "
                f"momentum={group['momentum']}, dampening={group['dampening']}. "
                "Set momentum > 0 and dampening=0, or nesterov=False."
            )
