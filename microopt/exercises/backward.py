"""``check_backward``: is a student's operation right, forward and backward, at ordinary and edge points?

A student writes an operation in one of two ways:

1. a *rule* on floats, returning the forward value and the local derivative(s), exactly what
   an op of ``Value`` stores::

       def tanh_rule(x):            # -> (value, d value / dx)
           t = math.tanh(x)
           return t, 1 - t * t

       def mul_rule(a, b):          # -> (value, (d/da, d/db))
           return a * b, (b, a)

2. a function on Values, returning a Value (e.g. ``lambda x: x * x.sigmoid()``), whose
   gradients come from ``backward()``.

At every test point the checker compares the forward value with the reference op, the
derivative(s) with the reference op's and with central differences of the student's own
forward, (f(x+h) - f(x-h)) / 2h, which needs no derivative rule at all. Edge points are
included: 0, large magnitudes where a naive ``exp`` overflows (|x| = 800), inputs near the
edge of the domain (log and sqrt near 0), kinks (relu, abs at 0: PyTorch's convention there).
"""

from __future__ import annotations

import inspect
import math
import operator
from typing import Callable, Sequence

from microopt.engine.value import Value

UNARY = {"tanh", "sigmoid", "exp", "log", "sqrt", "relu", "leaky_relu", "abs", "softplus",
         "sin", "cos", "neg"}
BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
          "**": operator.pow}

# Ordinary points first, edge points last: a rule wrong everywhere is reported at an easy point.
_SATURATING = (0.5, -0.5, 3.0, -3.0, 0.0, 20.0, -20.0, 800.0, -800.0)
_KINKED = (2.0, -2.0, 1e-3, -1e-3, 0.0)
_PAIRS = ((2.0, -3.0), (-1.5, -0.5), (0.0, 5.0), (1e3, 1e-3), (0.0, 0.0))
POINTS = {
    "tanh": _SATURATING,
    "sigmoid": _SATURATING,
    "softplus": _SATURATING,
    "exp": (0.5, -0.5, 2.0, -2.0, 0.0, 20.0, -20.0),
    "log": (0.5, 2.0, 1.0, 100.0, 1e-3, 1e6, 1e-6),
    "sqrt": (0.25, 2.0, 1.0, 100.0, 1e-3, 1e-6),
    "sin": (0.5, -2.0, 0.0, 3.0, 100.0),
    "cos": (0.5, -2.0, 0.0, 3.0, 100.0),
    "relu": _KINKED,
    "leaky_relu": _KINKED,
    "abs": _KINKED,
    "+": _PAIRS,
    "-": _PAIRS,
    "*": _PAIRS,
    "/": ((2.0, -3.0), (-1.5, 0.25), (0.0, 5.0), (1e3, 7.0), (1.0, 1e-3)),
    "**": ((2.0, 3.0), (0.5, -1.5), (3.0, 0.5), (1.0, 10.0), (4.0, 0.0)),
}
GENERIC_POINTS = (-2.0, -0.5, 0.0, 0.5, 2.0)
GENERIC_PAIRS = ((2.0, -3.0), (-1.5, 0.5), (0.5, 2.0), (1.0, 1.0))
KINKS = {"relu": 0.0, "leaky_relu": 0.0, "abs": 0.0}  # no derivative here: compare with the reference only
POSITIVE_DOMAIN = {"log", "sqrt"}  # central differences need x - h > 0

FORMULAS = {
    "tanh": "d tanh(x)/dx = 1 - tanh(x)², written with the output t = tanh(x): 1 - t².",
    "sigmoid": "d σ(x)/dx = σ(x) (1 - σ(x)), written with the output s = σ(x): s (1 - s).",
    "exp": "d eˣ/dx = eˣ: the derivative is the output itself.",
    "log": "d log(x)/dx = 1 / x.",
    "sqrt": "d √x/dx = 1 / (2 √x).",
    "relu": "d relu(x)/dx = 1 for x > 0, else 0 (0 at x = 0, as in PyTorch).",
    "leaky_relu": "d leaky_relu(x)/dx = 1 for x > 0, else the negative slope 0.01.",
    "abs": "d |x|/dx = sign(x), with sign(0) = 0 as in PyTorch.",
    "softplus": "d log(1 + eˣ)/dx = σ(x) = 1 / (1 + e⁻ˣ).",
    "sin": "d sin(x)/dx = cos(x).",
    "cos": "d cos(x)/dx = -sin(x).",
    "neg": "d (-x)/dx = -1.",
    "+": "d(a + b)/da = 1 and d(a + b)/db = 1.",
    "-": "d(a - b)/da = 1 and d(a - b)/db = -1.",
    "*": "d(ab)/da = b and d(ab)/db = a: each derivative is the *other* input.",
    "/": "d(a/b)/da = 1/b and d(a/b)/db = -a/b².",
    "**": "d(aᵇ)/da = b aᵇ⁻¹ and d(aᵇ)/db = aᵇ log a.",
}
# Derivatives best written with the output y: a student who uses the input x instead...
FROM_OUTPUT = {"tanh": lambda y: 1 - y * y, "sigmoid": lambda y: y * (1 - y), "exp": lambda y: y}


