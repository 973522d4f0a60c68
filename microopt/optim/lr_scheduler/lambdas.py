"""Schedules you write yourself as a function of the epoch: LambdaLR and MultiplicativeLR.

Saving: like torch, ``state_dict()`` cannot save a function, so a plain function or lambda is
stored as ``None`` and stays the one you passed to the constructor; a callable *object* has
its attributes (``__dict__``) saved and restored.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from microopt._validate import invalid
from microopt.optim.lr_scheduler.base import (LRScheduler, _function_state, _load_function_state,
                                              _per_group)
from microopt.optim.optimizer import Optimizer

LrLambda = Callable[[int], float]


class _FunctionScheduler(LRScheduler):
    """Shared by both: one function per group, saved as torch saves them."""

    _not_saved = (*LRScheduler._not_saved, "lr_lambdas")

    def __init__(self, optimizer: Optimizer, lr_lambda: LrLambda | list[LrLambda],
                 last_epoch: int = -1) -> None:
        self.lr_lambdas = _per_group("lr_lambda", lr_lambda, optimizer)
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(invalid("lr_lambda", fn, "must be a function of the epoch",
                                        "For example lr_lambda=lambda e: 0.95 ** e."))
        super().__init__(optimizer, last_epoch)

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state["lr_lambdas"] = [_function_state(fn) for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        saved = state.pop("lr_lambdas")
        super().load_state_dict(state)
        for fn, attributes in zip(self.lr_lambdas, saved, strict=True):
            _load_function_state(fn, attributes)


class LambdaLR(_FunctionScheduler):
    """Set the lr to ``base_lr`` times a function of the epoch you write yourself.

        lr_e = base_lr · λ(e)

    Pass one function for every group, or a list with one per group. Example, a warmup over
    4 epochs, ``LambdaLR(SGD(params, lr=0.1), lambda e: min(1.0, (e + 1) / 4))``::

        0.025, 0.05, 0.075, 0.1, 0.1, ...

    Reference: PyTorch's torch.optim.lr_scheduler.LambdaLR, whose numbers these are (float64).
    """

    def get_lr(self) -> list[float]:
        return [base_lr * lmbda(self.last_epoch)
                for lmbda, base_lr in zip(self.lr_lambdas, self.base_lrs, strict=True)]


class MultiplicativeLR(_FunctionScheduler):
    """Multiply the lr, every epoch after the first, by a function of the epoch.

        Recursive:    lr_0 = base_lr,   lr_e = lr_{e-1} · λ(e)
        Closed form:  lr_e = base_lr · λ(1) · λ(2) ··· λ(e)

    ``step()`` applies the recursive form, as torch does; so does a SequentialLR restarting a
    MultiplicativeLR at a milestone, which gives lr · λ(0) there, not base_lr.
    Example, ``MultiplicativeLR(SGD(params, lr=1.0), lambda e: 0.5 if e % 2 else 1.0)``::

        1.0, 0.5, 0.5, 0.25, 0.25, 0.125, ...

    Reference: PyTorch's torch.optim.lr_scheduler.MultiplicativeLR, whose numbers these are (float64).
    """

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        if self._is_initial:
            return [group["lr"] for group in groups]
        return [group["lr"] * lmbda(self.last_epoch)
                for lmbda, group in zip(self.lr_lambdas, groups, strict=True)]

    def closed_form_lr(self) -> list[float]:
        epochs = range(1, self.last_epoch + 1)
        return [base_lr * math.prod(lmbda(k) for k in epochs)
                for lmbda, base_lr in zip(self.lr_lambdas, self.base_lrs, strict=True)]

    def _restart_at_epoch_zero(self) -> None:
        # torch has no closed form for MultiplicativeLR and applies the recursive rule here.
        self.last_epoch = 0
        self._set_lrs(self.get_lr())
