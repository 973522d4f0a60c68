"""Argument checks shared by every layer, in one wording.

Every refusal reads ``Invalid <name>: <value> (<rule>). <what to do>``, for example::

    Invalid epochs: 0 (must be a whole number >= 1). Pass how many passes over the data to make.

This module imports nothing from microopt, so any module may use it (it sits below the engine).
Numbers from numpy are accepted wherever Python's are: whole numbers through
``operator.index`` (``numpy.int64(3)``), real numbers through ``numbers.Real``
(``numpy.float32(0.1)``). ``True`` and ``False`` are never taken for 1 and 0.

Command lines use the same checks through ``whole_number_argument`` and ``real_number_argument``,
argparse types that refuse a flag's text with the same message (argparse prefixes the flag)::

    microopt race: error: argument --steps: Invalid steps: 0 (must be a whole number from 1 to 1,000,000).
"""

from __future__ import annotations

import math
import operator
from numbers import Real
from typing import Any, Callable


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


def whole_number_argument(name: str, *, minimum: int | None = 1, maximum: int | None = None,
                          advice: str = "") -> Callable[[str], int]:
    """An argparse ``type``: the flag's text as ``whole_number(name, ...)`` takes it, with its message."""

    def parse(text: str) -> int:
        try:
            value: Any = int(text)
        except ValueError:
            value = text  # refused below, shown as the text that was typed
        return _for_argparse(whole_number, name, value, minimum=minimum, maximum=maximum, advice=advice)

    parse.__name__ = "whole number"  # argparse names the type in its own "invalid ... value" messages
    return parse


def real_number_argument(name: str, *, minimum: float | None = None, maximum: float | None = None,
                         above: float | None = None, below: float | None = None, finite: bool = True,
                         advice: str = "") -> Callable[[str], float]:
    """An argparse ``type``: the flag's text as ``real_number(name, ...)`` takes it, with its message."""

    def parse(text: str) -> float:
        try:
            value: Any = float(text)
        except ValueError:
            value = text
        return _for_argparse(real_number, name, value, minimum=minimum, maximum=maximum, above=above,
                             below=below, finite=finite, advice=advice)

    parse.__name__ = "number"
    return parse


def _for_argparse(check: Callable, name: str, value: Any, **bounds: Any):
    import argparse  # here, not at the top: the library's checks need not load it (2.5 ms with gettext)

    try:
        return check(name, value, **bounds)
    except ValueError as error:  # argparse turns this one into a usage error, exit status 2
        raise argparse.ArgumentTypeError(str(error)) from None


def _number_text(value: Real) -> str:
    try:
        return repr(value) if isinstance(value, (int, float)) else repr(float(value))
    except OverflowError:
        return repr(value)


def _range_text(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f" from {minimum:,} to {maximum:,}"
    if minimum is not None:
        return f" >= {minimum:,}"
    if maximum is not None:
        return f" <= {maximum:,}"
    return ""


def _bounds_text(minimum, maximum, above, below) -> str:
    low = f" >= {minimum:g}" if minimum is not None else (f" > {above:g}" if above is not None else "")
    high = f" <= {maximum:g}" if maximum is not None else (f" < {below:g}" if below is not None else "")
    if low and high:
        return low + " and" + high
    return low or high