def _close(a: float, b: float, rtol: float, atol: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def _reference_function(reference) -> tuple[Callable[..., Value] | None, str, int | None]:
    """(function on Values, display name, arity) for an op name, a callable, or None."""
    if reference is None:
        return None, "central differences", None
    if isinstance(reference, str):
        if reference in UNARY:
            return (lambda x: -x) if reference == "neg" else (lambda x: getattr(x, reference)()), reference, 1
        if reference in BINARY:
            return BINARY[reference], reference, 2
        raise ValueError(
            f"Unknown reference op {reference!r}: choose one of {', '.join(sorted(UNARY | set(BINARY)))}, "
            "or pass a function on Values (e.g. lambda x: x.tanh()), or None."
        )
    if callable(reference):
        return reference, getattr(reference, "__name__", "reference"), _arity(reference)
    raise TypeError(f"reference must be an op name, a function on Values or None, got {reference!r}.")


def _arity(f: Callable) -> int | None:
    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return None
    return sum(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
               for p in params)


def _as_points(points, arity: int) -> list[tuple[float, ...]]:
    result = []
    for point in points:
        point = (point,) if isinstance(point, (int, float)) else tuple(point)
        if len(point) != arity or not all(isinstance(x, (int, float)) for x in point):
            raise ValueError(f"Invalid test point {point!r}: need {arity} number(s) per point.")
        result.append(tuple(float(x) for x in point))
    return result


def _reference_at(ref: Callable, xs: tuple[float, ...]) -> tuple[float, list[float]]:
    leaves = [Value(x) for x in xs]
    out = ref(*leaves)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


class _StudentError(Exception):
    """The student's function raised, or returned the wrong shape: becomes an AssertionError."""


def _call_rule(rule: Callable, xs: tuple[float, ...], arity: int) -> tuple[float, list[float]]:
    try:
        result = rule(*xs)
    except Exception as error:
        raise _StudentError(error) from error
    shape = ("(value, derivative)" if arity == 1 else
             f"(value, ({', '.join(f'd/d{n}' for n in 'abcdefgh'[:arity])}))")
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise _StudentError(f"it returned {result!r}, but a rule returns a pair {shape}.")
    value, grads = result
    if not isinstance(grads, (tuple, list)):
        grads = [grads]
    if len(grads) != arity or not all(isinstance(x, (int, float)) for x in [value, *grads]):
        raise _StudentError(f"it returned {result!r}, but a rule returns numbers as {shape}.")
    return float(value), [float(g) for g in grads]


def _call_values(fn: Callable, xs: tuple[float, ...]) -> tuple[float, list[float]]:
    leaves = [Value(x) for x in xs]
    try:
        out = fn(*leaves)
        if not isinstance(out, Value):
            raise _StudentError(
                f"it returned {out!r}: a rule on floats returns a pair (value, derivative), "
                "a function on Values returns a Value."
            )
        out.backward()
    except _StudentError:
        raise
    except Exception as error:
        raise _StudentError(error) from error
    return out.data, [leaf.grad for leaf in leaves]


def _is_rule(rule: Callable, xs: tuple[float, ...]) -> bool:
    """A rule on floats returns (number, ...); a function on Values needs Values."""
    try:
        result = rule(*xs)
    except NotImplementedError:
        return True  # an unfinished template: report the TODO, whatever its kind
    except Exception:
        return False
    return isinstance(result, (tuple, list)) and not isinstance(result, Value)


def check_backward(rule: Callable, reference: str | Callable | None = None, *,
                   points: Sequence | None = None, rtol: float = 1e-5, atol: float = 1e-7,
                   verbose: bool = True) -> None:
    """Check a student's operation against the reference op and central differences.

    ``rule`` is a rule on floats returning ``(value, derivative)`` (or ``(value, (d/da,
    d/db))`` for two inputs), or a function on Values returning a Value. ``reference`` is an
    op name ("tanh", "sigmoid", "exp", "log", "sqrt", "relu", "*", "/", ...), a function on
    Values (``lambda x: x.tanh()``), or None to check the derivative against central
    differences of your own forward only. ``points`` overrides the test points (numbers, or
    tuples for several inputs). Derivatives agree when
    ``|yours - expected| <= atol + rtol * max(|yours|, |expected|)``.

    Raises ``AssertionError`` at the first wrong point, with the values and a hint; prints one
    line on success (unless ``verbose=False``).

    >>> import math
    >>> def tanh_rule(x):
    ...     t = math.tanh(x)
    ...     return t, 1 - t * t
    >>> check_backward(tanh_rule, "tanh")
    check_backward: tanh_rule matches tanh at 9 points (forward value, local derivative, central differences).
    """
    if not callable(rule):
        raise AssertionError(f"check_backward needs your function, got {rule!r}: pass it without calling it.")
    ref, ref_name, arity = _reference_function(reference)
    arity = arity or _arity(rule) or 1
    op_name = reference if isinstance(reference, str) else None
    default = POINTS.get(op_name, GENERIC_POINTS if arity == 1 else GENERIC_PAIRS)
    points = _as_points(default if points is None else points, arity)
    name = getattr(rule, "__name__", "your function")
    local = _is_rule(rule, points[0])
    evaluate = (lambda xs: _call_rule(rule, xs, arity)) if local else (lambda xs: _call_values(rule, xs))
    kind = "local derivative" if local else "gradient from backward()"
    for xs in points:
        where = _where(xs)
        try:
            value, grads = evaluate(xs)
        except _StudentError as error:
            cause = error.__cause__
            if cause is None:
                raise AssertionError(f"{name} at {where}: {error}") from None
            raise AssertionError(
                f"{name} raised {type(cause).__name__} at {where}: {cause}\nHint: "
                + _exception_hint(cause, op_name, xs)
            ) from cause
        expected_value, expected_grads = _reference_at(ref, xs) if ref is not None else (None, None)
        if expected_value is not None and not _close(value, expected_value, rtol, atol):
            raise AssertionError(
                f"{name}: the forward value at {where} is wrong: yours {value!r}, "
                f"{ref_name} gives {expected_value!r}.\nHint: get the forward value right "
                "first; the derivative is checked next."
            )
        numerical = _central_differences(evaluate, xs, op_name)
        for i, got in enumerate(grads):
            wrt = "x" if arity == 1 else "abcdefgh"[i]
            # the reference first (it also decides at kinks), then central differences
            for source, want in ((ref_name, expected_grads and expected_grads[i]),
                                 ("central differences of your forward", numerical[i])):
                if want is None or _close(got, want, rtol, atol):
                    continue
                fd = (f", central differences of your forward give {numerical[i]!r}"
                      if numerical[i] is not None and source == ref_name else "")
                raise AssertionError(
                    f"{name}: the {kind} d/d{wrt} at {where} is wrong: yours {got!r}, "
                    f"{source} gives {want!r}{fd}.\nHint: "
                    + _derivative_hint(op_name, xs, i, grads, expected_grads, expected_value)
                )
    if verbose:
        checks = "forward value, " if ref is not None else ""
        print(f"check_backward: {name} matches {ref_name} at {len(points)} points "
              f"({checks}{kind}, central differences).")


def _where(xs: tuple[float, ...]) -> str:
    return f"x = {xs[0]!r}" if len(xs) == 1 else "(" + ", ".join(f"{n} = {x!r}" for n, x in zip("abcdefgh", xs)) + ")"


def _central_differences(evaluate, xs: tuple[float, ...], op_name) -> list[float | None]:
    """(f(x + h) - f(x - h)) / 2h for each input; None where it does not apply (kinks, domain edges)."""
    result = []
    for i, x in enumerate(xs):
        h = 1e-6 * max(1.0, abs(x))
        if (op_name in KINKS and abs(x - KINKS[op_name]) < 2 * h) or (
                op_name in POSITIVE_DOMAIN and x - h <= 0.0):
            result.append(None)
            continue
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        try:
            result.append((evaluate(tuple(up))[0] - evaluate(tuple(down))[0]) / (2.0 * h))
        except _StudentError:
            result.append(None)
    return result


def _exception_hint(error: BaseException, op_name, xs) -> str:
    if isinstance(error, NotImplementedError):
        return "the TODO is not done yet: replace `raise NotImplementedError` with your code."
    if isinstance(error, OverflowError):
        return (f"an intermediate result overflows at {_where(xs)}: math.exp overflows past about "
                "709.78. Write the op in a stable form (math.tanh; for σ(x) use exp(-|x|) only, "
                "which is at most 1).")
    if isinstance(error, ZeroDivisionError):
        return f"a division by zero at {_where(xs)}: is this point in the op's domain? Check the denominators."
    return "read the traceback above this message."


def _derivative_hint(op_name, xs, i, grads, expected_grads, expected_value) -> str:
    got = grads[i]
    if expected_grads is not None:
        want = expected_grads[i]
        if want != 0.0 and _close(got, -want, 1e-6, 1e-12):
            return "the sign of the derivative is flipped. " + FORMULAS.get(op_name, "")
        if len(xs) == 2 and _close(grads[0], expected_grads[1], 1e-6, 1e-12) and _close(
                grads[1], expected_grads[0], 1e-6, 1e-12):
            return "the two local derivatives are swapped. " + FORMULAS.get(op_name, "")
        if op_name in FROM_OUTPUT and _close(got, FROM_OUTPUT[op_name](xs[0]), 1e-6, 1e-12):
            return ("you used the input x where the output belongs. " + FORMULAS[op_name])
        if expected_value is not None and got == expected_value and want != expected_value:
            return "you returned the forward value as the derivative. " + FORMULAS.get(op_name, "")
    return FORMULAS.get(op_name, "derive it by hand, then compare with central differences.").strip()
