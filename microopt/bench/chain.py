"""A deep chain: y ← y·w + b, repeated, then backward. Two graph nodes per link.

    y_0 = x,   y_k = y_(k-1) · w + b   (k = 1..links)

This graph is as deep as it is large, the worst case for a recursive topological sort.
micrograd's ``backward`` recurses once per level, so it needs the recursion limit raised to
the depth of the graph (safe on Python >= 3.11, whose Python-to-Python calls do not use the C
stack); microopt's iterative sort and PyTorch's engine need nothing.

With w = 0.5 and b = 0.25 the chain converges to 0.5 and every gradient stays finite:
∂y/∂x = w^links, and ∂y/∂b = 1 + w + ... + w^(links-1) → 2.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

from microopt.bench.engines import Engine

NODES_PER_LINK = 2  # one product and one sum


def chain(engine: Engine, links: int) -> tuple:
    """(y, x, w, b) for a chain of ``links`` links."""
    x, w, b = engine.param(1.0), engine.param(0.5), engine.param(0.25)
    y = x
    for _ in range(links):
        y = y * w + b
    return y, x, w, b


def forward_backward(engine: Engine, links: int) -> tuple[float, float, float]:
    """Build the chain and backpropagate through it: (y, ∂y/∂b, ∂y/∂x).

    The chain is dropped inside ``engine.building()`` (see ``demo.train_step``).
    """
    with engine.building():
        y, x, _, b = chain(engine, links)
        with recursion_limit_for(engine, depth=NODES_PER_LINK * links):
            y.backward()
        result = engine.value_of(y), engine.grad_of(b), engine.grad_of(x)
        del y, x, b
    return result


def deep_enough(engine: Engine) -> bool:
    """Whether this engine can backpropagate through a deep chain in this Python."""
    return engine.name != "micrograd" or sys.version_info >= (3, 11)


@contextmanager
def recursion_limit_for(engine: Engine, depth: int) -> Iterator[None]:
    """Raise the recursion limit for micrograd's recursive sort, and put it back afterwards."""
    old = sys.getrecursionlimit()
    if engine.name == "micrograd":
        sys.setrecursionlimit(max(old, depth + 1000))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)
