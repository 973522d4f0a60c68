"""Cosine annealing (SGDR, Loshchilov & Hutter 2017, https://arxiv.org/abs/1608.03983).

CosineAnnealingLR follows one cosine (and back up, past T_max); CosineAnnealingWarmRestarts
jumps back to the top at each restart, with cycles that may grow by ``T_mult``.
"""

from __future__ import annotations

import math

from microopt._validate import real_number
from microopt.optim.lr_scheduler.base import LRScheduler, _check_positive_int
from microopt.optim.optimizer import Optimizer


class CosineAnnealingLR(LRScheduler):
    """Follow a cosine from ``base_lr`` (η_max) down to ``eta_min`` over ``T_max`` epochs.

    Closed form (SGDR, Loshchilov & Hutter 2017, without restarts):

        η_e = η_min + (η_max - η_min) · (1 + cos(π e / T_max)) / 2

    Recursive form torch applies, the ratio of two consecutive closed forms:

        η_e = η_min + (η_{e-1} - η_min) · (1 + cos(π e / T_max)) / (1 + cos(π (e-1) / T_max))

    except at the bottom of the cosine (e - 1 = T_max, 3 T_max, ...), where η_{e-1} = η_min makes
    the ratio 0/0 and torch adds the closed form's rise instead:

        η_e = η_{e-1} + (η_max - η_min) · (1 - cos(π / T_max)) / 2

    Past T_max the lr climbs back up along the same cosine (period 2 T_max), as in torch.
    Example, ``CosineAnnealingLR(SGD(params, lr=1.0), T_max=4)``, epochs 0, 1, 2, ...::

        1.0, 0.8535533906, 0.5, 0.1464466094, 0.0, 0.1464466094, 0.5, ...

    Reference: Loshchilov & Hutter (2017), "SGDR: Stochastic Gradient Descent with Warm Restarts".
    """

    _state_rules = {"T_max": lambda v: _check_positive_int("T_max", v), "eta_min": lambda v: _check_eta_min(v)}

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        self.T_max = _check_positive_int("T_max", T_max)
        self.eta_min = _check_eta_min(eta_min)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        e, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        groups = self.optimizer.param_groups
        if self._is_initial:  # epoch 0 is base_lr; a resumed run already holds its lr
            return [group["lr"] for group in groups]
        if (e - 1 - T) % (2 * T) == 0:  # just past the bottom: the ratio would be 0/0
            return [group["lr"] + (eta_max - eta_min) * (1 - math.cos(math.pi / T)) / 2
                    for eta_max, group in zip(self.base_lrs, groups, strict=True)]
        return [(1 + math.cos(math.pi * e / T)) / (1 + math.cos(math.pi * (e - 1) / T))
                * (group["lr"] - eta_min) + eta_min
                for group in groups]

    def closed_form_lr(self) -> list[float]:
        e, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        return [eta_min + (eta_max - eta_min) * (1 + math.cos(math.pi * e / T)) / 2
                for eta_max in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing that restarts from ``base_lr`` (η_max) at the end of every cycle.

        η = η_min + (η_max - η_min) · (1 + cos(π · T_cur / T_i)) / 2

    T_cur counts the epochs since the last restart; T_i is the length of the current cycle:
    T_0, then T_0·T_mult, T_0·T_mult², ... Each ``step()`` adds 1 to T_cur, and when
    T_cur reaches T_i the cycle restarts: T_cur ← T_cur mod T_i, T_i ← T_i · T_mult.
    Example, ``CosineAnnealingWarmRestarts(SGD(params, lr=1.0), T_0=2, T_mult=2)``::

        epoch   0    1    2    3          4    5          6
        lr      1.0  0.5  1.0  0.8535534  0.5  0.1464466  1.0

    To anneal within an epoch too, pass a fractional epoch, as in torch:
    ``scheduler.step(epoch + i / batches_per_epoch)``; then T_cur and T_i are computed from
    the epoch directly (the closed form of the counting above).

    Reference: Loshchilov & Hutter (2017), "SGDR: Stochastic Gradient Descent with Warm Restarts".
    """

    _state_rules = {"T_0": lambda v: _check_positive_int("T_0", v), "T_i": lambda v: _check_positive_int("T_i", v),
                    "T_mult": lambda v: _check_positive_int("T_mult", v), "eta_min": lambda v: _check_eta_min(v),
                    "T_cur": lambda v: real_number("T_cur", v, minimum=-1.0)}

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        self.T_0 = _check_positive_int("T_0", T_0)
        self.T_i = self.T_0
        self.T_mult = _check_positive_int("T_mult", T_mult)
        self.eta_min = _check_eta_min(eta_min)
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        eta_min = self.eta_min
        return [eta_min + (eta_max - eta_min) * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
                for eta_max in self.base_lrs]

    def step(self, epoch: float | None = None) -> None:
        """Next epoch, or jump to ``epoch`` (which may be fractional) and anneal to it."""
        if epoch is not None:
            epoch = real_number("epoch", epoch, minimum=0.0,
                                advice="Pass the (fractional) epoch reached, e.g. epoch + i / batches.")
        self._count_step()
        if epoch is None and self.last_epoch < 0:
            epoch = 0  # the initial step of construction
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        elif epoch < self.T_0:
            self.T_i = self.T_0
            self.T_cur = epoch
        elif self.T_mult == 1:
            self.T_cur = epoch % self.T_0
        else:
            # Cycles n = 0, 1, ... start at T_0 (T_mult^n - 1)/(T_mult - 1): find the last one.
            n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
            self.T_cur = epoch - self.T_0 * (self.T_mult ** n - 1) / (self.T_mult - 1)
            self.T_i = self.T_0 * self.T_mult ** n
        self.last_epoch = math.floor(epoch)
        self._set_lrs(self.get_lr())


def _check_eta_min(eta_min: object) -> float:
    return real_number("eta_min", eta_min, minimum=0.0, advice="It is the lowest lr of the cosine.")
