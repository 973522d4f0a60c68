"""The one list of microopt's optimizers: ``OPTIMIZERS``, read by presets, plots and tests.

Each entry says which class it is, which ``torch.optim`` class computes the same numbers (or
``None`` for an optimizer PyTorch does not have, such as Lion), the paper its class docstring
cites, and one line on what it does. Adding an optimizer means adding it here; the tests then
ask for its reference case (a torch fixture, or for a microopt-only optimizer a test against
its paper) and its documentation, so it cannot be added half-way.

>>> OPTIMIZERS["Adam"].torch
'Adam'
>>> microopt_only()
['Lion']
"""

from __future__ import annotations

from dataclasses import dataclass

from microopt.optim.adadelta import Adadelta
from microopt.optim.adagrad import Adagrad
from microopt.optim.adam import Adam
from microopt.optim.adamax import Adamax
from microopt.optim.adamw import AdamW
from microopt.optim.lion import Lion
from microopt.optim.nadam import NAdam
from microopt.optim.optimizer import Optimizer
from microopt.optim.radam import RAdam
from microopt.optim.rmsprop import RMSprop
from microopt.optim.rprop import Rprop
from microopt.optim.sgd import SGD


@dataclass(frozen=True)
class OptimizerSpec:
    """One optimizer: its class, its torch.optim twin (None if there is none), its paper, a summary."""

    cls: type[Optimizer]
    torch: str | None
    paper: str
    summary: str

    @property
    def name(self) -> str:
        return self.cls.__name__


# In reading order: each one builds on the ones above.
OPTIMIZERS: dict[str, OptimizerSpec] = {spec.name: spec for spec in [
    OptimizerSpec(SGD, "SGD", 'Robbins & Monro (1951), "A Stochastic Approximation Method"',
                  "θ ← θ - γ g, with optional momentum and Nesterov momentum"),
    OptimizerSpec(Adagrad, "Adagrad",
                  'Duchi, Hazan & Singer (2011), "Adaptive Subgradient Methods for Online Learning '
                  'and Stochastic Optimization"',
                  "divide by the root of the running SUM of g²: steps shrink for good"),
    OptimizerSpec(RMSprop, "RMSprop",
                  'Tieleman & Hinton (2012), "Lecture 6.5 - rmsprop: Divide the gradient by a '
                  'running average of its recent magnitude"',
                  "divide by the root of a running MEAN of g² instead"),
    OptimizerSpec(Adadelta, "Adadelta", 'Zeiler (2012), "ADADELTA: An Adaptive Learning Rate Method"',
                  "RMSprop with steps in the units of θ: no learning rate needed"),
    OptimizerSpec(Adam, "Adam", 'Kingma & Ba (2015), "Adam: A Method for Stochastic Optimization"',
                  "momentum and RMSprop together, with bias correction"),
    OptimizerSpec(AdamW, "AdamW", 'Loshchilov & Hutter (2019), "Decoupled Weight Decay Regularization"',
                  "Adam with decoupled weight decay"),
    OptimizerSpec(Adamax, "Adamax", 'Kingma & Ba (2015), "Adam: A Method for Stochastic Optimization"',
                  "Adam with a running max of |g| instead of the RMS"),
    OptimizerSpec(NAdam, "NAdam", 'Dozat (2016), "Incorporating Nesterov Momentum into Adam"',
                  "Adam with Nesterov momentum"),
    OptimizerSpec(RAdam, "RAdam",
                  'Liu, Jiang, He, Chen, Liu, Gao & Han (2020), "On the Variance of the Adaptive '
                  'Learning Rate and Beyond"',
                  "Adam whose adaptive step is switched on gradually (no warm-up needed)"),
    OptimizerSpec(Lion, None,
                  'Chen, Liang, Huang, Real, Wang, Pham, Dong, Luong, Hsieh, Lu & Le (2023), '
                  '"Symbolic Discovery of Optimization Algorithms"',
                  "a step of fixed size along the sign of a momentum (not in torch.optim)"),
    OptimizerSpec(Rprop, "Rprop",
                  'Riedmiller & Braun (1993), "A Direct Adaptive Method for Faster Backpropagation '
                  'Learning: The RPROP Algorithm"',
                  "full-batch: per-parameter step sizes grown or shrunk by gradient signs"),
]}


def torch_backed() -> list[str]:
    """Names of the optimizers with a torch.optim twin: tests compare them with PyTorch."""
    return [name for name, spec in OPTIMIZERS.items() if spec.torch is not None]


def microopt_only() -> list[str]:
    """Names of the optimizers PyTorch lacks: tests compare them with their paper instead."""
    return [name for name, spec in OPTIMIZERS.items() if spec.torch is None]
