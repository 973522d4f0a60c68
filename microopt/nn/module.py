"""`Module`: the base class of every model, in PyTorch's shape.

A Module finds its parameters by looking at its attributes, in the order they were set:
Values, other Modules, and lists or tuples of either. So a student's own model needs no
``parameters()`` method of its own.
"""

from __future__ import annotations

from typing import Iterator

import math
from numbers import Real

from microopt.engine.value import Value


class Module:
    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward().")

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Value]]:
        """(name, Value) for every parameter, names as in PyTorch: ``layers.0.neurons.1.w.0``."""
        seen: set[int] = set()
        for name, value in _walk(self, prefix):
            if id(value) not in seen:  # a shared parameter is listed once
                seen.add(id(value))
                yield name, value

    def parameters(self) -> list[Value]:
        """Every parameter once, in the order of ``named_parameters()`` (without making the names)."""
        found: list[Value] = []
        _gather(self, found, set())
        return found

    def zero_grad(self) -> None:
        """Reset every parameter's gradient to 0 (gradients accumulate across backward())."""
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> dict[str, float]:
        """Parameter values by name: a plain dict that ``json.dumps`` accepts."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: dict[str, float]) -> None:
        """Set parameter values from ``state_dict()`` output; the names must match exactly."""
        if not isinstance(state, dict):
            raise TypeError(f"load_state_dict needs a dict of name -> number, got {type(state).__name__}.")
        params = dict(self.named_parameters())
        missing = [k for k in params if k not in state]
        unexpected = [k for k in state if k not in params]
        if missing or unexpected:
            raise ValueError(
                f"state_dict does not fit this {type(self).__name__}: missing {missing[:5]}"
                f"{'...' if len(missing) > 5 else ''}, unexpected {unexpected[:5]}"
                f"{'...' if len(unexpected) > 5 else ''}. Was it saved from a model of another shape?"
            )
        numbers = {name: _finite(name, value) for name, value in state.items()}  # all checked first
        for name, p in params.items():
            p.data = numbers[name]

    def num_parameters(self) -> int:
        return len(self.parameters())


def _finite(name: str, value: object) -> float:
    """A state_dict entry as a float: numpy numbers accepted; nan, inf and 10**400 refused."""
    try:
        number = float(value) if isinstance(value, Real) and not isinstance(value, bool) else math.nan
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(f"state_dict entry {name!r} must be a finite number, got {value!r}.")
    return number


def _walk(obj, prefix: str) -> Iterator[tuple[str, Value]]:
    for attr, value in vars(obj).items():
        if attr.startswith("_"):
            continue
        yield from _walk_value(value, f"{prefix}{attr}")


def _walk_value(value, name: str) -> Iterator[tuple[str, Value]]:
    if isinstance(value, Value):
        yield name, value
    elif isinstance(value, Module):
        yield from _walk(value, name + ".")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _walk_value(item, f"{name}.{i}")


def _gather(value, found: list[Value], seen: set[Value]) -> None:
    """``_walk``'s parameters without their names: ``parameters()`` runs on every training step."""
    if isinstance(value, Value):
        if value not in seen:  # a shared parameter is listed once
            seen.add(value)
            found.append(value)
    elif isinstance(value, Module):
        for attr, item in vars(value).items():
            if not attr.startswith("_"):
                _gather(item, found, seen)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _gather(item, found, seen)
