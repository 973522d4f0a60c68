"""ReduceLROnPlateau: cut the lr when a monitored metric stops improving.

Unlike the other schedulers it follows no fixed formula in the epoch: it reacts to the metric
you pass to ``step(metric)``, usually the validation loss.
"""

from __future__ import annotations

import math
from typing import Any

from microopt.engine.value import Value
from microopt._validate import invalid, real_number, whole_number
from microopt.optim.lr_scheduler.base import (LRScheduler, _check_lr_list, _check_lrs, _check_non_negative_int,
                                              _check_optimizer, _choice, _per_group)
from microopt.optim.optimizer import Optimizer


def _check_factor(factor: object) -> float:
    return real_number("factor", factor, minimum=0.0, below=1.0, advice="The lr becomes lr * factor, e.g. 0.1.")


def _check_at_least_zero(name: str, value: object) -> float:
    return real_number(name, value, minimum=0.0)


def _check_best(best: object) -> float:
    return real_number("best", best, finite=False)  # ±inf before the first metric


class ReduceLROnPlateau(LRScheduler):
    """Multiply the lr by ``factor`` once the metric has not improved for ``patience`` epochs.

    Each ``step(metric)``:

    1. "Better" means beating the best metric so far by more than ``threshold``:

           mode="min", threshold_mode="rel":   metric < best · (1 - threshold)
           mode="min", threshold_mode="abs":   metric < best - threshold
           mode="max", threshold_mode="rel":   metric > best · (1 + threshold)
           mode="max", threshold_mode="abs":   metric > best + threshold

       A better metric becomes ``best`` and resets ``num_bad_epochs`` to 0; any other metric
       adds one bad epoch. ``best`` starts at +inf (min) or -inf (max), so epoch 1 is better.
    2. During a cooldown (``cooldown`` epochs after each reduction) bad epochs do not count.
    3. When ``num_bad_epochs > patience``:  lr ← max(lr · factor, min_lr), for each group,
       skipped when it would change the lr by ``eps`` or less; then the cooldown starts and
       ``num_bad_epochs`` returns to 0.

    Example, lr 1.0, ``factor=0.5, patience=1``, metrics 5, 4, 4, 4, 4, 3, 3, 3::

        bad epochs  0    0    1    2→0  1    0    1    2→0
        lr after    1.0  1.0  1.0  0.5  0.5  0.5  0.5  0.25

    A metric that does not beat the best counts as bad, and so does a NaN loss.
    The epoch counter ``last_epoch`` starts at 0 and there is no initial step: the lr right
    after construction is the optimizer's own.

    Reference: PyTorch's torch.optim.lr_scheduler.ReduceLROnPlateau, whose numbers these are (float64).
    """

    _state_rules = {
        "last_epoch": lambda v: whole_number("last_epoch", v, minimum=0), "factor": _check_factor,
        "min_lrs": lambda v: _check_lr_list("min_lrs", v),
        "patience": lambda v: _check_non_negative_int("patience", v),
        "cooldown": lambda v: _check_non_negative_int("cooldown", v),
        "cooldown_counter": lambda v: _check_non_negative_int("cooldown_counter", v),
        "num_bad_epochs": lambda v: _check_non_negative_int("num_bad_epochs", v),
        "threshold": lambda v: _check_at_least_zero("threshold", v), "eps": lambda v: _check_at_least_zero("eps", v),
        "mode": lambda v: _choice("mode", v, ("min", "max")),
        "threshold_mode": lambda v: _choice("threshold_mode", v, ("rel", "abs")),
        "best": _check_best, "mode_worse": _check_best,
        "default_min_lr": lambda v: _check_lrs("min_lr", [v])[0],
    }

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1,
                 patience: int = 10, threshold: float = 1e-4, threshold_mode: str = "rel",
                 cooldown: int = 0, min_lr: float | list[float] = 0, eps: float = 1e-8) -> None:
        self.factor = _check_factor(factor)
        self.optimizer = _check_optimizer(optimizer)
        # A scalar min_lr also covers groups added later; a list is fixed to the groups now.
        self.default_min_lr = None if isinstance(min_lr, (list, tuple)) else min_lr
        self.min_lrs = _check_lrs("min_lr", _per_group("min_lr", min_lr, optimizer))
        self.patience = _check_non_negative_int("patience", patience)
        self.cooldown = _check_non_negative_int("cooldown", cooldown)
        threshold = _check_at_least_zero("threshold", threshold)
        self.eps = _check_at_least_zero("eps", eps)
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]
        self._init_is_better(mode, threshold, threshold_mode)
        self._reset()

    def _init_is_better(self, mode: str, threshold: float, threshold_mode: str) -> None:
        self.mode = _choice("mode", mode, ("min", "max"), "Use 'min' for a loss, 'max' for an accuracy.")
        _choice("threshold_mode", threshold_mode, ("rel", "abs"),
                "'rel' compares with best · (1 ± threshold), 'abs' with best ± threshold.")
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf

    def _reset(self) -> None:
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def is_better(self, metric: float, best: float) -> bool:
        """Step 1 of the class docstring: does ``metric`` beat ``best`` by more than threshold?"""
        if self.mode == "min" and self.threshold_mode == "rel":
            return metric < best * (1.0 - self.threshold)
        if self.mode == "min":
            return metric < best - self.threshold
        if self.threshold_mode == "rel":
            return metric > best * (self.threshold + 1.0)
        return metric > best + self.threshold

    @property
    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def step(self, metrics: float | Value) -> None:  # type: ignore[override]
        """One epoch: compare ``metrics`` (a number or a Value) with the best so far."""
        metric = metrics.data if isinstance(metrics, Value) else metrics
        # numbers, and objects that convert like a 0-d tensor, but never a bool or a string
        if isinstance(metric, bool) or not hasattr(type(metric), "__float__"):
            raise TypeError(invalid("metrics", metric, "must be a number", "Pass the metric this scheduler "
                                    "watches, such as the validation loss: scheduler.step(val_loss)."))
        current = float(metric)
        self.last_epoch += 1

        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1

        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs right after a reduction do not count

        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _reduce_lr(self) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise RuntimeError(invalid(
                    "min_lrs", self.min_lrs, f"must have one value per param group, and the optimizer has "
                    f"{len(groups)} now (a group was added since)", "Set scheduler.min_lrs to one value per group."))
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs, strict=True):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().load_state_dict(state_dict)
        self._init_is_better(self.mode, self.threshold, self.threshold_mode)
