"""Argument checks shared by every layer, in one wording.

Every refusal reads ``Invalid <name>: <value> (<rule>). <what to do>``, for example::

    Invalid epochs: 0 (must be a whole number >= 1). Pass how many passes over the data to make.

This module imports nothing from microopt, so any module may use it (it sits below the engine).
Numbers from numpy are accepted wherever Python's are: whole numbers through
``operator.index`` (``numpy.int64(3)``), real numbers through ``numbers.Real``
(``numpy.float32(0.1)``). ``True`` and ``False`` are never taken for 1 and 0.
"""

from __future__ import annotations

import math
import operator
from numbers import Real
from typing import Any


def invalid(name: str, value: Any, rule: str, advice: str = "") -> str:
    """The one message format: ``Invalid name: value (rule). advice``."""
    shown = repr(value) if not isinstance(value, Real) or isinstance(value, bool) else _number_text(value)
    message = f"Invalid {name}: {shown} ({rule})."
    return f"{message} {advice}" if advice else message


def whole_number(name: str, value: Any, *, minimum: int | None = None, maximum: int | None = None,
                 advice: str = "") -> int:
    """``value`` as an int, refusing bools, floats and numbers outside [minimum, maximum]."""
    rule = "must be a whole number" + _range_text(minimum, maximum)
    if isinstance(value, bool):
        raise ValueError(invalid(name, value, rule, advice))
    try:
        number = operator.index(value)
    except TypeError:
        raise ValueError(invalid(name, value, rule, advice)) from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ValueError(invalid(name, value, rule, advice))
    return number


def real_number(name: str, value: Any, *, minimum: float | None = None, maximum: float | None = None,
                above: float | None = None, below: float | None = None, finite: bool = True,
                advice: str = "") -> float:
    """``value`` as a float; NaN is always refused, infinity unless ``finite=False``.

    ``minimum``/``maximum`` are inclusive bounds, ``above``/``below`` exclusive ones.
    """
    rule = "must be a " + ("finite " if finite else "") + "number" + _bounds_text(minimum, maximum, above, below)
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(invalid(name, value, rule, advice))
    try:
        number = float(value)
    except OverflowError:  # an int beyond the largest float, such as 10**400
        raise ValueError(invalid(name, value, rule + "; this one is larger than any float", advice)) from None
    if math.isnan(number) or (finite and math.isinf(number)):
        raise ValueError(invalid(name, value, rule, advice))
    if ((minimum is not None and number < minimum) or (maximum is not None and number > maximum)
            or (above is not None and not number > above) or (below is not None and not number < below)):
        raise ValueError(invalid(name, value, rule, advice))
    return number


def flag(name: str, value: Any, advice: str = "") -> bool:
    """``value`` as a bool; only True and False (numpy's included), never 0, 1 or "yes"."""
    if isinstance(value, bool):
        return value
    if type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_"):  # numpy's bool
        return bool(value)
    raise ValueError(invalid(name, value, "must be True or False", advice))


def sign(x: float) -> float:
    """-1.0, 0.0 or 1.0, with sign(0) = 0 as in PyTorch; NaN stays NaN."""
    if x != x:
        return x
    return float((x > 0.0) - (x < 0.0))


def _number_text(value: Real) -> str:
    try:
        return repr(value) if isinstance(value, (int, float)) else repr(float(value))
    except OverflowError:
        return repr(value)


def _range_text(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f" from {minimum} to {maximum}"
    if minimum is not None:
        return f" >= {minimum}"
    if maximum is not None:
        return f" <= {maximum}"
    return ""


def _bounds_text(minimum, maximum, above, below) -> str:
    low = f" >= {minimum:g}" if minimum is not None else (f" > {above:g}" if above is not None else "")
    high = f" <= {maximum:g}" if maximum is not None else (f" < {below:g}" if below is not None else "")
    if low and high:
        return low + " and" + high
    return low or high
