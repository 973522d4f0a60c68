"""OneCycleLR: warm up to a large lr, then anneal far below the start (Smith & Topin 2017).

"Super-Convergence: Very Fast Training of Neural Networks Using Large Learning Rates",
https://arxiv.org/abs/1708.07120. The default two phases follow fastai; ``three_phase=True``
follows the paper. Momentum (SGD's ``momentum``, or ``betas[0]`` for the Adam family) moves the
opposite way: low while the lr is high.
"""

from __future__ import annotations

import math

from microopt._validate import flag, invalid, real_number, whole_number
from microopt.optim.lr_scheduler.base import LRScheduler, _check_lrs, _check_optimizer, _choice, _per_group
from microopt.optim.optimizer import Optimizer


def anneal_cos(start: float, end: float, pct: float) -> float:
    """Half a cosine from ``start`` (pct = 0) to ``end`` (pct = 1).

        value = end + (start - end)/2 · (1 + cos(π·pct))
    """
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def anneal_linear(start: float, end: float, pct: float) -> float:
    """A straight line from ``start`` (pct = 0) to ``end`` (pct = 1).

        value = start + (end - start) · pct
    """
    return (end - start) * pct + start


ANNEALING = {"cos": anneal_cos, "linear": anneal_linear}


class OneCycleLR(LRScheduler):
    """The 1cycle policy: the lr rises from ``initial_lr`` to ``max_lr``, then falls to ``min_lr``.

        initial_lr = max_lr / div_factor          min_lr = initial_lr / final_div_factor

    With T = ``total_steps`` (or ``epochs · steps_per_epoch``) and p = ``pct_start``, each phase
    runs from the step where the previous one ended (0 for the first) to its own end step:

        phase          ends at step   lr                     momentum
        1 (warm up)    p·T - 1        initial_lr -> max_lr   max_momentum -> base_momentum
        2 (anneal)     T - 1          max_lr -> min_lr       base_momentum -> max_momentum

    and with ``three_phase=True`` the paper's symmetric cycle, then a final anneal:

        1              p·T - 1        initial_lr -> max_lr   max_momentum -> base_momentum
        2              2·p·T - 2      max_lr -> initial_lr   base_momentum -> max_momentum
        3              T - 1          initial_lr -> min_lr   max_momentum (constant)

    Within a phase, pct = (step - phase start) / (phase end - phase start) goes from 0 to 1 and
    each quantity follows ``anneal_cos`` (default) or ``anneal_linear`` from its start to its end.
    The value is computed from the step number directly (a closed form), never recursively.

    Example, ``OneCycleLR(SGD(params, lr=0.1, momentum=0.9), max_lr=1.0, total_steps=10)``::

        lr        0.04, 0.52, 1.0, 0.9504846, 0.8117457, 0.6112620, ..., 4e-06
        momentum  0.95, 0.90, 0.85, 0.8549516, 0.8688255, 0.8888740, ..., 0.95

    The scheduler writes ``initial_lr``, ``max_lr``, ``min_lr`` (and ``max_momentum``,
    ``base_momentum``) into each param group, so saving the optimizer saves the cycle. It may
    be stepped ``total_steps`` times after construction; one step more raises ``ValueError``.

    Reference: Smith & Topin (2019), "Super-Convergence: Very Fast Training of Neural Networks Using
    Large Learning Rates".
    """

    _state_rules = {"total_steps": lambda v: whole_number("total_steps", v, minimum=1),
                    "anneal_strategy": lambda v: _choice("anneal_strategy", v, tuple(ANNEALING))}

    def __init__(self, optimizer: Optimizer, max_lr: float | list[float],
                 total_steps: int | None = None, epochs: int | None = None,
                 steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True,
                 base_momentum: float | list[float] = 0.85,
                 max_momentum: float | list[float] = 0.95, div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1) -> None:
        self.optimizer = _check_optimizer(optimizer)
        self.total_steps = _total_steps(total_steps, epochs, steps_per_epoch)
        pct_start = real_number("pct_start", pct_start, minimum=0.0, maximum=1.0,
                                advice="It is the share of the steps spent warming up, e.g. 0.3.")
        self.anneal_strategy = _choice("anneal_strategy", anneal_strategy, tuple(ANNEALING))
        div_factor, final_div_factor = (
            real_number(name, value, above=0.0, advice="The lr is divided by it.")
            for name, value in (("div_factor", div_factor), ("final_div_factor", final_div_factor)))
        self._schedule_phases = _phases(self.total_steps, pct_start, flag("three_phase", three_phase))
        if self._schedule_phases[0]["end_step"] == 0:  # the warm-up would divide 0 by 0
            raise ValueError(invalid(
                "pct_start", pct_start, f"with total_steps={self.total_steps}, pct_start * total_steps = 1 "
                "gives a warm-up phase of zero steps", "Choose another pct_start."))
        max_lrs = _check_lrs("max_lr", _per_group("max_lr", max_lr, optimizer))

        # the bounds go into each group, where the phases read them (all arguments are checked
        # by now, so a refused one leaves the optimizer as it was)
        self._setup_momentum_cycle(
            optimizer, cycle_momentum, base_momentum, max_momentum, last_epoch)
        if last_epoch == -1:
            for group, group_max_lr in zip(optimizer.param_groups, max_lrs, strict=True):
                group["initial_lr"] = group_max_lr / div_factor
                group["max_lr"] = group_max_lr
                group["min_lr"] = group["initial_lr"] / final_div_factor
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        step = self.last_epoch
        if step > self.total_steps:
            self.last_epoch -= 1  # the refused step did not happen: the schedule stays usable
            raise ValueError(invalid(
                "step", step, f"OneCycleLR was built for total_steps={self.total_steps} steps after "
                "construction, and this is one more", "Build it with total_steps (or epochs and "
                "steps_per_epoch) covering the whole run, and call step() once per batch."))
        phase, pct = self._phase_at(step)
        anneal = ANNEALING[self.anneal_strategy]
        lrs = []
        for group in self.optimizer.param_groups:
            lrs.append(anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct))
            if self.cycle_momentum:
                momentum = anneal(group[phase["start_momentum"]], group[phase["end_momentum"]], pct)
                self._set_momentum(group, momentum)
        return lrs

    def _phase_at(self, step: int) -> tuple[dict, float]:
        """The phase that contains ``step``, and how far into it the step is (pct)."""
        phase_start = 0.0
        for phase in self._schedule_phases[:-1]:
            if step <= phase["end_step"]:
                break
            phase_start = phase["end_step"]
        else:
            phase = self._schedule_phases[-1]  # the last phase also takes the final step T
        pct = (step - phase_start) / (phase["end_step"] - phase_start)
        return phase, pct



