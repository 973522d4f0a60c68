"""Learning-rate schedules, with torch.optim.lr_scheduler's names, signatures and numbers.

A scheduler changes ``group["lr"]`` of an optimizer's param groups as training goes on::

    optimizer = SGD(model.parameters(), lr=0.1)
    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
    for epoch in range(100):
        ...                       # forward, backward
        optimizer.step()          # uses the lr of this epoch
        scheduler.step()          # then moves to the next epoch's lr

=================  ===========================================  ===================
scheduler          lr at epoch e (closed form)                  module
=================  ===========================================  ===================
StepLR             base · γ^⌊e / step_size⌋                      decay
MultiStepLR        base · γ^(milestones passed)                 decay
ExponentialLR      base · γ^e                                   decay
CosineAnnealingLR  η_min + (base - η_min)(1 + cos(πe/T_max))/2  annealing
LinearLR           base · (start + (end - start)·min(e, T)/T)   annealing
LambdaLR           base · λ(e)                                  annealing
OneCycleLR         up to max_lr, then far below (phases)        one_cycle
SequentialLR       one scheduler after another                  sequential
ReduceLROnPlateau  × factor when the metric stalls              plateau
=================  ===========================================  ===================

Every number matches PyTorch 2.13 (tests/schedulers compares 1e-12 relative, float64). The
deprecated ``scheduler.step(epoch)`` argument of torch is left out: call ``step()``.
"""

from microopt.optim.lr_scheduler.annealing import CosineAnnealingLR, LambdaLR, LinearLR
from microopt.optim.lr_scheduler.base import LRScheduler
from microopt.optim.lr_scheduler.decay import ExponentialLR, MultiStepLR, StepLR
from microopt.optim.lr_scheduler.one_cycle import OneCycleLR
from microopt.optim.lr_scheduler.plateau import ReduceLROnPlateau
from microopt.optim.lr_scheduler.sequential import SequentialLR

__all__ = [
    "LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR",
    "LambdaLR", "SequentialLR", "OneCycleLR", "ReduceLROnPlateau",
]
