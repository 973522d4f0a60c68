"""Warm-up schedules: start the lr low, then bring it to ``base_lr`` (or move it elsewhere).

Both apply torch's recursive rules in ``get_lr()``, which reproduce their closed forms
(``closed_form_lr()``) up to rounding.
"""

from __future__ import annotations

from microopt._validate import real_number
from microopt.optim.lr_scheduler.base import LRScheduler, _check_positive_int
from microopt.optim.optimizer import Optimizer


def _factor(name: str, value: object, minimum_allowed: bool = False) -> float:
    """A factor in (0, 1] (in [0, 1] for an end factor): the lr is multiplied by it."""
    if minimum_allowed:
        return real_number(name, value, minimum=0.0, maximum=1.0, advice="The lr ends at end_factor * lr.")
    return real_number(name, value, above=0.0, maximum=1.0,
                       advice="The lr is multiplied by it, then divided by it again: 0 could not be undone.")


class ConstantLR(LRScheduler):
    """Scale the lr by a constant ``factor`` for the first ``total_iters`` epochs.

    Closed form:  lr_e = base_lr · factor   if e < total_iters,   base_lr afterwards
    Recursive:    lr_0 = lr · factor,   lr_e = lr_{e-1} / factor   at e = total_iters,
                  lr_e = lr_{e-1} otherwise

    Example, ``ConstantLR(SGD(params, lr=0.1), factor=0.5, total_iters=3)``::

        0.05, 0.05, 0.05, 0.1, 0.1, ...

    Reference: PyTorch's torch.optim.lr_scheduler.ConstantLR, whose numbers these are (float64).
    """

    _state_rules = {"factor": lambda v: _factor("factor", v),
                    "total_iters": lambda v: _check_positive_int("total_iters", v)}

    def __init__(self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5,
                 last_epoch: int = -1) -> None:
        self.factor = _factor("factor", factor)
        self.total_iters = _check_positive_int("total_iters", total_iters)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        e = self.last_epoch
        groups = self.optimizer.param_groups
        if e == 0:
            return [group["lr"] * self.factor for group in groups]
        if e != self.total_iters:
            return [group["lr"] for group in groups]
        return [group["lr"] * (1.0 / self.factor) for group in groups]

    def closed_form_lr(self) -> list[float]:
        reached = self.last_epoch >= self.total_iters
        return [base_lr * (self.factor + reached * (1 - self.factor)) for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the lr by a factor that moves linearly from ``start_factor`` to ``end_factor``.

    The classic warmup: with ``start_factor`` small and ``end_factor=1`` the lr ramps up to
    ``base_lr`` over ``total_iters`` epochs, then stays there.

    Closed form:  f_e = start + (end - start) · min(e, total_iters) / total_iters,
                  lr_e = base_lr · f_e
    Recursive:    lr_0 = lr · start,
                  lr_e = lr_{e-1} · f_e / f_{e-1}
                       = lr_{e-1} · (1 + (end - start) / (total_iters·start + (e-1)(end - start)))
                  for 1 ≤ e ≤ total_iters, and lr_e = lr_{e-1} afterwards.

    Example, ``LinearLR(SGD(params, lr=0.1), start_factor=0.25, total_iters=4)``::

        0.025, 0.04375, 0.0625, 0.08125, 0.1, 0.1, ...

    Reference: PyTorch's torch.optim.lr_scheduler.LinearLR, whose numbers these are (float64).
    """

    _state_rules = {"start_factor": lambda v: _factor("start_factor", v),
                    "end_factor": lambda v: _factor("end_factor", v, minimum_allowed=True),
                    "total_iters": lambda v: _check_positive_int("total_iters", v)}

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3,
                 end_factor: float = 1.0, total_iters: int = 5, last_epoch: int = -1) -> None:
        self.start_factor = _factor("start_factor", start_factor)
        self.end_factor = _factor("end_factor", end_factor, minimum_allowed=True)
        self.total_iters = _check_positive_int("total_iters", total_iters)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        e, T = self.last_epoch, self.total_iters
        start, end = self.start_factor, self.end_factor
        groups = self.optimizer.param_groups
        if e == 0:
            return [group["lr"] * start for group in groups]
        if self._is_initial or e > T:
            return [group["lr"] for group in groups]
        # max(0, ...): with end_factor = 0 the product can round to -4e-18 at e = T, which torch
        # keeps and an optimizer refuses (a negative lr); end_factor >= 0, so that is rounding.
        return [max(0.0, group["lr"] * (1.0 + (end - start) / (T * start + (e - 1) * (end - start))))
                for group in groups]

    def closed_form_lr(self) -> list[float]:
        e, T = self.last_epoch, self.total_iters
        f = self.start_factor + (self.end_factor - self.start_factor) * min(T, e) / T
        return [base_lr * f for base_lr in self.base_lrs]
