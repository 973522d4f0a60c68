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
from dataclasses import dataclass
from typing import Callable, Sequence

from microopt.engine.value import Value
from microopt.exercises._compare import close
from microopt.exercises._guard import (DEFAULT_TIME_LIMIT, Deadline, Delegated, TimeLimitExceeded,
                                       checked_time_limit, guard)
from microopt.exercises._ops import OpSpec, library_code, lookup

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
    "add": _PAIRS,
    "sub": _PAIRS,
    "mul": _PAIRS,
    "div": ((2.0, -3.0), (-1.5, 0.25), (0.0, 5.0), (1e3, 7.0), (1.0, 1e-3)),
    "pow": ((2.0, 3.0), (0.5, -1.5), (3.0, 0.5), (1.0, 10.0), (4.0, 0.0)),
}
GENERIC_POINTS = (-2.0, -0.5, 0.0, 0.5, 2.0)
GENERIC_PAIRS = ((2.0, -3.0), (-1.5, 0.5), (0.5, 2.0), (1.0, 1.0))
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
    "add": "d(a + b)/da = 1 and d(a + b)/db = 1.",
    "sub": "d(a - b)/da = 1 and d(a - b)/db = -1.",
    "mul": "d(ab)/da = b and d(ab)/db = a: each derivative is the *other* input.",
    "div": "d(a/b)/da = 1/b and d(a/b)/db = -a/b².",
    "pow": "d(aᵇ)/da = b aᵇ⁻¹ and d(aᵇ)/db = aᵇ log a.",
}
# Derivatives best written with the output y: a student who uses the input x instead...
FROM_OUTPUT = {"tanh": lambda y: 1 - y * y, "sigmoid": lambda y: y * (1 - y), "exp": lambda y: y}


@dataclass(frozen=True)
class BackwardMistake:
    """A mistaken derivative, derived from the reference's: ``wrong(xs, value, grads) -> grads``."""

    name: str
    hint: str
    wrong: Callable[[tuple, float, list], list | None]


MISTAKES = (
    BackwardMistake("sign flipped", "the sign of the derivative is flipped.",
                    lambda xs, y, d: [-g for g in d] if any(d) else None),
    BackwardMistake("derivatives swapped", "the two local derivatives are swapped.",
                    lambda xs, y, d: d[::-1] if len(d) == 2 and d[0] != d[1] else None),
    BackwardMistake("forward value as derivative", "you returned the forward value as the derivative.",
                    lambda xs, y, d: [y] * len(d) if [y] * len(d) != d else None),
    BackwardMistake("factor of 2", "the derivative is off by a factor of 2.",
                    lambda xs, y, d: [2 * g for g in d] if any(d) else None),
    BackwardMistake("half", "the derivative is half what it should be (a factor 2 lost).",
                    lambda xs, y, d: [g / 2 for g in d] if any(d) else None),
)


