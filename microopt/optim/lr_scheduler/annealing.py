"""Smooth schedules: cosine annealing, linear warmup (or decay), and any function of the epoch.

CosineAnnealingLR and LinearLR apply torch's recursive rules in ``get_lr()``, which reproduce
their closed forms (``closed_form_lr()``) up to rounding; LambdaLR is a closed form only.
"""

from __future__ import annotations

import copy
import math
import types
from typing import Any, Callable

from microopt.optim.lr_scheduler.base import LRScheduler, _check_positive_int, _per_group
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
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        self.T_max = _check_positive_int("T_max", T_max)
        if isinstance(eta_min, bool) or not isinstance(eta_min, (int, float)) or not eta_min >= 0:
            raise ValueError(f"Invalid eta_min: {eta_min!r} (must be a number >= 0)")
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        e, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        groups = self.optimizer.param_groups
        if self._is_initial:
            return [group["lr"] for group in groups]
        if (e - 1 - T) % (2 * T) == 0:
            return [group["lr"] + (eta_max - eta_min) * (1 - math.cos(math.pi / T)) / 2
                    for eta_max, group in zip(self.base_lrs, groups, strict=True)]
        return [(1 + math.cos(math.pi * e / T)) / (1 + math.cos(math.pi * (e - 1) / T))
                * (group["lr"] - eta_min) + eta_min
                for group in groups]

    def closed_form_lr(self) -> list[float]:
        e, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        return [eta_min + (eta_max - eta_min) * (1 + math.cos(math.pi * e / T)) / 2
                for eta_max in self.base_lrs]


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
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3,
                 end_factor: float = 1.0, total_iters: int = 5, last_epoch: int = -1) -> None:
        if not 0 < start_factor <= 1:
            raise ValueError(
                f"Invalid start_factor: {start_factor!r} (must be in (0, 1]: the lr starts at "
                "start_factor * lr, and a factor of 0 could never be scaled back up)"
            )
        if not 0 <= end_factor <= 1:
            raise ValueError(f"Invalid end_factor: {end_factor!r} (must be in [0, 1])")
        self.start_factor = start_factor
        self.end_factor = end_factor
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
        return [group["lr"] * (1.0 + (end - start) / (T * start + (e - 1) * (end - start)))
                for group in groups]

    def closed_form_lr(self) -> list[float]:
        e, T = self.last_epoch, self.total_iters
        f = self.start_factor + (self.end_factor - self.start_factor) * min(T, e) / T
        return [base_lr * f for base_lr in self.base_lrs]


class LambdaLR(LRScheduler):
    """Set the lr to ``base_lr`` times a function of the epoch you write yourself.

        lr_e = base_lr · λ(e)

    Pass one function for every group, or a list with one per group. Example, a warmup over
    4 epochs, ``LambdaLR(SGD(params, lr=0.1), lambda e: min(1.0, (e + 1) / 4))``::

        0.025, 0.05, 0.075, 0.1, 0.1, ...

    Saving: like torch, ``state_dict()`` cannot save a function, so a plain function or lambda
    is stored as ``None`` and keeps being the one you passed to the constructor; a callable
    *object* has its attributes (``__dict__``) saved and restored.
    """

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        self.lr_lambdas = _per_group("lr_lambda", lr_lambda, optimizer)
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(
                    f"lr_lambda must be a function of the epoch, e.g. lambda e: 0.95 ** e; "
                    f"got {type(fn).__name__}: {fn!r}."
                )
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base_lr * lmbda(self.last_epoch)
                for lmbda, base_lr in zip(self.lr_lambdas, self.base_lrs, strict=True)]

    _not_saved = (*LRScheduler._not_saved, "lr_lambdas")

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state["lr_lambdas"] = [None if isinstance(fn, types.FunctionType)
                               else copy.deepcopy(fn.__dict__) for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        saved = state.pop("lr_lambdas")
        super().load_state_dict(state)
        for fn, attributes in zip(self.lr_lambdas, saved, strict=True):
            if attributes is not None:
                fn.__dict__.update(copy.deepcopy(attributes))
