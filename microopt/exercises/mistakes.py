"""Known optimizer mistakes, each written out as a (wrong) update, to recognise them by symptom.

When a student's optimizer disagrees with the reference, ``check_optimizer`` runs each of
these mistaken versions on the same problem. If one of them reproduces the student's numbers
(or raises the same error at the same step), that is very likely the student's mistake, and
its hint is shown. Each mistake is the reference with one thing changed:

- general: wrong sign; state not kept between steps; weight decay applied after the update,
  or ignored; ``maximize`` ignored; coupled (L2) and decoupled (AdamW) decay confused; the
  decoupled decay not multiplied by the learning rate;
- Adam family: no bias correction; eps inside the square root; the step counter starting at
  0; the step counter never advancing; the square root forgotten;
- SGD: the momentum buffer started at zero (equivalently, dampened on the first step);
  Nesterov ignored.

Sources: pytorch/pytorch#23796 and optax#532 (eps placement), PRs #41679 and #43055 (Adam's
weight_decay is L2), PR #152833 (SGD's buffer starts at g).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from microopt.optim import SGD, Adam


@dataclass(frozen=True)
class Mistake:
    name: str
    hint: str
    # update(reference_update, self, p, state, **hyperparameters): the mistaken update rule
    update: Callable[..., None]
    applies_to: type | None = None  # only for subclasses of this reference (None: any)
    visible: Callable[[dict[str, Any]], bool] = lambda hp: True  # does it change anything here?

    def applies(self, reference: type, hyperparameters: dict[str, Any]) -> bool:
        return ((self.applies_to is None or issubclass(reference, self.applies_to))
                and self.visible(hyperparameters))

    def optimizer_class(self, reference: type) -> type:
        """The reference class with this mistake in its ``update``."""
        reference_update = reference.update
        mistake = self.update

        def update(self, p, state, **hyperparameters):
            mistake(reference_update, self, p, state, **hyperparameters)

        return type(f"{reference.__name__}With{self.name.title().replace(' ', '')}",
                    (reference,), {"update": update})


# ----------------------------------------------------------------- mistakes of any optimizer
def _wrong_sign(reference_update, self, p, state, **hp):
    before = p.data
    reference_update(self, p, state, **hp)
    p.data = before - (p.data - before)


def _state_not_kept(reference_update, self, p, state, **hp):
    reference_update(self, p, {}, **hp)


def _decay_after_update(reference_update, self, p, state, **hp):
    reference_update(self, p, state, **{**hp, "weight_decay": 0.0})
    p.data -= hp["lr"] * hp["weight_decay"] * p.data


def _decay_ignored(reference_update, self, p, state, **hp):
    reference_update(self, p, state, **{**hp, "weight_decay": 0.0})


def _maximize_ignored(reference_update, self, p, state, **hp):
    reference_update(self, p, state, **{**hp, "maximize": False})


def _decoupling_swapped(reference_update, self, p, state, **hp):
    reference_update(self, p, state, **{**hp, "decoupled_weight_decay": not hp["decoupled_weight_decay"]})


def _decoupled_decay_without_lr(reference_update, self, p, state, **hp):
    p.data *= 1 - hp["weight_decay"]
    reference_update(self, p, state, **{**hp, "weight_decay": 0.0})


# ----------------------------------------------------------------- Adam
def _adam(self, p, state, *, lr, betas, eps, weight_decay, amsgrad, maximize,
          decoupled_weight_decay, bias_correction=True, eps_inside_sqrt=False,
          step_from_zero=False, step_stuck=False, square_root=True):
    """Adam as in ``microopt.optim.adam``, with one of its mistakes switched on."""
    beta1, beta2 = betas
    if not state:
        state.update(step=0, m=0.0, v=0.0)
    g = -p.grad if maximize else p.grad
    if weight_decay != 0:
        if decoupled_weight_decay:
            p.data *= 1 - lr * weight_decay
        else:
            g = g + weight_decay * p.data
    t = state["step"] if step_from_zero else state["step"] + 1
    m = beta1 * state["m"] + (1 - beta1) * g
    v = beta2 * state["v"] + (1 - beta2) * g ** 2
    state.update(step=state["step"] + 1 if step_from_zero else (0 if step_stuck else t), m=m, v=v)
    if amsgrad:
        v = state["v_max"] = max(state.get("v_max", 0.0), v)
    m_hat = m / (1 - beta1 ** t) if bias_correction else m
    v_hat = v / (1 - beta2 ** t) if bias_correction else v
    if not square_root:
        denominator = v_hat + eps
    elif eps_inside_sqrt:
        denominator = math.sqrt(v_hat + eps)
    else:
        denominator = math.sqrt(v_hat) + eps
    p.data -= lr * m_hat / denominator


def _adam_with(**switch):
    return lambda reference_update, self, p, state, **hp: _adam(self, p, state, **hp, **switch)


# ----------------------------------------------------------------- SGD
def _sgd_buffer_from_zero(reference_update, self, p, state, *, lr, momentum, dampening,
                          weight_decay, nesterov, maximize):
    g = -p.grad if maximize else p.grad
    if weight_decay != 0:
        g = g + weight_decay * p.data
    b = momentum * state.get("momentum_buffer", 0.0) + (1 - dampening) * g
    state["momentum_buffer"] = b
    p.data -= lr * (g + momentum * b if nesterov else b)


def _nesterov_ignored(reference_update, self, p, state, **hp):
    reference_update(self, p, state, **{**hp, "nesterov": False})


def _decay(hp):
    return hp.get("weight_decay", 0) != 0


MISTAKES = (  # in order of precedence: the first that reproduces the student's numbers wins
    Mistake("maximize ignored",  # before "wrong sign": with maximize, the two give the same numbers
            "maximize=True is ignored (or the update has the wrong sign): with maximize, negate "
            "the gradient first, g ← -∇f(θ), so that θ moves uphill.",
            _maximize_ignored, None, lambda hp: bool(hp.get("maximize"))),
    Mistake("wrong sign",
            "the parameter moves the wrong way: θ ← θ - update steps against the gradient "
            "(downhill). Check the sign of the last line (-=, not +=).", _wrong_sign),
    Mistake("eps inside sqrt",
            "eps sits outside the square root, after bias correction: √v_hat + ε, not "
            "√(v_hat + ε) (frameworks differ here: pytorch#23796, optax#532).",
            _adam_with(eps_inside_sqrt=True), Adam),
    Mistake("no bias correction",
            "bias correction is missing: m and v start at 0, so divide them by (1 - β₁ᵗ) and "
            "(1 - β₂ᵗ): m_hat = m / (1 - β₁ᵗ), v_hat = v / (1 - β₂ᵗ).",
            _adam_with(bias_correction=False), Adam),
    Mistake("step counter starting at 0",
            "the step counter starts at 0: t must be 1 on the first step (increment it before "
            "using it), otherwise 1 - β₁ᵗ = 0 on the first step.",
            _adam_with(step_from_zero=True), Adam),
    Mistake("step counter not advancing",
            "the step count t does not grow: store it in state and add 1 at every step, so that "
            "bias correction (1 - β₁ᵗ) fades out.", _adam_with(step_stuck=True), Adam),
    Mistake("square root forgotten",
            "the square root is missing: divide by √v_hat + ε (a root-mean-square), not by "
            "v_hat + ε.", _adam_with(square_root=False), Adam),
    Mistake("momentum buffer started at zero",
            "the momentum buffer starts at zero (or is dampened on the first step): PyTorch "
            "starts it at g itself, b ← g, and applies b ← μb + (1 - τ)g from the second step on.",
            _sgd_buffer_from_zero, SGD, lambda hp: hp.get("momentum", 0) != 0 and hp.get("dampening", 0) != 0),
    Mistake("nesterov ignored",
            "nesterov=True is ignored: with Nesterov momentum the direction is g + μb, not b.",
            _nesterov_ignored, SGD, lambda hp: bool(hp.get("nesterov"))),
    Mistake("state not kept",
            "your update starts from scratch at every step: keep the running quantities (m, v, "
            "the momentum buffer, the step count) in `state`, the dict the optimizer passes to "
            "update() for this parameter, and read them back at the next step.", _state_not_kept),
    Mistake("weight decay applied after the update",
            "weight decay is applied after the update: apply it first, at the θ the gradient was "
            "computed for (coupled: g ← g + λθ; decoupled: θ ← θ(1 - γλ) before the step).",
            _decay_after_update, None, _decay),
    Mistake("weight decay ignored",
            "weight_decay seems to be ignored: with λ > 0, add λθ to g (coupled, L2) or shrink "
            "θ ← θ(1 - γλ) (decoupled, AdamW) before the step.", _decay_ignored, None, _decay),
    Mistake("coupled and decoupled weight decay confused",
            "coupled and decoupled weight decay are swapped: Adam's weight_decay is L2 "
            "(g ← g + λθ, then divided by √v_hat like the gradient), AdamW's is decoupled "
            "(θ ← θ(1 - γλ) before the step) (pytorch PRs #41679, #43055).",
            _decoupling_swapped, None, lambda hp: _decay(hp) and "decoupled_weight_decay" in hp),
    Mistake("decoupled decay without the learning rate",
            "the decoupled decay must be multiplied by the learning rate: θ ← θ(1 - γλ), not "
            "θ(1 - λ).", _decoupled_decay_without_lr, None,
            lambda hp: _decay(hp) and bool(hp.get("decoupled_weight_decay"))),
)


def applicable(reference: type, hyperparameters: dict[str, Any]) -> list[Mistake]:
    """The mistakes that change the reference's numbers with these hyperparameters."""
    return [m for m in MISTAKES if m.applies(reference, hyperparameters)]