def _reference_function(reference) -> tuple[Callable[..., Value] | None, str, int | None, OpSpec | None]:
    """(function on Values, display name, arity, registry entry) for an op name, a callable, or None."""
    if reference is None:
        return None, "central differences", None, None
    if isinstance(reference, str):
        op = lookup(reference)
        if op.constants:  # the first sample constant (leaky_relu's slope 0.01, mul_const's c)
            c = op.constants[0]
            return (lambda *xs: op.apply(*xs, c)), reference, 1, op
        return op.apply, reference, (op.arity if op.arity > 0 else 3), op
    if callable(reference):
        return reference, getattr(reference, "__name__", "reference"), _arity(reference), None
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
                   time_limit: float | None = DEFAULT_TIME_LIMIT, verbose: bool = True) -> None:
    """Check a student's operation against the reference op and central differences.

    ``rule`` is a rule on floats returning ``(value, derivative)`` (or ``(value, (d/da,
    d/db))`` for two inputs), or a function on Values returning a Value. ``reference`` is an
    op of the engine's registry ("tanh", "sigmoid", "exp", "log", "sqrt", "relu", "abs",
    "mul" or "*", "div" or "/", ...), a function on Values (``lambda x: x.tanh()``), or None
    to check the derivative against central differences of your own forward only. ``points``
    overrides the test points (numbers, or tuples for several inputs). Derivatives agree when
    ``|yours - expected| <= atol + rtol * max(|yours|, |expected|)``.

    At a kink (relu, abs at 0) any subgradient is accepted, with a note when it is not
    PyTorch's convention (relu'(0) = 1 instead of 0). Your function has ``time_limit``
    seconds, and may not call the engine's own op (that would check the engine, not you).

    Raises ``AssertionError`` at the first wrong point, with the values and a hint; prints one
    line on success (unless ``verbose=False``).

    >>> import math
    >>> def tanh_rule(x):
    ...     t = math.tanh(x)
    ...     return t, 1 - t * t
    >>> check_backward(tanh_rule, "tanh")
    check_backward: tanh_rule matches tanh at 9 points (forward value, local derivative, central differences).
    """
    time_limit = checked_time_limit(time_limit)
    if not callable(rule):
        raise AssertionError(f"check_backward needs your function, got {rule!r}: pass it without calling it.")
    ref, ref_name, arity, op = _reference_function(reference)
    arity = arity or _arity(rule) or 1
    op_name = op.name if op is not None else None
    name = getattr(rule, "__name__", "your function")
    forbidden = library_code(op) if op is not None else {}
    if getattr(rule, "__code__", None) in forbidden or rule is getattr(op, "apply", None):
        raise AssertionError(f"{name} is the engine's own {ref_name}, not yours: the check would compare it "
                             "with itself. Write it yourself: a rule on floats returning (value, derivative).")
    if op is not None and op.constants and _arity(rule) == 2:  # a rule taking the constant too: rule(a, c)
        rule = _with_constant(rule, op.constants[0])
    default = POINTS.get(op_name) or _domain_points(op, arity) or (GENERIC_POINTS if arity == 1 else GENERIC_PAIRS)
    points = _as_points(default if points is None else points, arity)
    deadline = Deadline(time_limit)

    def guarded(*xs):
        with guard(deadline.remaining(), forbidden):
            return rule(*xs)

    guarded.__name__ = name
    try:
        kind, notes = _check_points(guarded, name, ref, ref_name, op, arity, points, rtol, atol)
    except Delegated as error:
        raise AssertionError(f"{name} calls the engine's own {error.name}, not yours: the check would compare "
                             "it with itself. Write it yourself, with math functions on floats.") from None
    except TimeLimitExceeded:
        raise AssertionError(f"{name} did not finish within {time_limit:g} s.\nHint: is there a loop that never "
                             "ends? If your code is just slow, pass a longer time_limit= to the check.") from None
    if verbose:
        checks = "forward value, " if ref is not None else ""
        print(f"check_backward: {name} matches {ref_name} at {len(points)} points "
              f"({checks}{kind}, central differences)." + "".join(f"\n  note: {n}" for n in notes))


def _domain_points(op: OpSpec | None, arity: int) -> list[tuple[float, ...]]:
    """Points inside the registry's domain of ``op`` (for ops without points of their own)."""
    if op is None or not op.domain:
        return []
    intervals = [op.domain[min(i, len(op.domain) - 1)] for i in range(arity)]
    fractions = ((0.1, 0.6, 0.35), (0.9, 0.2, 0.75), (0.35, 0.9, 0.1), (0.6, 0.35, 0.9))
    return [tuple(lo + (hi - lo) * f[i % 3] for i, (lo, hi) in enumerate(intervals)) for f in fractions]


def _with_constant(rule: Callable, c: float) -> Callable:
    def with_constant(a):
        return rule(a, c)

    with_constant.__name__ = getattr(rule, "__name__", "your function")
    return with_constant


