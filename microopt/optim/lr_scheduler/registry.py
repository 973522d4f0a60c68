"""The one list of microopt's learning-rate schedulers: ``SCHEDULERS``, read by the tests.

Each entry says which class it is, which ``torch.optim.lr_scheduler`` class gives the same
numbers (or ``None`` for a schedule PyTorch does not have), the reference its class
docstring cites, and its rule for the lr at epoch e, as the package's table shows it.

>>> SCHEDULERS["StepLR"].torch
'StepLR'
"""

from __future__ import annotations

from dataclasses import dataclass

from microopt.optim.lr_scheduler.annealing import CosineAnnealingLR, CosineAnnealingWarmRestarts
from microopt.optim.lr_scheduler.base import LRScheduler
from microopt.optim.lr_scheduler.cyclic import CyclicLR
from microopt.optim.lr_scheduler.decay import ExponentialLR, MultiStepLR, PolynomialLR, StepLR
from microopt.optim.lr_scheduler.lambdas import LambdaLR, MultiplicativeLR
from microopt.optim.lr_scheduler.one_cycle import OneCycleLR
from microopt.optim.lr_scheduler.plateau import ReduceLROnPlateau
from microopt.optim.lr_scheduler.sequential import ChainedScheduler, SequentialLR
from microopt.optim.lr_scheduler.warmup import ConstantLR, LinearLR


@dataclass(frozen=True)
class SchedulerSpec:
    """One schedule: its class, its torch twin (None if there is none), its reference, its rule."""

    cls: type[LRScheduler]
    torch: str | None
    reference: str
    rule: str  # the lr at epoch e, in the notation of the class docstring

    @property
    def name(self) -> str:
        return self.cls.__name__


_SGDR = 'Loshchilov & Hutter (2017), "SGDR: Stochastic Gradient Descent with Warm Restarts"'


def _torch(name: str) -> str:
    return f"PyTorch's torch.optim.lr_scheduler.{name}"


SCHEDULERS: dict[str, SchedulerSpec] = {spec.name: spec for spec in [
    SchedulerSpec(StepLR, "StepLR", _torch("StepLR"), "lr_e = base_lr · γ^⌊e / step_size⌋"),
    SchedulerSpec(MultiStepLR, "MultiStepLR", _torch("MultiStepLR"),
                  "lr_e = base_lr · γ^(number of milestones ≤ e)"),
    SchedulerSpec(ExponentialLR, "ExponentialLR", _torch("ExponentialLR"), "lr_e = base_lr · γ^e"),
    SchedulerSpec(PolynomialLR, "PolynomialLR", _torch("PolynomialLR"),
                  "lr_e = base_lr · (1 - min(e, total_iters) / total_iters)^power"),
    SchedulerSpec(ConstantLR, "ConstantLR", _torch("ConstantLR"),
                  "lr_e = base_lr · factor   if e < total_iters,   base_lr afterwards"),
    SchedulerSpec(LinearLR, "LinearLR", _torch("LinearLR"),
                  "f_e = start + (end - start) · min(e, total_iters) / total_iters"),
    SchedulerSpec(CosineAnnealingLR, "CosineAnnealingLR", _SGDR,
                  "η_e = η_min + (η_max - η_min) · (1 + cos(π e / T_max)) / 2"),
    SchedulerSpec(CosineAnnealingWarmRestarts, "CosineAnnealingWarmRestarts", _SGDR,
                  "η = η_min + (η_max - η_min) · (1 + cos(π · T_cur / T_i)) / 2"),
    SchedulerSpec(LambdaLR, "LambdaLR", _torch("LambdaLR"), "lr_e = base_lr · λ(e)"),
    SchedulerSpec(MultiplicativeLR, "MultiplicativeLR", _torch("MultiplicativeLR"),
                  "lr_e = base_lr · λ(1) · λ(2) ··· λ(e)"),
    SchedulerSpec(CyclicLR, "CyclicLR",
                  'Smith (2017), "Cyclical Learning Rates for Training Neural Networks"',
                  "lr = base_lr + (max_lr - base_lr) · s · scale"),
    SchedulerSpec(OneCycleLR, "OneCycleLR",
                  'Smith & Topin (2019), "Super-Convergence: Very Fast Training of Neural Networks '
                  'Using Large Learning Rates"',
                  "initial_lr = max_lr / div_factor          min_lr = initial_lr / final_div_factor"),
    SchedulerSpec(SequentialLR, "SequentialLR", _torch("SequentialLR"),
                  "k = number of milestones ≤ e"),
    SchedulerSpec(ChainedScheduler, "ChainedScheduler", _torch("ChainedScheduler"),
                  "lr_e = base_lr · f_1(e) · f_2(e) ···"),
    SchedulerSpec(ReduceLROnPlateau, "ReduceLROnPlateau", _torch("ReduceLROnPlateau"),
                  "lr ← max(lr · factor, min_lr)"),
]}


def torch_backed() -> list[str]:
    """Names of the schedules with a torch twin: tests compare them with PyTorch."""
    return [name for name, spec in SCHEDULERS.items() if spec.torch is not None]


def microopt_only() -> list[str]:
    """Names of the schedules PyTorch lacks: each needs its own hand-derived test instead."""
    return [name for name, spec in SCHEDULERS.items() if spec.torch is None]
