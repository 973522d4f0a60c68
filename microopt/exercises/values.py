"""``check_value``: a number the student predicted or measured, against the one the check computes.

Exercises that ask for a prediction or a reason (the stability limit 2/L of a quadratic, the
size of Adam's first step, a learning-rate window) are graded by numbers: the student writes
the number, the check computes it independently and compares.
"""

from __future__ import annotations

from numbers import Real

from microopt.exercises._compare import close


def check_value(yours: object, expected: float, name: str, *, rtol: float = 1e-6, atol: float = 1e-12,
                hint: str = "", verbose: bool = True) -> None:
    """Raise ``AssertionError`` unless ``yours`` is a number within ``rtol``/``atol`` of ``expected``.

    >>> check_value(2 / 4.0, 0.5, "the stability limit 2/L")
    check_value: the stability limit 2/L = 0.5, as expected.
    """
    if yours is None or yours is Ellipsis:
        raise AssertionError(f"{name}: no answer yet (it is {yours!r}).\nHint: the TODO is not done yet: "
                             "replace it with your number.")
    if isinstance(yours, bool) or not isinstance(yours, Real):
        raise AssertionError(f"{name}: your answer {yours!r} is not a number.\nHint: write a number "
                             "(or an expression that gives one).")
    if not close(float(yours), float(expected), rtol, atol):
        message = f"{name}: yours {float(yours)!r}, expected {float(expected)!r}."
        raise AssertionError(message + (f"\nHint: {hint}" if hint else ""))
    if verbose:
        print(f"check_value: {name} = {float(yours):.6g}, as expected.")


def check_sequence(yours, expected, name: str, *, rtol: float = 1e-9, atol: float = 1e-12, hint: str = "",
                   verbose: bool = True) -> None:
    """Raise ``AssertionError`` at the first entry of ``yours`` that differs from ``expected``."""
    try:
        yours = [float(x) for x in yours]
    except (TypeError, ValueError):
        raise AssertionError(f"{name}: your answer {yours!r} is not a sequence of numbers.") from None
    if len(yours) != len(expected):
        raise AssertionError(f"{name}: yours has {len(yours)} entries, expected {len(expected)}.")
    for i, (a, b) in enumerate(zip(yours, expected)):
        if not close(a, b, rtol, atol):
            raise AssertionError(f"{name}: entry {i} is {a!r}, expected {float(b)!r}."
                                 + (f"\nHint: {hint}" if hint else ""))
    if verbose:
        print(f"check_sequence: {name} matches at all {len(yours)} entries.")
