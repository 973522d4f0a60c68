"""The ops ``check_backward`` can check: the engine's registry (``microopt.engine.ops.OPS``).

Each op is read as an ``OpSpec``: how many inputs, how to apply it to Values, its kinks and
its sample constants (``mul_const``'s c, ``leaky_relu``'s slope). Symbols are accepted for the
arithmetic ops ("+" is "add", "*" is "mul", ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from microopt.engine.ops import OPS
from microopt.engine.value import Value

SYMBOLS = {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow"}


@dataclass(frozen=True)
class OpSpec:
    name: str
    arity: int  # Value inputs; -1: any number (sum)
    apply: Callable  # on Values; a constant, if the op has one, comes last
    kinks: tuple[float, ...] = ()
    constants: tuple[float, ...] = ()
    domain: tuple[tuple[float, float], ...] = ()


def registry() -> dict[str, OpSpec]:
    """Every checkable op by name, from the engine's registry."""
    return {name: OpSpec(name, op.arity, op.apply, tuple(op.kinks), tuple(op.constants), tuple(op.domain))
            for name, op in OPS.items()}


def lookup(name: str) -> OpSpec:
    ops = registry()
    key = SYMBOLS.get(name, name)
    if key not in ops:
        raise ValueError(
            f"Unknown reference op {name!r}: choose one of {', '.join(sorted(ops))} (or a symbol "
            f"{', '.join(SYMBOLS)}), or pass a function on Values (e.g. lambda x: x.tanh()), or None."
        )
    return ops[key]


def library_code(op: OpSpec) -> dict:
    """The engine's own code for ``op``, which a student's rule may not call."""
    methods = {"add": "__add__", "sub": "__sub__", "mul": "__mul__", "div": "__truediv__", "pow": "__pow__",
               "neg": "__neg__", "abs": "__abs__"}
    found = {}
    for function in (getattr(Value, methods.get(op.name, op.name), None), op.apply):
        code = getattr(function, "__code__", None)
        if code is not None and code.co_filename.endswith(("value.py", "ops.py")):
            found[code] = f"Value.{methods.get(op.name, op.name)}"
    return found
