"""Memory per graph node, measured with ``tracemalloc`` while the demo's loss graph is alive.

    bytes per node = (memory after building the graph - memory before) / nodes created

A microopt node is one object with ``__slots__`` (no ``__dict__``) and its ``data`` float;
the local derivatives are floats that usually already exist (a parent's data, 1.0). A
micrograd node also carries a ``set`` of parents and a closure (a function object and its
cells). PyTorch allocates its tensors in C++, out of tracemalloc's sight, so it is not measured.
"""

from __future__ import annotations

import gc
import tracemalloc
from typing import Any, Callable


def graph_size(root: Any) -> int:
    """How many distinct nodes the graph ending in ``root`` has (microopt or micrograd)."""
    if hasattr(root, "topological_order"):
        return len(root.topological_order())
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            stack.extend(node._prev)  # micrograd keeps a node's parents in the set _prev
    return len(seen)


def bytes_per_node(build: Callable[[], Any], existing_nodes: int) -> dict[str, float]:
    """Build a graph under tracemalloc; ``existing_nodes`` (the parameters) were there before."""
    if tracemalloc.is_tracing():
        raise RuntimeError("bytes_per_node needs tracemalloc for itself; call tracemalloc.stop() first.")
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        root = build()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    nodes = graph_size(root) - existing_nodes
    return {"bytes_per_node": (after - before) / nodes, "nodes": nodes, "bytes": after - before}
