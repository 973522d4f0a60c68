"""2-D test functions for optimizers, and a registry to find them by name.

>>> f = get("rosenbrock")
>>> f.minima, f(1.0, 1.0), f.gradient(0.0, 0.0)
([(1.0, 1.0)], 0.0, (-2.0, 0.0))
>>> NAMES
('quadratic', 'rosenbrock', 'beale', 'himmelblau', 'saddle', 'rastrigin')
"""

from __future__ import annotations

import inspect

from microopt.functions.base import Function2D
from microopt.functions.landscapes import Beale, Himmelblau, Quadratic, Rastrigin, Rosenbrock, Saddle

_CLASSES: dict[str, type[Function2D]] = {
    cls.name: cls for cls in (Quadratic, Rosenbrock, Beale, Himmelblau, Saddle, Rastrigin)
}
NAMES: tuple[str, ...] = tuple(_CLASSES)
ALL: tuple[Function2D, ...] = tuple(cls() for cls in _CLASSES.values())  # one of each, default settings


def get(name: str, **params) -> Function2D:
    """A new test function by name (any case), e.g. ``get("quadratic", condition=100)``."""
    if not isinstance(name, str):
        raise TypeError(f"Invalid test function name: {name!r} (must be a str, one of: {', '.join(NAMES)}).")
    key = name.strip().lower()
    if key not in _CLASSES:
        raise ValueError(f"Unknown test function {name!r}; choose one of: {', '.join(NAMES)}.")
    cls = _CLASSES[key]
    accepted = [p for p in inspect.signature(cls).parameters]
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        raise TypeError(f"{cls.__name__} has no parameter {', '.join(map(repr, unknown))}; its parameters are: "
                        f"{', '.join(accepted) or 'none'}.")
    return cls(**params)


__all__ = ["Function2D", "Quadratic", "Rosenbrock", "Beale", "Himmelblau", "Saddle", "Rastrigin",
           "get", "NAMES", "ALL"]
