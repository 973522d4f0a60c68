"""CyclicLR: the lr goes up and down between two bounds, over and over (Smith 2017).

"Cyclical Learning Rates for Training Neural Networks", https://arxiv.org/abs/1506.01186,
adapted, as torch's is, from https://github.com/bckenstler/CLR. Step it after every batch.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from microopt._validate import invalid, real_number
from microopt.optim.lr_scheduler.base import (LRScheduler, _check_gamma, _check_lr_list, _check_lrs,
                                              _check_optimizer, _choice, _function_state,
                                              _load_function_state, _per_group)
from microopt.optim.optimizer import Optimizer

MODES = ("triangular", "triangular2", "exp_range")


class CyclicLR(LRScheduler):
    """Triangles between ``base_lr`` and ``max_lr``; momentum moves the opposite way.

    With L = step_size_up + step_size_down iterations per cycle and r = step_size_up / L,
    iteration e is in cycle c at position x:

        c = ⌊1 + e / L⌋,        x = 1 + e / L - c        (0 ≤ x < 1)

    The triangle s rises from 0 to 1 over the first part of the cycle, then falls back:

        s = x / r               if x ≤ r
        s = (x - 1) / (r - 1)   otherwise

        lr       = base_lr + (max_lr - base_lr) · s · scale
        momentum = max_momentum - (max_momentum - base_momentum) · s · scale

    where ``scale`` shrinks the amplitude: ``mode="triangular"``: 1; ``"triangular2"``:
    1 / 2^(c - 1), halved every cycle; ``"exp_range"``: gamma^e, shrinking every iteration; or
    ``scale_fn(c)`` (``scale_mode="cycle"``) / ``scale_fn(e)`` (``"iterations"``) of your own.
    Example, ``CyclicLR(SGD(params, lr=0.1, momentum=0.9), base_lr=0.1, max_lr=0.5,
    step_size_up=2, mode="triangular2")``::

        e         0    1     2    3     4    5      6     7      8
        lr        0.1  0.3   0.5  0.3   0.1  0.2    0.3   0.2    0.1
        momentum  0.9  0.85  0.8  0.85  0.9  0.875  0.85  0.875  0.9

    Construction sets each group's lr to ``base_lr`` and ``base_lrs`` to the ``base_lr``
    given, as in torch.

    Reference: Smith (2017), "Cyclical Learning Rates for Training Neural Networks".
    """

    _not_saved = (*LRScheduler._not_saved, "_scale_fn_custom")  # a function: saved apart
    _state_rules = {
        "max_lrs": lambda v: _check_lr_list("max_lrs", v), "gamma": _check_gamma,
        "total_size": lambda v: _check_step_size("total_size", v),
        "step_ratio": lambda v: real_number("step_ratio", v, above=0.0, below=1.0),
        "scale_mode": lambda v: _choice("scale_mode", v, ("cycle", "iterations")),
        "base_momentums": lambda v: _check_lr_list("base_momentums", v),
        "max_momentums": lambda v: _check_lr_list("max_momentums", v),
    }

    def __init__(self, optimizer: Optimizer, base_lr: float | list[float],
                 max_lr: float | list[float], step_size_up: int = 2000,
                 step_size_down: int | None = None, mode: str = "triangular",
                 gamma: float = 1.0, scale_fn: Callable[[float], float] | None = None,
                 scale_mode: str = "cycle", cycle_momentum: bool = True,
                 base_momentum: float | list[float] = 0.8,
                 max_momentum: float | list[float] = 0.9, last_epoch: int = -1) -> None:
        self.optimizer = _check_optimizer(optimizer)
        base_lrs = _check_lrs("base_lr", _per_group("base_lr", base_lr, optimizer))
        self.max_lrs = _check_lrs("max_lr", _per_group("max_lr", max_lr, optimizer))

        step_size_up = _check_step_size("step_size_up", step_size_up)
        step_size_down = (step_size_up if step_size_down is None
                          else _check_step_size("step_size_down", step_size_down))
        self.total_size = step_size_up + step_size_down
        self.step_ratio = step_size_up / self.total_size

        if scale_fn is None:
            _choice("mode", mode, MODES, "Or pass scale_fn, a function of the cycle or iteration.")
        elif not callable(scale_fn):
            raise TypeError(invalid("scale_fn", scale_fn, "must be a function", "For example lambda c: 0.5 ** c."))
        _choice("scale_mode", scale_mode, ("cycle", "iterations"))
        self.mode = mode
        self.gamma = _check_gamma(gamma)
        self._scale_fn_custom = scale_fn
        # The built-in modes decide what they scale with: the cycle, or exp_range's iterations.
        if scale_fn is None:
            scale_mode = "iterations" if mode == "exp_range" else "cycle"
        self.scale_mode = scale_mode

        self.base_momentums, self.max_momentums = self._setup_momentum_cycle(
            optimizer, cycle_momentum, base_momentum, max_momentum, last_epoch)
        if last_epoch == -1:  # only now: a refused argument above leaves the optimizer as it was
            for group, lr in zip(optimizer.param_groups, base_lrs, strict=True):
                group["lr"] = lr
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x: float) -> float:
        """How much of the amplitude is left, at cycle or iteration ``x``."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma ** x

    def get_lr(self) -> list[float]:
        e = self.last_epoch
        cycle = math.floor(1 + e / self.total_size)
        x = 1.0 + e / self.total_size - cycle
        if x <= self.step_ratio:
            s = x / self.step_ratio
        else:
            s = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else e)

        lrs = [base_lr + (max_lr - base_lr) * s * scale
               for base_lr, max_lr in zip(self.base_lrs, self.max_lrs, strict=True)]
        if self.cycle_momentum:
            for group, m_base, m_max in zip(self.optimizer.param_groups, self.base_momentums,
                                            self.max_momentums, strict=True):
                self._set_momentum(group, m_max - (m_max - m_base) * s * scale)
        return lrs

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state["_scale_fn_custom"] = (None if self._scale_fn_custom is None
                                     else _function_state(self._scale_fn_custom))
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        saved = state.pop("_scale_fn_custom")
        super().load_state_dict(state)
        if self._scale_fn_custom is not None:
            _load_function_state(self._scale_fn_custom, saved)


def _check_step_size(name: str, value: object) -> float:
    return real_number(name, value, above=0.0, advice="It is a number of iterations (batches), e.g. 2000.")
