"""``check_clip_grad_norm``: a student's gradient clipping against ``microopt.optim.clip_grad_norm_``.

The student writes ``clip(params, max_norm) -> total_norm``: it scales every ``p.grad`` by
``min(1, max_norm / (total_norm + 1e-6))`` (PyTorch's rule, 1e-6 guarding a zero norm) and
returns the Euclidean norm of the gradients before clipping.
"""

from __future__ import annotations

from microopt.engine.value import Value
from microopt.exercises._compare import close
from microopt.exercises._guard import DEFAULT_TIME_LIMIT, Delegated, TimeLimitExceeded, checked_time_limit, guard
from microopt.optim.clip import clip_grad_norm_, grad_norm

# The library's own clipping and its overflow-safe norm (the exercise's hard part): refused.
FORBIDDEN = {clip_grad_norm_.__code__: "clip_grad_norm_", grad_norm.__code__: "grad_norm"}

CASES = (  # (gradients, max_norm): clipped, not clipped, exactly at the limit, all zero, one huge
    ((3.0, 4.0), 1.0), ((0.3, -0.4), 1.0), ((3.0, 4.0), 5.0), ((0.0, 0.0, 0.0), 1.0), ((1e200, 1e200), 2.0),
    ((-2.0, 1.0, 2.0), 0.5),
)


def check_clip_grad_norm(student, *, time_limit: float | None = DEFAULT_TIME_LIMIT, verbose: bool = True) -> None:
    """Compare ``student(params, max_norm)`` with ``clip_grad_norm_`` on ``CASES``; raise at the first difference."""
    time_limit = checked_time_limit(time_limit)
    name = getattr(student, "__name__", "your function")
    for grads, max_norm in CASES:
        mine, theirs = [Value(0.0) for _ in grads], [Value(0.0) for _ in grads]
        for a, b, g in zip(mine, theirs, grads):
            a.grad = b.grad = g
        expected = clip_grad_norm_(theirs, max_norm)
        try:
            with guard(time_limit, FORBIDDEN):
                norm = student(mine, max_norm)
        except Delegated as delegated:
            raise AssertionError(f"{name} calls microopt's own {delegated.name}, not yours: the check would compare "
                                 "it with itself. Write it yourself, from the formula.") from None
        except TimeLimitExceeded:
            raise AssertionError(f"{name} did not finish within {time_limit:g} s.\nHint: is there a loop that "
                                 "never ends?") from None
        except NotImplementedError as error:
            raise AssertionError(f"{name} raised NotImplementedError: {error}\nHint: the TODO is not done yet: "
                                 "replace `raise NotImplementedError` with your code.") from error
        where = f"gradients {list(grads)}, max_norm={max_norm}"
        if not isinstance(norm, (int, float)) or not close(float(norm), expected, 1e-9, 1e-12):
            raise AssertionError(f"{name} returned {norm!r} for {where}; the total norm before clipping is "
                                 f"{expected!r}.\nHint: return √(Σ g²) of the gradients as they were before "
                                 "scaling (for 1e200, divide by the largest |g| first so g² cannot overflow).")
        for i, (a, b) in enumerate(zip(mine, theirs)):
            if not close(a.grad, b.grad, 1e-9, 1e-300):
                hint = ("the gradients must not change when the norm is below max_norm."
                        if expected <= max_norm else
                        "scale every gradient by max_norm / (total_norm + 1e-6), the same factor for all.")
                raise AssertionError(f"{name}: for {where}, gradient {i} is {a.grad!r} after clipping, "
                                     f"expected {b.grad!r}.\nHint: {hint}")
    if verbose:
        print(f"check_clip_grad_norm: {name} matches clip_grad_norm_ on {len(CASES)} cases.")
