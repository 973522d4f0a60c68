"""The one float comparison every checker uses, with one rule for NaN and infinity.

Two numbers agree when ``|a - b| <= atol + rtol * max(|a|, |b|)``. NaN agrees with NaN only
(both computations broke down the same way), an infinity only with the same infinity, and a
finite number never with a non-finite one.
"""

from __future__ import annotations

import math


def close(a: float, b: float, rtol: float, atol: float) -> bool:
    """Do ``a`` and ``b`` agree within ``atol + rtol * max(|a|, |b|)``? (NaN = NaN, inf = inf)."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def all_close(xs, ys, rtol: float, atol: float) -> bool:
    """Equal lengths and every pair ``close``."""
    xs, ys = list(xs), list(ys)
    return len(xs) == len(ys) and all(close(x, y, rtol, atol) for x, y in zip(xs, ys))
