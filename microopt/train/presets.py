"""Optimizers by short name, for races, sweeps and the command line: ``"adam"``, ``"momentum"``...

Each preset is an optimizer of ``microopt.optim.OPTIMIZERS`` and its settings. The learning
rates are starting points that move visibly within a few hundred steps on the bundled 2-D
functions and small MLPs; they are not tuned for any one problem (``lr_sweep`` finds a good
one). Everything else is PyTorch's default. Every optimizer of the registry has a preset or is
listed in ``NOT_PRESETS`` with the reason (tests/train/test_presets.py checks both ways).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from microopt.engine.value import Value
from microopt.optim.registry import OPTIMIZERS

# name -> (name of the optimizer in microopt.optim.OPTIMIZERS, settings)
PRESETS: dict[str, tuple[str, dict[str, Any]]] = {
    "gd": ("SGD", {"lr": 0.01}),
    "sgd": ("SGD", {"lr": 0.01}),
    "momentum": ("SGD", {"lr": 0.01, "momentum": 0.9}),
    "nesterov": ("SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    "adagrad": ("Adagrad", {"lr": 0.1}),
    "rmsprop": ("RMSprop", {"lr": 0.01}),
    "adadelta": ("Adadelta", {"lr": 1.0}),
    "adam": ("Adam", {"lr": 0.05}),
    "adamw": ("AdamW", {"lr": 0.05}),
    "adamax": ("Adamax", {"lr": 0.05}),
    "nadam": ("NAdam", {"lr": 0.05}),
    "radam": ("RAdam", {"lr": 0.05}),
    "lion": ("Lion", {"lr": 0.01}),
}

# Optimizers of the registry that races and sweeps do not offer by a short name, and why.
NOT_PRESETS: dict[str, str] = {
    "Rprop": "full-batch only: minibatch gradients flip sign at random, which Rprop reads as "
             "overshooting; pass lambda params: Rprop(params) to race it on a full-batch problem",
}

OptimizerFactory = Callable[[list[Value]], Any]


def preset(name: str, lr: float | None = None, **overrides: Any) -> OptimizerFactory:
    """A factory ``params -> optimizer`` for the preset ``name`` (any case), with ``lr`` if given.

    >>> make = preset("momentum", lr=0.1)
    >>> make([Value(1.0)]).param_groups[0]["momentum"]
    0.9
    """
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in PRESETS:
        raise ValueError(f"Unknown optimizer {name!r}; choose one of {', '.join(PRESETS)}, or pass a factory "
                         "such as lambda params: SGD(params, lr=0.1).")
    class_name, settings = PRESETS[key]
    cls = OPTIMIZERS[class_name].cls
    settings = {**settings, **({} if lr is None else {"lr": lr}), **overrides}

    def make(params: list[Value]):
        return cls(params, **settings)

    make.__name__ = key
    return make


def resolve_optimizers(optimizers: Mapping[str, OptimizerFactory | str] | Sequence[str],
                       lr: float | None = None) -> dict[str, OptimizerFactory]:
    """``{name: factory}`` from a mapping (values: factories or preset names) or a list of preset names.

    ``lr`` replaces the learning rate of presets only; a factory you wrote keeps its own.
    """
    if isinstance(optimizers, str):
        optimizers = [optimizers]
    if not isinstance(optimizers, Mapping):
        optimizers = list(optimizers)
        repeated = sorted({name for name in optimizers if optimizers.count(name) > 1})
        if repeated:  # a dict would keep one run per name and silently drop the others
            raise ValueError(f"Optimizer {', '.join(map(repr, repeated))} is given twice; list each once, "
                             "or give runs their own names: {'adam': 'adam', 'adam fast': lambda p: Adam(p, lr=0.1)}.")
        optimizers = {name: name for name in optimizers}
    if not optimizers:
        raise ValueError("No optimizers given; pass e.g. ['gd', 'adam'] or {'sgd': lambda p: SGD(p, lr=0.1)}.")
    factories = {}
    for name, spec in optimizers.items():
        if isinstance(spec, str):
            factories[str(name)] = preset(spec, lr)
        elif callable(spec):
            factories[str(name)] = spec
        else:
            raise TypeError(
                f"Optimizer {name!r} must be a factory (lambda params: SGD(params, lr=0.1)) or a preset "
                f"name such as 'adam', got {type(spec).__name__}: {spec!r}."
            )
    return factories
