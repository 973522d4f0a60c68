"""``microopt bench``: how fast and how small microopt is, next to micrograd and PyTorch.

Everything runs side by side in one process, contenders taking turns:

- micrograd's demo (moons, MLP 2-16-16-1, hinge loss + L2, SGD), one training step, with the
  same model code on microopt, micrograd and PyTorch 0-d tensors, and with ``microopt.nn``;
- a deep chain (hundreds of thousands of nodes), forward and backward;
- bytes per graph node (tracemalloc);
- the cost of one optimizer step per parameter, SGD with momentum and Adam, as models grow.

micrograd and torch are optional; a missing one is skipped with a note. From Python::

    >>> from microopt.bench import run, format_table   # doctest: +SKIP
    >>> print(format_table(run(quick=True)))            # doctest: +SKIP

Modules: ``engines`` (the contenders), ``demo``, ``chain``, ``memory``, ``optim_step`` (the
workloads), ``timing`` (fair timing), ``suite`` (``run``), ``report`` (table, command line).
"""

from microopt.bench.report import format_table, main
from microopt.bench.suite import run

__all__ = ["main", "run", "format_table"]
