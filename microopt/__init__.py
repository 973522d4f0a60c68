"""microopt: see and test how neural networks are optimized, with code you can read line by line.

``import microopt`` loads only the standard library. The engine (``Value``, ``sum``,
``gradcheck``), ``nn`` and ``optim`` are pure Python; the parts that draw or show progress
(``viz``, ``plots``, ``train``...) import matplotlib, graphviz or tqdm only when used.
"""

from __future__ import annotations

import importlib

from microopt.engine import GradcheckError, Value, gradcheck, numerical_grad, sum

__version__ = "0.1.0"

_SUBMODULES = ("nn", "optim", "data", "functions", "train", "viz", "teach", "exercises", "cli", "bench")

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
