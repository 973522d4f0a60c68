"""microopt: see and test how neural networks are optimized, with code you can read line by line.

``import microopt`` loads only the standard library. The engine (``Value``, ``sum``,
``gradcheck``), ``nn`` and ``optim`` are pure Python; the parts that draw or show progress
(``viz``, ``train``'s progress bar...) import matplotlib, graphviz or tqdm only when used.

The layers, from the bottom. A module imports only from its own package or from the layers
below it, never sideways within a layer (``tests/test_layers.py`` checks every import):

==================================  ===============================================
``_validate``                       argument checks, in one wording
``engine``                          ``Value``, backpropagation, ``gradcheck``
``nn`` | ``optim``                  models and losses | optimizers and schedulers
``data`` | ``functions``            datasets | 2-D test functions
``train``                           ``fit``, ``race``, ``lr_sweep``, checkpoints
``viz``                             plots and graph diagrams
``teach``                           step-through views of backprop and optimizers
``exercises``                       checked exercises
``export`` | ``micrograd``          bridges to PyTorch and micrograd
``site``                            the lessons and explorables as a static web site, and JupyterLite
``torch_reference``                 PyTorch's numbers for lesson 18, recorded for where torch is missing
``bench``                           the benchmarks
``cli``                             the ``microopt`` command
==================================  ===============================================

One import goes up, on purpose: ``Value.draw()`` imports ``viz`` inside the method, so that a
student can draw a graph without importing anything. ``viz`` reads ``train``'s results through
the protocols of ``microopt.viz.protocols``; ``train`` never imports ``viz``. An import inside a
function is there only to defer a heavy library (matplotlib, graphviz, torch, numpy, joblib,
dask...); the subpackages below load on first use (``microopt.optim``) so that
``import microopt`` stays fast.
"""

from __future__ import annotations

import importlib

from microopt.engine import GradcheckError, Value, gradcheck, numerical_grad
from microopt.engine import sum as sum  # microopt.sum: re-exported, but kept out of __all__ (see below)

__version__ = "0.1.0"

_SUBMODULES = ("nn", "optim", "data", "functions", "train", "viz", "teach", "exercises", "export", "micrograd", "cli",
               "bench", "torch_reference")

# `sum` is left out on purpose: `from microopt import *` must not hide the builtin sum.
# Reach it as `microopt.sum`.
__all__ = ["Value", "gradcheck", "numerical_grad", "GradcheckError", *_SUBMODULES]


def __getattr__(name: str):
    # Submodules load on first use, so `import microopt` stays fast and dependency-free.
    if name in _SUBMODULES:
        return importlib.import_module(f"microopt.{name}")
    raise AttributeError(f"module 'microopt' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_SUBMODULES))