def _total_steps(total_steps: int | None, epochs: int | None,
                 steps_per_epoch: int | None) -> int:
    if total_steps is not None:
        return whole_number("total_steps", total_steps, minimum=1)
    if epochs is None or steps_per_epoch is None:
        raise ValueError(invalid(
            "total_steps", None, f"needs a number, or both epochs and steps_per_epoch (got epochs={epochs!r}, "
            f"steps_per_epoch={steps_per_epoch!r})", "Pass total_steps=, or epochs= and steps_per_epoch=."))
    return whole_number("epochs", epochs, minimum=1) * whole_number("steps_per_epoch", steps_per_epoch, minimum=1)


def _phases(T: int, p: float, three_phase: bool) -> list[dict]:
    """The table of the class docstring: where each phase ends, and which group keys it joins."""
    up = {"end_step": float(p * T) - 1, "start_lr": "initial_lr", "end_lr": "max_lr",
          "start_momentum": "max_momentum", "end_momentum": "base_momentum"}
    if not three_phase:
        return [up, {"end_step": T - 1, "start_lr": "max_lr", "end_lr": "min_lr",
                     "start_momentum": "base_momentum", "end_momentum": "max_momentum"}]
    return [up,
            {"end_step": float(2 * p * T) - 2, "start_lr": "max_lr", "end_lr": "initial_lr",
             "start_momentum": "base_momentum", "end_momentum": "max_momentum"},
            {"end_step": T - 1, "start_lr": "initial_lr", "end_lr": "min_lr",
             "start_momentum": "max_momentum", "end_momentum": "max_momentum"}]