def _check_points(rule, name, ref, ref_name, op, arity, points, rtol, atol) -> tuple[str, list[str]]:
    """Compare at every point; raise AssertionError at the first wrong one; return (what, notes)."""
    op_name = op.name if op is not None else None
    local = _is_rule(rule, points[0])
    evaluate = (lambda xs: _call_rule(rule, xs, arity)) if local else (lambda xs: _call_values(rule, xs))
    kind = "local derivative" if local else "gradient from backward()"
    notes = []
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
        if expected_value is not None and not close(value, expected_value, rtol, atol):
            raise AssertionError(
                f"{name}: the forward value at {where} is wrong: yours {value!r}, "
                f"{ref_name} gives {expected_value!r}.\nHint: get the forward value right "
                "first; the derivative is checked next."
            )
        kink = _at_kink(op, xs)
        numerical = [None] * arity if kink else _central_differences(evaluate, xs, op_name)
        for i, got in enumerate(grads):
            wrt = "x" if arity == 1 else "abcdefgh"[i]
            if kink and expected_grads is not None:
                low, high = _one_sided(ref, xs, i)
                if min(low, high) - atol <= got <= max(low, high) + atol:
                    if not close(got, expected_grads[i], rtol, atol):
                        notes.append(f"your derivative at the kink {where} is {got!r}; PyTorch (and microopt) "
                                     f"use {expected_grads[i]!r} there. Any value between the one-sided "
                                     f"derivatives {low!r} and {high!r} is a valid subgradient: a convention.")
                    continue
            # the reference first, then central differences
            for source, want in ((ref_name, expected_grads and expected_grads[i]),
                                 ("central differences of your forward", numerical[i])):
                if want is None or close(got, want, rtol, atol):
                    continue
                fd = (f", central differences of your forward give {numerical[i]!r}"
                      if numerical[i] is not None and source == ref_name else "")
                raise AssertionError(
                    f"{name}: the {kind} d/d{wrt} at {where} is wrong: yours {got!r}, "
                    f"{source} gives {want!r}{fd}.\nHint: "
                    + _derivative_hint(op_name, xs, i, grads, expected_grads, expected_value)
                )
    return kind, notes


def _at_kink(op: OpSpec | None, xs: tuple[float, ...]) -> bool:
    return op is not None and any(abs(x - k) < 1e-9 for x in xs for k in op.kinks)


def _one_sided(ref: Callable, xs: tuple[float, ...], i: int, h: float = 1e-6) -> tuple[float, float]:
    """The reference's derivative just left and just right of a kink."""
    left, right = list(xs), list(xs)
    left[i] -= h
    right[i] += h
    return _reference_at(ref, tuple(left))[1][i], _reference_at(ref, tuple(right))[1][i]


def _where(xs: tuple[float, ...]) -> str:
    return f"x = {xs[0]!r}" if len(xs) == 1 else "(" + ", ".join(f"{n} = {x!r}" for n, x in zip("abcdefgh", xs)) + ")"


def _central_differences(evaluate, xs: tuple[float, ...], op_name) -> list[float | None]:
    """(f(x + h) - f(x - h)) / 2h for each input; None where it does not apply (domain edges)."""
    result = []
    for i, x in enumerate(xs):
        h = 1e-6 * max(1.0, abs(x))
        if op_name in POSITIVE_DOMAIN and x - h <= 0.0:
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
    """The first mistake (derived from the reference's derivative) that gives the student's numbers."""
    formula = FORMULAS.get(op_name, "")
    if expected_grads is not None:
        if op_name in FROM_OUTPUT and close(grads[i], FROM_OUTPUT[op_name](xs[0]), 1e-6, 1e-12):
            return "you used the input x where the output belongs. " + formula
        for mistake in MISTAKES:
            wrong = mistake.wrong(xs, expected_value, list(expected_grads))
            if wrong is not None and all(close(a, b, 1e-6, 1e-12) for a, b in zip(grads, wrong)):
                return f"{mistake.hint} {formula}".strip()
    return formula or "derive it by hand, then compare with central differences."
