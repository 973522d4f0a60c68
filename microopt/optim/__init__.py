"""Optimizers, numerically identical to ``torch.optim``, each one short enough to read in a sitting.

Every algorithm is one module and one class, whose docstring (``help(Adam)``) holds its
update equations, defaults and paper, and one method, ``update(self, p, state, *,
<hyperparameters>)``, whose lines follow those equations with the same names. The shared
machinery (parameter groups, state, checks, saving and loading) is written once in
``optimizer.py``.

>>> from microopt import Value
>>> from microopt.optim import SGD
>>> w = Value(3.0)
>>> opt = SGD([w], lr=0.25)
>>> for _ in range(3):
...     opt.zero_grad()
...     loss = w * w          # f(w) = w², f'(w) = 2w
...     loss.backward()
...     opt.step()            # w ← w - 0.25 · 2w = w / 2
>>> w.data
0.375

The algorithms, one module each (read them in this order; each builds on the ones above;
``OPTIMIZERS`` in ``registry.py`` lists them, with each one's paper)::

    SGD       sgd.py       θ ← θ - γ g, with optional momentum and Nesterov momentum
    Adagrad   adagrad.py   divide by the root of the running SUM of g²: steps shrink for good
    RMSprop   rmsprop.py   divide by the root of a running MEAN of g² instead
    Adadelta  adadelta.py  RMSprop with steps in the units of θ: no learning rate needed
    Adam      adam.py      momentum and RMSprop together, with bias correction
    AdamW     adamw.py     Adam with decoupled weight decay
    Adamax    adamax.py    Adam with a running max of |g| instead of the RMS
    NAdam     nadam.py     Adam with Nesterov momentum
    RAdam     radam.py     Adam whose adaptive step is switched on gradually (no warm-up needed)
    Lion      lion.py      a step of fixed size along the sign of a momentum (not in torch.optim)
    Rprop     rprop.py     full-batch: per-parameter step sizes grown or shrunk by gradient signs

Gradient descent, minibatch SGD and SGD are one update rule, ``SGD``: they differ only in the
data each gradient is computed on (all examples, a batch, a single example).

The equations use PyTorch's conventions: the gradient is negated first when
``maximize=True``; ``weight_decay`` adds λθ to the gradient (coupled, L2), except in
``AdamW`` and with ``decoupled_weight_decay=True`` where θ is shrunk directly; the step count
t starts at 1. Unlike PyTorch, whose ``.grad`` may be ``None``, a microopt gradient is always
a float (0.0 at first), so every parameter is stepped.

Also here: gradient clipping (``clip_grad_norm_``, ``clip_grad_value_``, and ``grad_norm``, the
overflow-safe norm they use) and penalties to add to a loss (``l1_penalty``, ``l2_penalty``).
Learning-rate schedules are in ``microopt.optim.lr_scheduler``.
"""

from __future__ import annotations

import importlib

from microopt.optim.adadelta import Adadelta
from microopt.optim.adagrad import Adagrad
from microopt.optim.adam import Adam
from microopt.optim.adamax import Adamax
from microopt.optim.adamw import AdamW
from microopt.optim.clip import clip_grad_norm_, clip_grad_value_, grad_norm
from microopt.optim.lion import Lion
from microopt.optim.nadam import NAdam
from microopt.optim.optimizer import Optimizer
from microopt.optim.radam import RAdam
from microopt.optim.registry import OPTIMIZERS as OPTIMIZERS  # a name, not an algorithm: kept out of __all__
from microopt.optim.regularization import l1_penalty, l2_penalty
from microopt.optim.rmsprop import RMSprop
from microopt.optim.rprop import Rprop
from microopt.optim.sgd import SGD

__all__ = [
    "Optimizer",
    "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "Lion",
    "Rprop",
    "clip_grad_norm_", "clip_grad_value_", "grad_norm", "l1_penalty", "l2_penalty",
]


def __getattr__(name: str):
    # The schedules load on first use, as `torch.optim.lr_scheduler` does.
    if name == "lr_scheduler":
        return importlib.import_module("microopt.optim.lr_scheduler")
    raise AttributeError(f"module 'microopt.optim' has no attribute {name!r}")
