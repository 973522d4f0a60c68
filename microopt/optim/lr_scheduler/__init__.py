"""Learning-rate schedules, with torch.optim.lr_scheduler's names, signatures and numbers.

A scheduler changes ``group["lr"]`` of an optimizer's param groups as training goes on:

>>> from microopt import Value
>>> from microopt.optim import SGD
>>> from microopt.optim.lr_scheduler import StepLR
>>> optimizer = SGD([Value(1.0)], lr=0.1)
>>> scheduler = StepLR(optimizer, step_size=2, gamma=0.5)
>>> lrs = []
>>> for epoch in range(5):
...     lrs.append(optimizer.param_groups[0]["lr"])
...     optimizer.step()      # (after backward) uses the lr of this epoch
...     scheduler.step()      # then moves on to the next epoch's lr
>>> lrs
[0.1, 0.1, 0.05, 0.05, 0.025]

===========================  ==============================================  ==========
scheduler                    lr at epoch e                                   module
===========================  ==============================================  ==========
StepLR                       base · γ^⌊e / step_size⌋                         decay
MultiStepLR                  base · γ^(milestones passed)                    decay
ExponentialLR                base · γ^e                                      decay
PolynomialLR                 base · (1 - min(e, T)/T)^power                  decay
ConstantLR                   base · factor until total_iters, then base      warmup
LinearLR                     base · (start + (end - start)·min(e, T)/T)      warmup
CosineAnnealingLR            η_min + (base - η_min)(1 + cos(πe/T_max))/2     annealing
CosineAnnealingWarmRestarts  the same cosine, restarting every T_i epochs    annealing
LambdaLR                     base · λ(e)                                     lambdas
MultiplicativeLR             base · λ(1)·λ(2)···λ(e)                         lambdas
CyclicLR                     triangles between base_lr and max_lr            cyclic
OneCycleLR                   up to max_lr, then far below                    one_cycle
SequentialLR                 one scheduler after another                     sequential
ChainedScheduler             several at once (their factors multiply)        sequential
ReduceLROnPlateau            × factor when the metric stalls                 plateau
===========================  ==============================================  ==========

``SCHEDULERS`` (``registry.py``) lists them with each one's torch twin and reference.
Every number matches PyTorch 2.13 (tests/schedulers compares at 1e-12 relative, float64).
Left out on purpose: torch's deprecated ``scheduler.step(epoch)`` argument (call ``step()``;
CosineAnnealingWarmRestarts keeps its fractional epochs, which torch documents).
"""

from microopt.optim.lr_scheduler.annealing import CosineAnnealingLR, CosineAnnealingWarmRestarts
from microopt.optim.lr_scheduler.base import LRScheduler
from microopt.optim.lr_scheduler.cyclic import CyclicLR
from microopt.optim.lr_scheduler.decay import ExponentialLR, MultiStepLR, PolynomialLR, StepLR
from microopt.optim.lr_scheduler.lambdas import LambdaLR, MultiplicativeLR
from microopt.optim.lr_scheduler.one_cycle import OneCycleLR
from microopt.optim.lr_scheduler.plateau import ReduceLROnPlateau
from microopt.optim.lr_scheduler.registry import SCHEDULERS as SCHEDULERS  # kept out of __all__
from microopt.optim.lr_scheduler.sequential import ChainedScheduler, SequentialLR
from microopt.optim.lr_scheduler.warmup import ConstantLR, LinearLR

__all__ = [
    "LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "PolynomialLR", "ConstantLR",
    "LinearLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "LambdaLR",
    "MultiplicativeLR", "CyclicLR", "OneCycleLR", "SequentialLR", "ChainedScheduler",
    "ReduceLROnPlateau",
]
