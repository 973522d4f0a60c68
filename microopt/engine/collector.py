"""Pausing Python's cyclic garbage collector while a graph is built and backpropagated.

Reference counting frees a microopt graph the moment it is dropped: its nodes hold no
reference cycles (no closures, no back-pointers). The cyclic collector is then pure cost:
it runs every few hundred allocations and, in its full collections, rescans every live
object, the whole growing graph included, so that the cost per node grows with the graph's
size (about 1 µs per node at 5 k nodes, 2 µs at 2 M). Paused, the cost per node stays flat.

``paused_collector()`` pauses it for the duration of a ``with`` block and restores its state
on every exit, errors included; nested blocks leave it paused until the outermost ends.
``backward()`` uses it, and so do ``fit`` and ``microopt bench`` around a whole step.

Drop the graph inside the block: the collector counts the objects made while it was paused,
and resumes with a collection of them at the first allocation after the block. A graph freed
by then costs nothing more; one still alive is scanned node by node (about a tenth of a
demo step, when ``microopt bench`` kept its graph past the block).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused_collector() -> Iterator[None]:
    """Pause the cyclic garbage collector inside the block; restore its state afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
