"""Combining schedulers: one after another (SequentialLR), or all at once (ChainedScheduler).

The common use is a warmup followed by a decay::

    warmup = LinearLR(opt, start_factor=0.1, total_iters=5)
    decay = CosineAnnealingLR(opt, T_max=95)
    scheduler = SequentialLR(opt, [warmup, decay], milestones=[5])

or, since warm-up and decay factors multiply, both at once:
``ChainedScheduler([warmup, ExponentialLR(opt, 0.95)])``.
"""

from __future__ import annotations

import copy
from bisect import bisect_right
from typing import Any

from microopt._validate import invalid
from microopt.optim.lr_scheduler.base import LRScheduler, _check_increasing, _check_optimizer
from microopt.optim.lr_scheduler.plateau import ReduceLROnPlateau
from microopt.optim.optimizer import Optimizer


class _SchedulerOfSchedulers(LRScheduler):
    """Shared by both: checks the schedulers, and saves each one's state with its own."""

    _not_saved = (*LRScheduler._not_saved, "_schedulers")

    def _attach(self, optimizer: Optimizer, schedulers: list[LRScheduler]) -> None:
        owner = type(self).__name__
        if optimizer is not None:
            _check_optimizer(optimizer)
        if isinstance(schedulers, LRScheduler) or not isinstance(schedulers, (list, tuple)):
            raise TypeError(invalid("schedulers", schedulers, "must be a list of schedulers",
                                    f"Write {owner}([warmup, decay], ...)."))
        if len(schedulers) < 1:
            raise ValueError(invalid("schedulers", schedulers, "must hold at least one scheduler"))
        for i, scheduler in enumerate(schedulers):
            if not isinstance(scheduler, LRScheduler):
                raise TypeError(invalid(f"schedulers[{i}]", scheduler, "must be a scheduler",
                                        "Pass schedulers built on the optimizer, e.g. StepLR(opt, 10)."))
            if isinstance(scheduler, ReduceLROnPlateau):
                raise ValueError(invalid(
                    f"schedulers[{i}]", scheduler, f"{owner} cannot hold a ReduceLROnPlateau, whose "
                    "step() needs the metric", "Step the ReduceLROnPlateau yourself, next to this one."))
            if scheduler.optimizer is not optimizer:
                raise ValueError(invalid(
                    f"schedulers[{i}]", scheduler, f"must act on the same optimizer as {owner}",
                    f"Build every scheduler on the optimizer {owner} uses."))
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        self._schedulers = list(schedulers)

    def state_dict(self) -> dict[str, Any]:
        """Its own counters, plus each scheduler's state_dict under ``_schedulers``."""
        state = super().state_dict()
        state["_schedulers"] = [scheduler.state_dict() for scheduler in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load its own counters and each scheduler's state: all of them, or (on an error) none."""
        if not isinstance(state_dict, dict) or not isinstance(state_dict.get("_schedulers"), list):
            raise ValueError(invalid("state_dict", state_dict, "must be a dict with a '_schedulers' list",
                                     "Pass the output of state_dict()."))
        state = dict(state_dict)
        saved = state.pop("_schedulers")
        if len(saved) != len(self._schedulers):
            raise ValueError(
                f"state_dict holds {len(saved)} schedulers, this {type(self).__name__} has "
                f"{len(self._schedulers)}. Build it with the same schedulers before loading."
            )
        everyone = [self, *self._schedulers]
        before = [copy.copy(scheduler.__dict__) for scheduler in everyone]
        try:
            super().load_state_dict(state)
            for scheduler, scheduler_state in zip(self._schedulers, saved, strict=True):
                scheduler.load_state_dict(scheduler_state)
        except Exception:
            for scheduler, attributes in zip(everyone, before, strict=True):
                scheduler.__dict__.clear()
                scheduler.__dict__.update(attributes)
            raise

    def _undo_initial_steps(self) -> None:
        """Undo the initial step of every scheduler inside, as torch's recursive_undo does."""
        for scheduler in self._schedulers:
            if isinstance(scheduler, _SchedulerOfSchedulers):
                scheduler._undo_initial_steps()
            else:
                scheduler.last_epoch -= 1


class SequentialLR(_SchedulerOfSchedulers):
    """Hand the optimizer from one scheduler to the next at each milestone.

    With schedulers S_0, ..., S_n and milestones m_1 < ... < m_n, epoch e belongs to S_k where
    k = number of milestones ≤ e. At e = m_k, S_k restarts at its own epoch 0 from its closed
    form (``base_lr`` times its epoch-0 factor); between milestones the active scheduler steps
    as usual. Example, lr 0.1, ``[LinearLR(start_factor=0.5, total_iters=2),
    ExponentialLR(gamma=0.5)]`` with ``milestones=[3]``::

        epoch   0     1      2    3    4     5
        lr      0.05  0.075  0.1  0.1  0.05  0.025

    Construction undoes the initial step each scheduler took when it was built (the lr goes
    back to ``initial_lr``), then lets only S_0 take its initial step, as torch does.

    Reference: PyTorch's torch.optim.lr_scheduler.SequentialLR, whose numbers these are (float64).
    """

    def __init__(self, optimizer: Optimizer, schedulers: list[LRScheduler],
                 milestones: list[int], last_epoch: int = -1) -> None:
        self._attach(optimizer, schedulers)
        for i, scheduler in enumerate(schedulers):
            # A ChainedScheduler first runs as in torch; later it would have to restart at its
            # milestone, which it cannot (torch 2.13 fails there with NotImplementedError).
            if isinstance(scheduler, SequentialLR) or (isinstance(scheduler, ChainedScheduler) and i > 0):
                raise ValueError(invalid(
                    f"schedulers[{i}]", scheduler, f"a {type(scheduler).__name__} cannot restart at a "
                    "milestone", "List its schedulers here instead (a ChainedScheduler may come first)."))
        self._milestones = _check_increasing("milestones", milestones, strictly=True, minimum=1)
        if len(self._milestones) != len(schedulers) - 1:
            raise ValueError(invalid(
                "milestones", milestones, f"must have one entry fewer than the {len(schedulers)} "
                "schedulers: the epochs where each hands over to the next"))
        self.last_epoch = last_epoch + 1

        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        self._undo_initial_steps()
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def step(self) -> None:
        """Next epoch: at a milestone restart the next scheduler, else step the active one."""
        self.last_epoch += 1
        k = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[k]
        if k > 0 and self._milestones[k - 1] == self.last_epoch:
            scheduler._restart_at_epoch_zero()
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


class ChainedScheduler(_SchedulerOfSchedulers):
    """Step several schedulers together: each ``step()`` calls every scheduler's ``step()``.

    Each recursive rule multiplies the current lr, so the schedules' factors multiply:

        lr_e = base_lr · f_1(e) · f_2(e) ···    (f_k(e) = lr_e / base_lr of scheduler k alone)

    Example, lr 1.0, ``[ConstantLR(factor=0.1, total_iters=3), ExponentialLR(gamma=0.5)]``::

        epoch   0    1     2      3      4
        lr      0.1  0.05  0.025  0.125  0.0625       (0.1 before epoch 3, 1 after, × 0.5^e)

    Reference: PyTorch's torch.optim.lr_scheduler.ChainedScheduler, whose numbers these are (float64).
    """

    def __init__(self, schedulers: list[LRScheduler], optimizer: Optimizer | None = None) -> None:
        if isinstance(schedulers, (list, tuple)) and schedulers and optimizer is None:
            optimizer = getattr(schedulers[0], "optimizer", None)
        self._attach(optimizer, schedulers)
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def step(self) -> None:
        """Step every scheduler, in order."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def __repr__(self) -> str:  # no epoch of its own: each scheduler counts its own
        return f"ChainedScheduler({self._schedulers!r}, lr={self._last_lr})"
