"""Batched replay with numpy: the per-sample graph computed once, on arrays holding every sample.

``compile_step`` replays the per-sample graph in a Python loop, sample after sample, to keep
the eager engine's order of every addition (bit for bit). ``compile_batched`` writes the same
program once on numpy arrays: each name holds one number per sample, each line is one numpy
operation over the whole batch, and a weight's gradient is the sum of its per-sample
contributions, ``npsum(x0 * g_v1)``. Far faster; **not bitwise**: numpy adds in its own order
(pairwise sums, no ``math.fsum``), so the numbers agree with the eager engine to about 1e-15
relative, not to the last bit. numpy is imported only when this module is used.

Also unlike the eager engine, an overflow or a division by zero gives inf or nan instead of
raising, and the batch must have the same graph for every sample (``CompileError`` otherwise).
"""

from __future__ import annotations

from functools import reduce
from operator import add
from typing import Any, Callable, Sequence

import numpy as np

from microopt.engine.value import Value
from microopt.train.compile import CompiledStep, Replayed, _compiled


def _sigmoid(a):
    e = np.exp(-np.abs(a))  # exp of a non-positive number: never overflows, as in the eager sigmoid
    return np.where(a >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def _fsum(terms):
    """A column of one number per sample summed over the samples, or a tuple of terms summed elementwise."""
    return terms.sum() if isinstance(terms, np.ndarray) else reduce(add, terms)


def _power_slope(a, k):
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = k * np.power(a, k - 1.0)
    return np.where(k == 0.0, 0.0, np.where((a == 0.0) & (k < 1.0), np.inf, slope))


def _log_slope(result, a):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a != 0.0, result * np.log(np.where(a != 0.0, a, 1.0)), 0.0)


# The names of microopt.engine.ops.REPLAY_NAMESPACE, for arrays: the same formulas, elementwise.
NUMPY_NAMESPACE = {
    "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "tanh": np.tanh, "sin": np.sin, "cos": np.cos,
    "sigmoid": _sigmoid,
    "softplus": lambda a: np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a))),
    "relu": lambda a: np.where(a <= 0.0, 0.0, a),  # nan passes through, as in the eager relu
    "relu_slope": lambda a: np.where(a <= 0.0, 0.0, 1.0),
    "leaky_slope": lambda a, s: np.where(a > 0.0, 1.0, s),
    "abs_slope": lambda a: np.where(a > 0.0, 1.0, 0.0) - np.where(a < 0.0, 1.0, 0.0),
    "sqrt_slope": lambda s: np.divide(0.5, s, out=np.full(np.shape(s), np.inf), where=s != 0.0),
    "power": np.power, "power_slope": _power_slope, "exponent_power": np.power, "log_slope": _log_slope,
    "fsum": _fsum, "npsum": np.sum, "zeros": np.zeros, "full": np.full,
    "array": np.array, "column_stack": np.column_stack, "outer": np.outer,
}


class BatchedStep(CompiledStep):
    """``step(X_batch, y_batch)``: as ``CompiledStep``, on numpy arrays (agrees to ~1e-15, not bitwise)."""

    def _inputs(self, X_batch, y_batch) -> tuple[Any, Any]:
        x = np.asarray(X_batch, dtype=float)
        y = np.asarray(y_batch, dtype=float)
        if x.ndim != 2 or x.shape != (self.batch_size, self.sample_width) or y.shape != (self.batch_size,):
            raise ValueError(f"Invalid batch: {len(X_batch)} samples of {self.sample_width} features and one target "
                             f"each (must be {self.batch_size}, the size it was compiled for).")
        return x, y

    def run(self, X_batch: Sequence[Sequence[float]], y_batch: Sequence[float]) -> Replayed:
        with np.errstate(all="ignore"):  # inf and nan, as documented, instead of warnings
            loss, gradients, watched, outcomes = self._replay([p.data for p in self.parameters],
                                                              *self._inputs(X_batch, y_batch))
        self._check(tuple(bool(o) for o in outcomes))
        return Replayed(float(loss), tuple(map(float, gradients)), self._rebuild([float(v) for v in watched]))


def compile_batched(loss_of_batch: Callable[[list, list], Any], parameters: Sequence[Value],
                    X_batch: Sequence[Sequence[float]], y_batch: Sequence[float]) -> BatchedStep:
    """``compile_step``, replayed with numpy across the samples (see the module docstring)."""
    return BatchedStep(*_compiled(loss_of_batch, parameters, X_batch, y_batch, "numpy"), NUMPY_NAMESPACE)
