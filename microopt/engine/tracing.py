"""Watching a graph being built: which numbers the Python code around it looked at.

A graph's shape can depend on its data only through the numbers the Python code building it
reads out of Values: a comparison (``if score > 0``, ``max(a, b)``), or ``.data`` and
``.item()`` (``m = max(v.data for v in z)``). The compiled step (``microopt.train.compile``)
traces one step inside ``watching()`` to find every such read:

- each comparison of a Value is recorded with its outcome, so that the replay can check, on
  every later batch, that the comparison comes out the same (a *guard*, as in
  ``torch.compile``): the eager engine would then build the very same graph;
- each read of ``.data`` or ``.item()`` from outside the engine is recorded with where it
  happened: what the number was used for cannot be checked later, so the compiled step
  refuses a read of any Value that depends on the data or the weights.

Inside the block, ``Value.data`` is a property over the slot and the comparisons are
recording wrappers; both are put back on every exit, errors included, so outside a trace
the engine runs as fast as ever. One trace at a time (the class is patched, not an instance).
"""

from __future__ import annotations

import sys
import types
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from microopt.engine import value as _value
from microopt.engine.value import Value

COMPARISONS = {"__lt__": "<", "__le__": "<=", "__gt__": ">", "__ge__": ">="}


@dataclass
class Read:
    """One number that Python code took out of a Value, and where (``file:line``)."""

    node: Value
    where: str


@dataclass
class Comparison:
    """``left op right`` (right a Value or a plain number), its outcome, and where it happened."""

    left: Value
    op: str
    right: Value | float
    outcome: bool
    where: str


@dataclass
class Watched:
    """What the code building a graph read inside ``watching()``."""

    reads: list[Read] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)


def _codes(namespace) -> set[types.CodeType]:
    """The code objects of the functions of a module or class, nested ones included."""
    found: set[types.CodeType] = set()
    stack = [f.__code__ for f in vars(namespace).values() if isinstance(f, types.FunctionType)]
    while stack:
        code = stack.pop()
        found.add(code)
        stack += [c for c in code.co_consts if isinstance(c, types.CodeType)]
    return found


# Reads by the engine itself are how it computes (the replay recomputes them); display
# (repr, format) changes no graph. ``item`` is read on the user's behalf, so it counts.
_ENGINE = frozenset((_codes(_value) | _codes(Value)) - {Value.item.__code__})


def _where(frame) -> str:
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


@contextmanager
def watching() -> Iterator[Watched]:
    """Record the reads and comparisons of Values made inside the block (see the module docstring)."""
    watched = Watched()
    slot = Value.__dict__["data"]  # the member descriptor of __slots__: where the float lives
    if isinstance(slot, property):
        raise RuntimeError("watching() is already recording: one trace at a time.")
    originals = {name: Value.__dict__[name] for name in COMPARISONS}

    get, frame, item, engine = slot.__get__, sys._getframe, Value.item.__code__, _ENGINE  # bound once: hot

    def read(node: Value) -> float:
        caller = frame(1)
        code = caller.f_code
        if code in engine:
            return get(node)
        if code is item:  # value.item(): the read is its caller's
            caller = caller.f_back
        watched.reads.append(Read(node, _where(caller)))
        return get(node)

    def recording(name: str):
        compare = originals[name]

        def method(self: Value, other) -> bool:
            outcome = compare(self, other)
            watched.comparisons.append(Comparison(self, COMPARISONS[name], other, outcome, _where(sys._getframe(1))))
            return outcome
        return method

    Value.data = property(read, slot.__set__)
    for name in COMPARISONS:
        setattr(Value, name, recording(name))
    try:
        yield watched
    finally:
        Value.data = slot
        for name, method in originals.items():
            setattr(Value, name, method)
