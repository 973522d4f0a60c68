"""Decay: the lr only goes down (or, with gamma > 1, only up).

StepLR multiplies it by ``gamma`` every ``step_size`` epochs, MultiStepLR at listed
milestones, ExponentialLR at every epoch; PolynomialLR brings it to 0 along a polynomial.
Each ``get_lr()`` is the recursive rule torch uses (it multiplies the current
``group["lr"]``); ``closed_form_lr()`` is the formula you would write on paper.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Iterable

from microopt._validate import real_number

from microopt.optim.lr_scheduler.base import (LRScheduler, _check_gamma, _check_increasing,
                                              _check_positive_int)
from microopt.optim.optimizer import Optimizer


def _check_power(power: object) -> float:
    return real_number("power", power, minimum=0.0, advice="power=1 is a straight line down to 0.")


class StepLR(LRScheduler):
    """Multiply the lr by ``gamma`` every ``step_size`` epochs.

    Closed form:  lr_e = base_lr · γ^⌊e / step_size⌋
    Recursive:    lr_e = lr_{e-1} · γ   if e > 0 and e mod step_size = 0,   else lr_{e-1}

    Example, ``StepLR(SGD(params, lr=0.1), step_size=3, gamma=0.5)``, epochs 0, 1, 2, ...::

        0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, ...

    Reference: PyTorch's torch.optim.lr_scheduler.StepLR, whose numbers these are (float64).
    """

    _state_rules = {"step_size": lambda v: _check_positive_int("step_size", v), "gamma": _check_gamma}

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.step_size = _check_positive_int("step_size", step_size)
        self.gamma = _check_gamma(gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        e = self.last_epoch
        if e == 0 or e % self.step_size != 0:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def closed_form_lr(self) -> list[float]:
        e = self.last_epoch
        return [base_lr * self.gamma ** (e // self.step_size) for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the lr by ``gamma`` each time the epoch reaches a milestone.

    Closed form:  lr_e = base_lr · γ^(number of milestones ≤ e)
    Recursive:    lr_e = lr_{e-1} · γ^(number of times e is listed in milestones)

    A milestone listed twice decays twice, as in torch. Example,
    ``MultiStepLR(SGD(params, lr=1.0), milestones=[2, 5], gamma=0.1)``, epochs 0, 1, 2, ...::

        1.0, 1.0, 0.1, 0.1, 0.1, 0.01, 0.01, ...

    Reference: PyTorch's torch.optim.lr_scheduler.MultiStepLR, whose numbers these are (float64).
    """

    _state_rules = {"milestones": lambda v: _check_increasing("milestones", v, strictly=False, minimum=0),
                    "gamma": _check_gamma}

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        # torch keeps a Counter; a sorted list says the same and survives json.dumps
        self.milestones = _check_increasing("milestones", milestones, strictly=False,
                                            minimum=0)
        self.gamma = _check_gamma(gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        hits = self.milestones.count(self.last_epoch)
        if hits == 0:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma ** hits for group in self.optimizer.param_groups]

    def closed_form_lr(self) -> list[float]:
        passed = bisect_right(self.milestones, self.last_epoch)
        return [base_lr * self.gamma ** passed for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the lr by ``gamma`` every epoch.

    Closed form:  lr_e = base_lr · γ^e
    Recursive:    lr_e = lr_{e-1} · γ

    Example, ``ExponentialLR(SGD(params, lr=1.0), gamma=0.5)``, epochs 0, 1, 2, ...::

        1.0, 0.5, 0.25, 0.125, 0.0625, ...

    Reference: PyTorch's torch.optim.lr_scheduler.ExponentialLR, whose numbers these are (float64).
    """

    _state_rules = {"gamma": _check_gamma}

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = _check_gamma(gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        # The initial step keeps the lr: it is base_lr at epoch 0, and a resumed run's
        # optimizer already holds the lr of its last epoch.
        if self._is_initial:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def closed_form_lr(self) -> list[float]:
        return [base_lr * self.gamma ** self.last_epoch for base_lr in self.base_lrs]


class PolynomialLR(LRScheduler):
    """Decay the lr to 0 along a polynomial over ``total_iters`` epochs, then keep it at 0.

    Closed form:  lr_e = base_lr · (1 - min(e, total_iters) / total_iters)^power
    Recursive:    lr_e = lr_{e-1} · ((1 - e/total_iters) / (1 - (e-1)/total_iters))^power
                  for 1 ≤ e ≤ total_iters, and lr_e = lr_{e-1} afterwards.

    ``power=1`` is a straight line down. Example,
    ``PolynomialLR(SGD(params, lr=1.0), total_iters=4, power=2.0)``::

        1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0, ...

    Reference: PyTorch's torch.optim.lr_scheduler.PolynomialLR, whose numbers these are (float64).
    """

    _state_rules = {"total_iters": lambda v: _check_positive_int("total_iters", v), "power": _check_power}

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0,
                 last_epoch: int = -1) -> None:
        self.total_iters = _check_positive_int("total_iters", total_iters)
        self.power = _check_power(power)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        e, T = self.last_epoch, self.total_iters
        groups = self.optimizer.param_groups
        if self._is_initial or e > T:
            return [group["lr"] for group in groups]
        decay_factor = ((1.0 - e / T) / (1.0 - (e - 1) / T)) ** self.power
        return [group["lr"] * decay_factor for group in groups]

    def closed_form_lr(self) -> list[float]:
        e, T = self.last_epoch, self.total_iters
        return [base_lr * (1.0 - min(T, e) / T) ** self.power for base_lr in self.base_lrs]
